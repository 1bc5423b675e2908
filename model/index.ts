export * from './attributes.ts';
export * from './resource.ts';
export * from './trace.ts';
export * from './metrics.ts';
export * from './pipeline.ts';
