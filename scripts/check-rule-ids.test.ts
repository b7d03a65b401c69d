import { describe, expect, it } from 'vitest';
import { ruleIdProblems } from './check-rule-ids.mjs';

/** A citation built at run time, so this file itself cites nothing undefined. */
const cite = (id: string) => `[${id}]`;

describe('the rule-id check', () => {
  const specs = {
    'packages/domain/SPEC.md':
      '# Rules\n\n- **M1** Money is integers.\n- **TN5** Short is unpaid.\n',
    'hardware/SPEC.md': '- **SC1** Lines end at CR or LF.\n  more words [M1]\n',
  };

  it('passes when every citation names a rule some SPEC defines', () => {
    const result = ruleIdProblems({
      ...specs,
      'apps/pos/src/a.test.ts': "it('[M1] [SC1] adds up', () => {});",
      'hardware/src/scan-line.ts': '/** [SC1] and [TN5] */',
    });
    expect(result).toEqual({ problems: [], defined: 3 });
  });

  it('names the file, the line and the id of a citation no SPEC defines', () => {
    const { problems } = ruleIdProblems({
      ...specs,
      'apps/pos/src/renderer/checkout.test.ts': `\nit('${cite('C1')} handles scans', () => {});`,
      'sync-server/SPEC.md': `Domain rules (${cite('S1')}-${cite('S4')}) are elsewhere.`,
    });
    expect(problems).toEqual([
      `apps/pos/src/renderer/checkout.test.ts:2 cites ${cite('C1')}, which no SPEC.md defines`,
      `sync-server/SPEC.md:1 cites ${cite('S1')}, which no SPEC.md defines`,
      `sync-server/SPEC.md:1 cites ${cite('S4')}, which no SPEC.md defines`,
    ]);
  });

  it('refuses an id defined twice, in one SPEC or in two', () => {
    const { problems } = ruleIdProblems({
      ...specs,
      'sync-server/SPEC.md': '- **SC1** Storage rule.\n- **ST1** One.\n- **ST1** Two.\n',
    });
    expect(problems).toEqual([
      'sync-server/SPEC.md:1 defines [SC1], already defined at hardware/SPEC.md:1; ids must be unique across every SPEC.md',
      'sync-server/SPEC.md:3 defines [ST1], already defined at sync-server/SPEC.md:2; ids must be unique across every SPEC.md',
    ]);
  });
});
