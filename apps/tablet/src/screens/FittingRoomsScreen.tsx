/**
 * [TA9] [TA10] 试衣间 The fitting rooms now, live from the store hub: the
 * rooms side by side, each tag with its product, colour, size and minutes
 * in the room, a try-on marked once long enough; linking the customer's
 * member QR to a room with the camera; from a room, what they tried and
 * what to bring them.
 */
import { useEffect, useState } from 'react';
import type { ClerkCustomer, FittingRoomNow, FittingRoomsFeed, FittingTag } from '@pos/app-core';
import type { Tablet } from '../tablet';
import { CameraScanner } from './CameraScanner';
import { Note, Sheet } from './common';
import { variantLabel } from './view';
import { noteOf, useWords, type ScreenNote } from './words';

/** How often the minutes on screen move on between the hub's messages. */
const TICK_MS = 15_000;

export function FittingRoomsScreen(props: {
  tablet: Tablet;
  /** Members linked on this tablet, by room. */
  linked: Record<string, ClerkCustomer>;
  onLinked(room: string, customer: ClerkCustomer): void;
  onSuggestions(room: FittingRoomNow): void;
  onTried(customer: ClerkCustomer, room: FittingRoomNow): void;
}) {
  const t = useWords();
  const { fitting } = props.tablet;
  const [feed, setFeed] = useState<FittingRoomsFeed | null>(null);
  const [, setTick] = useState(0);
  const [linking, setLinking] = useState<FittingRoomNow | null>(null);
  const [note, setNote] = useState<ScreenNote | null>(null);

  useEffect(() => fitting.watchRooms(setFeed), [fitting]);
  useEffect(() => {
    const timer = setInterval(() => setTick((n) => n + 1), TICK_MS);
    return () => clearInterval(timer);
  }, []);

  if (!feed) return <main className="screen-fitting">{t('Loading…')}</main>;
  if (feed.state === 'unavailable') {
    return (
      <main className="screen-fitting">
        <Note note={{ tone: 'error', code: feed.code, text: feed.reason }} />
      </main>
    );
  }
  const minMinutes = Math.round(fitting.policy.minTryOnMs / 60_000);
  return (
    <main className="screen-fitting">
      <p className="hint">
        {t('Live from the store’s readers. A tag in a room for {n} min or more is a try-on.', {
          n: minMinutes,
        })}
      </p>
      <Note note={note} />
      {feed.rooms.length === 0 && <p className="empty">{t('This store has no fitting rooms')}</p>}
      <div className="rooms">
        {feed.rooms.map((room) => (
          <Room
            key={room.room.id}
            tablet={props.tablet}
            room={room}
            customer={props.linked[room.room.id] ?? null}
            onLink={() => {
              setNote(null);
              setLinking(room);
            }}
            onSuggestions={() => props.onSuggestions(room)}
            onTried={(customer) => props.onTried(customer, room)}
          />
        ))}
      </div>
      {linking && (
        <Sheet
          title={t('Link a member to {room}', { room: linking.room.name })}
          onClose={() => setLinking(null)}
          wide
        >
          <p className="hint">{t('Scan the member QR code on the customer’s phone')}</p>
          <CameraScanner
            tablet={props.tablet}
            onClose={() => setLinking(null)}
            onCode={(code) => {
              const room = linking;
              setLinking(null);
              void fitting.linkMember(room.room.id, code).then((outcome) => {
                setNote(noteOf(outcome));
                if (outcome.ok) props.onLinked(room.room.id, outcome.value.customer);
              });
            }}
          />
        </Sheet>
      )}
    </main>
  );
}

function Room(props: {
  tablet: Tablet;
  room: FittingRoomNow;
  customer: ClerkCustomer | null;
  onLink(): void;
  onSuggestions(): void;
  onTried(customer: ClerkCustomer): void;
}) {
  const t = useWords();
  const { room, customer } = props;
  const busy = room.tags.length > 0;
  // Linked on another tablet: the member's id is all this one knows (no personal data).
  const member: ClerkCustomer | null =
    customer ?? (room.memberId ? { memberId: room.memberId, maskedPhone: '' } : null);
  return (
    <section className={busy ? 'room busy' : 'room'} aria-label={room.room.name}>
      <header>
        <h2>{room.room.name}</h2>
        <span className={busy ? 'room-state busy' : 'room-state'}>
          {busy ? t('{n} item(s)', { n: room.tags.length }) : t('Free')}
        </span>
      </header>
      {(customer || room.memberId) && (
        <p className="room-member">
          {customer
            ? t('Member {name}', { name: customer.maskedName ?? customer.maskedPhone })
            : t('A member is linked')}
        </p>
      )}
      {busy ? (
        <ul className="room-tags">
          {room.tags.map((tag) => (
            <Tag key={tag.sessionId} tablet={props.tablet} tag={tag} />
          ))}
        </ul>
      ) : (
        <p className="empty">{t('Nothing in this room')}</p>
      )}
      <div className="room-actions">
        <button type="button" disabled={!busy} onClick={props.onLink}>
          {t('Link member')}
        </button>
        <button type="button" disabled={!busy} onClick={props.onSuggestions}>
          {t('Suggestions')}
        </button>
        {member && (
          <button type="button" onClick={() => props.onTried(member)}>
            {t('Tried items')}
          </button>
        )}
      </div>
    </section>
  );
}

function Tag({ tablet, tag }: { tablet: Tablet; tag: FittingTag }) {
  const t = useWords();
  const timing = tablet.fitting.timing(tag);
  const variant = variantLabel(tag);
  return (
    <li className={timing.tryOn ? 'room-tag try-on' : 'room-tag'}>
      <div className="what">
        <strong>{tag.styleName ?? tag.name ?? t('Not in the catalog')}</strong>
        <span className="muted">
          {variant ?? tag.sku ?? tag.epc}
          {tag.serial ? ` · #${tag.serial}` : ''}
        </span>
      </div>
      <div className="when">
        <strong>
          {timing.minutes < 1 ? t('Under 1 min') : t('{n} min', { n: timing.minutes })}
        </strong>
        <span className={timing.tryOn ? 'badge try-on' : 'badge'}>
          {timing.tryOn ? t('Try-on') : t('Just in')}
        </span>
      </div>
    </li>
  );
}
