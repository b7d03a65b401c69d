import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sampleLabel, sampleSameCityLabel } from '../label/label-fixtures';
import { layoutShippingLabel } from '../label/label-layout';
import { encodeShippingLabel } from '../label/shipping-label';
import { LabelPrinterSimulator } from './label-printer-simulator';

describe('label printer simulator', () => {
  it('[LB6] labels split into any chunks, with status requests between, decode as sent', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('zpl' as const, 'tspl' as const),
        fc.array(fc.integer({ min: 1, max: 400 }), { minLength: 1, maxLength: 30 }),
        (language, cuts) => {
          const status =
            language === 'zpl' ? new TextEncoder().encode('~HS') : Uint8Array.of(0x1b, 0x21, 0x3f);
          const bytes = Uint8Array.from([
            ...encodeShippingLabel(sampleLabel, { language, dpi: 203 }),
            ...status,
            ...encodeShippingLabel(sampleSameCityLabel, { language, dpi: 203 }),
          ]);
          const simulator = new LabelPrinterSimulator({ language });
          const answers: Uint8Array[] = [];
          simulator.attachReply(async (answer) => {
            answers.push(answer);
          });
          let at = 0;
          for (const cut of cuts) {
            simulator.feed(bytes.subarray(at, at + cut));
            at += cut;
          }
          simulator.feed(bytes.subarray(at));
          expect(simulator.errors).toEqual([]);
          expect(simulator.labels.map((l) => l.fields)).toEqual([
            layoutShippingLabel(sampleLabel, { language, dpi: 203 }).fields,
            layoutShippingLabel(sampleSameCityLabel, { language, dpi: 203 }).fields,
          ]);
          expect(simulator.statusRequests).toBe(1);
          expect(answers).toHaveLength(1);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('[LB6] arbitrary bytes never throw; garbage is an error record', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('zpl' as const, 'tspl' as const),
        fc.array(fc.uint8Array({ maxLength: 200 }), { maxLength: 10 }),
        (language, chunks) => {
          const simulator = new LabelPrinterSimulator({ language });
          for (const chunk of chunks) simulator.feed(chunk);
          expect(Array.isArray(simulator.labels)).toBe(true);
        },
      ),
    );
  });

  it('a label that arrives while out of labels is not printed', () => {
    const simulator = new LabelPrinterSimulator({ language: 'zpl' });
    simulator.setPaper('out');
    simulator.feed(encodeShippingLabel(sampleLabel, { language: 'zpl', dpi: 203 }));
    expect(simulator.labels).toEqual([]);
    expect(simulator.errors).toEqual(['a label arrived while the printer could not print it']);
  });
});
