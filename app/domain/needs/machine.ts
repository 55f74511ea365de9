/**
 * 民情 (needs): the closed loop as a pure state machine, in the style of projects/rules.ts.
 *
 * reported → accepted by the grid worker (or resolved on the spot) → escalated to the street's
 * command room → dispatched to a handling unit → resolved by the unit (or returned to the command
 * room, or given more time once) → checked by the grid worker → answered by the reporter and the
 * "me too" residents → closed. "Not satisfied" sends it back to whoever handled it and counts as
 * re-handling; no answer in 14 days closes it; a closed need may be reopened within 14 days.
 *
 * Why the roles are here and not in permissions/policy.ts (yet): the loop's roles are relative to
 * one need (the grid worker *of its grid*, the unit *it was dispatched to*, *its* reporter), which
 * the policy's Actor cannot express today. ROLE_TABLE below is the role-per-step table the policy
 * module will read when the needs services land, so /permissions and this machine cannot drift.
 * Services compute which of these roles the actor holds for the need and call `checkStep`.
 */
import { DomainError } from "../errors";

export const NEED_STATUSES = [
  "reported",
  "accepted",
  "escalated",
  "dispatched",
  "returnedToRoom",
  "resolved",
  "checked",
  "closed",
  "merged",
  "notForPlatform",
] as const;
export type NeedStatus = (typeof NEED_STATUSES)[number];

/** The people around one need, each relative to it. */
export const NEED_ROLES = [
  /** 网格员 of the need's grid. */
  "gridWorker",
  /** Staff of the command room (街道综合指挥室) of the need's street. */
  "commandRoom",
  /** Members of the handling unit the need is dispatched to. */
  "unit",
  /** The resident who reported it (or for whom a helper reported it). */
  "reporter",
  /** Residents who added themselves ("我也遇到"). */
  "meToo",
  /** The committee of the need's community. */
  "committee",
  /** Timed work (the 14-day auto-close), never a person. */
  "system",
] as const;
export type NeedRole = (typeof NEED_ROLES)[number];

export type NeedStep =
  | "accept"
  | "resolveOnSpot"
  | "escalate"
  | "dispatch"
  | "returnToRoom"
  | "askExtension"
  | "resolve"
  | "check"
  | "answerSatisfied"
  | "answerPartly"
  | "answerNotSatisfied"
  | "autoClose"
  | "reopen"
  | "merge"
  | "markNotForPlatform";

/**
 * Where "not satisfied" and a reopening send a need: back to the handling unit when it was
 * dispatched, otherwise (it was resolved on the spot) back to the grid worker.
 */
export const BACK_TO_HANDLER = "backToHandler" as const;

export interface NeedStepRule {
  from: readonly NeedStatus[];
  to: NeedStatus | typeof BACK_TO_HANDLER;
  /** Any one of these roles may take the step. */
  roles: readonly NeedRole[];
  /** The step must carry a note: a reason, or what was done. */
  needsNote: boolean;
  /** The step sends the work back to be done again: counted as re-handling in the figures. */
  rehandles: boolean;
}

/** Before anyone has resolved it: the statuses a committee may still merge or turn away. */
const BEFORE_RESOLUTION: readonly NeedStatus[] = [
  "reported",
  "accepted",
  "escalated",
  "dispatched",
  "returnedToRoom",
];
const ANSWERERS: readonly NeedRole[] = ["reporter", "meToo"];

const rule = (
  from: readonly NeedStatus[],
  to: NeedStepRule["to"],
  roles: readonly NeedRole[],
  needsNote = false,
  rehandles = false,
): NeedStepRule => ({ from, to, roles, needsNote, rehandles });

export const STEPS: Record<NeedStep, NeedStepRule> = {
  accept: rule(["reported"], "accepted", ["gridWorker"]),
  // What was done on the spot is the note; the reporter answers next, as after a check.
  resolveOnSpot: rule(["reported", "accepted"], "checked", ["gridWorker"], true),
  escalate: rule(["accepted"], "escalated", ["gridWorker"]),
  // The service takes the unit and the deadline with the step.
  dispatch: rule(["escalated", "returnedToRoom"], "dispatched", ["commandRoom"]),
  returnToRoom: rule(["dispatched"], "returnedToRoom", ["unit"], true),
  // Stays dispatched with a later deadline; once per need (LoopFacts.extensionsAsked).
  askExtension: rule(["dispatched"], "dispatched", ["unit"], true),
  resolve: rule(["dispatched"], "resolved", ["unit"], true),
  check: rule(["resolved"], "checked", ["gridWorker"]),
  answerSatisfied: rule(["checked"], "closed", ANSWERERS),
  answerPartly: rule(["checked"], "closed", ANSWERERS),
  // Three buttons, no text required: an older resident must be able to answer in one tap.
  answerNotSatisfied: rule(["checked"], BACK_TO_HANDLER, ANSWERERS, false, true),
  autoClose: rule(["checked"], "closed", ["system"]),
  // After closing, the handler cannot ask what is wrong: a reopening says it.
  reopen: rule(["closed"], BACK_TO_HANDLER, ANSWERERS, true, true),
  // The service takes the need it is merged into.
  merge: rule(BEFORE_RESOLUTION, "merged", ["committee"]),
  // The reason points to where it belongs.
  markNotForPlatform: rule(BEFORE_RESOLUTION, "notForPlatform", ["committee"], true),
};

export const STEP_NAMES = Object.keys(STEPS) as NeedStep[];

/** The role-per-step table, for the policy module and the 权责清单. */
export const ROLE_TABLE: Record<NeedStep, readonly NeedRole[]> = Object.fromEntries(
  STEP_NAMES.map((s) => [s, STEPS[s].roles]),
) as Record<NeedStep, readonly NeedRole[]>;

export const isNeedStep = (s: unknown): s is NeedStep =>
  typeof s === "string" && Object.prototype.hasOwnProperty.call(STEPS, s);

export const isNeedStatus = (s: unknown): s is NeedStatus =>
  typeof s === "string" && (NEED_STATUSES as readonly string[]).includes(s);

/** Still being worked on (boards' "open", intensity counts only these). */
export const isOpen = (s: NeedStatus) => s !== "closed" && s !== "merged" && s !== "notForPlatform";

/** The reporter's time to answer after the check, and to reopen after closing: calendar days. */
export const ANSWER_DAYS = 14;
export const REOPEN_DAYS = 14;
/** A need gets more time at most this often. */
export const MAX_EXTENSIONS = 1;
/** Notes on steps: a few sentences. */
export const NEED_NOTE_MAX = 500;

const DAY_MS = 86_400_000;

/** What the machine needs to know about a need beyond its status. */
export interface LoopFacts {
  /** Whether it has been dispatched to a handling unit (where re-handling goes back to). */
  dispatched: boolean;
  /** How many times more time was asked for. */
  extensionsAsked: number;
  /** When it came to `checked` (by a check or an on-the-spot resolution): the answer window's start. */
  checkedAt: Date | null;
  /** When it was last closed: the reopening window's start. */
  closedAt: Date | null;
  now: Date;
}

/**
 * The status a step leads to from `status`, or a 409 refusal when the step is out of order, the
 * one extension is used, the answer window is still open (auto-close) or the reopening window has
 * passed. Says nothing about who takes it: that is `checkStep`.
 */
export function nextStatus(status: NeedStatus, step: NeedStep, facts: LoopFacts): NeedStatus {
  const r = STEPS[step];
  if (!r.from.includes(status)) {
    throw new DomainError(409, "need:errors.stepNotAllowed", { step, status });
  }
  if (step === "askExtension" && facts.extensionsAsked >= MAX_EXTENSIONS) {
    throw new DomainError(409, "need:errors.extensionUsed");
  }
  if (
    step === "autoClose" &&
    (facts.checkedAt === null ||
      facts.now.getTime() < facts.checkedAt.getTime() + ANSWER_DAYS * DAY_MS)
  ) {
    throw new DomainError(409, "need:errors.answerWindowOpen", { days: ANSWER_DAYS });
  }
  if (
    step === "reopen" &&
    (facts.closedAt === null ||
      facts.now.getTime() > facts.closedAt.getTime() + REOPEN_DAYS * DAY_MS)
  ) {
    throw new DomainError(409, "need:errors.reopenExpired", { days: REOPEN_DAYS });
  }
  if (r.to === BACK_TO_HANDLER) return facts.dispatched ? "dispatched" : "accepted";
  return r.to;
}

/**
 * Refuses with 403 when none of the actor's roles (for this need) may take the step — checked
 * first, so a stranger learns nothing about where the need stands — then as `nextStatus` does.
 */
export function checkStep(
  roles: readonly NeedRole[],
  status: NeedStatus,
  step: NeedStep,
  facts: LoopFacts,
): { rule: NeedStepRule; to: NeedStatus } {
  const r = STEPS[step];
  if (!r.roles.some((role) => roles.includes(role))) {
    throw new DomainError(403, "errors.forbidden");
  }
  return { rule: r, to: nextStatus(status, step, facts) };
}

/** The steps these roles could take now: the buttons a need's page shows. */
export function availableSteps(
  roles: readonly NeedRole[],
  status: NeedStatus,
  facts: LoopFacts,
): NeedStep[] {
  return STEP_NAMES.filter((step) => {
    try {
      checkStep(roles, status, step, facts);
      return true;
    } catch (e) {
      if (e instanceof DomainError) return false;
      throw e;
    }
  });
}

/**
 * The note a step carries, trimmed: refused when the step needs one and it is blank, or when it is
 * too long; an optional blank note is null. Services call it, since a server caller skips the form.
 */
export function checkNote(step: NeedStep, note: string | null | undefined): string | null {
  const text = (note ?? "").trim();
  if ([...text].length > NEED_NOTE_MAX) {
    throw new DomainError(400, "need:errors.noteTooLong", { max: NEED_NOTE_MAX }, "note");
  }
  if (text === "") {
    if (STEPS[step].needsNote) throw new DomainError(400, "need:errors.noteRequired", {}, "note");
    return null;
  }
  return text;
}

/** How many times a need was sent back to be done again, from the steps in its timeline. */
export function rehandlingCount(steps: readonly NeedStep[]): number {
  return steps.filter((s) => STEPS[s].rehandles).length;
}
