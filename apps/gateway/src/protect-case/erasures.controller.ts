import { Body, Controller, Param, Post } from '@nestjs/common';
import { Actor, RequestActor } from '@cmx/platform';
import { Receipt } from '../submit-message/receipt';
import { parseErasureRequest } from './parse-erasure-request';
import { ProtectCaseService } from './protect-case.service';

/** POST /v1/cases/{caseId}/erasures: the case owner or an admin erases persons or the whole case, restricts them, or lifts a restriction. 201 with the event's receipt. */
@Controller('v1/cases')
export class ErasuresController {
  constructor(private readonly protectCase: ProtectCaseService) {}

  @Post(':caseId/erasures')
  erase(@Param('caseId') caseId: string, @Body() body: unknown, @Actor() actor: RequestActor): Promise<Receipt> {
    return this.protectCase.protect(caseId, parseErasureRequest(caseId, body), actor);
  }
}
