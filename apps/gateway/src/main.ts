import { bootstrapService, PlatformModule } from '@cmx/platform';
import { GatewayModule } from './gateway.module';

bootstrapService('Gateway', (config) => ({ module: GatewayModule, imports: [PlatformModule.forRoot(config)] }), { grpc: true });
