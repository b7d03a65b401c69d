/**
 * The shopping bag: the products a customer means to pick up together, kept
 * in the page's memory and in localStorage so a reload keeps it. It holds
 * only what the catalog showed (SKU, name, list price) and the quantities:
 * nothing about the customer. The server prices the order when it is placed.
 */
import { useCallback, useEffect, useState } from 'react';

export type BagLine = { sku: string; name: string; price: number; quantity: number };

const BAG_KEY = 'shop.bag';
/** As the server takes them: lines per order and units per line. */
export const BAG_LINES_MAX = 20;
export const BAG_QUANTITY_MAX = 99;

/** The bag as stored; anything that does not read as a bag line is dropped. */
export function readBag(text: string | null): BagLine[] {
  let stored: unknown;
  try {
    stored = JSON.parse(text ?? '[]');
  } catch {
    return [];
  }
  if (!Array.isArray(stored)) return [];
  const lines: BagLine[] = [];
  for (const item of stored as unknown[]) {
    if (typeof item !== 'object' || item === null) continue;
    const { sku, name, price, quantity } = item as Record<string, unknown>;
    if (
      typeof sku === 'string' &&
      sku !== '' &&
      typeof name === 'string' &&
      Number.isSafeInteger(price) &&
      (price as number) >= 0 &&
      Number.isSafeInteger(quantity) &&
      (quantity as number) >= 1 &&
      !lines.some((line) => line.sku === sku)
    ) {
      lines.push({
        sku,
        name,
        price: price as number,
        quantity: Math.min(quantity as number, BAG_QUANTITY_MAX),
      });
    }
  }
  return lines.slice(0, BAG_LINES_MAX);
}

/** `lines` with `quantity` more of `product`: one line per SKU, capped as the server caps it. */
export function addToBag(
  lines: readonly BagLine[],
  product: { sku: string; name: string; price: number },
  quantity: number,
): BagLine[] {
  const known = lines.find((line) => line.sku === product.sku);
  if (known) {
    return lines.map((line) =>
      line === known
        ? {
            ...line,
            name: product.name,
            price: product.price,
            quantity: Math.min(line.quantity + quantity, BAG_QUANTITY_MAX),
          }
        : line,
    );
  }
  if (lines.length >= BAG_LINES_MAX) return [...lines];
  return [...lines, { ...product, quantity: Math.max(1, Math.min(quantity, BAG_QUANTITY_MAX)) }];
}

export type Bag = {
  lines: BagLine[];
  /** Units in the bag, for the header's badge. */
  count: number;
  /** False when the bag already has as many different products as one order takes. */
  canAdd: (sku: string) => boolean;
  add: (product: { sku: string; name: string; price: number }, quantity: number) => void;
  setQuantity: (sku: string, quantity: number) => void;
  remove: (sku: string) => void;
  clear: () => void;
};

/** The bag, saved on every change and followed across the customer's other tabs. */
export function useBag(): Bag {
  const [lines, setLines] = useState<BagLine[]>(() => readBag(localStorage.getItem(BAG_KEY)));
  const change = useCallback((next: (lines: BagLine[]) => BagLine[]) => {
    setLines((current) => {
      const changed = next(current);
      localStorage.setItem(BAG_KEY, JSON.stringify(changed));
      return changed;
    });
  }, []);
  useEffect(() => {
    const onStorage = (event: StorageEvent) => {
      if (event.key === BAG_KEY) setLines(readBag(event.newValue));
    };
    window.addEventListener('storage', onStorage);
    return () => window.removeEventListener('storage', onStorage);
  }, []);
  return {
    lines,
    count: lines.reduce((sum, line) => sum + line.quantity, 0),
    canAdd: (sku) => lines.length < BAG_LINES_MAX || lines.some((line) => line.sku === sku),
    add: (product, quantity) => change((current) => addToBag(current, product, quantity)),
    setQuantity: (sku, quantity) =>
      change((current) =>
        current.map((line) =>
          line.sku === sku
            ? { ...line, quantity: Math.max(1, Math.min(quantity, BAG_QUANTITY_MAX)) }
            : line,
        ),
      ),
    remove: (sku) => change((current) => current.filter((line) => line.sku !== sku)),
    clear: () => change(() => []),
  };
}
