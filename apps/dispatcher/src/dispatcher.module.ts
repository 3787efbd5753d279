import { join } from 'node:path';
import { DynamicModule, Inject, Module } from '@nestjs/common';
import { CHECKPOINT_STORE, CheckpointStore, PostgresCheckpointStore, SqliteCheckpointStore } from '@cmx/checkpoints';
import { DELIVERY_CHANNEL, DeliveryChannel, KafkaDeliveryChannel } from '@cmx/delivery';
import { ConfigError, EngineProbes, ExchangeConfig } from '@cmx/platform';
import { Dispatcher } from './dispatch-events/dispatcher.service';

function openCheckpointStore(config: ExchangeConfig): CheckpointStore {
  return config.eventStore === 'postgres'
    ? PostgresCheckpointStore.open(config.databaseUrl!, config.databaseSchema)
    : SqliteCheckpointStore.open(join(config.dataDir, 'checkpoints.sqlite'));
}

/** Store subscription → entitled parties → delivery channel. */
@Module({})
export class DispatcherModule {
  constructor(@Inject(DELIVERY_CHANNEL) channel: DeliveryChannel, probes: EngineProbes) {
    probes.register({ role: 'delivery', engine: channel.kind, ping: () => channel.ping() });
  }

  static forRoot(config: ExchangeConfig): DynamicModule {
    const brokers = config.kafkaBrokers;
    if (config.delivery !== 'kafka' || !brokers) {
      throw new ConfigError(`DELIVERY=${config.delivery} is not valid for the dispatcher: it delivers over kafka (DELIVERY=kafka)`);
    }
    const openDeliveryChannel = () => KafkaDeliveryChannel.connect({ brokers, partitions: config.kafkaTopicPartitions });
    return {
      module: DispatcherModule,
      providers: [
        Dispatcher,
        { provide: DELIVERY_CHANNEL, useFactory: openDeliveryChannel },
        { provide: CHECKPOINT_STORE, useFactory: () => openCheckpointStore(config) },
      ],
    };
  }
}
