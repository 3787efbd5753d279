import { DynamicModule, Module } from '@nestjs/common';
import { DispatcherModule } from '@cmx/dispatcher/dispatcher.module';
import { GatewayModule } from '@cmx/gateway/gateway.module';
import { ProjectorModule } from '@cmx/projector/projector.module';
import { ExchangeConfig, PlatformModule } from '@cmx/platform';
import { QueryModule } from '@cmx/query/query.module';
import { BackgroundProcess } from './background-process';

/**
 * The whole exchange: ingest, reads, the partner routes, the projector and the dispatcher (the feed, and Kafka
 * when DELIVERY=kafka). `process` (npm start): the projector and the dispatcher run in a child process of their
 * own (BackgroundProcess); `inline`: all in this one (tests).
 */
@Module({})
export class ExchangeModule {
  static forRoot(config: ExchangeConfig, background: ExchangeConfig['background'] = 'inline'): DynamicModule {
    const platform = PlatformModule.forRoot(config, { embedded: true });
    if (background === 'inline') {
      return { module: ExchangeModule, imports: [platform, GatewayModule, QueryModule, DispatcherModule.forRoot(config), ProjectorModule] };
    }
    return {
      module: ExchangeModule,
      imports: [platform, GatewayModule, QueryModule, DispatcherModule.forRoot(config, { dispatch: false })],
      providers: [BackgroundProcess],
    };
  }
}
