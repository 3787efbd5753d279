import fc from 'fast-check';
import { CALENDAR_DATE_PATTERN, DATE_TIME_PATTERN, isCalendarDate, parseDateTime } from './date-time';

/**
 * `parseDateTime` and `isCalendarDate` read the text by hand (they are on the ingest's hot path): they must accept
 * exactly what the published patterns match, with a real day and time, and read the instant `Date` reads.
 */

const dateTimeRegex = new RegExp(DATE_TIME_PATTERN);
const calendarDateRegex = new RegExp(CALENDAR_DATE_PATTERN);

function isRealDay(year: number, month: number, day: number): boolean {
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** The reading of a date-time by the pattern and `Date`. */
function referenceDateTime(text: string): number | undefined {
  const match = dateTimeRegex.exec(text);
  if (!match) return undefined;
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number);
  const [, , , , , , , fraction, sign, offsetHours, offsetMinutes] = match;
  if (!isRealDay(year, month, day) || hour > 23 || minute > 59 || second > 59) return undefined;
  if (sign !== undefined && (Number(offsetHours) > 23 || Number(offsetMinutes) > 59)) return undefined;
  const offsetMs = sign === undefined ? 0 : (sign === '-' ? -1 : 1) * (Number(offsetHours) * 60 + Number(offsetMinutes)) * 60_000;
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, fraction === undefined ? 0 : Number(fraction.slice(0, 3).padEnd(3, '0')));
  return date.getTime() - offsetMs;
}

const digits = (count: number) => fc.integer({ min: 0, max: 10 ** count - 1 }).map((n) => String(n).padStart(count, '0'));

const dateText = fc
  .oneof(
    fc.tuple(digits(4), digits(2), digits(2)),
    fc.tuple(
      fc.integer({ min: 0, max: 9999 }).map((n) => String(n).padStart(4, '0')),
      fc.integer({ min: 0, max: 13 }).map((n) => String(n).padStart(2, '0')),
      fc.integer({ min: 0, max: 32 }).map((n) => String(n).padStart(2, '0')),
    ),
  )
  .map(([year, month, day]) => `${year}-${month}-${day}`);

const dateTimeText = fc
  .tuple(
    dateText,
    fc.constantFrom('T', 't'),
    fc.integer({ min: 0, max: 25 }).map((n) => String(n).padStart(2, '0')),
    fc.integer({ min: 0, max: 60 }).map((n) => String(n).padStart(2, '0')),
    fc.integer({ min: 0, max: 61 }).map((n) => String(n).padStart(2, '0')),
    fc.option(
      fc.integer({ min: 0, max: 11 }).chain((count) => (count === 0 ? fc.constant('.') : digits(count).map((d) => `.${d}`))),
      { nil: '' },
    ),
    fc.oneof(
      fc.constantFrom('Z', 'z', ''),
      fc
        .tuple(fc.constantFrom('+', '-'), fc.integer({ min: 0, max: 25 }), fc.integer({ min: 0, max: 61 }))
        .map(([sign, hours, minutes]) => `${sign}${String(hours).padStart(2, '0')}:${String(minutes).padStart(2, '0')}`),
    ),
  )
  .map(([date, separator, hour, minute, second, fraction, offset]) => `${date}${separator}${hour}:${minute}:${second}${fraction}${offset}`);

/** One character replaced or inserted, anywhere. */
function nearMisses(text: fc.Arbitrary<string>): fc.Arbitrary<string> {
  return fc
    .tuple(text, fc.nat(), fc.constantFrom('0', '9', 'a', ':', '-', '+', '.', 'Z', 'T', ' ', '\n', '٣', '/', ''), fc.boolean())
    .map(([value, at, character, replace]) => {
      const index = at % (value.length + 1);
      return value.slice(0, index) + character + value.slice(replace ? index + 1 : index);
    });
}

describe('parseDateTime', () => {
  it('reads what DATE_TIME_PATTERN matches as Date reads it, and nothing else', () => {
    fc.assert(
      fc.property(fc.oneof(dateTimeText, nearMisses(dateTimeText), fc.string()), (text) => {
        expect(parseDateTime(text)).toBe(referenceDateTime(text));
      }),
      { numRuns: 20_000 },
    );
  });

  it.each(['0000-01-01T00:00:00Z', '0000-02-29T12:00:00+01:00', '0099-12-31T23:59:59.999Z', '0100-03-01T00:00:00-23:59', '9999-12-31T23:59:59.123456789Z'])(
    'reads the edge %s as Date does',
    (text) => {
      expect(parseDateTime(text)).toBe(referenceDateTime(text));
      expect(parseDateTime(text)).not.toBeUndefined();
    },
  );
});

describe('isCalendarDate', () => {
  it('accepts what CALENDAR_DATE_PATTERN matches with a real day, and nothing else', () => {
    fc.assert(
      fc.property(fc.oneof(dateText, nearMisses(dateText), fc.string()), (text) => {
        const match = calendarDateRegex.exec(text);
        expect(isCalendarDate(text)).toBe(match !== null && isRealDay(Number(match[1]), Number(match[2]), Number(match[3])));
      }),
      { numRuns: 20_000 },
    );
  });
});
