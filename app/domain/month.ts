/**
 * China months, for every monthly figure (六和指数, 民情): "YYYY-MM" in China time (UTC+8, no
 * daylight saving), so a month's figures are the city's own calendar month and not UTC's. Bounds are ISO UTC instants in the form the tables
 * store (`toISOString`), so a range compares as text on every engine: [from, to).
 */
const CHINA_OFFSET_MS = 8 * 3_600_000;
const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;
/** Before the platform existed no month can have figures; bounds keep years at four digits. */
const FIRST_YEAR = 2000;
const LAST_YEAR = 9998;

export interface MonthBounds {
  /** The first instant of the month in China, as UTC ISO. */
  from: string;
  /** The first instant of the next month in China (exclusive). */
  to: string;
}

/** The month as [year, month 1–12], or null when it is not a valid "YYYY-MM". */
export function parseMonth(value: unknown): [number, number] | null {
  if (typeof value !== "string") return null;
  const m = MONTH.exec(value);
  if (!m) return null;
  const year = Number(m[1]);
  if (year < FIRST_YEAR || year > LAST_YEAR) return null;
  return [year, Number(m[2])];
}

export const isMonth = (value: unknown): value is string => parseMonth(value) !== null;

function parsed(month: string): [number, number] {
  const p = parseMonth(month);
  if (!p) throw new RangeError(`not a month: ${month}`);
  return p;
}

const format = (utcMs: number) => new Date(utcMs).toISOString().slice(0, 7);

export function monthBounds(month: string): MonthBounds {
  const [y, m] = parsed(month);
  return {
    from: new Date(Date.UTC(y, m - 1, 1) - CHINA_OFFSET_MS).toISOString(),
    to: new Date(Date.UTC(y, m, 1) - CHINA_OFFSET_MS).toISOString(),
  };
}

/** The China month an instant falls in. */
export function monthOf(at: Date): string {
  return format(at.getTime() + CHINA_OFFSET_MS);
}

/** The month before ("2026-01" → "2025-12"). */
export function previousMonth(month: string): string {
  const [y, m] = parsed(month);
  return format(Date.UTC(y, m - 2, 1));
}

/** The month after ("2025-12" → "2026-01"). */
export function nextMonth(month: string): string {
  const [y, m] = parsed(month);
  return format(Date.UTC(y, m, 1));
}

/** The `count` months ending with `month`, oldest first (a trend's x axis); none for count ≤ 0. */
export function lastMonths(month: string, count: number): string[] {
  const [y, m] = parsed(month);
  const n = Math.max(0, Math.floor(count));
  return Array.from({ length: n }, (_, i) => format(Date.UTC(y, m - n + i, 1)));
}

/** Whether the month has ended in China at `now`: only then may its figures be computed. */
export function isMonthOver(month: string, now: Date = new Date()): boolean {
  return now.getTime() >= Date.parse(monthBounds(month).to);
}

/** The last month that is over at `now` (the one a monthly run computes). */
export function lastMonthOver(now: Date = new Date()): string {
  return previousMonth(monthOf(now));
}

/** The China calendar day (YYYY-MM-DD) that follows `date`, for "by the end of that day". */
export function dayAfter(date: string): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
}

/** The first instant after the China calendar day `date` ends, as UTC ISO. */
export function endOfChinaDay(date: string): string {
  return new Date(Date.parse(`${dayAfter(date)}T00:00:00Z`) - CHINA_OFFSET_MS).toISOString();
}
