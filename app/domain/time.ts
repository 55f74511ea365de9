/**
 * China time, the platform's one clock for calendar days. Hangzhou keeps UTC+8 all year (no
 * daylight saving), so a fixed offset is exact; times are stored in UTC (ISO 8601) and turned into
 * China's calendar day only where a day is meant: deadlines, report dates, a form's "today".
 */
export const CHINA_TIME_ZONE = "Asia/Shanghai";
const OFFSET_MS = 8 * 3_600_000;

/** The calendar day (YYYY-MM-DD) in China of an instant, or of a stored UTC time. */
export function chinaDate(at: Date | string): string {
  const ms = typeof at === "string" ? Date.parse(at) : at.getTime();
  return new Date(ms + OFFSET_MS).toISOString().slice(0, 10);
}

/** A stored UTC time as a `datetime-local` field shows it in China ("2026-12-05T14:30"). */
export function chinaDateTimeLocal(at: Date | string): string {
  const ms = typeof at === "string" ? Date.parse(at) : at.getTime();
  return new Date(ms + OFFSET_MS).toISOString().slice(0, 16);
}

/** Today in China. */
export function chinaToday(now: Date = new Date()): string {
  return chinaDate(now);
}

/** The UTC instant of a China wall-clock date and time ("2026-12-01", "09:30"), or null. */
export function fromChinaTime(date: string, time = "00:00"): Date | null {
  const d = new Date(`${date}T${time}:00+08:00`);
  return Number.isNaN(d.getTime()) ? null : d;
}
