import { Body, Controller, Param, Post } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Actor, ApiCaller, ApiRefusals, CASE_ID, RECEIPT_SCHEMA, RequestActor } from '@cmx/platform';
import { Receipt } from '../submit-message/receipt';
import { ERASURE_REQUEST_SCHEMA } from './erasures.openapi';
import { parseErasureRequest } from './parse-erasure-request';
import { ProtectCaseService } from './protect-case.service';

/** POST /v1/cases/{caseId}/erasures: the case owner or an admin erases persons or the whole case, restricts them, or lifts a restriction. 201 with the event's receipt. */
@ApiTags('erasure')
@ApiCaller()
@Controller('v1/cases')
export class ErasuresController {
  constructor(private readonly protectCase: ProtectCaseService) {}

  @Post(':caseId/erasures')
  @ApiOperation({
    summary: 'Erase or restrict persons of a case, or the whole case',
    description:
      'By the case owner or an admin. Appends case.erased (or case.restricted, case.restriction_lifted) and answers its receipt; every party that ' +
      'received a message concerned gets an erasure.notice on its feed and its Kafka topic.',
  })
  @ApiParam({ name: 'caseId', schema: CASE_ID })
  @ApiBody({ required: true, schema: ERASURE_REQUEST_SCHEMA })
  @ApiResponse({ status: 201, description: 'The receipt of the appended event', schema: RECEIPT_SCHEMA })
  @ApiRefusals([
    'invalid_json',
    'invalid_erasure',
    'unknown_person_ref',
    'not_case_owner',
    'case_not_found',
    'case_version_mismatch',
    'case_erased',
    'protection_unchanged',
    'payload_too_large',
    'unsupported_media_type',
    'audit_unavailable',
  ])
  erase(@Param('caseId') caseId: string, @Body() body: unknown, @Actor() actor: RequestActor): Promise<Receipt> {
    return this.protectCase.protect(caseId, parseErasureRequest(caseId, body), actor);
  }
}
