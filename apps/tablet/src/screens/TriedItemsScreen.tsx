/**
 * [TA10] A customer's tried items, sold or not, and 推荐 suggestions of what
 * to bring them: other sizes and colours in stock here or nearby with the
 * distance, and items bought together. Suggestions for what is in a room
 * now are asked by SKU; a member's only with their consent, and the screen
 * says when there is none.
 */
import { useCallback, useEffect, useState } from 'react';
import type {
  ClerkCustomer,
  FittingRoomNow,
  SuggestionItem,
  SuggestionsView,
  TriedItemsView,
} from '@pos/app-core';
import { useDateTime, useLocale } from '@pos/ui';
import type { Tablet } from '../tablet';
import { CameraScanner } from './CameraScanner';
import { Note, Sheet } from './common';
import { distanceWords, skusOfTags, variantLabel } from './view';
import { noteOfRefusal, useWords, type ScreenNote } from './words';

export function TriedItemsScreen(props: {
  tablet: Tablet;
  customer: ClerkCustomer | null;
  room: FittingRoomNow | null;
  online: boolean;
  onCustomer(customer: ClerkCustomer): void;
}) {
  const t = useWords();
  const { fitting } = props.tablet;
  const [scanning, setScanning] = useState(false);
  const [note, setNote] = useState<ScreenNote | null>(null);
  const memberId = props.customer?.memberId ?? null;

  return (
    <main className="screen-tried">
      <div className="tried-head">
        <div>
          <h1>
            {props.customer
              ? t('Member {name}', {
                  name:
                    props.customer.maskedName ??
                    (props.customer.maskedPhone || props.customer.memberId || ''),
                })
              : t('No customer chosen')}
          </h1>
          {props.customer && <span className="muted">{props.customer.maskedPhone}</span>}
        </div>
        <button type="button" className="primary" onClick={() => setScanning(true)}>
          {t('Scan member QR')}
        </button>
      </div>
      <Note note={note} />
      <div className="tried-columns">
        <section className="panel" aria-label={t('Tried items')}>
          <h2>{t('Tried items')}</h2>
          {memberId ? (
            <TriedList tablet={props.tablet} memberId={memberId} online={props.online} />
          ) : (
            <p className="empty">{t('Scan the customer’s member QR to see what they tried')}</p>
          )}
        </section>
        <section className="panel" aria-label={t('Suggestions')}>
          <h2>{t('Suggestions')}</h2>
          {props.room ? (
            <Suggestions
              key={`room:${props.room.room.id}`}
              tablet={props.tablet}
              title={t('For what is in {room} now', { room: props.room.room.name })}
              query={{ skus: skusOfTags(props.room.tags) }}
            />
          ) : memberId ? (
            <Suggestions
              key={`member:${memberId}`}
              tablet={props.tablet}
              title={t('For this member')}
              query={{ memberId }}
            />
          ) : (
            <p className="empty">{t('Open a room or scan a member QR to see suggestions')}</p>
          )}
        </section>
      </div>
      {scanning && (
        <Sheet title={t('Scan member QR')} onClose={() => setScanning(false)} wide>
          <CameraScanner
            tablet={props.tablet}
            onClose={() => setScanning(false)}
            onCode={(code) => {
              setScanning(false);
              void fitting.customerByQr(code).then((outcome) => {
                if (outcome.ok) {
                  setNote(null);
                  props.onCustomer(outcome.value);
                } else setNote(noteOfRefusal(outcome));
              });
            }}
          />
        </Sheet>
      )}
    </main>
  );
}

function TriedList(props: { tablet: Tablet; memberId: string; online: boolean }) {
  const t = useWords();
  const { language } = useLocale();
  const { dateTime } = useDateTime();
  const { fitting } = props.tablet;
  const [view, setView] = useState<TriedItemsView | null>(null);
  const load = useCallback(() => {
    void fitting.triedItems(props.memberId).then(setView);
  }, [fitting, props.memberId]);
  useEffect(load, [load]);

  if (!view) return <p className="muted">{t('Loading…')}</p>;
  if (view.state === 'none') {
    return (
      <p className="empty stale" role="status">
        {t('Not known yet')}
        {props.online ? '' : ` · ${t('Offline')}`}
        {language === 'en' && props.online ? ` (${view.reason})` : ''}
      </p>
    );
  }
  return (
    <>
      {view.state === 'stale' && (
        <p className="freshness stale" role="status">
          {props.online ? t('Not live: the last answer') : t('Offline: the last answer')}
        </p>
      )}
      {view.items.length === 0 && <p className="empty">{t('Nothing tried yet')}</p>}
      <ul className="tried-items">
        {view.items.map((item) => (
          <li key={item.id} className={item.sold ? 'tried sold' : 'tried'}>
            <div className="what">
              <strong>{item.styleName ?? item.name ?? item.sku ?? item.epc}</strong>
              <span className="muted">
                {variantLabel(item) ?? item.sku ?? ''} · {dateTime(item.closedAt)} ·{' '}
                {t('{n} min', { n: Math.max(1, Math.round(item.durationMs / 60_000)) })}
              </span>
            </div>
            <span className={item.sold ? 'badge sold' : 'badge not-sold'}>
              {item.sold ? t('Sold') : t('Not bought')}
            </span>
          </li>
        ))}
      </ul>
    </>
  );
}

type SuggestionsQuery = { skus: string[] } | { memberId: string };

function Suggestions(props: { tablet: Tablet; title: string; query: SuggestionsQuery }) {
  const t = useWords();
  const { fitting } = props.tablet;
  const [view, setView] = useState<SuggestionsView | null>(null);
  const key = JSON.stringify(props.query);
  useEffect(() => {
    let live = true;
    void fitting.suggestions(JSON.parse(key) as SuggestionsQuery).then((v) => {
      if (live) setView(v);
    });
    return () => {
      live = false;
    };
  }, [fitting, key]);

  if (!view) return <p className="muted">{t('Loading…')}</p>;
  if (view.state === 'none') {
    return (
      <p className="empty stale" role="status">
        {t('Suggestions need the network')}
      </p>
    );
  }
  return (
    <>
      <p className="hint">{props.title}</p>
      {view.state === 'stale' && (
        <p className="freshness stale" role="status">
          {t('Not live: the last answer')}
        </p>
      )}
      {view.consent === false ? (
        <p className="note info" role="status">
          {t('The customer has not agreed to suggestions: none are shown')}
        </p>
      ) : view.items.length === 0 ? (
        <p className="empty">{t('No suggestions')}</p>
      ) : (
        <ul className="suggestions">
          {view.items.map((item, i) => (
            <Suggestion key={`${item.kind}:${item.sku}:${i}`} tablet={props.tablet} item={item} />
          ))}
        </ul>
      )}
    </>
  );
}

function Suggestion({ tablet, item }: { tablet: Tablet; item: SuggestionItem }) {
  const t = useWords();
  const name = item.item.styleName ?? item.item.name ?? item.sku;
  const variant = variantLabel(item.item);
  const tried = variantLabel(item.tried) ?? item.tried.name ?? item.triedSku;
  if (item.kind === 'other-variant') {
    const here = item.storeId === tablet.config.storeId;
    const distance = distanceWords(Math.round(item.distanceKm * 1000));
    return (
      <li className="suggestion other-variant">
        <div className="what">
          <strong>
            {name}
            {variant ? ` ${variant}` : ''}
          </strong>
          <span className="muted">{t('Another size or colour of {tried}', { tried })}</span>
        </div>
        <div className="where">
          <strong className="ok">{t('{n} available', { n: item.atp })}</strong>
          <span className="muted">
            {here
              ? t('Here')
              : `${item.storeName ?? item.storeId} · ${
                  distance.unit === 'km'
                    ? t('{km} km', { km: distance.value })
                    : t('{m} m', { m: distance.value })
                }`}
          </span>
        </div>
      </li>
    );
  }
  return (
    <li className="suggestion bought-together">
      <div className="what">
        <strong>
          {name}
          {variant ? ` ${variant}` : ''}
        </strong>
        <span className="muted">
          {t('Bought together with {tried} {n} times', {
            tried: item.tried.styleName ?? tried,
            n: item.together,
          })}
        </span>
      </div>
      <span className="badge">{t('Goes with it')}</span>
    </li>
  );
}
