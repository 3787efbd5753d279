import type { BoardLocation, RouteLeg } from '../api/types';

export type LonLat = readonly [lon: number, lat: number];

export interface MapPoint {
  readonly at: LonLat;
  readonly location: BoardLocation;
}

export interface MapLeg {
  readonly from: LonLat;
  readonly to: LonLat;
  readonly caseId: string;
  readonly leg: RouteLeg;
}

/** What the map shows when the board has nothing with coordinates: Europe, North Africa and the Middle East. */
export const DEFAULT_EXTENT: Extent = { west: -20, south: 10, east: 45, north: 60 };

export interface Extent {
  readonly west: number;
  readonly south: number;
  readonly east: number;
  readonly north: number;
}

const isCoordinate = (value: unknown, limit: number): value is number => typeof value === 'number' && Number.isFinite(value) && Math.abs(value) <= limit;

export function lonLatOf(place: { readonly lat?: number; readonly lon?: number }): LonLat | undefined {
  return isCoordinate(place.lon, 180) && isCoordinate(place.lat, 90) ? [place.lon, place.lat] : undefined;
}

/** The locations that have coordinates, each once (a case may report the same place in several messages). */
export function mapPoints(locations: readonly BoardLocation[]): MapPoint[] {
  const seen = new Set<string>();
  const points: MapPoint[] = [];
  for (const location of locations) {
    const at = lonLatOf(location);
    if (!at) continue;
    const key = `${location.caseId}|${location.kind}|${at[0]}|${at[1]}`;
    if (seen.has(key)) continue;
    seen.add(key);
    points.push({ at, location });
  }
  return points;
}

/** The legs of each case's route whose two ends have coordinates; `skipped` counts the others. */
export function mapLegs(routes: readonly { readonly caseId: string; readonly legs: readonly RouteLeg[] }[]): { legs: MapLeg[]; skipped: number } {
  const legs: MapLeg[] = [];
  let skipped = 0;
  for (const { caseId, legs: caseLegs } of routes) {
    for (const leg of caseLegs) {
      const from = lonLatOf(leg.from);
      const to = lonLatOf(leg.to);
      if (from && to) legs.push({ from, to, caseId, leg });
      else skipped += 1;
    }
  }
  return { legs, skipped };
}

/**
 * The area to show: every point, with a margin, never narrower than a few degrees (one point alone would
 * otherwise fill the map with one street).
 */
export function extentOf(positions: readonly LonLat[], margin = 3, minimumSpan = 10): Extent {
  if (positions.length === 0) return DEFAULT_EXTENT;
  const lons = positions.map(([lon]) => lon);
  const lats = positions.map(([, lat]) => lat);
  const widen = (low: number, high: number, limit: number): [number, number] => {
    const centre = (low + high) / 2;
    const half = Math.max((high - low) / 2 + margin, minimumSpan / 2);
    return [Math.max(-limit, centre - half), Math.min(limit, centre + half)];
  };
  const [west, east] = widen(Math.min(...lons), Math.max(...lons), 180);
  const [south, north] = widen(Math.min(...lats), Math.max(...lats), 80);
  return { west, south, east, north };
}
