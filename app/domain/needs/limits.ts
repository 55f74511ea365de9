/**
 * 民情: the timed stretches of the loop and how a time limit may be counted, apart from clock.ts
 * (which parses with zod) so that pages can import them without zod in their bundle.
 */

/** More than a year of working days is a mistake, not a deadline. */
export const MAX_LIMIT_DAYS = 366;

/** The timed stretches of the loop. */
export const DEADLINE_STEPS = ["accept", "dispatch", "resolve", "urgentResolve"] as const;
export type DeadlineStep = (typeof DEADLINE_STEPS)[number];

/** A limit in working days (the default way) or in calendar days. */
export const LIMIT_UNITS = ["workingDays", "calendarDays"] as const;
export type LimitUnit = (typeof LIMIT_UNITS)[number];
