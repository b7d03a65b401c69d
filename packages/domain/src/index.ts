export * from './money';
export * from './barcode';
export * from './documents';
export * from './validate';
export * from './cart';
export * from './sale';
export * from './receipt';
