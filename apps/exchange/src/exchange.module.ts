import { DynamicModule, Module } from '@nestjs/common';
import { DispatcherModule } from '@cmx/dispatcher/dispatcher.module';
import { GatewayModule } from '@cmx/gateway/gateway.module';
import { ProjectorModule } from '@cmx/projector/projector.module';
import { ExchangeConfig, PlatformModule } from '@cmx/platform';
import { QueryModule } from '@cmx/query/query.module';

/** The whole exchange in one process: ingest, reads, the projector and the dispatcher (the feed, and Kafka when DELIVERY=kafka). */
@Module({})
export class ExchangeModule {
  static forRoot(config: ExchangeConfig): DynamicModule {
    return { module: ExchangeModule, imports: [PlatformModule.forRoot(config, { embedded: true }), GatewayModule, QueryModule, DispatcherModule.forRoot(config), ProjectorModule] };
  }
}
