import { bootstrapService, PlatformModule } from '@cmx/platform';
import { ProjectorModule } from './projector.module';

bootstrapService('Projector', (config) => ({
  module: class ProjectorServiceModule {},
  imports: [PlatformModule.forRoot(config), ProjectorModule],
}));
