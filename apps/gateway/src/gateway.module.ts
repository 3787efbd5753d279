import { Module } from '@nestjs/common';
import { MembershipsController } from './manage-memberships/memberships.controller';
import { ErasuresController } from './protect-case/erasures.controller';
import { SubmitBatchController } from './submit-batch/submit-batch.controller';
import { SubmitMessagesGrpcController } from './submit-batch/submit-messages.grpc.controller';
import { ProtectCaseService } from './protect-case/protect-case.service';
import { CaseStateCache } from './submit-message/case-state-cache';
import { CaseWriteQueue } from './submit-message/case-write-queue';
import { SubmitMessageController } from './submit-message/submit-message.controller';
import { SubmitMessageService } from './submit-message/submit-message.service';

/** Bureau-facing ingest: authenticated CMF/1 messages validated, decided, sealed and appended to their case; erasures and restrictions of persons; and the admins' membership changes. */
@Module({
  controllers: [SubmitMessageController, SubmitBatchController, SubmitMessagesGrpcController, MembershipsController, ErasuresController],
  providers: [SubmitMessageService, CaseStateCache, CaseWriteQueue, ProtectCaseService],
})
export class GatewayModule {}
