import type {
  CaseAssignedBodyDto,
  CaseClosedBodyDto,
  CaseLinkedBodyDto,
  CaseReportDto,
  CmfHeaderDto,
  DistributionDto,
  EvaluationDto,
  HandlingDto,
  IdentifierDto,
  InformationRequestedBodyDto,
  InterceptedVehicleDto,
  InterceptedVesselDto,
  InterceptionLocationDto,
  InterceptionReportedBodyDto,
  LocationDto,
  MigrantsDto,
  PaymentDto,
  PersonDto,
  PlaceDto,
  RouteDto,
  RouteLegDto,
  TravelDocumentDto,
  VehicleDto,
  VesselDto,
} from './dto';
import type { BODY_DTO_BY_MESSAGE_TYPE } from './dto/message.dto';
import type { MessageType } from './vocabularies';

/** The plain, read-only types of a validated CMF/1 message, derived from the DTOs so the two cannot drift apart. */

export type DeepReadonly<T> = T extends readonly (infer Item)[]
  ? readonly DeepReadonly<Item>[]
  : T extends object
    ? { readonly [Key in keyof T]: DeepReadonly<T[Key]> }
    : T;

export type { MessageType };

export type Handling = DeepReadonly<HandlingDto>;
export type Distribution = DeepReadonly<DistributionDto>;
export type Evaluation = DeepReadonly<EvaluationDto>;
export type CmfHeader = DeepReadonly<CmfHeaderDto>;

export type Place = DeepReadonly<PlaceDto>;
export type RouteLeg = DeepReadonly<RouteLegDto>;
export type Route = DeepReadonly<RouteDto>;
export type Identifier = DeepReadonly<IdentifierDto>;
export type Person = DeepReadonly<PersonDto>;
export type TravelDocument = DeepReadonly<TravelDocumentDto>;
export type Vehicle = DeepReadonly<VehicleDto>;
export type Vessel = DeepReadonly<VesselDto>;
export type Payment = DeepReadonly<PaymentDto>;
export type Location = DeepReadonly<LocationDto>;
export type Migrants = DeepReadonly<MigrantsDto>;
export type InterceptedVehicle = DeepReadonly<InterceptedVehicleDto>;
export type InterceptedVessel = DeepReadonly<InterceptedVesselDto>;
export type InterceptionLocation = DeepReadonly<InterceptionLocationDto>;

export type CaseReport = DeepReadonly<CaseReportDto>;
export type CaseLinkedBody = DeepReadonly<CaseLinkedBodyDto>;
export type CaseAssignedBody = DeepReadonly<CaseAssignedBodyDto>;
export type InterceptionReportedBody = DeepReadonly<InterceptionReportedBodyDto>;
export type InformationRequestedBody = DeepReadonly<InformationRequestedBodyDto>;
export type CaseClosedBody = DeepReadonly<CaseClosedBodyDto>;

export type MessageBodyByType = {
  readonly [Type in MessageType]: DeepReadonly<InstanceType<(typeof BODY_DTO_BY_MESSAGE_TYPE)[Type]>>;
};

/** A message of one type: its header names that type and its body is that type's body. */
export type CmfMessageOf<Type extends MessageType> = {
  readonly header: CmfHeader & { readonly type: Type };
  readonly body: MessageBodyByType[Type];
};

export type CmfMessage = { [Type in MessageType]: CmfMessageOf<Type> }[MessageType];

/** Narrows a message by its type (TypeScript does not narrow on `message.header.type` by itself). */
export function isCmfMessageOfType<Type extends MessageType>(message: CmfMessage, type: Type): message is CmfMessage & CmfMessageOf<Type> {
  return message.header.type === type;
}
