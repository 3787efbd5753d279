export * from './delivery-ledger.port';
export * from './sqlite-delivery-ledger';
export * from './postgres-delivery-ledger';
