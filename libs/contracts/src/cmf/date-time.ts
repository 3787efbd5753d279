/**
 * Dates and times of CMF/1: RFC 3339 date-times with an offset and ISO 8601 calendar dates, each naming a
 * real instant or day (2026-02-30 is refused). Leap seconds (second 60) are refused.
 */

const dateTimeRegex = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:[Zz]|([+-])(\d{2}):(\d{2}))$/;
const calendarDateRegex = /^(\d{4})-(\d{2})-(\d{2})$/;

/** The shapes as JSON Schema patterns; the calendar checks below cannot be expressed there. */
export const DATE_TIME_PATTERN = dateTimeRegex.source;
export const CALENDAR_DATE_PATTERN = calendarDateRegex.source;

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

function daysInMonth(year: number, month: number): number {
  return month === 2 ? (isLeapYear(year) ? 29 : 28) : month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

function isRealDay(year: number, month: number, day: number): boolean {
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

/** Days from 1970-01-01 to a real day of the proleptic Gregorian calendar (H. Hinnant's days_from_civil). */
function daysFromEpoch(year: number, month: number, day: number): number {
  const marchYear = month <= 2 ? year - 1 : year; // years start in March, so that the leap day ends them
  const era = Math.floor(marchYear / 400);
  const yearOfEra = marchYear - era * 400;
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

const ZERO = 0x30;

function isDigitAt(text: string, index: number): boolean {
  const code = text.charCodeAt(index);
  return code >= ZERO && code <= ZERO + 9;
}

/** The number written by the two decimal digits of `text` at `index`, or NaN. */
function twoDigitsAt(text: string, index: number): number {
  return isDigitAt(text, index) && isDigitAt(text, index + 1) ? (text.charCodeAt(index) - ZERO) * 10 + text.charCodeAt(index + 1) - ZERO : NaN;
}

/** The year, month and day of a `YYYY-MM-DD` at the start of `text` naming a real day; undefined if there is none. */
function realDayAt(text: string): { year: number; month: number; day: number } | undefined {
  if (text.length < 10 || text.charCodeAt(4) !== 0x2d || text.charCodeAt(7) !== 0x2d) return undefined; // 0x2d: -
  const year = twoDigitsAt(text, 0) * 100 + twoDigitsAt(text, 2);
  const month = twoDigitsAt(text, 5);
  const day = twoDigitsAt(text, 8);
  return year >= 0 && isRealDay(year, month, day) ? { year, month, day } : undefined; // comparisons with NaN are false
}

/**
 * The instant an RFC 3339 date-time with offset names, in milliseconds since the epoch; undefined if it is not one.
 * Reads exactly the strings `DATE_TIME_PATTERN` matches, by hand: this is on the ingest's hot path, where the regular
 * expression and `Date` took most of the time of a date-time rule.
 */
export function parseDateTime(value: unknown): number | undefined {
  if (typeof value !== 'string' || value.length < 20) return undefined;
  const date = realDayAt(value);
  if (date === undefined) return undefined;
  const separator = value.charCodeAt(10);
  if ((separator !== 0x54 && separator !== 0x74) || value.charCodeAt(13) !== 0x3a || value.charCodeAt(16) !== 0x3a) return undefined; // T t :
  const hour = twoDigitsAt(value, 11);
  const minute = twoDigitsAt(value, 14);
  const second = twoDigitsAt(value, 17);
  if (!(hour <= 23 && minute <= 59 && second <= 59)) return undefined; // also refuses NaN
  // an optional fraction of 1 to 9 digits; its first three are the milliseconds (`.5` is 500)
  let index = 19;
  let milliseconds = 0;
  if (value.charCodeAt(index) === 0x2e) {
    const digitsStart = ++index;
    while (index < value.length && isDigitAt(value, index)) {
      if (index - digitsStart < 3) milliseconds += (value.charCodeAt(index) - ZERO) * 10 ** (2 - (index - digitsStart));
      index++;
    }
    if (index === digitsStart || index - digitsStart > 9) return undefined;
  }
  // the offset: Z, z or ±hh:mm, ending the text
  let offsetMs = 0;
  const sign = value.charCodeAt(index);
  if (sign === 0x5a || sign === 0x7a) {
    if (index + 1 !== value.length) return undefined;
  } else {
    if ((sign !== 0x2b && sign !== 0x2d) || index + 6 !== value.length || value.charCodeAt(index + 3) !== 0x3a) return undefined; // + - :
    const hours = twoDigitsAt(value, index + 1);
    const minutes = twoDigitsAt(value, index + 4);
    if (!(hours <= 23 && minutes <= 59)) return undefined;
    offsetMs = (sign === 0x2d ? -1 : 1) * (hours * 60 + minutes) * 60_000;
  }
  const days = daysFromEpoch(date.year, date.month, date.day);
  return ((days * 24 + hour) * 60 + minute) * 60_000 + second * 1000 + milliseconds - offsetMs;
}

export function isDateTime(value: unknown): value is string {
  return parseDateTime(value) !== undefined;
}

/** A full ISO 8601 calendar date `YYYY-MM-DD` naming a real day. */
export function isCalendarDate(value: unknown): value is string {
  return typeof value === 'string' && value.length === 10 && realDayAt(value) !== undefined;
}
