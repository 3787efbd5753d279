export * from './delivery-channel.port';
export * from './kafka/kafka-delivery-channel';
export * from './ledger';
