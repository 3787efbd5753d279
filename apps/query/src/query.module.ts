import { Module } from '@nestjs/common';
import { BoardsController } from './boards/boards.controller';
import { RenderedBoards } from './boards/rendered-boards';
import { CaseSummaryController } from './case-summary/case-summary.controller';
import { CaseTimelineController } from './case-timeline/case-timeline.controller';
import { CaseTimelineService } from './case-timeline/case-timeline.service';

/** Coordinator-facing reads: case timelines (from the store), case summaries and boards (from the read models). */
@Module({
  controllers: [CaseTimelineController, CaseSummaryController, BoardsController],
  providers: [CaseTimelineService, RenderedBoards],
})
export class QueryModule {}
