/**
 * The kit every seed uses to build the demo city through the commands (rule 1 in DESIGN.md): each
 * step is the command people run, as the person who took it and at the moment the demo data says,
 * so the audit log and the histories of the demo are real.
 *
 * - `seedKit(db, base)`: the seed's clock (moments counted back from `base`), look-ups of users and
 *   areas, and `run(cmd, who, now, input)` to run a command as someone at a moment.
 * - `Timeline`: the seed's steps are written per community, per project or per poll, but happen at
 *   interleaved moments; the timeline collects named steps and plays them in time order (steps at
 *   the same moment in the order they were added), so ids, audit entries and histories follow the
 *   calendar. A step that fails names itself.
 * - `preparedAhead`: a command's slow `prepare` (hashing a password) started before the timeline
 *   plays.
 * - `made`: a value one step makes for the steps after it.
 */
import type { z } from "zod";
import type { DB } from "./client.server";
import type { Action, Actor } from "../app/domain/permissions/policy";
import { loadActor } from "../app/services/accounts/queries.server";
import { run, type Command } from "../app/services/runner/command.server";
import { deliveriesSettled } from "../app/services/notices/delivery.server";

export const DAY = 86_400_000;
export const HOUR = 3_600_000;
export const MINUTE = 60_000;

/** The one password of every demo account (printed in the README). */
export const DEMO_PASSWORD = "liuhe-demo";

export interface SeedKit {
  db: DB;
  /** The instant the seed treats as now; every moment is counted from it. */
  base: number;
  /** The moment `days` days before the seed's now (negative: after it), plus `minutes`. */
  daysAgo: (days: number, minutes?: number) => Date;
  /**
   * A user's id, or their actor as the policy sees them now, by login. Looked up when asked:
   * people sign up while the seed runs, and memberships and committee seats change as it goes on,
   * so an actor is never kept.
   */
  userId(username: string): Promise<number>;
  actorOf(username: string): Promise<Actor>;
  areaId(code: string): Promise<number>;
  /** Runs `cmd` as `who` (a login, whose actor is loaded afresh, or an actor already made) at `now`. */
  run<S extends z.ZodTypeAny, L, R, A extends Action, P>(
    cmd: Command<S, L, R, A, P>,
    who: string | Actor,
    now: Date,
    input: z.output<S>,
  ): Promise<R>;
}

export function seedKit(db: DB, base: number = Date.now()): SeedKit {
  const user = async (username: string) => {
    const u = await db
      .selectFrom("users")
      .select(["id", "displayName", "username", "phone", "isAdmin"])
      .where("username", "=", username)
      .executeTakeFirst();
    if (!u) throw new Error(`seed: no user ${username}`);
    return u;
  };
  const actorOf = async (username: string): Promise<Actor> => {
    const u = await user(username);
    return loadActor({ ...u, isAdmin: u.isAdmin === 1 }, db);
  };
  return {
    db,
    base,
    daysAgo: (days, minutes = 0) => new Date(base - days * DAY + minutes * MINUTE),
    userId: async (username) => (await user(username)).id,
    actorOf,
    areaId: async (code) => {
      const a = await db
        .selectFrom("areas")
        .select("id")
        .where("code", "=", code)
        .executeTakeFirst();
      if (!a) throw new Error(`seed: no area ${code}`);
      return a.id;
    },
    async run(cmd, who, now, input) {
      const actor = typeof who === "string" ? await actorOf(who) : who;
      const result = await run(cmd, actor, input, { now, db });
      // The step's notices are delivered before the next step: the demo is the same every time.
      await deliveriesSettled();
      return result;
    },
  };
}

/** Named steps gathered in any order, played in time order. */
export class Timeline {
  private steps: Array<{
    at: Date;
    seq: number;
    what: string;
    fn: (now: Date) => Promise<unknown>;
  }> = [];

  /** `what` names the step in the error if it fails; `fn` gets `at` as its `now`. */
  add(at: Date, what: string, fn: (now: Date) => Promise<unknown>): void {
    this.steps.push({ at, seq: this.steps.length, what, fn });
  }

  async play(): Promise<void> {
    const ordered = [...this.steps].sort(
      (a, b) => a.at.getTime() - b.at.getTime() || a.seq - b.seq,
    );
    this.steps = [];
    for (const s of ordered) {
      try {
        await s.fn(s.at);
      } catch (e) {
        throw new Error(`seed: ${s.what} (at ${s.at.toISOString()}): ${String(e)}`, { cause: e });
      }
    }
  }
}

/**
 * A value one step makes (an id) for the steps after it; reading it before it is made fails,
 * naming it.
 */
export function made<T>(what: string) {
  let value: T | undefined;
  return {
    set: (v: T) => void (value = v),
    get: (): T => {
      if (value === undefined) throw new Error(`seed: ${what} not there yet`);
      return value;
    },
  };
}

/**
 * The command with its slow `prepare` (hashing a password) started now instead of when it runs.
 * A seed starts them all before playing its timeline, so the thread pool hashes them side by
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
