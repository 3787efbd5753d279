import { SUMMARY_MAX_LENGTH, TITLE_MAX_LENGTH } from '../limits';
import { IsList, IsOneOf, IsText, Nested, NestedList, Optional, RequiredWhen } from '../validation/fields';
import { CRIME_AREAS } from '../vocabularies';
import type { CrimeArea } from '../vocabularies';
import { LocationDto, MigrantsDto, PaymentDto, PersonDto, RouteDto, TravelDocumentDto, VehicleDto, VesselDto } from './case-items.dto';

/**
 * The body of case.opened, case.updated and information.provided. Every field is optional except `title` on
 * case.opened; an update holds only what is new or changed, and is never empty (see `CmfMessageDto.body`).
 */
export class CaseReportDto {
  @RequiredWhen({ messageType: ['case.opened'] }, 'title_required') @IsText(TITLE_MAX_LENGTH) title?: string;
  @Optional() @IsText(SUMMARY_MAX_LENGTH) summary?: string;
  @Optional() @IsList({ unique: true }) @IsOneOf(CRIME_AREAS, { each: true }) crimeAreas?: CrimeArea[];
  @Optional() @Nested(() => RouteDto) route?: RouteDto;
  @Optional() @NestedList(() => PersonDto, { uniqueRefs: true }) persons?: PersonDto[];
  @Optional() @NestedList(() => TravelDocumentDto, { uniqueRefs: true }) documents?: TravelDocumentDto[];
  @Optional() @NestedList(() => VehicleDto, { uniqueRefs: true }) vehicles?: VehicleDto[];
  @Optional() @NestedList(() => VesselDto, { uniqueRefs: true }) vessels?: VesselDto[];
  @Optional() @NestedList(() => PaymentDto) payments?: PaymentDto[];
  @Optional() @NestedList(() => LocationDto, { uniqueRefs: true }) locations?: LocationDto[];
  @Optional() @Nested(() => MigrantsDto) migrants?: MigrantsDto;
}
