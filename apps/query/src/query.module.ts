import { Module } from '@nestjs/common';
import { BoardsController } from './boards/boards.controller';
import { RenderedBoards } from './boards/rendered-boards';
import { CallerProfileController } from './caller-profile/caller-profile.controller';
import { CaseSummaryController } from './case-summary/case-summary.controller';
import { CaseTimelineController } from './case-timeline/case-timeline.controller';
import { CaseTimelineService } from './case-timeline/case-timeline.service';
import { GetTimelineGrpcController } from './case-timeline/get-timeline.grpc.controller';
import { AuditLogController } from './read-audit-log/audit-log.controller';
import { RetentionDueController } from './retention/retention-due.controller';
import { RetentionDueService } from './retention/retention-due.service';
import { ServeConsole } from './serve-console/serve-console';

/** Coordinator-facing reads: case timelines (from the store), case summaries and boards (from the read models); the audit log for auditors and case owners; the owners' cases due for retention review; the coordinators' console under /console. */
@Module({
  controllers: [
    CallerProfileController,
    CaseTimelineController,
    CaseSummaryController,
    BoardsController,
    AuditLogController,
    RetentionDueController,
    GetTimelineGrpcController,
  ],
  providers: [CaseTimelineService, RenderedBoards, RetentionDueService, ServeConsole],
})
export class QueryModule {}
