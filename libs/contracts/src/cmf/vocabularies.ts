/** The closed lists of CMF/1; a value outside its list is refused. */

export const CMF_SCHEMA_VERSION = '1.0';
export type CmfSchemaVersion = typeof CMF_SCHEMA_VERSION;

export const MESSAGE_TYPES = [
  'case.opened',
  'case.updated',
  'case.linked',
  'case.assigned',
  'interception.reported',
  'information.requested',
  'information.provided',
  'case.closed',
] as const;
export type MessageType = (typeof MESSAGE_TYPES)[number];

export const PRIORITIES = ['routine', 'urgent', 'immediate'] as const;
export type Priority = (typeof PRIORITIES)[number];

/** H0 law-enforcement use only; H1 not for judicial proceedings without permission; H2 no onward transmission without permission; H3 conditions stated in `handling.conditions`. */
export const HANDLING_CODES = ['H0', 'H1', 'H2', 'H3'] as const;
export type HandlingCode = (typeof HANDLING_CODES)[number];

export const DISTRIBUTION_SCOPES = ['recipients', 'operation', 'taskForce', 'allPartners'] as const;
export type DistributionScope = (typeof DISTRIBUTION_SCOPES)[number];

/** A reliable, B usually reliable, C not usually reliable, X cannot be judged. */
export const EVALUATION_SOURCES = ['A', 'B', 'C', 'X'] as const;
export type EvaluationSource = (typeof EVALUATION_SOURCES)[number];

/** 1 known true without reservation, 2 known personally to the source, 3 corroborated, 4 cannot be judged. */
export const EVALUATION_INFORMATION = ['1', '2', '3', '4'] as const;
export type EvaluationInformation = (typeof EVALUATION_INFORMATION)[number];

export const CRIME_AREAS = [
  'migrant_smuggling',
  'trafficking_in_human_beings',
  'document_fraud',
  'drug_trafficking',
  'firearms_trafficking',
  'property_crime',
  'money_laundering',
  'corruption',
  'terrorism',
  'labour_exploitation',
  'sexual_exploitation',
] as const;
export type CrimeArea = (typeof CRIME_AREAS)[number];

export const ROUTE_NAMES = [
  'western_mediterranean',
  'central_mediterranean',
  'south_eastern',
  'western_balkan',
  'eastern',
  'nordic',
  'red_sea',
  'atlantic',
  'other',
] as const;
export type RouteName = (typeof ROUTE_NAMES)[number];

export const MODES = ['land', 'sea', 'air'] as const;
export type Mode = (typeof MODES)[number];

export const CONVEYANCES = [
  'foot',
  'car',
  'van',
  'bus',
  'lorry',
  'train',
  'rubber_dinghy',
  'fishing_boat',
  'cargo_ship',
  'sailing_boat',
  'commercial_flight',
  'private_flight',
  'other',
] as const;
export type Conveyance = (typeof CONVEYANCES)[number];

export const PERSON_ROLES = [
  'leader',
  'organiser',
  'facilitator',
  'driver',
  'crew',
  'scout',
  'recruiter',
  'document_supplier',
  'money_courier',
  'corrupt_official',
  'migrant',
  'victim',
  'witness',
  'unknown',
] as const;
export type PersonRole = (typeof PERSON_ROLES)[number];

/** Sex as in the machine-readable zone of ICAO Doc 9303 travel documents. */
export const GENDERS = ['M', 'F', 'X'] as const;
export type Gender = (typeof GENDERS)[number];

export const IDENTIFIER_TYPES = ['phone', 'email', 'social_media', 'messaging_app', 'crypto_wallet', 'iban'] as const;
export type IdentifierType = (typeof IDENTIFIER_TYPES)[number];

export const DOCUMENT_TYPES = [
  'passport',
  'visa',
  'id_card',
  'residence_permit',
  'driving_licence',
  'refugee_card',
  'birth_certificate',
  'marriage_certificate',
  'work_permit',
  'stamp',
  'other',
] as const;
export type DocumentType = (typeof DOCUMENT_TYPES)[number];

export const DOCUMENT_STATUSES = ['genuine', 'stolen', 'lost', 'forged', 'counterfeit', 'fraudulently_obtained', 'impostor_use', 'unknown'] as const;
export type DocumentStatus = (typeof DOCUMENT_STATUSES)[number];

export const PAYMENT_METHODS = ['cash', 'hawala', 'bank_transfer', 'money_transfer_service', 'cryptocurrency', 'in_kind', 'other'] as const;
export type PaymentMethod = (typeof PAYMENT_METHODS)[number];

export const PAYMENT_STAGES = ['upfront', 'per_leg', 'on_arrival', 'debt'] as const;
export type PaymentStage = (typeof PAYMENT_STAGES)[number];

export const LOCATION_KINDS = [
  'hotspot',
  'departure_point',
  'landing_point',
  'transit_hub',
  'safe_house',
  'border_crossing',
  'arrest_location',
  'other',
] as const;
export type LocationKind = (typeof LOCATION_KINDS)[number];

export const LINK_RELATIONS = ['same_network', 'same_route', 'same_person', 'same_document', 'related'] as const;
export type LinkRelation = (typeof LINK_RELATIONS)[number];

export const CLOSE_REASONS = ['dismantled', 'convicted', 'no_further_action', 'merged'] as const;
export type CloseReason = (typeof CLOSE_REASONS)[number];

/** Whether `value` is one of `list`; narrows `value` to the list's union. */
export function isOneOf<T extends string>(list: readonly T[], value: unknown): value is T {
  return (list as readonly unknown[]).includes(value);
}

export function isMessageType(value: unknown): value is MessageType {
  return isOneOf(MESSAGE_TYPES, value);
}
