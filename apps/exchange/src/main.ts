import { bootstrapService } from '@cmx/platform';
import { ExchangeModule } from './exchange.module';

bootstrapService('Case exchange', (config) => ExchangeModule.forRoot(config), { grpc: true });
