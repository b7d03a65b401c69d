/**
 * 价签 Shelf labels, one store at a time: labels by status, the label table
 * (filtered to the failed ones, say), each push batch with its progress and
 * time to 95 % acknowledged, the price-integrity mismatches (the shelf
 * shows another price than the till charges), and, for those who may change
 * prices, a price change in force from a store-local time.
 */
import { useState, type FormEvent } from 'react';
import type {
  IntegrityMismatch,
  LabelAckStatus,
  LabelPushView,
  LabelView,
  PriceChangeAnswer,
} from '@pos/domain';
import { fenOfYuan, localToInstant, secondsTo95, share, yuan } from '../format';
import { LABEL_STATUS_WORDS, MISMATCH_WORDS } from '../messages';
import {
  Ago,
  DataTable,
  ErrorBanner,
  Figure,
  FreshnessLine,
  STORE_UTC_OFFSET_MINUTES,
  StorePicker,
  failureText,
  useCan,
  useConsole,
  useLive,
  useStore,
  when,
  type Column,
} from '../kit';

const STATUSES: (LabelAckStatus | 'unbound')[] = ['pending', 'acked', 'failed', 'unbound'];
/** The most labels the table lists at once (a store has a few thousand). */
const LABEL_LIMIT = 500;

export function Labels() {
  const { t, api, language } = useConsole();
  const [store, setStore] = useStore(false);
  const [status, setStatus] = useState<LabelAckStatus | 'unbound' | ''>('');
  const mayPrice = useCan('prices:edit');
  const labels = useLive(
    (signal) =>
      store
        ? api.labels({ store, limit: LABEL_LIMIT, ...(status ? { status } : {}) }, signal)
        : Promise.resolve(null),
    `l|${store}|${status}`,
  );
  const pushes = useLive(
    (signal) => (store ? api.labelPushes(store, signal) : Promise.resolve([])),
    `p|${store}`,
  );
  const integrity = useLive(
    (signal) => (store ? api.integrity(store, signal) : Promise.resolve(null)),
    `i|${store}`,
  );
  const counts = labels.data?.counts;
  const price = (fen: number | null) => (fen === null ? '–' : yuan(language, fen));

  const labelColumns: Column<LabelView>[] = [
    {
      header: t('Label'),
      value: (l) => l.labelId,
      render: (l) => <span className="mono">{l.labelId}</span>,
    },
    { header: t('SKU'), value: (l) => l.sku ?? '' },
    { header: t('Name'), value: (l) => l.desired?.name ?? '' },
    { header: t('Price'), value: (l) => price(l.desired?.priceFen ?? null), number: true },
    { header: t('Shown'), value: (l) => price(l.shownPriceFen), number: true },
    {
      header: t('Status'),
      value: (l) => t(LABEL_STATUS_WORDS[l.status]),
      render: (l) => (
        <span className={`status-chip ${l.status}`}>{t(LABEL_STATUS_WORDS[l.status])}</span>
      ),
    },
    {
      header: t('Last acknowledged'),
      value: (l) => l.lastAckAt,
      render: (l) => <Ago iso={l.lastAckAt} />,
    },
    {
      header: t('Battery'),
      value: (l) => (l.batteryPct === null ? null : `${l.batteryPct}%`),
      number: true,
    },
    { header: t('Last error'), value: (l) => l.lastError ?? '' },
  ];
  const pushColumns: Column<LabelPushView>[] = [
    {
      header: t('Push'),
      value: (p) => p.pushId,
      render: (p) => <span className="mono">{p.pushId}</span>,
    },
    { header: t('Reason'), value: (p) => p.reason },
    {
      header: t('Effective'),
      value: (p) => p.effectiveAt,
      render: (p) => when(language, p.effectiveAt),
    },
    { header: t('Labels'), value: (p) => p.labels, number: true },
    {
      header: t('Acknowledged'),
      value: (p) => p.acked,
      number: true,
      render: (p) => (
        <>
          <span className="rate-track" aria-hidden="true">
            <span
              className="rate-bar"
              style={{ width: share(p.acked, p.labels).replace('–', '0%') }}
            />
          </span>
          {p.acked} ({share(p.acked, p.labels)})
        </>
      ),
    },
    { header: t('Failed'), value: (p) => p.failed, number: true },
    {
      header: t('Time to 95 %'),
      value: (p) => secondsTo95(p),
      number: true,
      render: (p) => {
        const seconds = secondsTo95(p);
        return seconds === null ? t('Not yet') : t('{n} s', { n: seconds });
      },
    },
  ];
  const mismatchColumns: Column<IntegrityMismatch>[] = [
    {
      header: t('Label'),
      value: (m) => m.labelId,
      render: (m) => <span className="mono">{m.labelId}</span>,
    },
    { header: t('SKU'), value: (m) => m.sku },
    { header: t('Shelf shows'), value: (m) => price(m.shelfFen), number: true },
    { header: t('Till charges'), value: (m) => price(m.tillFen), number: true },
    { header: t('Why'), value: (m) => t(MISMATCH_WORDS[m.reason]) },
    { header: t('Since'), value: (m) => m.since, render: (m) => when(language, m.since) },
  ];

  return (
    <main className="screen-body">
      <section className="toolbar">
        <h1>{t('Shelf labels')}</h1>
        <StorePicker value={store} onChange={setStore} allowAll={false} />
        <FreshnessLine at={labels.at} />
      </section>
      {!store && <p className="hint">{t('Choose a store')}</p>}
      {store && (
        <>
          <ErrorBanner text={labels.error ?? pushes.error ?? integrity.error} />
          <section className="totals five">
            {STATUSES.map((s) => (
              <Figure
                key={s}
                name={`labels-${s}`}
                label={t(LABEL_STATUS_WORDS[s])}
                value={counts ? String(counts[s] ?? 0) : '–'}
                tone={s === 'failed' && counts?.failed ? 'bad' : undefined}
              />
            ))}
            <Figure
              name="mismatches"
              label={t('Shelf-price mismatches')}
              value={integrity.data ? String(integrity.data.mismatches.length) : '–'}
              tone={integrity.data?.mismatches.length ? 'bad' : undefined}
              note={
                integrity.data ? t('{n} labels checked', { n: integrity.data.checked }) : undefined
              }
            />
          </section>
          {mayPrice && store && <PriceChange />}
          <DataTable
            title={t('Price integrity: shelf and till differ')}
            name="integrity"
            columns={mismatchColumns}
            rows={integrity.data?.mismatches ?? []}
            rowKey={(m) => m.labelId}
            rowClass={() => 'bad'}
            file={`price-integrity_${store}`}
            empty={t('Every label shows what the till charges')}
          />
          <DataTable
            title={t('Push batches')}
            name="pushes"
            columns={pushColumns}
            rows={pushes.data ?? []}
            rowKey={(p) => p.pushId}
            file={`label-pushes_${store}`}
            empty={t('No pushes yet')}
          />
          <DataTable
            title={t('Labels')}
            name="labels"
            columns={labelColumns}
            rows={labels.data?.labels ?? []}
            rowKey={(l) => l.labelId}
            rowClass={(l) => (l.status === 'failed' ? 'bad' : undefined)}
            file={`labels_${store}${status ? `_${status}` : ''}`}
            empty={t('No labels here')}
            actions={
              <span className="period">
                {(['', ...STATUSES] as const).map((s) => (
                  <button
                    key={s}
                    type="button"
                    className={s === status ? 'chip small selected' : 'chip small'}
                    aria-pressed={s === status}
                    onClick={() => setStatus(s)}
                  >
                    {s ? t(LABEL_STATUS_WORDS[s]) : t('All')}
                  </button>
                ))}
              </span>
            }
          />
        </>
      )}
    </main>
  );
}

function PriceChange() {
  const { t, api, language } = useConsole();
  const [sku, setSku] = useState('');
  const [priceList, setPriceList] = useState('CN-LIST');
  const [amount, setAmount] = useState('');
  const [effective, setEffective] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [done, setDone] = useState<PriceChangeAnswer | null>(null);
  const fen = fenOfYuan(amount);
  const at = effective ? localToInstant(effective, STORE_UTC_OFFSET_MINUTES) : null;
  const ready = !!sku.trim() && !!priceList.trim() && fen !== null && (!effective || at !== null);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!ready || fen === null) return;
    setProblem(null);
    setDone(null);
    try {
      setDone(
        await api.changePrice({
          sku: sku.trim(),
          priceList: priceList.trim(),
          amountFen: fen,
          ...(at ? { effectiveAt: at } : {}),
        }),
      );
    } catch (failure) {
      setProblem(failureText(t, failure));
    }
  };
  return (
    <form
      className="panel table-panel inline-form price-form"
      onSubmit={(e) => void submit(e)}
      aria-label={t('Change a price')}
    >
      <h2>{t('Change a price')}</h2>
      <label>
        {t('SKU')}
        <input value={sku} onChange={(e) => setSku(e.target.value)} size={12} />
      </label>
      <label>
        {t('Price list')}
        <input value={priceList} onChange={(e) => setPriceList(e.target.value)} size={10} />
      </label>
      <label>
        {t('New price (¥)')}
        <input
          value={amount}
          onChange={(e) => setAmount(e.target.value)}
          inputMode="decimal"
          size={8}
        />
      </label>
      <label>
        {t('In force from (store time; empty: now)')}
        <input
          type="datetime-local"
          value={effective}
          onChange={(e) => setEffective(e.target.value)}
        />
      </label>
      <button type="submit" className="primary" disabled={!ready}>
        {t('Change price')}
      </button>
      {amount && fen === null && <span className="error">{t('A price in yuan, e.g. 59.90')}</span>}
      {done && (
        <span role="status" className="good">
          {t('In force from {time}; {n} labels to push', {
            time: when(language, done.effectiveAt),
            n: done.labelsToPush,
          })}
        </span>
      )}
      <ErrorBanner text={problem} />
    </form>
  );
}
