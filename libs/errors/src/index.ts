export * from './exchange-error';
export * from './request-errors';
export * from './delivery-errors';
export * from './audit-errors';
export * from './mask-values';
