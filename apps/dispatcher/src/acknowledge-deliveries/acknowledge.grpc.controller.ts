import { Controller } from '@nestjs/common';
import { GrpcMethod } from '@nestjs/microservices';
import type { Metadata } from '@grpc/grpc-js';
import { actorOfCall, Authenticator, GRPC_SERVICE, grpcException } from '@cmx/platform';
import { AcknowledgeDeliveries } from './acknowledge-deliveries';
import { parseAcknowledgement } from './parse-acknowledgement';

interface AcknowledgeRequest {
  readonly cursor: string;
  readonly messageIds: readonly string[];
}

/** cmx.v1.CaseExchangeService/Acknowledge: as POST /v1/feed/ack, with the same checks and errors. */
@Controller()
export class AcknowledgeGrpcController {
  constructor(
    private readonly deliveries: AcknowledgeDeliveries,
    private readonly authenticator: Authenticator,
  ) {}

  @GrpcMethod(GRPC_SERVICE, 'Acknowledge')
  async acknowledge(request: AcknowledgeRequest, metadata: Metadata): Promise<{ acknowledged: string; acknowledgedAt: string }> {
    try {
      const { party } = actorOfCall(this.authenticator, metadata);
      const body = {
        ...(request.cursor !== '' ? { cursor: request.cursor } : {}),
        ...(request.messageIds.length > 0 ? { messageIds: request.messageIds } : {}),
      };
      const receipt = await this.deliveries.acknowledge(party, parseAcknowledgement(body));
      return { acknowledged: String(receipt.acknowledged), acknowledgedAt: receipt.acknowledgedAt };
    } catch (error) {
      throw grpcException(error);
    }
  }
}
