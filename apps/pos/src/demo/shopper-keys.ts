/**
 * The demo terminal's keys for the store's RFID floor: a shopper takes
 * tagged garments from the sales floor into a fitting room, walks out,
 * puts them on the counter (the till rings them up by RFID) and leaves.
 * What the zone engine decides about the shopper's garments is printed.
 */
import type { FittingRoomPolicy, ZoneEvent } from '@pos/domain';
import type { DemoZoneId } from '@pos/hardware';
import type { StoreFloor } from './store-floor';

/**
 * The demo's try-on rule: 20 s in a room is a try-on, so the demo is quick
 * (a store's default is 60 s, [TO3]).
 */
export const DEMO_TRYON_POLICY: Partial<FittingRoomPolicy> = { minTryOnMs: 20_000 };

/** How many garments a shopper takes at a time. */
const GARMENTS_PER_SHOPPER = 3;
/** How long after the exit antenna read them the garments are gone from the floor. */
const GONE_AFTER_EXIT_MS = 3_000;

export type ShopperKeys = {
  /** The lines telling the operator what to type. */
  help(): string[];
  /** Acts on a typed line; false when it is not one of these keys. */
  handle(line: string): boolean;
  stop(): void;
};

type Place = { zone: DemoZoneId; words: string };
const PLACES: Record<string, Place> = {
  fr1: { zone: 'FR1', words: 'into fitting room 1' },
  fr2: { zone: 'FR2', words: 'into fitting room 2' },
  out: { zone: 'FLOOR', words: 'out onto the sales floor' },
  pay: { zone: 'CHECKOUT', words: 'to the counter (the till reads them)' },
  leave: { zone: 'EXIT', words: 'out through the exit' },
};

export function shopperKeys(
  store: Pick<StoreFloor, 'carry' | 'floor' | 'fittingRooms' | 'garments'>,
  print: (line: string) => void,
  options: {
    /** A garment's name for the operator (e.g. its SKU and serial); default the EPC's tail. */
    nameOf?: (epc: string) => string | undefined;
    timers?: Pick<typeof globalThis, 'setTimeout'>;
  } = {},
): ShopperKeys {
  const timers = options.timers ?? globalThis;
  const shortName = (epc: string) => options.nameOf?.(epc) ?? `…${epc.slice(-6)}`;
  let next = 0;
  let held: string[] = [];
  let at: DemoZoneId = 'FLOOR';
  /** Every garment a shopper took: their events are printed, to the exit and after. */
  const followed = new Set<string>();
  const unsubscribe = store.fittingRooms.onZoneEvent((event: ZoneEvent) => {
    if (!followed.has(event.epc)) return;
    const where = event.kind === 'moved' ? `${event.from} → ${event.zone}` : event.zone;
    print(`[zone] ${shortName(event.epc)} ${event.kind}: ${where}`);
  });

  const take = (): string[] => {
    const taken = store.garments.slice(next, next + GARMENTS_PER_SHOPPER);
    next += taken.length;
    for (const epc of taken) followed.add(epc);
    return taken;
  };

  return {
    help: () => [
      '\nRFID floor of S001 (fitting rooms FR1 and FR2, the counter reader, the exit):',
      `  fr1 / fr2   a shopper takes ${GARMENTS_PER_SHOPPER} tagged tees into fitting room 1 / 2`,
      `              (${(DEMO_TRYON_POLICY.minTryOnMs ?? 0) / 1000} s or more in the room is a try-on)`,
      '  link M0001  links the room the shopper is in to a member (as their member QR would)',
      '  out         the shopper walks out onto the sales floor with them',
      '  pay         the shopper puts them on the counter: the till rings them up by RFID',
      '  leave       the shopper leaves through the exit with them',
      '  rooms       the fitting rooms now',
    ],
    handle(line) {
      const [word = '', argument] = line.trim().split(/\s+/);
      const key = word.toLowerCase();
      if (key === 'rooms') {
        for (const view of store.fittingRooms.rooms()) {
          const tags = view.sessions.map(
            (s) => `${shortName(s.epc)} ${Math.round(s.durationMs / 1000)} s`,
          );
          print(`  ${view.room.name}: ${tags.length ? tags.join(', ') : 'empty'}`);
        }
        const status = store.fittingRooms.status();
        print(
          `  ${status.deviceId}: ${status.waiting} try-on fact(s) waiting for the server` +
            (status.lastPushAt ? `, last pushed ${status.lastPushAt}` : '') +
            (status.lastError ? ` (${status.lastError})` : ''),
        );
        return true;
      }
      if (key === 'link') {
        if (at !== 'FR1' && at !== 'FR2') {
          print('The shopper is not in a fitting room: type fr1 or fr2 first.');
        } else if (!argument) {
          print('Type the member id, e.g. link M0001.');
        } else {
          try {
            const linked = store.fittingRooms.linkMember(at, argument);
            print(`Linked ${linked} session(s) in ${at} to member ${argument}.`);
          } catch (error) {
            print(`Not linked: ${error instanceof Error ? error.message : String(error)}`);
          }
        }
        return true;
      }
      const place = PLACES[key];
      if (!place) return false;
      if (held.length === 0) {
        if (place.zone !== 'FR1' && place.zone !== 'FR2') {
          print('The shopper holds nothing: type fr1 or fr2 first.');
          return true;
        }
        held = take();
        if (held.length === 0) {
          print('No garments left on the sales floor.');
          return true;
        }
      }
      store.carry(held, place.zone);
      at = place.zone;
      print(`The shopper carries ${held.length} garment(s) ${place.words}.`);
      if (place.zone === 'EXIT') {
        const gone = held;
        held = [];
        at = 'FLOOR';
        timers.setTimeout(() => {
          for (const epc of gone) store.floor.remove(epc);
        }, GONE_AFTER_EXIT_MS);
      }
      return true;
    },
    stop: unsubscribe,
  };
}
