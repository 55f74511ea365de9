/**
 * A small kit for seeding through the commands (rule 1 in DESIGN.md): the demo city is built by
 * running the same commands people run, each as the person who took that step and with the clock
 * set to the moment the demo data says. So the audit log and the histories of the demo are real.
 *
 * The seed's steps are written per community or per person, but they happen at interleaved
 * moments; a `Timeline` collects them and plays them in time order (steps at the same moment in
 * the order they were added), so ids, audit entries and histories follow the calendar.
 */
import type { z } from "zod";
import type { DB } from "./client.server";
import type { Action, Actor } from "../app/domain/permissions/policy";
import { loadActor } from "../app/services/accounts/queries.server";
import { run, type Command } from "../app/services/runner/command.server";

export const DAY = 86_400_000;
export const MINUTE = 60_000;

/** The seed's clock: moments counted back from one fixed instant. */
export function seedClock(base: number = Date.now()) {
  return {
    base,
    /** `days` days before the base (negative: after it), plus `minutes`. */
    daysAgo: (days: number, minutes = 0) => new Date(base - days * DAY + minutes * MINUTE),
  };
}

/** Steps gathered in any order, played in time order. */
export class Timeline {
  private steps: Array<{ at: Date; seq: number; fn: (at: Date) => Promise<unknown> }> = [];

  at(at: Date, fn: (at: Date) => Promise<unknown>): void {
    this.steps.push({ at, seq: this.steps.length, fn });
  }

  async play(): Promise<void> {
    const steps = this.steps.sort((a, b) => a.at.getTime() - b.at.getTime() || a.seq - b.seq);
    this.steps = [];
    for (const step of steps) await step.fn(step.at);
  }
}

/**
 * The command with its slow `prepare` (hashing a password) started now instead of when it runs.
 * The seed starts them all before playing its timeline, so the thread pool hashes them side by
 * side; each command still runs at its own moment, and its own `prepare` did the work, on the
 * same input (nothing hands a command a ready-made hash).
 */
export function preparedAhead<S extends z.ZodTypeAny, L, R, A extends Action, P>(
  cmd: Command<S, L, R, A, P>,
  input: z.output<S>,
  actor: Actor,
): Command<S, L, R, A, P> {
  if (!cmd.prepare) return cmd;
  const prepared = cmd.prepare(input, actor);
  // A failure is reported when the command runs and awaits it; until then it is not unhandled.
  prepared.catch(() => undefined);
  return { ...cmd, prepare: () => prepared };
}

/** Running commands against the database being seeded, as someone named by their login. */
export function seedRunner(db: DB) {
  /**
   * The actor as the policy sees them now: memberships and committee seats change over the seed,
   * so it is loaded at each step, never kept.
   */
  const actorOf = async (username: string): Promise<Actor> => {
    const user = await db
      .selectFrom("users")
      .select(["id", "displayName", "username", "phone", "isAdmin"])
      .where("username", "=", username)
      .executeTakeFirstOrThrow();
    return loadActor({ ...user, isAdmin: user.isAdmin === 1 }, db);
  };

  /** Runs `cmd` as `who` (a login, or an actor already made) at `now`. */
  const runAs = async <S extends z.ZodTypeAny, L, R, A extends Action, P>(
    who: string | Actor,
    cmd: Command<S, L, R, A, P>,
    input: z.output<S>,
    now: Date,
  ): Promise<R> => {
    const actor = typeof who === "string" ? await actorOf(who) : who;
    return run(cmd, actor, input, { now, db });
  };

  return { actorOf, runAs };
}

/** The one password of every demo account (printed in the README). */
export const DEMO_PASSWORD = "liuhe-demo";
