import { dtoModelOf, reachableDtos, valueRulesOf } from '../validation/dto-model';
import { CmfMessageDto } from './message.dto';

describe('the CMF/1 DTOs', () => {
  const dtos = reachableDtos(CmfMessageDto);

  it('include every object of a message', () => {
    expect(dtos.map((dto) => dto.name).sort()).toEqual([
      'CaseAssignedBodyDto',
      'CaseClosedBodyDto',
      'CaseLinkedBodyDto',
      'CaseReportDto',
      'CmfHeaderDto',
      'CmfMessageDto',
      'DistributionDto',
      'EvaluationDto',
      'HandlingDto',
      'IdentifierDto',
      'InformationRequestedBodyDto',
      'InterceptedVehicleDto',
      'InterceptedVesselDto',
      'InterceptionLocationDto',
      'InterceptionReportedBodyDto',
      'LocationDto',
      'MigrantsDto',
      'PaymentDto',
      'PersonDto',
      'PlaceDto',
      'RouteDto',
      'RouteLegDto',
      'TravelDocumentDto',
      'VehicleDto',
      'VesselDto',
    ]);
  });

  it('declare for every field whether it must be present (Required, Optional or RequiredWhen)', () => {
    const undeclared = dtos.flatMap((dto) => {
      const model = dtoModelOf(dto);
      const declared = new Set(
        valueRulesOf(model)
          .filter((field) => field.presence !== undefined)
          .map((field) => field.property),
      );
      return [...model.properties].filter((property) => !declared.has(property)).map((property) => `${dto.name}.${property}`);
    });
    expect(undeclared).toEqual([]);
  });
});
