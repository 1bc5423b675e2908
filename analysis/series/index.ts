export * from './series-key.ts';
export * from './series-store.ts';
export * from './histogram-quantile.ts';
