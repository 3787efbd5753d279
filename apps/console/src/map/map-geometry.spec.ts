import { DEFAULT_EXTENT, extentOf, mapLegs, mapPoints } from './map-geometry';

describe('the board map’s geometry', () => {
  it('plots each location with coordinates once and leaves out the others', () => {
    const zuwara = { caseId: 'IT-1', kind: 'departure_point', name: 'Zuwara', country: 'LY', lat: 32.93, lon: 12.08 };
    const points = mapPoints([zuwara, { ...zuwara }, { caseId: 'IT-1', kind: 'hotspot', country: 'LY' }, { ...zuwara, lat: 95 }]);
    expect(points).toEqual([{ at: [12.08, 32.93], location: zuwara }]);
  });

  it('draws the legs whose two ends have coordinates and counts the others', () => {
    const sea = { from: { country: 'LY', lat: 32.9, lon: 12.1 }, to: { country: 'IT', lat: 35.5, lon: 12.6 }, mode: 'sea' };
    const { legs, skipped } = mapLegs([{ caseId: 'IT-1', legs: [sea, { from: { country: 'LY' }, to: { country: 'IT' } }] }]);
    expect(legs).toEqual([{ from: [12.1, 32.9], to: [12.6, 35.5], caseId: 'IT-1', leg: sea }]);
    expect(skipped).toBe(1);
  });

  it('frames the points with a margin, at least ten degrees wide, and a default area when there are none', () => {
    expect(extentOf([])).toEqual(DEFAULT_EXTENT);
    expect(extentOf([[12, 33]])).toEqual({ west: 7, east: 17, south: 28, north: 38 });
    expect(
      extentOf([
        [-5, 36],
        [28, 41],
      ]),
    ).toEqual({ west: -8, east: 31, south: 33, north: 44 });
  });
});
