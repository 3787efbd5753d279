import { isCalendarDate, isDateTime, parseDateTime } from './date-time';

describe('parseDateTime', () => {
  it.each([
    ['2026-03-14T09:30:00Z', Date.UTC(2026, 2, 14, 9, 30)],
    ['2026-03-14t09:30:00z', Date.UTC(2026, 2, 14, 9, 30)],
    ['2026-03-14T11:30:00+02:00', Date.UTC(2026, 2, 14, 9, 30)],
    ['2026-03-14T04:00:00-05:30', Date.UTC(2026, 2, 14, 9, 30)],
    ['2026-03-14T09:30:00.5Z', Date.UTC(2026, 2, 14, 9, 30, 0, 500)],
    ['2026-03-14T09:30:00.123456789Z', Date.UTC(2026, 2, 14, 9, 30, 0, 123)],
    ['2024-02-29T23:59:59Z', Date.UTC(2024, 1, 29, 23, 59, 59)],
    ['0050-01-01T00:00:00Z', new Date('0050-01-01T00:00:00Z').getTime()],
  ])('reads %s as the instant it names', (text, instant) => {
    expect(parseDateTime(text)).toBe(instant);
  });

  it.each([
    '2026-03-14T09:30:00',
    '2026-03-14 09:30:00Z',
    '2026-03-14',
    '2026-02-30T00:00:00Z',
    '2023-02-29T00:00:00Z',
    '2026-13-01T00:00:00Z',
    '2026-03-14T24:00:00Z',
    '2026-03-14T09:60:00Z',
    '2026-03-14T09:30:60Z',
    '2026-03-14T09:30:00+24:00',
    '2026-03-14T09:30:00+02:60',
    '2026-03-14T09:30:00+0200',
    '2026-03-14T09:30Z',
    '2026-03-14T09:30:00.Z',
    '',
  ])('refuses %j', (text) => {
    expect(parseDateTime(text)).toBeUndefined();
    expect(isDateTime(text)).toBe(false);
  });

  it.each([null, 1710408600000, new Date()])('refuses the non-string %j', (value) => {
    expect(isDateTime(value)).toBe(false);
  });
});

describe('isCalendarDate', () => {
  it.each(['2024-02-29', '2000-02-29', '1984-05-02', '2026-12-31', '2026-04-30'])('accepts %s', (text) => {
    expect(isCalendarDate(text)).toBe(true);
  });

  it.each(['2023-02-29', '1900-02-29', '2026-13-01', '2026-00-10', '2026-04-31', '2026-01-00', '2026-1-01', '20260101', '2026-01-01T00:00:00Z', ''])(
    'refuses %j',
    (text) => {
      expect(isCalendarDate(text)).toBe(false);
    },
  );
});
