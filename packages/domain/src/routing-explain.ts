/**
 * A routing decision's explanation in a few short lines a person reads on
 * the till or in the shop: where the order ships from, why not the next best
 * plan, and which locations were left out and why. Pure. See SPEC.md [RO11].
 */
import type { IneligibleReason, PlanScore, RoutingExplanation } from './routing';

export type ExplainLanguage = 'zh-CN' | 'en';

const REASONS: Record<ExplainLanguage, Record<IneligibleReason, string>> = {
  en: {
    mode: 'do not offer this delivery',
    'out-of-radius': 'are beyond the same-city radius',
    closed: 'are closed now',
    capacity: 'are at their parcel limit today',
    'no-stock': 'have none of it to spare',
    excluded: 'rejected it or picked short before',
  },
  'zh-CN': {
    mode: '不提供此配送方式',
    'out-of-radius': '超出同城配送范围',
    closed: '当前未营业',
    capacity: '今日发货量已满',
    'no-stock': '无可用库存',
    excluded: '此前已拒单或缺货',
  },
};
const REASON_ORDER: IneligibleReason[] = [
  'no-stock',
  'closed',
  'capacity',
  'out-of-radius',
  'mode',
  'excluded',
];

function distance(metres: number, language: ExplainLanguage): string {
  if (metres < 1000)
    return language === 'en' ? `${Math.round(metres)} m` : `${Math.round(metres)} 米`;
  const km = (metres / 1000).toFixed(1);
  return language === 'en' ? `${km} km` : `${km} 公里`;
}

/**
 * [RO11] The explanation of a routing decision ([RO10]) as short lines in
 * `language`: the chosen locations with their distances and parcels, the
 * runner-up and the rule it lost on, the locations left out by reason, and
 * whether the search stopped at its limit ([RO7]).
 */
export function explainRouting(
  explanation: RoutingExplanation,
  language: ExplainLanguage,
): string[] {
  const en = language === 'en';
  const byId = new Map(
    [...explanation.candidates, ...(explanation.planLocations ?? [])].map((c) => [c.locationId, c]),
  );
  const names = (plan: PlanScore) =>
    plan.locationIds
      .map((id) => {
        const c = byId.get(id);
        if (!c) return id;
        return en
          ? `${c.name} (${distance(c.distanceMetres, language)})`
          : `${c.name}（${distance(c.distanceMetres, language)}）`;
      })
      .join(en ? ', ' : '、');
  const lines: string[] = [];
  const { chosen, runnerUp } = explanation;
  if (!chosen) {
    lines.push(
      en
        ? 'No plan: no set of open locations with stock can supply the whole order.'
        : '无法安排发货：没有任何营业中且有库存的地点组合能满足整单。',
    );
  } else {
    const parcels = chosen.shipments;
    lines.push(
      en
        ? `Ships from ${names(chosen)}: the fewest parcels (${parcels}), ${distance(chosen.distanceMetres, language)} in all.`
        : `由${names(chosen)}发货：包裹最少（${parcels} 个），总距离 ${distance(chosen.distanceMetres, language)}。`,
    );
    if (!runnerUp) {
      lines.push(
        en
          ? `No other plan ships it in ${parcels === 1 ? 'one parcel' : `${parcels} parcels`}.`
          : `没有其他方案能以 ${parcels} 个包裹发货。`,
      );
    } else {
      const other = names(runnerUp);
      switch (explanation.decidedBy) {
        case 'shipments':
          lines.push(
            en
              ? `Next best: ${other}, ${runnerUp.shipments} parcels (fewest parcels first).`
              : `次优方案：${other}，需 ${runnerUp.shipments} 个包裹（包裹少者优先）。`,
          );
          break;
        case 'distance':
          lines.push(
            en
              ? `Next best: ${other}, ${distance(runnerUp.distanceMetres - chosen.distanceMetres, language)} farther.`
              : `次优方案：${other}，远 ${distance(runnerUp.distanceMetres - chosen.distanceMetres, language)}。`,
          );
          break;
        case 'balance':
          lines.push(
            en
              ? `Next best: ${other}, as near, but it would leave ${runnerUp.emptied} items sold out there (this plan ${chosen.emptied}).`
              : `次优方案：${other}，距离相同，但会售空 ${runnerUp.emptied} 个库存位（本方案 ${chosen.emptied} 个）。`,
          );
          break;
        case 'rank':
          lines.push(
            en
              ? `Next best: ${other}, as near and as balanced; the chosen location is preferred by the chain.`
              : `次优方案：${other}，距离与库存均相同；按门店优先级选择。`,
          );
          break;
        default:
          lines.push(
            en
              ? `Next best: ${other}, equal on every count; the location code decided.`
              : `次优方案：${other}，各项相同；按地点编号选择。`,
          );
      }
    }
  }
  const out = REASON_ORDER.filter((r) => (explanation.ineligible[r] ?? 0) > 0);
  if (out.length > 0) {
    const total = out.reduce((s, r) => s + explanation.ineligible[r]!, 0);
    const parts = out.map((r) => `${explanation.ineligible[r]} ${REASONS[language][r]}`);
    lines.push(
      en
        ? `${total} ${total === 1 ? 'location was' : 'locations were'} left out: ${parts.join(', ')}.`
        : `${total} 个地点未参与：${parts.map((p) => p.replace(' ', ' 个')).join('，')}。`,
    );
  }
  if (explanation.searchCapped) {
    lines.push(
      en
        ? 'The search stopped at its step limit; this is the best plan it found.'
        : '搜索已达步数上限，以上为已找到的最佳方案。',
    );
  }
  return lines;
}
