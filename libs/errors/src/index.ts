export * from './exchange-error';
export * from './request-errors';
