/**
 * 总览 Dashboard: live sales by store, channel and hour (charts and
 * tables), BOPIS, try-on conversion, clerks' sales and commission, the
 * terminals' sync health, exception counts and shelf-price mismatches. Each
 * part asks the server on its own, every 5 s, so one that fails says why
 * and leaves the others on screen. Every table exports CSV.
 */
import { useEffect, useMemo, useState } from 'react';
import type {
  BopisRow,
  ClerkRow,
  DashboardQuery,
  DeviceHealthRow,
  ExceptionCountRow,
  SalesDashboard,
} from '@pos/domain';
import { timeOfDay } from '@pos/ui';
import { Chart } from '../Chart';
import { salesByBucketOption, salesByStoreOption } from '../charts';
import { minutes, share, yuan } from '../format';
import { ratePercent, channelWords, DEVICE_STATUS_WORDS } from '../messages';
import {
  Ago,
  DataTable,
  ErrorBanner,
  Figure,
  FreshnessLine,
  STORE_TIME_ZONE,
  STORE_UTC_OFFSET_MINUTES,
  StorePicker,
  useConsole,
  useLive,
  useStore,
  when,
  type Column,
} from '../kit';
import { reportPeriod, type PeriodChoice, type ReportPeriod } from '../period';
import { PeriodPicker } from './PeriodPicker';

function periodOf(choice: PeriodChoice): ReportPeriod {
  const asked = reportPeriod(choice, new Date(), STORE_UTC_OFFSET_MINUTES);
  if (!asked.ok) throw new Error(asked.reason);
  return asked.period;
}

export function Dashboard() {
  const { t, api, language, noteStores } = useConsole();
  const [choice, setChoice] = useState<PeriodChoice>({ kind: 'today' });
  const [store, setStore] = useStore(true);
  const key = `${JSON.stringify(choice)}|${store}`;
  const query = (): DashboardQuery => {
    const period = periodOf(choice);
    return { from: period.from, to: period.to, ...(store ? { store } : {}) };
  };
  const hourly = choice.kind === 'today';

  const sales = useLive(
    (signal) => api.sales({ ...query(), bucket: hourly ? 'hour' : 'day' }, signal),
    key,
  );
  const bopis = useLive((signal) => api.bopis(query(), signal), key);
  const clerks = useLive((signal) => api.clerks(query(), signal), key);
  const devices = useLive((signal) => api.devices(store || undefined, signal), key);
  const exceptions = useLive((signal) => api.exceptionCounts(query(), signal), key);
  const tryOns = useLive((signal) => api.tryOns(query(), signal), key);
  const integrity = useLive(async (signal) => {
    const report = await api.integrity(store || undefined, signal);
    return { checked: report.checked, mismatches: report.mismatches.length };
  }, key);

  // An admin token's session names no stores: the pickers learn them from the answers.
  useEffect(() => {
    const ids = [
      ...(sales.data?.byStore.map((s) => s.storeId) ?? []),
      ...(devices.data?.rows.map((d) => d.storeId) ?? []),
    ];
    if (ids.length) noteStores(ids);
  }, [sales.data, devices.data, noteStores]);

  const locale = { language, timeZone: STORE_TIME_ZONE };
  const bucketLabel = (bucket: string) =>
    hourly ? timeOfDay(locale, bucket) : when(language, bucket).slice(0, 10);
  const salesData = sales.data;
  const byBucket = useMemo(
    () =>
      salesByBucketOption(
        salesData?.rows ?? [],
        bucketLabel,
        (c) => t(channelWords(c)),
        t('Net sales (¥)'),
      ),
    // bucketLabel follows the language and the period, which the data follows too.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [salesData, language, hourly],
  );
  const byStore = useMemo(
    () =>
      salesByStoreOption(salesData?.byStore ?? [], (s) => s, t('Net sales'), t('Net sales (¥)')),
    [salesData, t],
  );
  const stem = `${periodOf(choice).from.slice(0, 10)}${store ? `_${store}` : ''}`;
  const openExceptions = exceptions.data?.rows.reduce((n, r) => n + r.open, 0);

  return (
    <main className="screen-body dashboard">
      <section className="toolbar">
        <h1>{t('Dashboard')}</h1>
        <PeriodPicker choice={choice} onChoice={setChoice} />
        <StorePicker value={store} onChange={setStore} allowAll />
        <FreshnessLine
          at={sales.at}
          appliedThrough={salesData?.freshness.appliedThrough ?? null}
          behind={salesData?.freshness.behind ?? 0}
        />
      </section>
      <ErrorBanner text={sales.error} />
      <section className="totals six">
        <Figure
          label={t('Net sales')}
          value={salesData ? yuan(language, salesData.totals.netFen) : '–'}
          name="netSales"
        />
        <Figure
          label={t('Sales')}
          value={salesData ? String(salesData.totals.sales) : '–'}
          name="sales"
          note={salesData ? t('{n} units', { n: salesData.totals.units }) : undefined}
        />
        <Figure
          label={t('Returns')}
          value={salesData ? String(salesData.totals.returns) : '–'}
          name="returns"
        />
        <Figure
          label={t('Try-on conversion')}
          value={tryOns.data ? ratePercent(tryOns.data.rateBp) : '–'}
          name="tryOnRate"
          note={
            tryOns.data
              ? t('{converted} of {tryOns} try-ons', {
                  converted: tryOns.data.converted,
                  tryOns: tryOns.data.tryOns,
                })
              : undefined
          }
        />
        <Figure
          label={t('Open exceptions')}
          value={openExceptions === undefined ? '–' : String(openExceptions)}
          name="openExceptions"
          tone={openExceptions ? 'bad' : undefined}
        />
        <Figure
          label={t('Shelf-price mismatches')}
          value={integrity.data ? String(integrity.data.mismatches) : '–'}
          name="priceMismatches"
          tone={integrity.data?.mismatches ? 'bad' : undefined}
          note={integrity.data ? t('{n} labels checked', { n: integrity.data.checked }) : undefined}
        />
      </section>
      <section className="charts">
        <div className="panel chart-panel">
          <h2>{hourly ? t('Net sales by hour and channel') : t('Net sales by day and channel')}</h2>
          <Chart option={byBucket} label={t('Net sales by hour and channel')} />
        </div>
        <div className="panel chart-panel">
          <h2>{t('Net sales by store')}</h2>
          <Chart option={byStore} label={t('Net sales by store')} />
        </div>
      </section>
      <section className="grid-2">
        <SalesTables data={salesData} stem={stem} />
      </section>
      <ErrorBanner text={bopis.error} />
      <BopisTable rows={bopis.data?.rows ?? []} stem={stem} />
      <section className="grid-2">
        <div>
          <ErrorBanner text={clerks.error} />
          <ClerksTable rows={clerks.data?.rows ?? []} stem={stem} />
        </div>
        <div>
          <ErrorBanner text={exceptions.error} />
          <ExceptionCountsTable rows={exceptions.data?.rows ?? []} stem={stem} />
        </div>
      </section>
      <ErrorBanner text={devices.error} />
      <DevicesTable rows={devices.data?.rows ?? []} />
    </main>
  );
}

function SalesTables({ data, stem }: { data: SalesDashboard | null; stem: string }) {
  const { t, language } = useConsole();
  const byChannel: Column<SalesDashboard['byChannel'][number]>[] = [
    { header: t('Channel'), value: (r) => t(channelWords(r.channel)) },
    { header: t('Sales'), value: (r) => r.sales, number: true },
    { header: t('Net sales'), value: (r) => yuan(language, r.netFen), number: true },
  ];
  const byStore: Column<SalesDashboard['byStore'][number]>[] = [
    { header: t('Store'), value: (r) => r.storeId },
    { header: t('Sales'), value: (r) => r.sales, number: true },
    { header: t('Net sales'), value: (r) => yuan(language, r.netFen), number: true },
  ];
  return (
    <>
      <DataTable
        title={t('Sales by channel')}
        name="sales-by-channel"
        columns={byChannel}
        rows={data?.byChannel ?? []}
        rowKey={(r) => r.channel}
        file={`sales-by-channel_${stem}`}
        empty={t('No sales in this period')}
      />
      <DataTable
        title={t('Sales by store')}
        name="sales-by-store"
        columns={byStore}
        rows={data?.byStore ?? []}
        rowKey={(r) => r.storeId}
        file={`sales-by-store_${stem}`}
        empty={t('No sales in this period')}
      />
    </>
  );
}

function BopisTable({ rows, stem }: { rows: readonly BopisRow[]; stem: string }) {
  const { t } = useConsole();
  const columns: Column<BopisRow>[] = [
    { header: t('Store'), value: (r) => r.storeId },
    { header: t('Orders'), value: (r) => r.orders, number: true },
    { header: t('Holds open'), value: (r) => r.holdsOpen, number: true },
    { header: t('Ready'), value: (r) => r.ready, number: true },
    { header: t('Time to ready p50'), value: (r) => minutes(r.readyMinutesP50), number: true },
    { header: t('Time to ready p90'), value: (r) => minutes(r.readyMinutesP90), number: true },
    { header: t('Picked up'), value: (r) => r.pickedUp, number: true },
    { header: t('On time'), value: (r) => share(r.pickedUpOnTime, r.pickedUp), number: true },
    { header: t('No-shows'), value: (r) => r.noShows, number: true },
  ];
  return (
    <DataTable
      title={t('Buy online, pick up in store')}
      name="bopis"
      columns={columns}
      rows={rows}
      rowKey={(r) => r.storeId}
      file={`bopis_${stem}`}
      empty={t('No pickup orders in this period')}
    />
  );
}

function ClerksTable({ rows, stem }: { rows: readonly ClerkRow[]; stem: string }) {
  const { t, language } = useConsole();
  const columns: Column<ClerkRow>[] = [
    { header: t('Store'), value: (r) => r.storeId },
    { header: t('Clerk'), value: (r) => `${r.staffId} ${r.staffName}` },
    { header: t('Lines'), value: (r) => r.lines, number: true },
    { header: t('Credited sales'), value: (r) => yuan(language, r.creditedNetFen), number: true },
    { header: t('Commission'), value: (r) => yuan(language, r.commissionFen), number: true },
  ];
  return (
    <DataTable
      title={t('Clerks’ sales and commission')}
      name="clerks"
      columns={columns}
      rows={rows}
      rowKey={(r) => `${r.storeId}/${r.staffId}`}
      file={`clerks_${stem}`}
      empty={t('No credited sales in this period')}
    />
  );
}

function ExceptionCountsTable({
  rows,
  stem,
}: {
  rows: readonly ExceptionCountRow[];
  stem: string;
}) {
  const { t } = useConsole();
  const columns: Column<ExceptionCountRow>[] = [
    { header: t('Kind'), value: (r) => r.kind },
    { header: t('Store'), value: (r) => r.storeId ?? t('Online') },
    { header: t('Open'), value: (r) => r.open, number: true },
    { header: t('Resolved'), value: (r) => r.resolved, number: true },
  ];
  return (
    <DataTable
      title={t('Exceptions')}
      name="exception-counts"
      columns={columns}
      rows={rows}
      rowKey={(r) => `${r.kind}/${r.storeId ?? ''}`}
      rowClass={(r) => (r.open ? 'warn' : undefined)}
      file={`exceptions_${stem}`}
      empty={t('No exceptions in this period')}
    />
  );
}

function DevicesTable({ rows }: { rows: readonly DeviceHealthRow[] }) {
  const { t } = useConsole();
  const lastSync = (r: DeviceHealthRow) =>
    [r.lastPullAt, r.lastPushAt]
      .filter((x): x is string => !!x)
      .sort()
      .at(-1) ?? null;
  const columns: Column<DeviceHealthRow>[] = [
    { header: t('Device'), value: (r) => r.deviceId },
    { header: t('Store'), value: (r) => r.storeId },
    {
      header: t('Status'),
      value: (r) => t(DEVICE_STATUS_WORDS[r.status]),
      render: (r) => (
        <span className={`status-chip ${r.status}`}>{t(DEVICE_STATUS_WORDS[r.status])}</span>
      ),
    },
    { header: t('Last sync'), value: (r) => lastSync(r), render: (r) => <Ago iso={lastSync(r)} /> },
    { header: t('Facts waiting'), value: (r) => r.factsWaiting, number: true },
    { header: t('App version'), value: (r) => r.appVersion ?? '–' },
    { header: t('Errors (24 h)'), value: (r) => r.errors24h, number: true },
    { header: t('Last error'), value: (r) => r.lastError ?? '' },
  ];
  return (
    <DataTable
      title={t('Terminal sync health')}
      name="devices"
      columns={columns}
      rows={rows}
      rowKey={(r) => r.deviceId}
      rowClass={(r) => (r.status === 'ok' ? undefined : r.status)}
      file="device-sync-health"
      empty={t('No devices have synced yet')}
    />
  );
}
