import { FREE_TEXT_MAX_LENGTH, MAX_SENT_AT_AHEAD_MS } from '../limits';
import {
  ForbiddenWhen,
  IsCaseId,
  IsDateTime,
  IsList,
  IsOneOf,
  IsOperationId,
  IsPartyCode,
  IsTaskForceId,
  IsText,
  IsUuid,
  IsWholeNumber,
  Nested,
  NotAfterReceipt,
  Optional,
  Required,
  RequiredWhen,
} from '../validation/fields';
import { composeDecorators } from '../validation/rule';
import {
  CMF_SCHEMA_VERSION,
  DISTRIBUTION_SCOPES,
  EVALUATION_INFORMATION,
  EVALUATION_SOURCES,
  HANDLING_CODES,
  MESSAGE_TYPES,
  PRIORITIES,
} from '../vocabularies';
import type { CmfSchemaVersion, DistributionScope, EvaluationInformation, EvaluationSource, HandlingCode, MessageType, Priority } from '../vocabularies';

export class HandlingDto {
  @Required() @IsOneOf(HANDLING_CODES) code: HandlingCode;
  /** The conditions of H3, required then. */
  @RequiredWhen({ sibling: 'code', in: ['H3'] }, 'conditions_required') @IsText(FREE_TEXT_MAX_LENGTH) conditions?: string;
}

/** The list of a distribution that belongs to `scope`: required (non-empty) with that scope, refused with any other. */
function ListOfScope(scope: DistributionScope): PropertyDecorator {
  return composeDecorators(
    RequiredWhen({ sibling: 'scope', in: [scope] }, 'required_for_scope'),
    ForbiddenWhen({ sibling: 'scope', in: DISTRIBUTION_SCOPES.filter((other) => other !== scope) }, 'not_allowed_for_scope'),
    IsList({ minItems: 1, unique: true }),
  );
}

export class DistributionDto {
  @Required() @IsOneOf(DISTRIBUTION_SCOPES) scope: DistributionScope;
  @ListOfScope('recipients') @IsPartyCode({ each: true }) recipients?: string[];
  @ListOfScope('operation') @IsOperationId({ each: true }) operations?: string[];
  @ListOfScope('taskForce') @IsTaskForceId({ each: true }) taskForces?: string[];
}

export class EvaluationDto {
  @Required() @IsOneOf(EVALUATION_SOURCES) source: EvaluationSource;
  @Required() @IsOneOf(EVALUATION_INFORMATION) information: EvaluationInformation;
}

export class CmfHeaderDto {
  @Required() @IsUuid() messageId: string;
  @Required() @IsOneOf([CMF_SCHEMA_VERSION]) schemaVersion: CmfSchemaVersion;
  @Required() @IsOneOf(MESSAGE_TYPES) type: MessageType;
  @Required() @IsPartyCode() sender: string;
  @Required() @IsDateTime() @NotAfterReceipt(MAX_SENT_AT_AHEAD_MS) sentAt: string;
  @Required() @IsCaseId() caseId: string;
  @Optional() @IsWholeNumber() expectedCaseVersion?: number;
  /** The messageId this message answers; required by information.provided. */
  @RequiredWhen({ sibling: 'type', in: ['information.provided'] }, 'in_reply_to_required', { nullable: true })
  @IsUuid()
  inReplyTo?: string | null;
  @Required() @IsOneOf(PRIORITIES) priority: Priority;
  @Required() @Nested(() => HandlingDto) handling: HandlingDto;
  @Required() @Nested(() => DistributionDto) distribution: DistributionDto;
  @Required() @Nested(() => EvaluationDto) evaluation: EvaluationDto;
}
