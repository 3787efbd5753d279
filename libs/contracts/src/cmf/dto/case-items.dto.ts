import type { CountryCode, CurrencyCode } from '../codes';
import { SHORT_TEXT_MAX_LENGTH } from '../limits';
import {
  Optional,
  Required,
  IsCalendarDate,
  IsCountryCode,
  IsCurrencyCode,
  IsDateTime,
  IsDigits,
  IsFiniteNumber,
  IsLatitude,
  IsList,
  IsLongitude,
  IsOneOf,
  IsRef,
  IsText,
  IsWholeNumber,
  Nested,
  NestedList,
} from '../validation/fields';
import {
  CONVEYANCES,
  DOCUMENT_STATUSES,
  DOCUMENT_TYPES,
  GENDERS,
  IDENTIFIER_TYPES,
  LOCATION_KINDS,
  MODES,
  PAYMENT_METHODS,
  PAYMENT_STAGES,
  PERSON_ROLES,
  ROUTE_NAMES,
} from '../vocabularies';
import type {
  Conveyance,
  DocumentStatus,
  DocumentType,
  Gender,
  IdentifierType,
  LocationKind,
  Mode,
  PaymentMethod,
  PaymentStage,
  PersonRole,
  RouteName,
} from '../vocabularies';

/** The items a case report (and an interception) is made of. */

export class PlaceDto {
  @Required() @IsCountryCode() country: CountryCode;
  @Optional() @IsText(SHORT_TEXT_MAX_LENGTH) place?: string;
  @Optional() @IsLatitude() lat?: number;
  @Optional() @IsLongitude() lon?: number;
}

export class RouteLegDto {
  @Required() @Nested(() => PlaceDto) from: PlaceDto;
  @Required() @Nested(() => PlaceDto) to: PlaceDto;
  @Required() @IsOneOf(MODES) mode: Mode;
  @Required() @IsOneOf(CONVEYANCES) conveyance: Conveyance;
  @Optional() @IsDateTime() departedAt?: string;
  @Optional() @IsDateTime() arrivedAt?: string;
}

export class RouteDto {
  @Required() @IsOneOf(ROUTE_NAMES) name: RouteName;
  @Required() @NestedList(() => RouteLegDto, { minItems: 1 }) legs: RouteLegDto[];
}

export class IdentifierDto {
  @Required() @IsOneOf(IDENTIFIER_TYPES) type: IdentifierType;
  @Required() @IsText(SHORT_TEXT_MAX_LENGTH) value: string;
}

export class PersonDto {
  @Required() @IsRef() ref: string;
  @Optional() @IsOneOf(PERSON_ROLES) role?: PersonRole;
  @Optional() @IsText(SHORT_TEXT_MAX_LENGTH) familyName?: string;
  @Optional() @IsText(SHORT_TEXT_MAX_LENGTH) givenNames?: string;
  @Optional() @IsCalendarDate() dateOfBirth?: string;
  @Optional() @IsList({ unique: true }) @IsCountryCode({ each: true }) nationalities?: CountryCode[];
  @Optional() @IsOneOf(GENDERS) gender?: Gender;
  @Optional() @IsList() @IsText(SHORT_TEXT_MAX_LENGTH, { each: true }) aliases?: string[];
  @Optional() @NestedList(() => IdentifierDto) identifiers?: IdentifierDto[];
}

export class TravelDocumentDto {
  @Required() @IsRef() ref: string;
  @Optional() @IsOneOf(DOCUMENT_TYPES) type?: DocumentType;
  @Optional() @IsText(SHORT_TEXT_MAX_LENGTH) number?: string;
  @Optional() @IsCountryCode() issuingCountry?: CountryCode;
  @Optional() @IsOneOf(DOCUMENT_STATUSES) status?: DocumentStatus;
  /** The `ref` of a person of the case (checked by the domain against the whole case). */
  @Optional() @IsRef() holderRef?: string;
}

export abstract class VehicleFieldsDto {
  @Optional() @IsText(SHORT_TEXT_MAX_LENGTH) plate?: string;
  @Optional() @IsCountryCode() registrationCountry?: CountryCode;
  @Optional() @IsOneOf(CONVEYANCES) kind?: Conveyance;
}

/** A vehicle of a case report. */
export class VehicleDto extends VehicleFieldsDto {
  @Required() @IsRef() ref: string;
}

/** The vehicle of an interception, which may name a vehicle of the case report. */
export class InterceptedVehicleDto extends VehicleFieldsDto {
  @Optional() @IsRef() ref?: string;
}

export abstract class VesselFieldsDto {
  @Optional() @IsText(SHORT_TEXT_MAX_LENGTH) name?: string;
  @Optional() @IsDigits(7) imo?: string;
  @Optional() @IsDigits(9) mmsi?: string;
  @Optional() @IsCountryCode() flag?: CountryCode;
  @Optional() @IsOneOf(CONVEYANCES) kind?: Conveyance;
}

/** A vessel of a case report. */
export class VesselDto extends VesselFieldsDto {
  @Required() @IsRef() ref: string;
}

/** The vessel of an interception, which may name a vessel of the case report. */
export class InterceptedVesselDto extends VesselFieldsDto {
  @Optional() @IsRef() ref?: string;
}

export class PaymentDto {
  @Optional() @IsOneOf(PAYMENT_METHODS) method?: PaymentMethod;
  @Optional() @IsFiniteNumber({ min: 0 }) amount?: number;
  @Optional() @IsCurrencyCode() currency?: CurrencyCode;
  @Optional() @IsOneOf(PAYMENT_STAGES) stage?: PaymentStage;
  /** The `ref` of a person of the case (checked by the domain). */
  @Optional() @IsRef() payerRef?: string;
  /** The `ref` of a person of the case (checked by the domain). */
  @Optional() @IsRef() payeeRef?: string;
}

export abstract class LocationFieldsDto {
  @Optional() @IsOneOf(LOCATION_KINDS) kind?: LocationKind;
  @Optional() @IsText(SHORT_TEXT_MAX_LENGTH) name?: string;
  @Optional() @IsCountryCode() country?: CountryCode;
  @Optional() @IsLatitude() lat?: number;
  @Optional() @IsLongitude() lon?: number;
}

/** A location of a case report. */
export class LocationDto extends LocationFieldsDto {
  @Required() @IsRef() ref: string;
}

/** Where an interception happened, which may name a location of the case report. */
export class InterceptionLocationDto extends LocationFieldsDto {
  @Optional() @IsRef() ref?: string;
}

export class MigrantsDto {
  @Required() @IsWholeNumber() count: number;
  @Optional() @IsWholeNumber() minors?: number;
  @Optional() @IsWholeNumber() deaths?: number;
  @Optional() @IsWholeNumber() missing?: number;
  @Optional() @IsList({ unique: true }) @IsCountryCode({ each: true }) nationalities?: CountryCode[];
}
