import { Controller, Get, Inject, Param, Res } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CaseNotFound } from '@cmx/case-domain';
import { isCaseId } from '@cmx/contracts';
import { Actor, ApiCaller, ApiRefusals, AuditTrail, CASE_ID, RequestActor } from '@cmx/platform';
import { READ_MODEL_DATABASE, SqlDatabase } from '@cmx/read-models';
import { CASE_SUMMARY_SCHEMA } from './case-summary.openapi';

/** The case as the caller sees it, folded only from the messages it is entitled to; 404 for a case it is entitled to nothing of. */
@ApiTags('cases')
@ApiCaller()
@Controller('v1/cases')
export class CaseSummaryController {
  constructor(
    @Inject(READ_MODEL_DATABASE) private readonly db: SqlDatabase,
    private readonly audit: AuditTrail,
  ) {}

  @Get(':caseId')
  @ApiOperation({
    summary: 'The case summary read model',
    description: 'Folded only from the messages the caller is entitled to; 404 for a case it is entitled to nothing of, as for one that does not exist.',
  })
  @ApiParam({ name: 'caseId', schema: CASE_ID })
  @ApiResponse({ status: 200, description: 'The case as the caller sees it', schema: CASE_SUMMARY_SCHEMA })
  @ApiRefusals(['case_not_found', 'audit_unavailable'])
  async summary(@Param('caseId') caseId: string, @Actor() actor: RequestActor, @Res() reply: FastifyReply): Promise<void> {
    if (!isCaseId(caseId)) throw new CaseNotFound(caseId);
    const [row] = await this.db.query<{ body: string }>('SELECT body FROM case_summaries WHERE reader = ? AND case_id = ?', [actor.party, caseId]);
    if (!row) throw new CaseNotFound(caseId);
    await this.audit.record(actor, { operation: 'consult', cases: [{ caseId, messageIds: [] }] });
    await reply.type('application/json; charset=utf-8').send(row.body);
  }
}
