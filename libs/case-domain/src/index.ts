export * from './case-errors';
export * from './case-events';
export * from './case-facets';
export * from './case-state';
export * from './decide';
export * from './exchange-directory';
export * from './resolve-distribution';
export * from './timeline-entry';
