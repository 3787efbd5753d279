import { FREE_TEXT_MAX_LENGTH } from '../limits';
import {
  DiffersFromMessageCaseId,
  ForbiddenWhen,
  IsCaseId,
  IsDateTime,
  IsList,
  IsOneOf,
  IsOperationId,
  IsPartyCode,
  IsRef,
  IsTaskForceId,
  IsText,
  Nested,
  Optional,
  Required,
  RequiredWhen,
} from '../validation/fields';
import { CLOSE_REASONS, CONVEYANCES, LINK_RELATIONS, MODES } from '../vocabularies';
import type { CloseReason, Conveyance, LinkRelation, Mode } from '../vocabularies';
import { InterceptedVehicleDto, InterceptedVesselDto, InterceptionLocationDto, MigrantsDto } from './case-items.dto';

/** The bodies of the message types other than case reports. */

export class CaseLinkedBodyDto {
  @Required() @IsCaseId() @DiffersFromMessageCaseId() otherCaseId: string;
  @Required() @IsOneOf(LINK_RELATIONS) relation: LinkRelation;
  @Optional() @IsText(FREE_TEXT_MAX_LENGTH) note?: string;
}

/** Files the case under an operation or a task force (at least one of them). */
export class CaseAssignedBodyDto {
  @RequiredWhen({ siblingAbsent: 'taskForceId' }, 'operation_or_task_force_required') @IsOperationId() operationId?: string;
  @Optional() @IsTaskForceId() taskForceId?: string;
}

export class InterceptionReportedBodyDto {
  @Required() @IsDateTime() occurredAt: string;
  @Required() @Nested(() => InterceptionLocationDto) location: InterceptionLocationDto;
  @Required() @IsOneOf(MODES) mode: Mode;
  @Required() @IsOneOf(CONVEYANCES) conveyance: Conveyance;
  @Optional() @Nested(() => InterceptedVesselDto) vessel?: InterceptedVesselDto;
  @Optional() @Nested(() => InterceptedVehicleDto) vehicle?: InterceptedVehicleDto;
  @Required() @Nested(() => MigrantsDto) migrants: MigrantsDto;
  /** `ref`s of persons of the case (checked by the domain against the whole case). */
  @Optional() @IsList({ unique: true }) @IsRef({ each: true }) arrestedPersonIds?: string[];
}

export class InformationRequestedBodyDto {
  @Required() @IsText(FREE_TEXT_MAX_LENGTH) question: string;
  @Required() @IsList({ minItems: 1, unique: true }) @IsPartyCode({ each: true }) to: string[];
  @Optional() @IsDateTime() dueBy?: string;
}

const reasonsOtherThanMerged = CLOSE_REASONS.filter((reason) => reason !== 'merged');

export class CaseClosedBodyDto {
  @Required() @IsOneOf(CLOSE_REASONS) reason: CloseReason;
  /** The case this one was merged into: required when the reason is `merged`, refused otherwise. */
  @RequiredWhen({ sibling: 'reason', in: ['merged'] }, 'merged_into_required')
  @ForbiddenWhen({ sibling: 'reason', in: reasonsOtherThanMerged }, 'not_allowed_for_reason')
  @IsCaseId()
  @DiffersFromMessageCaseId()
  mergedInto?: string;
  @Optional() @IsText(FREE_TEXT_MAX_LENGTH) note?: string;
}
