import { bootstrapService, PlatformModule } from '@cmx/platform';
import { DispatcherModule } from './dispatcher.module';

bootstrapService(
  'Dispatcher',
  (config) => ({
    module: class DispatcherServiceModule {},
    imports: [PlatformModule.forRoot(config), DispatcherModule.forRoot(config)],
  }),
  { grpc: true },
);
