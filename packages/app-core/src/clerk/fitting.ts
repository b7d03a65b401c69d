/**
 * The fitting rooms on the clerk's tablet: the rooms now, live from the
 * store hub's fitting-room service, each tag with its product and how long
 * it has been in the room ([FM2]); linking a member to a room by their
 * member QR ([FM3]); a customer's tried items ([FM4]) and what to bring
 * them ([FM5]). Over the clerk's ports plus the server's `/_rfid/` routes
 * and the hub's floor ([FM1]). See SPEC.md [FM1]-[FM5].
 */
import {
  decodeSgtin96,
  DEFAULT_FITTING_ROOM_POLICY,
  type FittingRoomPolicy,
  type FittingRoomView,
  type MemberTryOnsAnswer,
  type OutfitSuggestion,
  type SuggestionsAnswer,
  type Zone,
} from '@pos/domain';
import type { PosBridge } from '@pos/hardware/protocol';
import type { RfidServer } from '@pos/replica';
import { done, errorCode, errorText, refuse, type Outcome } from '../outcome';
import { liveOrLast, whyNotLive } from './answers';
import { createCart } from './cart';
import { createItemLabels, type ItemLabel, type ItemLabels } from './fitting-products';
import type { ClerkCustomer, ClerkPorts } from './types';

/** [FM1] What the tablet asks of the store hub's floor: fitting rooms, member links, zones, tag reads. */
export type FloorHub = Pick<
  PosBridge,
  'onFittingRooms' | 'fittingRooms' | 'linkMember' | 'zoneTags' | 'onTagRead'
>;

/** [FM1] The clerk's ports, the server's `/_rfid/` routes and the hub (null: this tablet has none). */
export type FittingPorts = ClerkPorts & {
  rfid: RfidServer;
  floor: FloorHub | null;
  /** The chain's fitting-room rules; the domain's defaults when not given. */
  fittingPolicy?: FittingRoomPolicy;
  /** A store's name by id (the replica's stores), for suggestions in other stores. */
  storeName?: (storeId: string) => Promise<string | null>;
};

/** [FM2] A tag in a room now, with its product. */
export type FittingTag = ItemLabel & {
  sessionId: string;
  epc: string;
  serial: string | null;
  openedAt: string;
  memberId: string | null;
  clerkId: string | null;
};

/** [FM2] A room now: its tags, longest in the room first, and the member linked to it. */
export type FittingRoomNow = { room: Zone; tags: FittingTag[]; memberId: string | null };

/** [FM1] The rooms as the hub last said; `unavailable` when there is no hub or it runs no fitting rooms. */
export type FittingRoomsFeed =
  | { state: 'live'; rooms: FittingRoomNow[] }
  | {
      state: 'unavailable';
      code: 'HUB_NONE' | 'HUB_NO_FITTING_ROOMS' | 'HUB_FAILED';
      reason: string;
    };

/** [FM2] How long a tag has been in its room, and whether that is long enough to be a try-on. */
export type TagTiming = { durationMs: number; minutes: number; tryOn: boolean };

/** [FM4] One item the customer tried, with whether it was sold. */
export type TriedItem = MemberTryOnsAnswer['tryOns'][number] & ItemLabel;

/** [FM4] A customer's tried items: live, or the last answer marked stale, or not known. */
export type TriedItemsView =
  | { state: 'live' | 'stale'; memberId: string; items: TriedItem[]; reason?: string }
  | { state: 'none'; memberId: string; reason: string };

/** [FM5] A suggestion with its products named and its store's name. */
export type SuggestionItem = OutfitSuggestion & {
  item: ItemLabel;
  tried: ItemLabel;
  storeName: string | null;
};

/**
 * [FM5] What to bring the customer. `consent` is the member's answer for a
 * member's suggestions (false: none may be shown), null when asked by SKU.
 */
export type SuggestionsView =
  | { state: 'live' | 'stale'; consent: boolean | null; items: SuggestionItem[]; reason?: string }
  | { state: 'none'; reason: string };

/** [FM3] A member linked to a room. */
export type LinkedMember = { room: string; linked: number; customer: ClerkCustomer };

export type FittingDesk = {
  /** [FM1] [FM2] Calls `listener` with the rooms now and after every change the hub reports; returns a stop function. */
  watchRooms(listener: (feed: FittingRoomsFeed) => void): () => void;
  /** [FM2] A tag's time in its room now, by the policy. */
  timing(tag: { openedAt: string }): TagTiming;
  /** [FM3] A customer by the member QR on their phone, as the cart finds one. */
  customerByQr(code: string): Promise<Outcome<ClerkCustomer>>;
  /** [FM3] Links the room's open sessions to the member of the QR code. */
  linkMember(room: string, memberQr: string): Promise<Outcome<LinkedMember>>;
  /** [FM4] The member's tried items at this store. */
  triedItems(memberId: string): Promise<TriedItemsView>;
  /** [FM5] Suggestions for the SKUs in a room now (no personal data), or for a member (only with consent). */
  suggestions(query: { skus: string[] } | { memberId: string }): Promise<SuggestionsView>;
  /** The rules the screens show (the try-on minimum). */
  policy: FittingRoomPolicy;
};

/** The most SKUs one suggestions request names. */
export const SUGGESTION_SKUS_MAX = 50;

/** [CL2] Where the last answers are kept on the device (ids only, no personal data). */
export const triedItemsKey = (memberId: string): string => `tryons:${memberId}`;
export const suggestionsKey = (skus: string[]): string =>
  `suggestions:${[...skus].sort().join(',')}`;

/** [FM2] A tag's time in the room at `now`, whole minutes rounded down, a try-on at the policy's minimum. */
export function tagTiming(openedAt: string, now: Date, policy: FittingRoomPolicy): TagTiming {
  const opened = Date.parse(openedAt);
  const durationMs = Number.isFinite(opened) ? Math.max(0, now.getTime() - opened) : 0;
  return {
    durationMs,
    minutes: Math.floor(durationMs / 60_000),
    tryOn: durationMs >= policy.minTryOnMs,
  };
}

/** An SGTIN-96's serial, when the hub did not decode it. */
function serialOf(epc: string): string | null {
  const decoded = decodeSgtin96(epc);
  return decoded.ok ? decoded.serial : null;
}

/** [FM2] The hub's rooms with each tag's product; the rooms in the hub's order, tags longest first. */
export async function roomsWithProducts(
  views: FittingRoomView[],
  labels: ItemLabels,
): Promise<FittingRoomNow[]> {
  return Promise.all(
    views.map(async (view) => {
      const tags = await Promise.all(
        view.sessions.map(async (s): Promise<FittingTag> => ({
          ...(await labels.tag({ epc: s.epc, gtin: s.gtin })),
          sessionId: s.id,
          epc: s.epc,
          serial: s.serial ?? serialOf(s.epc),
          openedAt: s.openedAt,
          memberId: s.memberId ?? null,
          clerkId: s.clerkId ?? null,
        })),
      );
      tags.sort((a, b) => a.openedAt.localeCompare(b.openedAt) || a.epc.localeCompare(b.epc));
      const memberId = tags.find((t) => t.memberId !== null)?.memberId ?? null;
      return { room: view.room, tags, memberId };
    }),
  );
}

export function createFitting(ports: FittingPorts): FittingDesk {
  const policy = ports.fittingPolicy ?? DEFAULT_FITTING_ROOM_POLICY;
  const labels = createItemLabels(ports.replica);
  const cart = createCart(ports);
  let lastRooms: FittingRoomView[] | null = null;

  function floorWith<K extends keyof FloorHub>(what: K): Outcome<NonNullable<FloorHub[K]>> {
    if (!ports.floor) return refuse('HUB_NONE', 'This tablet has no store hub');
    const fn = ports.floor[what];
    if (!fn) {
      return refuse(
        'HUB_NO_FITTING_ROOMS',
        'The store hub runs no fitting-room service (update the hub)',
      );
    }
    return done(fn as NonNullable<FloorHub[K]>);
  }

  function watchRooms(listener: (feed: FittingRoomsFeed) => void): () => void {
    const subscribe = floorWith('onFittingRooms');
    if (!subscribe.ok) {
      listener({
        state: 'unavailable',
        code: subscribe.code as 'HUB_NONE' | 'HUB_NO_FITTING_ROOMS',
        reason: subscribe.message,
      });
      return () => {};
    }
    // Each change is named with the products; a slower lookup never overwrites a newer view.
    let latest = 0;
    let stopped = false;
    const show = (views: FittingRoomView[]) => {
      lastRooms = views;
      const mine = ++latest;
      void roomsWithProducts(views, labels).then((rooms) => {
        if (!stopped && mine === latest) listener({ state: 'live', rooms });
      });
    };
    const stop = subscribe.value(show);
    // The hub pushes the rooms when they change; asked once too, so a quiet hub shows its
    // rooms now and an older hub (HUB_INCOMPATIBLE) is said, not left loading.
    void ports.floor?.fittingRooms?.().then(
      (views) => {
        if (!stopped && latest === 0) show(views);
      },
      (error: unknown) => {
        if (stopped || latest !== 0) return;
        const code = errorCode(error);
        listener({
          state: 'unavailable',
          code: code === 'HUB_INCOMPATIBLE' ? 'HUB_NO_FITTING_ROOMS' : 'HUB_FAILED',
          reason: errorText(error),
        });
      },
    );
    return () => {
      stopped = true;
      stop();
    };
  }

  async function customerByQr(code: string): Promise<Outcome<ClerkCustomer>> {
    const found = await cart.memberByQr(cart.newCart(), code);
    if (!found.ok) return found;
    const customer = found.value.customer;
    if (!customer?.memberId) {
      return refuse(
        'MEMBER_OFFLINE',
        'The member is not on this tablet: link them when the tablet is online',
      );
    }
    return done(customer, found.notices);
  }

  async function linkMember(room: string, memberQr: string): Promise<Outcome<LinkedMember>> {
    const link = floorWith('linkMember');
    if (!link.ok) return link;
    const customer = await customerByQr(memberQr);
    if (!customer.ok) return customer;
    let rooms = lastRooms;
    if (!rooms && ports.floor?.fittingRooms) {
      try {
        rooms = await ports.floor.fittingRooms();
      } catch {
        rooms = null;
      }
    }
    const view = rooms?.find((r) => r.room.id === room);
    if (rooms && !view)
      return refuse('ROOM_UNKNOWN', `No fitting room ${room}`, { params: { room } });
    if (view && view.sessions.length === 0) {
      return refuse('ROOM_EMPTY', `Nothing is in ${view.room.name} to link`, {
        params: { room: view.room.name },
      });
    }
    const memberId = customer.value.memberId!;
    const clerkId = ports.state.get().staff?.id;
    let linked: number;
    try {
      linked = await link.value(room, memberId, clerkId);
    } catch (error) {
      return refuse(errorCode(error) ?? 'HUB_FAILED', errorText(error), {
        context: 'Link member',
      });
    }
    if (linked === 0) {
      return refuse('ROOM_EMPTY', `Nothing is in ${view?.room.name ?? room} to link`, {
        params: { room: view?.room.name ?? room },
      });
    }
    const name = customer.value.maskedName ?? customer.value.maskedPhone;
    return done({ room, linked, customer: customer.value }, [
      {
        tone: 'info',
        text: `${name} linked to ${view?.room.name ?? room} (${linked} item(s))`,
        code: 'MEMBER_LINKED',
        params: { name, room: view?.room.name ?? room, n: String(linked) },
      },
    ]);
  }

  async function triedItems(memberId: string): Promise<TriedItemsView> {
    const got = await liveOrLast<MemberTryOnsAnswer>(
      ports.local,
      triedItemsKey(memberId),
      ports.online(),
      () => ports.rfid.memberTryOns(memberId),
    );
    if (got.state === 'none') return { state: 'none', memberId, reason: got.reason };
    const items = await Promise.all(
      got.value.tryOns.map(async (t): Promise<TriedItem> => {
        const label = t.sku ? await labels.sku(t.sku) : { ...(await labels.tag({ epc: t.epc })) };
        return { ...label, ...t, name: t.name ?? label.name, sku: t.sku ?? label.sku };
      }),
    );
    items.sort((a, b) => b.closedAt.localeCompare(a.closedAt));
    return {
      state: got.state,
      memberId,
      items,
      ...(got.reason ? { reason: got.reason } : {}),
    };
  }

  async function named(suggestions: OutfitSuggestion[]): Promise<SuggestionItem[]> {
    const names = new Map<string, Promise<string | null>>();
    const storeName = (id: string) => {
      if (!ports.storeName) return Promise.resolve(null);
      let name = names.get(id);
      if (!name) names.set(id, (name = ports.storeName(id).catch(() => null)));
      return name;
    };
    return Promise.all(
      suggestions.map(async (s) => ({
        ...s,
        item: await labels.sku(s.sku),
        tried: await labels.sku(s.triedSku),
        storeName: s.kind === 'other-variant' ? await storeName(s.storeId) : null,
      })),
    );
  }

  async function suggestions(
    query: { skus: string[] } | { memberId: string },
  ): Promise<SuggestionsView> {
    if ('memberId' in query) {
      // [FM5] A member's suggestions are asked live each time: consent may have been withdrawn.
      if (!ports.online()) return { state: 'none', reason: whyNotLive(null) };
      const answer = await ports.rfid.suggestions({ member: query.memberId });
      if (!answer.ok) return { state: 'none', reason: whyNotLive(answer) };
      return {
        state: 'live',
        consent: answer.value.consent,
        items: answer.value.consent ? await named(answer.value.suggestions) : [],
      };
    }
    // The server answers for at most 50 SKUs at a time; a room holds far fewer.
    const skus = [...new Set(query.skus)].sort().slice(0, SUGGESTION_SKUS_MAX);
    if (skus.length === 0) return { state: 'live', consent: null, items: [] };
    const got = await liveOrLast<SuggestionsAnswer>(
      ports.local,
      suggestionsKey(skus),
      ports.online(),
      () => ports.rfid.suggestions({ skus }),
    );
    if (got.state === 'none') return got;
    return {
      state: got.state,
      consent: null,
      items: await named(got.value.suggestions),
      ...(got.reason ? { reason: got.reason } : {}),
    };
  }

  return {
    watchRooms,
    timing: (tag) => tagTiming(tag.openedAt, ports.clock(), policy),
    customerByQr,
    linkMember,
    triedItems,
    suggestions,
    policy,
  };
}
