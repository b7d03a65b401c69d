/**
 * 库存 Inventory, one store at a time: the alerts (ATP at or below the
 * reorder point), the replenishment suggestions with their arithmetic and a
 * button per transfer source and for the purchase, and the safety-stock
 * table (edited inline, imported from a CSV file, or computed from demand
 * with a preview of the working). Changes need `inventory:edit`.
 */
import { useState, type ChangeEvent } from 'react';
import type {
  ComputeSafetyStockAnswer,
  ComputedSafetyStock,
  ReplenishmentSuggestion,
  SafetyStockImportAnswer,
  SafetyStockRow,
  StockAlert,
  TransferSource,
} from '@pos/domain';
import { weeksOfCover, workingSteps, workingText } from '../format';
import { SOURCE_WORDS } from '../messages';
import {
  DataTable,
  ErrorBanner,
  FreshnessLine,
  StorePicker,
  failureText,
  useCan,
  useConsole,
  useLive,
  useStore,
  when,
  type Column,
} from '../kit';

export function Inventory() {
  const { t, api } = useConsole();
  const [store, setStore] = useStore(false);
  const [notice, setNotice] = useState<string | null>(null);
  const alerts = useLive((signal) => api.alerts(store || undefined, signal), `a|${store}`);
  const suggestions = useLive(
    (signal) => (store ? api.replenishment(store, signal) : Promise.resolve({ suggestions: [] })),
    `r|${store}`,
  );
  const stock = useLive(
    (signal) => (store ? api.safetyStock(store, signal) : Promise.resolve({ rows: [] })),
    `s|${store}`,
  );
  const changed = (message: string) => {
    setNotice(message);
    alerts.reload();
    suggestions.reload();
    stock.reload();
  };

  return (
    <main className="screen-body">
      <section className="toolbar">
        <h1>{t('Inventory')}</h1>
        <StorePicker
          value={store}
          onChange={(s) => {
            setStore(s);
            setNotice(null);
          }}
          allowAll={false}
        />
        <FreshnessLine at={alerts.at} />
      </section>
      {notice && (
        <p className="notice banner" role="status">
          {notice}
        </p>
      )}
      {!store && <p className="hint">{t('Choose a store')}</p>}
      {store && (
        <>
          <ErrorBanner text={alerts.error} />
          <AlertsTable rows={alerts.data?.alerts ?? []} store={store} />
          <ErrorBanner text={suggestions.error} />
          <Suggestions
            store={store}
            rows={suggestions.data?.suggestions ?? []}
            onCreated={changed}
          />
          <ErrorBanner text={stock.error} />
          <SafetyStock store={store} rows={stock.data?.rows ?? []} onChanged={changed} />
        </>
      )}
    </main>
  );
}

function AlertsTable({ rows, store }: { rows: readonly StockAlert[]; store: string }) {
  const { t } = useConsole();
  const columns: Column<StockAlert>[] = [
    { header: t('Store'), value: (a) => a.storeId },
    { header: t('SKU'), value: (a) => a.sku },
    { header: t('Name'), value: (a) => a.name },
    { header: t('On hand'), value: (a) => a.onHand, number: true },
    { header: t('ATP'), value: (a) => a.atp, number: true },
    { header: t('Reorder point'), value: (a) => a.reorderPoint, number: true },
    { header: t('Safety stock'), value: (a) => a.safetyStock, number: true },
  ];
  return (
    <DataTable
      title={t('Safety-stock alerts')}
      name="alerts"
      columns={columns}
      rows={rows}
      rowKey={(a) => `${a.storeId}/${a.sku}`}
      rowClass={(a) => (a.atp <= 0 ? 'bad' : 'warn')}
      file={`stock-alerts_${store || 'all'}`}
      empty={t('No SKU is at its reorder point')}
    />
  );
}

/** The arithmetic of a suggestion or a computed safety stock, one numbered step a line. */
function Working({ lines }: { lines: readonly string[] }) {
  return (
    <ol className="working">
      {workingSteps(lines).map((s) => (
        <li key={s.step}>
          <span className="step-no">{s.step}.</span>
          <span className="text">{s.text}</span>
          {s.result !== null && <span className="result">= {s.result}</span>}
        </li>
      ))}
    </ol>
  );
}

function Suggestions({
  store,
  rows,
  onCreated,
}: {
  store: string;
  rows: readonly ReplenishmentSuggestion[];
  onCreated: (message: string) => void;
}) {
  const { t } = useConsole();
  const columns: Column<ReplenishmentSuggestion>[] = [
    { header: t('SKU'), value: (s) => s.sku },
    { header: t('Name'), value: (s) => s.name },
    { header: t('Method'), value: (s) => t(s.method === 'min-max' ? 'Min/max' : 'Reorder point') },
    { header: t('Need'), value: (s) => s.need, number: true },
    {
      header: t('Transfers'),
      value: (s) => s.transfers.map((x) => `${x.fromStore}×${x.quantity}`).join(' '),
    },
    { header: t('Purchase'), value: (s) => s.purchase, number: true },
    { header: t('Working'), value: (s) => workingText(s.working), csvOnly: true },
  ];
  return (
    <section className="suggestions">
      <DataTable
        title={t('Replenishment suggestions')}
        name="replenishment"
        columns={columns}
        rows={rows}
        rowKey={(s) => s.sku}
        file={`replenishment_${store}`}
        empty={t('Nothing to replenish')}
      />
      {rows.map((s) => (
        <SuggestionCard key={s.sku} suggestion={s} onCreated={onCreated} />
      ))}
    </section>
  );
}

function SuggestionCard({
  suggestion: s,
  onCreated,
}: {
  suggestion: ReplenishmentSuggestion;
  onCreated: (message: string) => void;
}) {
  const { t, api } = useConsole();
  const mayEdit = useCan('inventory:edit');
  const [supplier, setSupplier] = useState('');
  const [reference, setReference] = useState('');
  const [busy, setBusy] = useState<string | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const act = async (what: string, work: () => Promise<{ id: string }>, words: string) => {
    setBusy(what);
    setProblem(null);
    try {
      const made = await work();
      onCreated(t(words, { id: made.id, sku: s.sku }));
    } catch (failure) {
      setProblem(failureText(t, failure));
    } finally {
      setBusy(null);
    }
  };
  const transfer = (source: TransferSource) =>
    act(
      source.fromStore,
      () =>
        api.createTransfer({
          from: source.fromStore,
          to: s.storeId,
          lines: [{ sku: s.sku, quantity: source.quantity }],
          reason: `replenishment ${s.sku}`,
        }),
      'Transfer {id} created as a draft for {sku}',
    );
  const deliver = () =>
    act(
      'purchase',
      () =>
        api.createDelivery({
          supplier: supplier.trim(),
          to: s.storeId,
          lines: [{ sku: s.sku, quantity: s.purchase }],
          reference: reference.trim(),
        }),
      'Delivery {id} created for {sku}',
    );
  return (
    <article className="panel suggestion" data-suggestion={s.sku}>
      <div className="panel-head">
        <h2>
          {s.sku} · {s.name}
        </h2>
        <span className="hint">
          {t(s.method === 'min-max' ? 'Min/max' : 'Reorder point')} · {t('Need {n}', { n: s.need })}
        </span>
      </div>
      <div className="suggestion-body">
        <div>
          <h3>{t('Working')}</h3>
          <Working lines={s.working} />
        </div>
        <div>
          <h3>{t('Transfers first')}</h3>
          {s.transfers.length ? (
            <table>
              <thead>
                <tr>
                  <th>{t('From')}</th>
                  <th className="number">{t('Quantity')}</th>
                  <th className="number">{t('Distance')}</th>
                  <th className="number">{t('Weeks of cover')}</th>
                  <th className="number">{t('Sold per week')}</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {s.transfers.map((x) => (
                  <tr key={x.fromStore}>
                    <td>{x.fromStore}</td>
                    <td className="number">{x.quantity}</td>
                    <td className="number">{x.distanceKm.toFixed(1)} km</td>
                    <td className="number">
                      {weeksOfCover(x.weeksOfCoverBefore)} → {weeksOfCover(x.weeksOfCoverAfter)}
                    </td>
                    <td className="number">{x.weeklySales.toFixed(1)}</td>
                    <td>
                      {mayEdit && (
                        <button
                          type="button"
                          className="chip"
                          disabled={busy !== null}
                          onClick={() => void transfer(x)}
                        >
                          {t('Create transfer')}
                        </button>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : (
            <p className="empty">{t('No store has units to spare')}</p>
          )}
          <h3>{t('Purchase: {n}', { n: s.purchase })}</h3>
          {mayEdit && s.purchase > 0 && (
            <div className="inline-form">
              <input
                placeholder={t('Supplier')}
                aria-label={t('Supplier')}
                value={supplier}
                onChange={(e) => setSupplier(e.target.value)}
              />
              <input
                placeholder={t('Reference')}
                aria-label={t('Reference')}
                value={reference}
                onChange={(e) => setReference(e.target.value)}
              />
              <button
                type="button"
                className="chip"
                disabled={busy !== null || !supplier.trim() || !reference.trim()}
                onClick={() => void deliver()}
              >
                {t('Create delivery')}
              </button>
            </div>
          )}
          <ErrorBanner text={problem} />
        </div>
      </div>
    </article>
  );
}

type Editable = Pick<
  SafetyStockRow,
  'safetyStock' | 'reorderPoint' | 'maxStock' | 'leadTimeDays' | 'packSize'
>;
const EDITABLE: (keyof Editable)[] = [
  'safetyStock',
  'reorderPoint',
  'maxStock',
  'leadTimeDays',
  'packSize',
];
const EDITABLE_WORDS: Record<keyof Editable, string> = {
  safetyStock: 'Safety stock',
  reorderPoint: 'Reorder point',
  maxStock: 'Max stock',
  leadTimeDays: 'Lead time (days)',
  packSize: 'Pack size',
};

function SafetyStock({
  store,
  rows,
  onChanged,
}: {
  store: string;
  rows: readonly SafetyStockRow[];
  onChanged: (message: string) => void;
}) {
  const { t, api, language } = useConsole();
  const mayEdit = useCan('inventory:edit');
  const [editing, setEditing] = useState<string | null>(null);
  const [draft, setDraft] = useState<Record<string, string>>({});
  const [problem, setProblem] = useState<string | null>(null);
  const [importAnswer, setImportAnswer] = useState<SafetyStockImportAnswer | null>(null);

  const save = async (row: SafetyStockRow) => {
    const values: Partial<Record<keyof Editable, number | null>> = {};
    for (const field of EDITABLE) {
      const text = (draft[field] ?? '').trim();
      if (field === 'maxStock' && text === '') {
        values[field] = null;
        continue;
      }
      if (!/^\d+$/.test(text)) {
        setProblem(t('{field} must be a whole number', { field: t(EDITABLE_WORDS[field]) }));
        return;
      }
      values[field] = Number(text);
    }
    setProblem(null);
    try {
      await api.setSafetyStock({
        rows: [{ storeId: row.storeId, sku: row.sku, ...(values as Editable) }],
      });
      setEditing(null);
      onChanged(t('Safety stock of {sku} saved', { sku: row.sku }));
    } catch (failure) {
      setProblem(failureText(t, failure));
    }
  };

  const upload = async (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0];
    event.target.value = '';
    if (!file) return;
    setProblem(null);
    try {
      const answer = await api.importSafetyStock(await file.text());
      setImportAnswer(answer);
      if (answer.ok) onChanged(t('{n} rows imported', { n: answer.rows }));
    } catch (failure) {
      setProblem(failureText(t, failure));
    }
  };

  const columns: Column<SafetyStockRow>[] = [
    { header: t('SKU'), value: (r) => r.sku },
    ...EDITABLE.map((field): Column<SafetyStockRow> => ({
      header: t(EDITABLE_WORDS[field]),
      value: (r) => r[field],
      number: true,
      render: (r) =>
        editing === r.sku ? (
          <input
            className="cell-input"
            aria-label={`${r.sku} ${t(EDITABLE_WORDS[field])}`}
            value={draft[field] ?? ''}
            onChange={(e) => setDraft({ ...draft, [field]: e.target.value })}
            inputMode="numeric"
          />
        ) : (
          (r[field] ?? '–')
        ),
    })),
    { header: t('Source'), value: (r) => t(SOURCE_WORDS[r.source]) },
    {
      header: t('Updated'),
      value: (r) => r.updatedAt,
      render: (r) => `${when(language, r.updatedAt)} · ${r.updatedBy}`,
    },
  ];
  if (mayEdit) {
    columns.push({
      header: '',
      value: () => null,
      noExport: true,
      render: (r) =>
        editing === r.sku ? (
          <span className="row-actions">
            <button type="button" className="chip" onClick={() => void save(r)}>
              {t('Save')}
            </button>
            <button type="button" className="link-button" onClick={() => setEditing(null)}>
              {t('Cancel')}
            </button>
          </span>
        ) : (
          <button
            type="button"
            className="link-button"
            onClick={() => {
              setEditing(r.sku);
              setDraft(
                Object.fromEntries(EDITABLE.map((f) => [f, r[f] === null ? '' : String(r[f])])),
              );
            }}
          >
            {t('Edit')}
          </button>
        ),
    });
  }

  return (
    <>
      <ErrorBanner text={problem} />
      {importAnswer && !importAnswer.ok && (
        <div className="error banner" role="alert">
          {t('The file was not imported: nothing changed')}
          <ul>
            {importAnswer.problems.map((p) => (
              <li key={`${p.line}/${p.problem}`}>
                {t('Line {line}: {problem}', { line: p.line, problem: p.problem })}
              </li>
            ))}
          </ul>
        </div>
      )}
      <DataTable
        title={t('Safety stock')}
        name="safety-stock"
        columns={columns}
        rows={rows}
        rowKey={(r) => r.sku}
        file={`safety-stock_${store}`}
        empty={t('No safety stock set for this store')}
        actions={
          mayEdit && (
            <label className="link-button file-button">
              {t('Import CSV')}
              <input type="file" accept=".csv,text/csv" onChange={(e) => void upload(e)} />
            </label>
          )
        }
      />
      {mayEdit && store && <ComputeForm store={store} onApplied={onChanged} />}
    </>
  );
}

function ComputeForm({ store, onApplied }: { store: string; onApplied: (m: string) => void }) {
  const { t, api } = useConsole();
  const [windowDays, setWindowDays] = useState('28');
  const [servicePct, setServicePct] = useState('95');
  const [preview, setPreview] = useState<ComputeSafetyStockAnswer | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const valid = /^\d{1,3}$/.test(windowDays) && /^\d{1,2}(\.\d{1,2})?$/.test(servicePct);
  const run = async (apply: boolean) => {
    setProblem(null);
    try {
      const answer = await api.computeSafetyStock({
        store,
        windowDays: Number(windowDays),
        serviceLevelBp: Math.round(Number(servicePct) * 100),
        apply,
      });
      setPreview(answer);
      if (answer.applied)
        onApplied(t('{n} safety stocks computed from demand', { n: answer.rows.length }));
    } catch (failure) {
      setProblem(failureText(t, failure));
    }
  };
  const columns: Column<ComputedSafetyStock>[] = [
    { header: t('SKU'), value: (r) => r.sku },
    { header: t('Safety stock'), value: (r) => r.safetyStock, number: true },
    { header: t('Reorder point'), value: (r) => r.reorderPoint, number: true },
    {
      header: t('Working'),
      value: (r) => workingText(r.working),
      render: (r) => <Working lines={r.working} />,
    },
  ];
  return (
    <section className="panel table-panel" aria-label={t('Compute from demand')}>
      <div className="panel-head">
        <h2>{t('Compute from demand')}</h2>
      </div>
      <div className="inline-form">
        <label>
          {t('Days of sales')}
          <input value={windowDays} onChange={(e) => setWindowDays(e.target.value)} size={4} />
        </label>
        <label>
          {t('Service level (%)')}
          <input value={servicePct} onChange={(e) => setServicePct(e.target.value)} size={5} />
        </label>
        <button type="button" className="chip" disabled={!valid} onClick={() => void run(false)}>
          {t('Preview')}
        </button>
        <button
          type="button"
          className="chip"
          disabled={!valid || !preview || preview.applied}
          onClick={() => void run(true)}
        >
          {t('Apply')}
        </button>
      </div>
      <ErrorBanner text={problem} />
      {preview && (
        <DataTable
          title={preview.applied ? t('Applied') : t('Preview: nothing changed yet')}
          name="safety-stock-preview"
          columns={columns}
          rows={preview.rows}
          rowKey={(r) => r.sku}
          file={`safety-stock-computed_${store}`}
          empty={t('No sales to compute from')}
        />
      )}
    </section>
  );
}
