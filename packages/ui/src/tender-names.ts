/** The English name of a tender kind (the i18n key). */
export function tenderName(kind: 'cash' | 'card' | 'mobile' | 'points'): string {
  return { cash: 'Cash', card: 'Card', mobile: 'Mobile pay', points: 'Points' }[kind];
}
