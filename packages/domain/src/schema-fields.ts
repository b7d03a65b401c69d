/** Field schemas shared by every document schema, so each bound is stated once. */
export const id = { type: 'string', maxLength: 100 } as const;
export const text = { type: 'string', maxLength: 200 } as const;
export const time = { type: 'string', maxLength: 40 } as const;
export const minor = { type: 'integer', minimum: -1e13, maximum: 1e13 } as const;
export const count = { type: 'integer', minimum: 0, maximum: 1e9 } as const;
export const currency = { type: 'string', pattern: '^[A-Z]{3}$', maxLength: 3 } as const;

/** [D1] Which way a collection's documents flow, and who may see them. */
export type CollectionFlow =
  | { direction: 'down' | 'up'; scope: 'chain' }
  /** Store-private: `storeField` names the document field holding its store's id. */
  | { direction: 'down' | 'up'; scope: 'store'; storeField: string };
