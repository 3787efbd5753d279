import { Controller, Get, Inject, Param, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { CaseNotFound } from '@cmx/case-domain';
import { isCaseId } from '@cmx/contracts';
import { Actor, AuditTrail, RequestActor } from '@cmx/platform';
import { READ_MODEL_DATABASE, SqlDatabase } from '@cmx/read-models';

/** The case as the caller sees it, folded only from the messages it is entitled to; 404 for a case it is entitled to nothing of. */
@Controller('v1/cases')
export class CaseSummaryController {
  constructor(
    @Inject(READ_MODEL_DATABASE) private readonly db: SqlDatabase,
    private readonly audit: AuditTrail,
  ) {}

  @Get(':caseId')
  async summary(@Param('caseId') caseId: string, @Actor() actor: RequestActor, @Res() reply: FastifyReply): Promise<void> {
    if (!isCaseId(caseId)) throw new CaseNotFound(caseId);
    const [row] = await this.db.query<{ body: string }>('SELECT body FROM case_summaries WHERE reader = ? AND case_id = ?', [actor.party, caseId]);
    if (!row) throw new CaseNotFound(caseId);
    await this.audit.record(actor, { operation: 'consult', cases: [{ caseId, messageIds: [] }] });
    await reply.type('application/json; charset=utf-8').send(row.body);
  }
}
