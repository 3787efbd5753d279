import { Controller } from '@nestjs/common';
import { GrpcMethod } from '@nestjs/microservices';
import type { Metadata } from '@grpc/grpc-js';
import { actorOfCall, AuditTrail, Authenticator, GRPC_SERVICE, grpcException, QueryParameters } from '@cmx/platform';
import { timelinePage } from './case-timeline.controller';
import { CaseTimelineService } from './case-timeline.service';

interface GetTimelineRequest {
  readonly caseId: string;
  readonly afterVersion: string;
  readonly limit: number;
}

/** cmx.v1.CaseExchangeService/GetTimeline: GET /v1/cases/{caseId}/timeline, the same JSON, checks, errors and audit entry. */
@Controller()
export class GetTimelineGrpcController {
  constructor(
    private readonly timelines: CaseTimelineService,
    private readonly audit: AuditTrail,
    private readonly authenticator: Authenticator,
  ) {}

  @GrpcMethod(GRPC_SERVICE, 'GetTimeline')
  async getTimeline(request: GetTimelineRequest, metadata: Metadata): Promise<{ timelineJson: Buffer }> {
    try {
      const actor = actorOfCall(this.authenticator, metadata);
      const query: QueryParameters = { afterVersion: request.afterVersion, ...(request.limit === 0 ? {} : { limit: String(request.limit) }) };
      const timeline = await this.timelines.timeline(request.caseId, actor.party, timelinePage(request.caseId, query));
      await this.audit.record(actor, {
        operation: 'consult',
        channel: 'grpc',
        cases: [{ caseId: request.caseId, messageIds: timeline.entries.map((entry) => entry.messageId) }],
      });
      return { timelineJson: Buffer.from(JSON.stringify(timeline)) };
    } catch (error) {
      throw grpcException(error);
    }
  }
}
