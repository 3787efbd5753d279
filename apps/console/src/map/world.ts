import type { Feature, FeatureCollection, MultiLineString } from 'geojson';
import { feature, mesh } from 'topojson-client';
import countries from 'world-atlas/countries-110m.json';

/** Natural Earth's 1:110m land and country borders (world-atlas), bundled with the console: no tile server. */
export const LAND: FeatureCollection | Feature = feature(countries, countries.objects.land);
export const BORDERS: MultiLineString = mesh(countries, countries.objects.countries, (a, b) => a !== b);
