import { bootstrapService } from '@cmx/platform';
import { ExchangeModule } from './exchange.module';

bootstrapService('Case exchange', (config) => ExchangeModule.forRoot(config, config.background), { grpc: true });
