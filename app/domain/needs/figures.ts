/**
 * 民情 (needs) figures: the definitions behind the heat table and the per-community and per-unit
 * figures, as pure functions, so each one is written once, tested, and described on the page in
 * the same words (need:figures.method.*).
 *
 * Every rate is null when its denominator is zero: the page shows "—", never NaN or 0 %.
 */

import type { Lng } from "~/i18n/config";
import { numberFormat } from "~/utils/format";
import { isMonth, lastMonths, monthBounds, monthOf } from "../month";

const DAY_MS = 86_400_000;

/** Months are China months (app/domain/month.ts, shared with the 六和指数). */
export { isMonth, monthOf };

/** A China month as the half-open range of instants [from, to) the tables compare as text. */
export const monthRange = monthBounds;

/** The `count` months up to and including the one `now` falls in, newest first. */
export function recentMonths(now: Date, count: number): string[] {
  return lastMonths(monthOf(now), count).reverse();
}

/** The timeline steps the handling rounds read (here, and the 六和指数's re-handling measure). */
export const ROUND_STEPS = [
  "dispatch",
  "askExtension",
  "resolve",
  "returnToRoom",
  "answerNotSatisfied",
  "reopen",
] as const;

/** part / whole, or null when there is no whole. */
export function rate(part: number, whole: number): number | null {
  return whole > 0 ? part / whole : null;
}

/** The middle value (the mean of the two middle ones for an even count), or null for none. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Calendar days from one instant to another, as a fraction (a day is 24 hours). */
export function daysBetween(from: string, to: string): number {
  return (new Date(to).getTime() - new Date(from).getTime()) / DAY_MS;
}

/** Days to one decimal ("—" for none), in the reader's number format. */
export function formatDays(days: number | null, lng: Lng): string {
  if (days === null || !Number.isFinite(days)) return "—";
  return numberFormat(lng, "oneDecimal").format(Math.round(days * 10) / 10);
}

/** A rate as a whole percentage ("—" for none). */
export function formatRate(r: number | null, lng: Lng): string {
  if (r === null || !Number.isFinite(r)) return "—";
  return numberFormat(lng, "wholePercent").format(r);
}

/**
 * Satisfaction: the share of residents' answers that are "satisfied" or "partly satisfied"
 * (基本满意 counts as satisfied, as in the city's own 满意率). Each resident's latest answer counts
 * once; a need closed with no answer (auto-closed) adds no answer.
 */
export function satisfaction(answers: {
  satisfied: number;
  partly: number;
  notSatisfied: number;
}): number | null {
  return rate(
    answers.satisfied + answers.partly,
    answers.satisfied + answers.partly + answers.notSatisfied,
  );
}

/** Heat buckets: 0 for no residents, then 1–4 by quarters of the table's largest cell. */
export const HEAT_BUCKETS = 5;
export function heatBucket(value: number, max: number): number {
  if (value <= 0 || max <= 0) return 0;
  return Math.min(HEAT_BUCKETS - 1, Math.max(1, Math.ceil((value / max) * (HEAT_BUCKETS - 1))));
}

/** One line of a need's timeline, as the on-time rate reads it. */
export interface TimedStep {
  step: string;
  at: string;
  deadlineAt: string | null;
  unitId: number | null;
  toStatus: string;
}

export type RoundOutcome = "onTime" | "late" | "pending" | "returned";

/** One stretch of work a handling unit was given: from being sent the need to resolving it. */
export interface HandlingRound {
  unitId: number | null;
  outcome: RoundOutcome;
}

/**
 * The handling rounds of one need, from its timeline in order. A round starts when the need is
 * dispatched to a unit, or sent back to its unit (a "not satisfied" answer or a reopening that
 * leads to `dispatched`); an extension moves its deadline; it ends when the unit resolves it (on
 * time when at or before the deadline then in force) or returns it to the command room
 * ("returned", not counted). A round not ended is late once its deadline has passed at `now`,
 * otherwise pending (not counted).
 */
export function handlingRounds(steps: readonly TimedStep[], now: Date): HandlingRound[] {
  const rounds: HandlingRound[] = [];
  let open: { unitId: number | null; deadline: string | null } | null = null;
  let lastUnit: number | null = null;
  const end = (outcome: RoundOutcome) => {
    if (open) rounds.push({ unitId: open.unitId, outcome });
    open = null;
  };
  const late = (at: Date, deadline: string | null) =>
    deadline !== null && at.getTime() > new Date(deadline).getTime();
  for (const s of steps) {
    if (s.step === "dispatch") {
      end("returned");
      lastUnit = s.unitId;
      open = { unitId: s.unitId, deadline: s.deadlineAt };
    } else if (
      (s.step === "answerNotSatisfied" || s.step === "reopen") &&
      s.toStatus === "dispatched"
    ) {
      open = { unitId: lastUnit, deadline: s.deadlineAt };
    } else if (s.step === "askExtension" && open) {
      open.deadline = s.deadlineAt;
    } else if (s.step === "resolve" && open) {
      end(late(new Date(s.at), open.deadline) ? "late" : "onTime");
    } else if (s.step === "returnToRoom") {
      end("returned");
    }
  }
  if (open) {
    const o: { unitId: number | null; deadline: string | null } = open;
    end(late(now, o.deadline) ? "late" : "pending");
  }
  return rounds;
}

/** The rounds that count for the on-time rate: resolved by their deadline, or late. */
export function roundCounts(rounds: readonly HandlingRound[]): { onTime: number; late: number } {
  return {
    onTime: rounds.filter((r) => r.outcome === "onTime").length,
    late: rounds.filter((r) => r.outcome === "late").length,
  };
}

/** On time: rounds resolved by their deadline / (those + rounds late). */
export function onTimeRate({ onTime, late }: { onTime: number; late: number }): number | null {
  return rate(onTime, onTime + late);
}
