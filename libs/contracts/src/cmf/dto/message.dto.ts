import { DtoClass, Nested, NestedByMessageType, NonEmptyCaseReport, Required } from '../validation/fields';
import { MESSAGE_TYPES, MessageType } from '../vocabularies';
import { CaseAssignedBodyDto, CaseClosedBodyDto, CaseLinkedBodyDto, InformationRequestedBodyDto, InterceptionReportedBodyDto } from './bodies.dto';
import { CaseReportDto } from './case-report.dto';
import { CmfHeaderDto } from './header.dto';

export const BODY_DTO_BY_MESSAGE_TYPE = {
  'case.opened': CaseReportDto,
  'case.updated': CaseReportDto,
  'case.linked': CaseLinkedBodyDto,
  'case.assigned': CaseAssignedBodyDto,
  'interception.reported': InterceptionReportedBodyDto,
  'information.requested': InformationRequestedBodyDto,
  'information.provided': CaseReportDto,
  'case.closed': CaseClosedBodyDto,
} as const satisfies Readonly<Record<MessageType, DtoClass>>;

/** The message types whose body is a case report. */
export const CASE_REPORT_MESSAGE_TYPES = MESSAGE_TYPES.filter((type) => BODY_DTO_BY_MESSAGE_TYPE[type] === CaseReportDto);

export type CmfBodyDto = InstanceType<(typeof BODY_DTO_BY_MESSAGE_TYPE)[MessageType]>;

/** A CMF/1 message. Its body is validated against the DTO of `header.type`, and not at all while that type is unknown. */
export class CmfMessageDto {
  @Required() @Nested(() => CmfHeaderDto) header: CmfHeaderDto;
  @Required()
  @NestedByMessageType(() => BODY_DTO_BY_MESSAGE_TYPE)
  @NonEmptyCaseReport(() => CASE_REPORT_MESSAGE_TYPES)
  body: CmfBodyDto;
}
