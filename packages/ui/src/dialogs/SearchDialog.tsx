/** Product search (F2): by name, pinyin initials, SKU or barcode, with price and stock. */
import { useEffect, useState } from 'react';
import type { Price, Product } from '@pos/domain';
import { useMoney, useT } from '../locale';
import { DialogActions } from './DialogActions';
import { Modal } from './Modal';

export type SearchHit = {
  product: Product;
  price: Price | undefined;
  /** The store's stock: on hand and available to promise, when known. */
  stock: { known: true; onHand: number; atp: number } | { known: false };
};

export function SearchDialog(props: {
  search(text: string): Promise<SearchHit[]>;
  onPick(sku: string): void;
  onCancel(): void;
}) {
  const t = useT();
  const money = useMoney();
  const [text, setText] = useState('');
  const [hits, setHits] = useState<SearchHit[]>([]);
  const { search } = props;
  useEffect(() => {
    let current = true;
    void search(text).then((found) => current && setHits(found));
    return () => {
      current = false;
    };
  }, [text, search]);
  return (
    <Modal
      title={t('Search')}
      onCancel={props.onCancel}
      onSubmit={() => hits[0] && props.onPick(hits[0].product.id)}
      wide
    >
      <label>
        {t('Search')}
        <input
          autoFocus
          value={text}
          placeholder="名称 / 拼音首字母 / SKU"
          onChange={(e) => setText(e.target.value)}
        />
      </label>
      <ul className="results" aria-label="Search results">
        {hits.map((hit) => (
          <li key={hit.product.id}>
            <button type="button" onClick={() => props.onPick(hit.product.id)}>
              {hit.product.name} <span className="sku">{hit.product.id}</span>{' '}
              <span className="num">{hit.price ? money(hit.price.amount) : '—'}</span>{' '}
              <span className="stock" aria-label={t('Stock')}>
                {hit.stock.known
                  ? `${t('Available')} ${hit.stock.atp} · ${t('On hand')} ${hit.stock.onHand}`
                  : t('Stock unknown')}
              </span>
            </button>
          </li>
        ))}
      </ul>
      <DialogActions onCancel={props.onCancel} />
    </Modal>
  );
}
