/**
 * A product and its style: the size-by-colour grid of ATP here [VG2] with
 * the chosen size highlighted, other stores nearest first with distance,
 * the chosen size's ATP and their "as of" time [VG4] (stale figures marked
 * [TA5]), and what the customer wants: take now, order for pickup at a
 * store, or ship to them.
 */
import { useEffect, useState } from 'react';
import type {
  ChainStockView,
  ClerkCart,
  ClerkFound,
  ClerkLineMode,
  Outcome,
  StockInfo,
} from '@pos/app-core';
import type { StyleGrid } from '@pos/domain';
import { useDateTime, useLocale, useMoney } from '@pos/ui';
import type { Tablet } from '../tablet';
import { AddressSheet } from './AddressSheet';
import { Freshness, Note, QuantityPicker } from './common';
import { atpText, atpTone, distanceWords } from './view';
import { noteOf, noteOfRefusal, useWords, type ScreenNote } from './words';

export function ProductScreen(props: {
  tablet: Tablet;
  found: ClerkFound;
  cart: ClerkCart;
  online: boolean;
  onSelect(found: ClerkFound): void;
  onAdd(found: ClerkFound, quantity: number, fulfilment: ClerkLineMode): Outcome<ClerkCart>;
}) {
  const t = useWords();
  const money = useMoney();
  const { language } = useLocale();
  const { tablet, found } = props;
  const { style } = found;
  const sku = found.product.id;
  // Each figure is kept with the style or SKU it was read for, so a figure of the
  // product shown before never shows for this one: it reads as not yet loaded.
  const [lastGrid, setGrid] = useState<StyleGrid | null>(null);
  const [singleOf, setSingleOf] = useState<{ sku: string; stock: StockInfo } | null>(null);
  const [chainOf, setChainOf] = useState<{ sku: string; chain: ChainStockView } | null>(null);
  const [quantity, setQuantity] = useState(1);
  const [noteOn, setNoteOn] = useState<{ sku: string; note: ScreenNote } | null>(null);
  const [shipping, setShipping] = useState(false);
  const grid = style && lastGrid?.styleId === style.styleId ? lastGrid : null;
  const single = !style && singleOf?.sku === sku ? singleOf.stock : null;
  const chain = style && chainOf?.sku === sku ? chainOf.chain : null;
  const note = noteOn?.sku === sku ? noteOn.note : null;
  const setNote = (next: ScreenNote | null) => setNoteOn(next && { sku, note: next });

  useEffect(() => {
    let live = true;
    if (style) {
      void tablet.clerk.stockHere(style).then((g) => live && setGrid(g));
      void tablet.clerk.chainStock(style, sku).then((c) => live && setChainOf({ sku, chain: c }));
    } else {
      void tablet.stock(sku).then((s) => live && setSingleOf({ sku, stock: s }));
    }
    return () => {
      live = false;
    };
  }, [tablet, style, sku]);

  const add = (fulfilment: ClerkLineMode) => {
    const outcome = props.onAdd(found, quantity, fulfilment);
    setNote(
      outcome.ok
        ? (noteOf(outcome) ?? {
            tone: 'info',
            text: `Added to the cart: ${found.product.name}`,
            code: 'ADDED_TO_CART',
            params: { name: found.product.name },
          })
        : noteOfRefusal(outcome),
    );
  };

  const select = (cellSku: string) => {
    if (cellSku === sku) return;
    void tablet.clerk.product(cellSku).then((outcome) => {
      if (outcome.ok) props.onSelect(outcome.value);
      else setNote(noteOfRefusal(outcome));
    });
  };

  const hereAtp = grid
    ? (grid.cells.flat().find((c) => c?.sku === sku)?.atp ?? null)
    : single?.known
      ? single.atp
      : null;

  return (
    <main className="screen-product">
      <section className="here-panel" aria-label={t('Stock here')}>
        <header className="product-head">
          <h1>{style?.name ?? found.product.name}</h1>
          <p>
            <span className="sku">{sku}</span>
            {found.variant && (
              <span className="chosen">
                {t('Selected: {colour} {size}', {
                  colour: found.variant.colour,
                  size: found.variant.size,
                })}
              </span>
            )}
            <span className="price">
              {found.unitPrice === null ? t('No price') : money(found.unitPrice)}
            </span>
          </p>
        </header>
        {grid && <Grid grid={grid} selected={sku} onSelect={select} />}
        <p className="here-total">
          {hereAtp === null ? t('Not known here') : t('Available here: {n}', { n: hereAtp })}
          {grid && <span className="muted"> · {t('Total here: {n}', { n: grid.total })}</span>}
          {grid?.cells.some((row) => row.some((cell) => cell?.atp === null)) && (
            <span className="muted"> · {t('— not known')}</span>
          )}
        </p>
        <div className="order-actions">
          <QuantityPicker value={quantity} onChange={setQuantity} />
          <button
            type="button"
            className="primary"
            disabled={found.unitPrice === null}
            onClick={() => add({ mode: 'take-now' })}
          >
            {t('Take now')}
          </button>
          <button
            type="button"
            disabled={found.unitPrice === null}
            onClick={() => {
              if (!props.cart.customer?.memberId) {
                setNote({
                  tone: 'error',
                  code: 'ADDRESS_NEEDS_MEMBER',
                  text: 'Attach the customer first: a delivery needs a member',
                });
              } else setShipping(true);
            }}
          >
            {t('Ship to customer')}
          </button>
        </div>
        <Note note={note} />
      </section>
      <section className="stores-panel" aria-label={t('Other stores')}>
        <header>
          <h2>{t('Other stores')}</h2>
          <span className="muted">{t('Nearest first')}</span>
          {chain && chain.state !== 'none' && (
            <Freshness state={chain.state} asOf={chain.asOf} offline={!props.online} />
          )}
        </header>
        {!style && <p className="empty">{t('Other stores are not known')}</p>}
        {style && !chain && <p className="empty">{t('Loading…')}</p>}
        {chain?.state === 'none' && (
          <p className="empty stale" role="status">
            {t('Other stores are not known')}
            {props.online ? '' : ` · ${t('Offline')}`}
            {language === 'en' && props.online ? ` (${chain.reason})` : ''}
          </p>
        )}
        {chain && chain.state !== 'none' && (
          <StoreList
            chain={chain}
            sku={sku}
            disabled={found.unitPrice === null}
            onPickup={(storeId, storeName) => add({ mode: 'pickup', storeId, storeName })}
          />
        )}
      </section>
      {shipping && (
        <AddressSheet
          tablet={tablet}
          cart={props.cart}
          onClose={() => setShipping(false)}
          onAddress={(mode, address) => {
            setShipping(false);
            add({ mode, addressId: address.addressId, label: address.label });
          }}
        />
      )}
    </main>
  );
}

/** [VG2] Colours down, sizes across; "—" where the figure is not known, blank where no variant. */
function Grid(props: { grid: StyleGrid; selected: string; onSelect(sku: string): void }) {
  const t = useWords();
  const { grid } = props;
  return (
    <table className="size-grid">
      <thead>
        <tr>
          <th />
          {grid.sizes.map((size) => (
            <th key={size} scope="col">
              {size}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {grid.colours.map((colour, row) => (
          <tr key={colour}>
            <th scope="row">{colour}</th>
            {grid.sizes.map((size, col) => {
              const cell = grid.cells[row]?.[col] ?? null;
              if (!cell) return <td key={size} className="no-variant" />;
              const selected = cell.sku === props.selected;
              return (
                <td key={size}>
                  <button
                    type="button"
                    className={`cell ${atpTone(cell.atp)}${selected ? ' selected' : ''}`}
                    aria-pressed={selected}
                    aria-label={`${colour} ${size}: ${atpText(cell.atp)}`}
                    title={t('Size {size}', { size })}
                    onClick={() => props.onSelect(cell.sku)}
                  >
                    {atpText(cell.atp)}
                  </button>
                </td>
              );
            })}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** [VG4] Other stores nearest first: distance, the chosen size's ATP, as of when. */
function StoreList(props: {
  chain: Extract<ChainStockView, { state: 'live' | 'stale' }>;
  sku: string;
  disabled: boolean;
  onPickup(storeId: string, storeName: string): void;
}) {
  const t = useWords();
  const { stores } = props.chain;
  if (stores.length === 0) return <p className="empty">{t('No other store has this size')}</p>;
  return (
    <ul className="stores">
      {stores.map((store) => {
        const atp = store.atp[props.sku] ?? 0;
        const distance = distanceWords(store.distanceMetres);
        return (
          <li key={store.storeId} className={atp > 0 ? 'store has' : 'store none'}>
            <div className="store-name">
              <strong>{store.name}</strong>
              <span className="distance">
                {distance.unit === 'km'
                  ? t('{km} km', { km: distance.value })
                  : t('{m} m', { m: distance.value })}
              </span>
            </div>
            <div className={atp > 0 ? 'store-atp ok' : 'store-atp none'}>
              {atp > 0 ? t('{n} available', { n: atp }) : t('None available')}
            </div>
            <StoreAsOf asOf={store.asOf} stale={props.chain.state === 'stale'} />
            <button
              type="button"
              className="pickup-here"
              disabled={props.disabled || atp <= 0}
              onClick={() => props.onPickup(store.storeId, store.name)}
            >
              {t('Order for pickup here')}
            </button>
          </li>
        );
      })}
    </ul>
  );
}

function StoreAsOf({ asOf, stale }: { asOf: string; stale: boolean }) {
  const t = useWords();
  const { time } = useDateTime();
  return (
    <span className={stale ? 'as-of stale' : 'as-of'}>
      {t('As of {time}', { time: time(asOf) })}
    </span>
  );
}
