/**
 * [TA3] Find a product: the search field (typed text, and keyboard-wedge
 * scanners, which type into it and press Enter), the camera, and RFID reads
 * from the hub (the App opens those). One hit opens the product; several
 * are listed.
 */
import { useEffect, useState } from 'react';
import type { ClerkFound, StockInfo } from '@pos/app-core';
import { useMoney } from '@pos/ui';
import type { Tablet } from '../tablet';
import { CameraScanner } from './CameraScanner';
import { Note } from './common';
import { useWords, type ScreenNote } from './words';

export type FindState = { query: string; results: ClerkFound[] | null; note: ScreenNote | null };

export function FindScreen(props: {
  tablet: Tablet;
  state: FindState;
  busy: boolean;
  onFind(text: string): void;
  onOpen(found: ClerkFound): void;
}) {
  const t = useWords();
  const money = useMoney();
  const [text, setText] = useState(props.state.query);
  const [camera, setCamera] = useState(false);
  // A search from elsewhere (a scan, the hub's RFID reader) shows its text in the field.
  const [query, setQuery] = useState(props.state.query);
  if (query !== props.state.query) {
    setQuery(props.state.query);
    setText(props.state.query);
  }
  const { results } = props.state;

  return (
    <main className="screen-find">
      <form
        className="search-bar"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          if (text.trim()) props.onFind(text.trim());
        }}
      >
        <input
          type="search"
          name="search"
          autoFocus
          autoComplete="off"
          enterKeyHint="search"
          aria-label={t('Search: name, pinyin initials, SKU or barcode')}
          placeholder={t('Search: name, pinyin initials, SKU or barcode')}
          value={text}
          onChange={(e) => setText(e.target.value)}
        />
        <button type="submit" className="primary" disabled={props.busy || !text.trim()}>
          {t('Search')}
        </button>
        <button
          type="button"
          className={camera ? 'camera-button on' : 'camera-button'}
          aria-pressed={camera}
          onClick={() => setCamera((on) => !on)}
        >
          {camera ? t('Stop the camera') : t('Scan with the camera')}
        </button>
      </form>
      {camera && (
        <CameraScanner
          tablet={props.tablet}
          onClose={() => setCamera(false)}
          onCode={(code) => {
            setCamera(false);
            props.onFind(code);
          }}
        />
      )}
      <Note note={props.state.note} />
      {results === null && !camera && (
        <p className="empty">{t('Scan a barcode, read an RFID tag, or search')}</p>
      )}
      {results !== null && results.length === 0 && (
        <p className="empty">{t('No products found for “{text}”', { text: props.state.query })}</p>
      )}
      {results !== null && results.length > 0 && (
        <>
          <p className="count">{t('{n} products', { n: results.length })}</p>
          <ul className="results">
            {results.map((found) => (
              <li key={found.product.id}>
                <button type="button" className="result" onClick={() => props.onOpen(found)}>
                  <span className="name">{found.style?.name ?? found.product.name}</span>
                  <span className="variant">
                    {found.variant ? `${found.variant.colour} · ${found.variant.size}` : ''}
                  </span>
                  <span className="sku">{found.product.id}</span>
                  <span className="price">
                    {found.unitPrice === null ? t('No price') : money(found.unitPrice)}
                  </span>
                  <HereStock tablet={props.tablet} sku={found.product.id} />
                </button>
              </li>
            ))}
          </ul>
        </>
      )}
    </main>
  );
}

/** [AC3] A SKU's ATP at this store, from the replica. */
function HereStock({ tablet, sku }: { tablet: Tablet; sku: string }) {
  const t = useWords();
  const [stock, setStock] = useState<StockInfo | null>(null);
  useEffect(() => {
    let live = true;
    void tablet.stock(sku).then((s) => live && setStock(s));
    return () => {
      live = false;
    };
  }, [tablet, sku]);
  if (!stock) return <span className="here" />;
  return (
    <span className={stock.known && stock.atp > 0 ? 'here ok' : 'here none'}>
      {stock.known ? t('Here: {n}', { n: stock.atp }) : t('Here: not known')}
    </span>
  );
}
