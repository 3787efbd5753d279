import { DynamicModule, Module } from '@nestjs/common';
import { GatewayModule } from '@cmx/gateway/gateway.module';
import { ExchangeConfig, PlatformModule } from '@cmx/platform';
import { QueryModule } from '@cmx/query/query.module';

/** The whole exchange in one process on the embedded default. */
@Module({})
export class ExchangeModule {
  static forRoot(config: ExchangeConfig): DynamicModule {
    return { module: ExchangeModule, imports: [PlatformModule.forRoot(config), GatewayModule, QueryModule] };
  }
}
