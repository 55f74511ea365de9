/**
 * 民情 (needs): the working-day clock behind every deadline of the loop.
 *
 * Why its own module: deadlines are counted in China's working days (Monday–Friday, less the
 * official holidays, plus the weekend days made working days, 调休), on China's calendar (UTC+8,
 * no daylight saving, so a fixed offset is exact). Pure, with the calendar passed in, so the
 * services, the timed overdue job and the tests all count the same way.
 *
 * How a deadline is counted: "within N working days" follows the usual rule for official time
 * limits (the day it starts is not counted): the deadline is the end of the Nth working day after
 * the start's China date. A need reported on Friday evening, to be accepted within 1 working day,
 * is due by the end of Monday. Urgent needs count calendar days as exact 24-hour periods instead,
 * since nights and weekends are when an urgent matter cannot wait.
 */
import { z } from "zod";
import { DomainError } from "../errors";
import { DEADLINE_STEPS, MAX_LIMIT_DAYS, type DeadlineStep } from "./limits";
import type { NeedStatus } from "./machine";

export { DEADLINE_STEPS, MAX_LIMIT_DAYS, type DeadlineStep };

const OFFSET_MS = 8 * 3_600_000;
const DAY_MS = 86_400_000;

/** Days are YYYY-MM-DD in China time. */
export interface WorkCalendar {
  holidays: ReadonlySet<string>;
  /** Weekend days that are working days (调休上班). */
  workdays?: ReadonlySet<string>;
}

/** A day number; an invalid Date is a caller's mistake, refused rather than turned into NaN. */
function chinaDayNumber(at: Date): number {
  const ms = at.getTime();
  if (Number.isNaN(ms)) throw new RangeError("Invalid Date");
  return Math.floor((ms + OFFSET_MS) / DAY_MS);
}
const dayString = (n: number) => new Date(n * DAY_MS).toISOString().slice(0, 10);
/** The last millisecond of a China day. */
const endOfChinaDay = (n: number) => new Date((n + 1) * DAY_MS - OFFSET_MS - 1);

/**
 * Whether a China date is a working day. A make-up working day wins over everything (the notice
 * names it on purpose), a holiday over the weekday rule.
 */
export function isWorkingDay(
  date: string,
  holidays: ReadonlySet<string>,
  workdays?: ReadonlySet<string>,
): boolean {
  if (workdays?.has(date)) return true;
  if (holidays.has(date)) return false;
  const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
  return weekday !== 0 && weekday !== 6;
}

function checkDays(days: number) {
  if (!Number.isInteger(days) || days < 0 || days > MAX_LIMIT_DAYS) {
    throw new RangeError(`days must be a whole number from 0 to ${MAX_LIMIT_DAYS}, not ${days}`);
  }
}

/**
 * The end (last millisecond, China time) of the `days`-th working day after `start`'s China date;
 * the start's own day is not counted, whether or not it is a working day. 0 days: the end of the
 * start's day.
 */
export function addWorkingDays(
  start: Date,
  days: number,
  holidays: ReadonlySet<string>,
  workdays?: ReadonlySet<string>,
): Date {
  checkDays(days);
  let day = chinaDayNumber(start);
  for (let left = days; left > 0;) {
    day += 1;
    if (isWorkingDay(dayString(day), holidays, workdays)) left -= 1;
  }
  return endOfChinaDay(day);
}

/**
 * How many working days lie after `start`'s China date up to and including `end`'s (negative when
 * `end` is earlier): the inverse of `addWorkingDays`, and "overdue by N working days".
 */
export function workingDaysBetween(
  start: Date,
  end: Date,
  holidays: ReadonlySet<string>,
  workdays?: ReadonlySet<string>,
): number {
  const from = chinaDayNumber(start);
  const to = chinaDayNumber(end);
  if (to < from) return -workingDaysBetween(end, start, holidays, workdays);
  let count = 0;
  for (let day = from + 1; day <= to; day++) {
    if (isWorkingDay(dayString(day), holidays, workdays)) count += 1;
  }
  return count;
}

/** A time limit: working days (see above), or calendar days as exact 24-hour periods. */
export type TimeLimit = { workingDays: number } | { calendarDays: number };

export type DeadlineLimits = Record<DeadlineStep, TimeLimit>;

/** The defaults; a street may change any of them. */
export const DEFAULT_LIMITS: DeadlineLimits = {
  accept: { workingDays: 1 },
  dispatch: { workingDays: 1 },
  resolve: { workingDays: 5 },
  urgentResolve: { calendarDays: 1 },
};

const days = z
  .number({ invalid_type_error: "errors.invalidType" })
  .int("need:errors.badLimit")
  .min(1, "need:errors.badLimit")
  .max(MAX_LIMIT_DAYS, "need:errors.badLimit");
const timeLimit = z.union([
  z.object({ workingDays: days }).strict(),
  z.object({ calendarDays: days }).strict(),
]);

/** A street's overrides, as stored and as an admin's form sends them: any of the steps, no others. */
export const streetLimitsSchema = z
  .object(Object.fromEntries(DEADLINE_STEPS.map((s) => [s, timeLimit.optional()])))
  .strict() as z.ZodType<Partial<DeadlineLimits>>;

/** The limits in force in a street: its overrides over the defaults. */
export function limitsFor(overrides: Partial<DeadlineLimits> = {}): DeadlineLimits {
  return { ...DEFAULT_LIMITS, ...overrides };
}

/** When a stretch that starts at `start` is due. */
export function deadlineAfter(start: Date, limit: TimeLimit, calendar: WorkCalendar): Date {
  if ("workingDays" in limit) {
    return addWorkingDays(start, limit.workingDays, calendar.holidays, calendar.workdays);
  }
  checkDays(limit.calendarDays);
  return new Date(start.getTime() + limit.calendarDays * DAY_MS);
}

/**
 * Which stretch's clock runs while a need is in `status`, or null when none does (the grid worker's
 * own handling, the check and the reporter's answer have no limit in the issue; the answer has its
 * 14-day auto-close instead).
 */
export function runningStep(status: NeedStatus, urgent: boolean): DeadlineStep | null {
  switch (status) {
    case "reported":
      return "accept";
    case "escalated":
    case "returnedToRoom":
      return "dispatch";
    case "dispatched":
      return urgent ? "urgentResolve" : "resolve";
    default:
      return null;
  }
}

/** The deadline of a need that entered `status` at `since`, or null when no clock runs. */
export function deadlineFor(
  status: NeedStatus,
  since: Date,
  opts: { urgent: boolean; limits: DeadlineLimits; calendar: WorkCalendar },
): Date | null {
  const step = runningStep(status, opts.urgent);
  return step === null ? null : deadlineAfter(since, opts.limits[step], opts.calendar);
}

/** Past its deadline: strictly after its last millisecond. No deadline is never overdue. */
export function isOverdue(deadline: Date | null, now: Date): boolean {
  return deadline !== null && now.getTime() > deadline.getTime();
}

/** A deadline someone sets (a dispatch's own): refused when it is not in the future. */
export function checkDeadline(deadline: Date, now: Date): Date {
  if (Number.isNaN(deadline.getTime()) || deadline.getTime() <= now.getTime()) {
    throw new DomainError(400, "need:errors.deadlineInPast", {}, "deadline");
  }
  return deadline;
}

/** An extension's new deadline: in the future and later than the one it replaces. */
export function checkExtension(current: Date, requested: Date, now: Date): Date {
  checkDeadline(requested, now);
  if (requested.getTime() <= current.getTime()) {
    throw new DomainError(400, "need:errors.extensionNotLater", {}, "deadline");
  }
  return requested;
}

/** A year's calendar file (shared/calendar/cn-2026.json's shape), for loading without a code change. */
const ymd = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "need:errors.badCalendar");
export const calendarFileSchema = z.object({
  year: z.number().int(),
  holidays: z.array(z.object({ name: z.string(), dates: z.array(ymd) })),
  workingWeekends: z.array(ymd),
});

/** Merges years' files into one calendar. */
export function calendarFromFiles(files: readonly unknown[]): WorkCalendar {
  const holidays = new Set<string>();
  const workdays = new Set<string>();
  for (const f of files) {
    const parsed = calendarFileSchema.parse(f);
    for (const h of parsed.holidays) for (const d of h.dates) holidays.add(d);
    for (const d of parsed.workingWeekends) workdays.add(d);
  }
  return { holidays, workdays };
}
