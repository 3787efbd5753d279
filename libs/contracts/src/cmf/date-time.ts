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
  return month === 2 ? (isLeapYear(year) ? 29 : 28) : [4, 6, 9, 11].includes(month) ? 30 : 31;
}

function isRealDay(year: number, month: number, day: number): boolean {
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

/** The instant an RFC 3339 date-time with offset names, in milliseconds since the epoch; undefined if it is not one. */
export function parseDateTime(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const match = dateTimeRegex.exec(value);
  if (!match) return undefined;
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number);
  const [, , , , , , , fraction, offsetSign, offsetHours, offsetMinutes] = match;
  if (!isRealDay(year, month, day) || hour > 23 || minute > 59 || second > 59) return undefined;
  let offsetMs = 0;
  if (offsetSign !== undefined) {
    const hours = Number(offsetHours);
    const minutes = Number(offsetMinutes);
    if (hours > 23 || minutes > 59) return undefined;
    offsetMs = (offsetSign === '-' ? -1 : 1) * (hours * 60 + minutes) * 60_000;
  }
  const milliseconds = fraction === undefined ? 0 : Number(fraction.slice(0, 3).padEnd(3, '0'));
  const utc = new Date(0);
  utc.setUTCFullYear(year, month - 1, day);
  utc.setUTCHours(hour, minute, second, milliseconds);
  return utc.getTime() - offsetMs;
}

export function isDateTime(value: unknown): value is string {
  return parseDateTime(value) !== undefined;
}

/** A full ISO 8601 calendar date `YYYY-MM-DD` naming a real day. */
export function isCalendarDate(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const match = calendarDateRegex.exec(value);
  return match !== null && isRealDay(Number(match[1]), Number(match[2]), Number(match[3]));
}
