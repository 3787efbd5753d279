import { Module } from '@nestjs/common';
import { MembershipsController } from './manage-memberships/memberships.controller';
import { CaseStateCache } from './submit-message/case-state-cache';
import { SubmitMessageController } from './submit-message/submit-message.controller';
import { SubmitMessageService } from './submit-message/submit-message.service';

/** Bureau-facing ingest: authenticated CMF/1 messages validated, decided and appended to their case; and the admins' membership changes. */
@Module({
  controllers: [SubmitMessageController, MembershipsController],
  providers: [SubmitMessageService, CaseStateCache],
})
export class GatewayModule {}
