import { Module } from '@nestjs/common';
import { ProjectorService } from './project-events/projector.service';

/** Store subscription → the read models (case summaries, boards), each with its checkpoint in the same transaction. */
@Module({ providers: [ProjectorService] })
export class ProjectorModule {}
