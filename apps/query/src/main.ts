import { bootstrapService, PlatformModule } from '@cmx/platform';
import { QueryModule } from './query.module';

bootstrapService('Query', (config) => ({ module: QueryModule, imports: [PlatformModule.forRoot(config)] }), { grpc: true });
