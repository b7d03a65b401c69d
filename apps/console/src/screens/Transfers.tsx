/**
 * 调拨 Transfers: transfers between stores and suppliers' deliveries, with
 * their status (draft → ready → shipped → received); a transfer's detail
 * shows each line's quantities at every step with discrepancies
 * highlighted, who confirmed each step on which device, and a cancel
 * button before it is shipped (`inventory:edit`).
 */
import { useState } from 'react';
import {
  TRANSFER_STATUSES,
  type TransferLine,
  type TransferOrder,
  type TransferStatus,
} from '@pos/domain';
import { mayCancelTransfer } from '../access';
import { STATUS_WORDS } from '../messages';
import {
  DataTable,
  EmptyDetail,
  ErrorBanner,
  FreshnessLine,
  StorePicker,
  failureText,
  useConsole,
  useLive,
  useStore,
  when,
  type Column,
} from '../kit';

/** The steps a transfer goes through, in order; a delivery starts shipped. */
const FLOW: Record<TransferOrder['kind'], TransferStatus[]> = {
  transfer: ['draft', 'ready', 'shipped', 'received'],
  delivery: ['shipped', 'received'],
};

function StatusSteps({ status, kind }: { status: TransferStatus; kind: TransferOrder['kind'] }) {
  const { t } = useConsole();
  if (status === 'cancelled') {
    return <span className="status-chip cancelled">{t(STATUS_WORDS.cancelled)}</span>;
  }
  const flow = FLOW[kind];
  const reached = flow.indexOf(status);
  return (
    <span className="steps" data-status={status}>
      {flow.map((step, i) => (
        <span
          key={step}
          className={i < reached ? 'step done' : i === reached ? 'step current' : 'step'}
        >
          {t(STATUS_WORDS[step])}
        </span>
      ))}
    </span>
  );
}

export function Transfers() {
  const { t, api, language } = useConsole();
  const [store, setStore] = useStore(true);
  const [status, setStatus] = useState<TransferStatus | ''>('');
  const [chosen, setChosen] = useState<string | null>(null);
  const list = useLive(
    (signal) =>
      api.transfers({ ...(store ? { store } : {}), ...(status ? { status } : {}) }, signal),
    `${store}|${status}`,
  );
  const rows = list.data?.transfers ?? [];
  const columns: Column<TransferOrder>[] = [
    {
      header: t('Transfer'),
      value: (o) => o.id,
      render: (o) => <span className="mono">{o.id}</span>,
    },
    { header: t('Kind'), value: (o) => t(o.kind === 'delivery' ? 'Delivery' : 'Transfer') },
    { header: t('From'), value: (o) => o.from },
    { header: t('To'), value: (o) => o.to },
    {
      header: t('Status'),
      value: (o) => t(STATUS_WORDS[o.status]),
      render: (o) => <StatusSteps status={o.status} kind={o.kind} />,
    },
    { header: t('Units'), value: (o) => o.lines.reduce((n, l) => n + l.quantity, 0), number: true },
    {
      header: t('Discrepancies'),
      value: (o) => o.lines.filter((l) => l.discrepancy).length,
      number: true,
    },
    { header: t('Created'), value: (o) => o.createdAt, render: (o) => when(language, o.createdAt) },
    { header: t('Reason'), value: (o) => o.reason },
  ];
  const picked = rows.find((o) => o.id === chosen) ?? null;

  return (
    <main className="screen-body">
      <section className="toolbar">
        <h1>{t('Transfers')}</h1>
        <StorePicker value={store} onChange={setStore} allowAll />
        <label className="picker">
          {t('Status')}
          <select value={status} onChange={(e) => setStatus(e.target.value as TransferStatus | '')}>
            <option value="">{t('All')}</option>
            {TRANSFER_STATUSES.map((s) => (
              <option key={s} value={s}>
                {t(STATUS_WORDS[s])}
              </option>
            ))}
          </select>
        </label>
        <FreshnessLine at={list.at} />
      </section>
      <ErrorBanner text={list.error} />
      <section className="master-detail">
        <DataTable
          title={t('Transfers and deliveries')}
          name="transfers"
          columns={columns}
          rows={rows}
          rowKey={(o) => o.id}
          rowClass={(o) => (o.lines.some((l) => l.discrepancy) ? 'warn' : undefined)}
          onRow={(o) => setChosen(o.id)}
          selected={chosen}
          file={`transfers${store ? `_${store}` : ''}${status ? `_${status}` : ''}`}
          empty={t('No transfers here')}
        />
        {picked ? (
          <TransferPanel order={picked} onChanged={list.reload} />
        ) : (
          <EmptyDetail hint={t('Choose a transfer to see its lines')} />
        )}
      </section>
    </main>
  );
}

function TransferPanel({ order, onChanged }: { order: TransferOrder; onChanged: () => void }) {
  const { t, api, language, session } = useConsole();
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const cancel = async () => {
    setBusy(true);
    setProblem(null);
    try {
      await api.cancelTransfer(order.id);
      onChanged();
    } catch (failure) {
      setProblem(failureText(t, failure));
    } finally {
      setBusy(false);
    }
  };
  const quantity = (n: number | undefined) => (n === undefined ? '–' : String(n));
  const columns: Column<TransferLine>[] = [
    { header: t('SKU'), value: (l) => l.sku },
    { header: t('Name'), value: (l) => l.name },
    { header: t('Asked'), value: (l) => l.quantity, number: true },
    {
      header: t('Picked'),
      value: (l) => l.picked ?? null,
      render: (l) => quantity(l.picked),
      number: true,
    },
    {
      header: t('Shipped'),
      value: (l) => l.shipped ?? null,
      render: (l) => quantity(l.shipped),
      number: true,
    },
    {
      header: t('Received'),
      value: (l) => l.received ?? null,
      render: (l) => quantity(l.received),
      number: true,
    },
    {
      header: t('Discrepancy'),
      value: (l) => l.discrepancy ?? null,
      number: true,
      render: (l) =>
        l.discrepancy === undefined
          ? '–'
          : l.discrepancy > 0
            ? `+${l.discrepancy}`
            : String(l.discrepancy),
    },
    { header: t('Scanned tags'), value: (l) => l.epcs?.length ?? null, number: true },
  ];
  return (
    <section className="panel detail-panel" aria-label={t('Transfer')} data-transfer={order.id}>
      <div className="panel-head">
        <h2>
          {t(order.kind === 'delivery' ? 'Delivery' : 'Transfer')}{' '}
          <span className="mono">{order.id}</span>
        </h2>
        {mayCancelTransfer(session, order) && (
          <button
            type="button"
            className="chip danger"
            disabled={busy}
            onClick={() => void cancel()}
          >
            {t('Cancel transfer')}
          </button>
        )}
      </div>
      <p>
        {order.from} → {order.to} · <StatusSteps status={order.status} kind={order.kind} />
      </p>
      <ErrorBanner text={problem} />
      <DataTable
        title={t('Lines')}
        name="transfer-lines"
        columns={columns}
        rows={order.lines}
        rowKey={(l) => l.sku}
        rowClass={(l) => (l.discrepancy ? 'bad' : undefined)}
        file={`transfer_${order.id}`}
        empty={t('No lines')}
      />
      <h3>{t('Steps confirmed by scan')}</h3>
      {order.steps.length ? (
        <ol className="resolutions">
          {order.steps.map((s) => (
            <li key={s.stepId}>
              <strong>{t(STATUS_WORDS[s.step])}</strong> · {when(language, s.at)} · {s.staffId} ·{' '}
              <span className="mono">{s.deviceId}</span>
            </li>
          ))}
        </ol>
      ) : (
        <p className="empty">{t('No step confirmed yet')}</p>
      )}
    </section>
  );
}
