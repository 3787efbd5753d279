import { Module } from '@nestjs/common';
import { BoardsController } from './boards/boards.controller';
import { RenderedBoards } from './boards/rendered-boards';
import { CaseSummaryController } from './case-summary/case-summary.controller';
import { CaseTimelineController } from './case-timeline/case-timeline.controller';
import { CaseTimelineService } from './case-timeline/case-timeline.service';
import { AuditLogController } from './read-audit-log/audit-log.controller';

/** Coordinator-facing reads: case timelines (from the store), case summaries and boards (from the read models); the audit log for auditors and case owners. */
@Module({
  controllers: [CaseTimelineController, CaseSummaryController, BoardsController, AuditLogController],
  providers: [CaseTimelineService, RenderedBoards],
})
export class QueryModule {}
