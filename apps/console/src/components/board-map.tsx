import { geoGraticule10, geoMercator, geoPath } from 'd3-geo';
import { useMemo } from 'react';
import type { BoardLocation } from '../api/types';
import { plural, words } from '../format';
import { extentOf, type LonLat, type MapLeg, mapPoints } from '../map/map-geometry';
import { BORDERS, LAND } from '../map/world';
import { caseHash } from '../routes';

const WIDTH = 760;
const HEIGHT = 430;
const PADDING = 12;

/** The kinds drawn with a shape of their own; the other kinds share a diamond. */
const MARKED_KINDS = ['departure_point', 'landing_point', 'hotspot'] as const;
type Marker = (typeof MARKED_KINDS)[number] | 'other';
const markerOf = (kind: string): Marker => ((MARKED_KINDS as readonly string[]).includes(kind) ? (kind as Marker) : 'other');
const MARKER_LABEL: Record<Marker, string> = {
  departure_point: 'departure point',
  landing_point: 'landing point',
  hotspot: 'hotspot',
  other: 'other location',
};

export interface BoardMapProps {
  readonly locations: readonly BoardLocation[];
  /** How many locations the board has in all (the map may show fewer). */
  readonly locationsTotal: number;
  readonly legs: readonly MapLeg[];
  /** Route legs of the listed cases that could not be drawn: a place without coordinates. */
  readonly legsSkipped: number;
  /** How many cases the legs were read from. */
  readonly legCases: number;
}

/** The board's locations and its cases' route legs on a map of land and borders, all drawn as SVG in the page. */
export function BoardMap({ locations, locationsTotal, legs, legsSkipped, legCases }: BoardMapProps) {
  const points = useMemo(() => mapPoints(locations), [locations]);
  const positions = useMemo<LonLat[]>(() => [...points.map((point) => point.at), ...legs.flatMap((leg) => [leg.from, leg.to])], [points, legs]);
  const extentKey = JSON.stringify(extentOf(positions));
  const { project, land, borders, graticule, path } = useMemo(() => {
    const extent = JSON.parse(extentKey) as ReturnType<typeof extentOf>;
    const frame = {
      type: 'MultiPoint' as const,
      coordinates: [
        [extent.west, extent.south],
        [extent.east, extent.north],
        [extent.west, extent.north],
        [extent.east, extent.south],
      ],
    };
    const projection = geoMercator().fitExtent(
      [
        [PADDING, PADDING],
        [WIDTH - PADDING, HEIGHT - PADDING],
      ],
      frame,
    );
    const draw = geoPath(projection);
    return {
      project: (at: LonLat) => projection([at[0], at[1]]) ?? [0, 0],
      land: draw(LAND) ?? '',
      borders: draw(BORDERS) ?? '',
      graticule: draw(geoGraticule10()) ?? '',
      path: draw,
    };
  }, [extentKey]);

  const withoutCoordinates = locations.length - locations.filter((location) => typeof location.lat === 'number' && typeof location.lon === 'number').length;
  return (
    <figure className="board-map" aria-label="Map of the board's locations">
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label={mapSummary(points.length, legs.length)}>
        <defs>
          <marker id="leg-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
            <path d="M 0 0 L 10 5 L 0 10 z" className="leg-arrow" />
          </marker>
          <clipPath id="map-frame">
            <rect width={WIDTH} height={HEIGHT} />
          </clipPath>
        </defs>
        <rect className="sea" width={WIDTH} height={HEIGHT} />
        <g clipPath="url(#map-frame)">
          <path className="graticule" d={graticule} />
          <path className="land" d={land} />
          <path className="borders" d={borders} />
          {legs.map((leg, index) => (
            <path
              key={`leg-${index}`}
              className={`leg leg-${leg.leg.mode ?? 'unknown'}`}
              d={
                path({
                  type: 'LineString',
                  coordinates: [
                    [leg.from[0], leg.from[1]],
                    [leg.to[0], leg.to[1]],
                  ],
                }) ?? ''
              }
              markerEnd="url(#leg-arrow)"
            >
              <title>{`${leg.caseId}: ${leg.leg.from.place ?? leg.leg.from.country} → ${leg.leg.to.place ?? leg.leg.to.country}${leg.leg.mode ? ` (${leg.leg.mode})` : ''}`}</title>
            </path>
          ))}
          {points.map(({ at, location }, index) => {
            const [x, y] = project(at);
            return (
              <g key={`point-${index}`} transform={`translate(${x.toFixed(1)} ${y.toFixed(1)})`} className={`point point-${markerOf(location.kind)}`}>
                <MarkerShape marker={markerOf(location.kind)} />
                <title>{`${location.name ?? words(location.kind)}${location.country ? ` (${location.country})` : ''}: ${words(location.kind)}, case ${location.caseId}`}</title>
              </g>
            );
          })}
        </g>
      </svg>
      <figcaption>
        <ul className="map-legend" aria-label="Legend">
          {(['departure_point', 'hotspot', 'landing_point', 'other'] as const).map((marker) => (
            <li key={marker}>
              <svg viewBox="-8 -8 16 16" width="16" height="16" aria-hidden="true" className={`point point-${marker}`}>
                <MarkerShape marker={marker} />
              </svg>
              {MARKER_LABEL[marker]}
            </li>
          ))}
          <li>
            <svg viewBox="0 0 24 10" width="24" height="10" aria-hidden="true">
              <line x1="1" y1="5" x2="23" y2="5" className="leg leg-sea" />
            </svg>
            route leg (sea)
          </li>
          <li>
            <svg viewBox="0 0 24 10" width="24" height="10" aria-hidden="true">
              <line x1="1" y1="5" x2="23" y2="5" className="leg leg-land" />
            </svg>
            route leg (land, air)
          </li>
        </ul>
        <p>
          {points.length} of the board's {plural(locationsTotal, 'location')} on the map
          {withoutCoordinates > 0 ? ` (${withoutCoordinates} without coordinates left out)` : ''}. {plural(legs.length, 'route leg')} drawn, from the{' '}
          {legCases === 1 ? 'most recently active case' : `${legCases} most recently active cases`}
          {legsSkipped > 0
            ? `; ${plural(legsSkipped, 'leg has', 'legs have')} places without coordinates and ${legsSkipped === 1 ? 'is' : 'are'} not drawn`
            : ''}
          . Land and borders: Natural Earth (bundled).
        </p>
        {points.length > 0 && (
          <details>
            <summary>The locations on the map as a list</summary>
            <ul className="map-places">
              {points.map(({ location }, index) => (
                <li key={index}>
                  {location.name ?? '(no name)'}
                  {location.country ? `, ${location.country}` : ''}: {words(location.kind)}, case <a href={caseHash(location.caseId)}>{location.caseId}</a>
                </li>
              ))}
            </ul>
          </details>
        )}
      </figcaption>
    </figure>
  );
}

function MarkerShape({ marker }: { marker: Marker }) {
  switch (marker) {
    case 'departure_point':
      return <path d="M 0 -7 L 6.5 5 L -6.5 5 Z" />;
    case 'landing_point':
      return <rect x="-5.5" y="-5.5" width="11" height="11" />;
    case 'hotspot':
      return <circle r="6" />;
    case 'other':
      return <path d="M 0 -6.5 L 6.5 0 L 0 6.5 L -6.5 0 Z" />;
  }
}

function mapSummary(points: number, legs: number): string {
  return `Map with ${plural(points, 'location')} and ${plural(legs, 'route leg')}`;
}
