import { Module } from '@nestjs/common';
import { CaseTimelineController } from './case-timeline/case-timeline.controller';
import { CaseTimelineService } from './case-timeline/case-timeline.service';

/** Coordinator-facing reads. */
@Module({
  controllers: [CaseTimelineController],
  providers: [CaseTimelineService],
})
export class QueryModule {}
