/**
 * A small kit for seeding through the commands (rule 1 in DESIGN.md): a fixed clock, "as user X",
 * and a timeline that plays steps in the order they happened. Kept apart from the other seeds'
 * kits for now (they are being written in parallel); one shared db/seed-kit.ts is meant to replace
 * them.
 */
import type { z } from "zod";
import type { DB } from "./client.server";
import type { Action, Actor } from "../app/domain/permissions/policy";
import { loadActor } from "../app/services/accounts/queries.server";
import { run, type Command } from "../app/services/runner/command.server";

export const DAY = 86_400_000;
export const HOUR = 3_600_000;
export const MINUTE = 60_000;

export interface SeedKit {
  db: DB;
  /** The instant the seed treats as now; every moment is counted from it. */
  base: number;
  /** The moment `daysAgo` days before the seed's now (negative: after it). */
  at(daysAgo: number): Date;
  /** A user's id by login; looked up when asked, as people sign up while the seed runs. */
  userId(username: string): Promise<number>;
  areaId(code: string): Promise<number>;
  /**
   * Runs `cmd` as `who` (a login, or an actor already made) at `now`. A login's actor is loaded
   * afresh for every call: memberships and committee seats change as the seed goes on.
   */
  run<S extends z.ZodTypeAny, L, R, A extends Action, P>(
    cmd: Command<S, L, R, A, P>,
    who: string | Actor,
    now: Date,
    input: z.output<S>,
  ): Promise<R>;
}

export function seedKit(db: DB, base = Date.now()): SeedKit {
  const userId = async (username: string) => {
    const u = await db
      .selectFrom("users")
      .select("id")
      .where("username", "=", username)
      .executeTakeFirst();
    if (!u) throw new Error(`seed: no user ${username}`);
    return u.id;
  };
  const actorOf = async (username: string): Promise<Actor> => {
    const u = await db
      .selectFrom("users")
      .select(["id", "displayName", "username", "phone", "isAdmin"])
      .where("username", "=", username)
      .executeTakeFirst();
    if (!u) throw new Error(`seed: no user ${username}`);
    return loadActor({ ...u, isAdmin: u.isAdmin === 1 }, db);
  };
  return {
    db,
    base,
    at: (daysAgo) => new Date(base - daysAgo * DAY),
    userId,
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
      return run(cmd, actor, input, { now, db });
    },
  };
}

/**
 * Steps gathered in any order (one poll at a time), played in time order; steps at the same moment
 * keep the order they were added in. A step that fails names itself.
 */
export class Timeline {
  private steps: Array<{ at: Date; seq: number; what: string; fn: (at: Date) => Promise<void> }> =
    [];

  add(at: Date, what: string, fn: (at: Date) => Promise<void>): void {
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
