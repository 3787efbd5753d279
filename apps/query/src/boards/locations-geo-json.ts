import type { LocationItem } from '@cmx/read-models';

export interface PointFeature {
  readonly type: 'Feature';
  readonly geometry: { readonly type: 'Point'; readonly coordinates: readonly [lon: number, lat: number] };
  readonly properties: Pick<LocationItem, 'caseId' | 'kind' | 'name' | 'country'>;
}

/** A page of locations as GeoJSON (RFC 7946), `nextCursor` a foreign member of the collection. */
export interface LocationsFeatureCollection {
  readonly type: 'FeatureCollection';
  readonly features: readonly PointFeature[];
  readonly nextCursor: string | null;
}

/** The located ones of these locations (both lat and lon) as Point features, in their order. */
export function locationsAsGeoJson(locations: readonly LocationItem[], nextCursor: string | null): LocationsFeatureCollection {
  const features = locations.flatMap(({ caseId, kind, name, country, lat, lon }): PointFeature[] =>
    lat === undefined || lon === undefined
      ? []
      : [
          {
            type: 'Feature',
            geometry: { type: 'Point', coordinates: [lon, lat] },
            properties: {
              caseId,
              ...(kind !== undefined ? { kind } : {}),
              ...(name !== undefined ? { name } : {}),
              ...(country !== undefined ? { country } : {}),
            },
          },
        ],
  );
  return { type: 'FeatureCollection', features, nextCursor };
}
