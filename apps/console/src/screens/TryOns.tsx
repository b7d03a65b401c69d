/**
 * 试穿转化 Try-on conversion: the period's totals, conversion by style,
 * colour, size, clerk and store, and the day's tried-not-bought list, each
 * table exportable as CSV (HC3-HC6). Refreshed every 5 s.
 */
import { useState } from 'react';
import {
  CONVERSION_DIMENSIONS,
  type ConversionDimension,
  type ConversionRow,
  type TriedNotBoughtAnswer,
  type TryOnReportAnswer,
} from '@pos/domain';
import { DIMENSION_WORDS, ratePercent } from '../messages';
import {
  DataTable,
  ErrorBanner,
  Figure,
  FreshnessLine,
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

type Loaded = {
  period: ReportPeriod;
  report: TryOnReportAnswer;
  /** Null when the server does not give this user the list. */
  notBought: TriedNotBoughtAnswer | null;
};

export function TryOns() {
  const { t, api } = useConsole();
  const [choice, setChoice] = useState<PeriodChoice>({ kind: 'today' });
  const [store, setStore] = useStore(true);
  const live = useLive<Loaded>(
    async (signal) => {
      const asked = reportPeriod(choice, new Date(), STORE_UTC_OFFSET_MINUTES);
      if (!asked.ok) throw new Error(asked.reason);
      const { period } = asked;
      const [report, notBought] = await Promise.all([
        api.tryOns({ from: period.from, to: period.to, ...(store ? { store } : {}) }, signal),
        api.triedNotBought(period.lastDay, signal).catch(() => null),
      ]);
      return { period, report, notBought };
    },
    `${JSON.stringify(choice)}|${store}`,
  );
  const report = live.data?.report;
  const label = (key: string | null) => key ?? t('Unknown');
  const stem = live.data
    ? `${live.data.period.from.slice(0, 10)}_${live.data.period.lastDay}`
    : 'period';

  return (
    <main className="screen-body">
      <section className="toolbar" aria-label={t('Period')}>
        <h1>{t('Try-on conversion')}</h1>
        <PeriodPicker choice={choice} onChoice={setChoice} />
        <StorePicker value={store} onChange={setStore} allowAll />
        <FreshnessLine at={live.at} />
      </section>
      <ErrorBanner text={live.error} />
      <section className="totals" aria-label={t('Try-on conversion')}>
        <Figure label={t('Try-ons')} value={report ? String(report.tryOns) : '–'} name="tryOns" />
        <Figure
          label={t('Converted')}
          value={report ? String(report.converted) : '–'}
          name="converted"
        />
        <Figure
          label={t('Conversion rate')}
          value={report ? ratePercent(report.rateBp) : '–'}
          name="rate"
          tone="good"
          note={t('Sold within 4 hours of the try-on, by the item’s EPC serial')}
        />
      </section>
      <section className="dimensions">
        {CONVERSION_DIMENSIONS.map((dimension) => (
          <DimensionTable
            key={dimension}
            dimension={dimension}
            rows={report?.by[dimension] ?? []}
            label={label}
            fileStem={stem}
          />
        ))}
      </section>
      <NotBoughtTable answer={live.data?.notBought ?? null} label={label} />
    </main>
  );
}

function DimensionTable({
  dimension,
  rows,
  label,
  fileStem,
}: {
  dimension: ConversionDimension;
  rows: readonly ConversionRow[];
  label: (key: string | null) => string;
  fileStem: string;
}) {
  const { t } = useConsole();
  const words = DIMENSION_WORDS[dimension];
  const columns: Column<ConversionRow>[] = [
    { header: t(words.column), value: (r) => label(r.key) },
    { header: t('Try-ons'), value: (r) => r.tryOns, number: true },
    { header: t('Converted'), value: (r) => r.converted, number: true },
    {
      header: t('Rate'),
      value: (r) => ratePercent(r.rateBp),
      number: true,
      render: (r) => (
        <>
          <span className="rate-track" aria-hidden="true">
            <span className="rate-bar" style={{ width: `${r.rateBp / 100}%` }} />
          </span>
          {ratePercent(r.rateBp)}
        </>
      ),
    },
  ];
  return (
    <div data-dimension={dimension}>
      <DataTable
        title={t(words.title)}
        name={`tryons-${dimension}`}
        columns={columns}
        rows={rows}
        rowKey={(r) => r.key ?? ''}
        file={`tryon-conversion-by-${dimension}_${fileStem}`}
        empty={t('No try-ons in this period')}
      />
    </div>
  );
}

type NotBoughtItem = TriedNotBoughtAnswer['items'][number];

function NotBoughtTable({
  answer,
  label,
}: {
  answer: TriedNotBoughtAnswer | null;
  label: (key: string | null) => string;
}) {
  const { t, language } = useConsole();
  const columns: Column<NotBoughtItem>[] = [
    { header: t('EPC'), value: (i) => i.epc, render: (i) => <span className="mono">{i.epc}</span> },
    { header: t('SKU'), value: (i) => label(i.sku) },
    { header: t('Style'), value: (i) => label(i.styleId) },
    { header: t('Colour'), value: (i) => label(i.colour) },
    { header: t('Size'), value: (i) => label(i.size) },
    { header: t('Store'), value: (i) => i.storeId },
    { header: t('Try-ons'), value: (i) => i.tryOns, number: true },
    {
      header: t('Last tried'),
      value: (i) => i.lastClosedAt,
      render: (i) => when(language, i.lastClosedAt),
    },
  ];
  return (
    <div className="not-bought" data-list="not-bought">
      <DataTable
        title={t('Tried, not bought: {day}', { day: answer?.day ?? '…' })}
        name="not-bought"
        columns={columns}
        rows={answer?.items ?? []}
        rowKey={(i) => `${i.storeId}/${i.epc}`}
        file={`tried-not-bought_${answer?.day ?? ''}`}
        empty={t('Nothing tried and not bought that day')}
      />
    </div>
  );
}
