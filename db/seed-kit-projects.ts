/**
 * A small toolkit for seeds that write through the commands, as people would: a fixed clock
 * ("so many days ago"), "as user X", and a timeline that runs the steps in the order they
 * happened. Kept apart from the other seeds' toolkits for now (they are being written in
 * parallel); one shared db/seed-kit.ts is meant to replace them.
 */
import type { z } from "zod";
import type { DB } from "./client.server";
import type { Action, Actor } from "../app/domain/permissions/policy";
import { loadActor } from "../app/services/accounts/queries.server";
import { run, type Command } from "../app/services/runner/command.server";

export interface SeedKit {
  db: DB;
  /** The instant the seed treats as now; every moment is counted back from it. */
  base: number;
  /** The moment `daysAgo` days before the seed's now (negative: in the future). */
  at(daysAgo: number): Date;
  userId(username: string): number;
  areaId(code: string): number;
  /**
   * Runs a command as `username` at `daysAgo`. The actor is loaded afresh for every call:
   * memberships, committee seats and organisation roles change as the seed goes on.
   */
  run<S extends z.ZodTypeAny, L, R, A extends Action, P>(
    cmd: Command<S, L, R, A, P>,
    username: string,
    daysAgo: number,
    input: z.output<S>,
  ): Promise<R>;
}

export async function seedKit(db: DB, base = Date.now()): Promise<SeedKit> {
  const users = new Map(
    (
      await db.selectFrom("users").select(["id", "username", "displayName", "isAdmin"]).execute()
    ).map((u) => [u.username, u]),
  );
  const areas = new Map(
    (await db.selectFrom("areas").select(["id", "code"]).execute()).map((a) => [a.code, a.id]),
  );
  const user = (username: string) => {
    const u = users.get(username);
    if (!u) throw new Error(`seed: no user ${username}`);
    return u;
  };
  const at = (daysAgo: number) => new Date(base - daysAgo * 86_400_000);
  return {
    db,
    base,
    at,
    userId: (username) => user(username).id,
    areaId: (code) => {
      const id = areas.get(code);
      if (id === undefined) throw new Error(`seed: no area ${code}`);
      return id;
    },
    async run(cmd, username, daysAgo, input) {
      const u = user(username);
      const actor: Actor = await loadActor(
        {
          id: u.id,
          displayName: u.displayName,
          username: u.username,
          phone: null,
          isAdmin: u.isAdmin === 1,
        },
        db,
      );
      return run(cmd, actor, input, { now: at(daysAgo), db });
    },
  };
}

/**
 * Steps collected out of order (one project at a time) and run in the order they happened; steps
 * at the same moment keep the order they were added in.
 */
export class Timeline {
  private steps: Array<{ daysAgo: number; seq: number; what: string; fn: () => Promise<void> }> =
    [];

  add(daysAgo: number, what: string, fn: () => Promise<void>): void {
    this.steps.push({ daysAgo, seq: this.steps.length, what, fn });
  }

  async play(): Promise<void> {
    const ordered = [...this.steps].sort((a, b) => b.daysAgo - a.daysAgo || a.seq - b.seq);
    for (const s of ordered) {
      try {
        await s.fn();
      } catch (e) {
        throw new Error(`seed: ${s.what} (${s.daysAgo} days ago): ${String(e)}`, { cause: e });
      }
    }
  }
}
