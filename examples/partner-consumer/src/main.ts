/**
 * A partner agency's consumer of the case exchange's Kafka deliveries:
 *   PARTY=NCB-GR KAFKA_BROKERS=127.0.0.1:9092 npx ts-node examples/partner-consumer/src/main.ts
 * See ../README.md.
 */
import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Transport, type MicroserviceOptions } from '@nestjs/microservices';
import { ConfigError, loadPartnerConfig, type PartnerConfig } from './partner-config';

async function main(): Promise<void> {
  let config: PartnerConfig;
  try {
    config = loadPartnerConfig(process.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(`partner-consumer: ${error.message}`);
    process.exit(1);
  }
  // Nest's Kafka server also opens a producer; this consumer sends nothing, so kafkajs' partitioner notice is noise.
  process.env.KAFKAJS_NO_PARTITIONER_WARNING ??= '1';
  // Loaded only now: the controller's @EventPattern reads PARTY when its module loads.
  const { PartnerModule } = await import('./partner.module');
  const app = await NestFactory.createMicroservice<MicroserviceOptions>(PartnerModule, {
    transport: Transport.KAFKA,
    options: {
      // Nest appends "-server" to the client and group ids unless told otherwise.
      postfixId: '',
      client: { clientId: config.clientId, brokers: [...config.brokers] },
      // The exchange creates the party topics; a consumer must not create one by subscribing.
      consumer: { groupId: config.groupId, allowAutoTopicCreation: false },
      subscribe: { fromBeginning: config.fromBeginning },
    },
  });
  app.enableShutdownHooks();
  await app.listen();
  new Logger('PartnerConsumer').log(`consuming ${config.topic} as group ${config.groupId} from ${config.brokers.join(',')}, storing in ${config.dataFile}`);
}

main().catch((error: unknown) => {
  console.error(`partner-consumer: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exit(1);
});
