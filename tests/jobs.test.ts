/** Timed work: each due job runs once across processes, under a lease, and then waits its turn. */
import { afterAll, describe, expect, it } from "vitest";
import { databaseTarget, getDb, openDatabase } from "../db/client.server";
import { ENDED_SESSIONS_KEPT_MS, JOBS, runDueJobs } from "~/services/jobs.server";
import { makeUser } from "./support/factories";

const DAY = 24 * 60 * 60 * 1000;
const names = Object.keys(JOBS).sort();
// A second connection to the same database, as a second process would have.
const other = openDatabase(databaseTarget());
afterAll(() => other.destroy());

async function clearJobs() {
  await getDb().deleteFrom("jobs").execute();
}

describe("timed jobs", () => {
  it("run once when two processes look at the same moment", async () => {
    await clearJobs();
    const now = new Date();
    const [a, b] = await Promise.all([
      runDueJobs(getDb(), "process-a", now),
      runDueJobs(other, "process-b", now),
    ]);
    expect([...a, ...b].sort()).toEqual(names);
    expect(a.filter((n) => b.includes(n))).toEqual([]);
    const rows = await getDb().selectFrom("jobs").selectAll().execute();
    expect(rows.every((r) => r.lockedBy === null && r.lastRunAt === now.toISOString())).toBe(true);
  });

  it("wait for their next time, then run again", async () => {
    await clearJobs();
    const now = new Date();
    expect((await runDueJobs(getDb(), "a", now)).sort()).toEqual(names);
    expect(await runDueJobs(getDb(), "a", new Date(now.getTime() + 1000))).toEqual([]);
    const later = new Date(now.getTime() + Math.max(...names.map((n) => JOBS[n]!.every)));
    expect((await runDueJobs(getDb(), "a", later)).sort()).toEqual(names);
  });

  it("are left to the process that holds them until its lease runs out", async () => {
    await clearJobs();
    const now = new Date();
    await runDueJobs(getDb(), "a", now); // makes the rows
    const due = new Date(now.getTime() + 2 * DAY);
    await getDb()
      .updateTable("jobs")
      .set({ lockedBy: "crashed", lockedUntil: new Date(due.getTime() + 60_000).toISOString() })
      .execute();
    expect(await runDueJobs(getDb(), "a", due)).toEqual([]);
    // The holder died: once its lease has run out, another process runs the jobs.
    expect((await runDueJobs(getDb(), "a", new Date(due.getTime() + 61_000))).sort()).toEqual(
      names,
    );
  });

  it("record a failure and try again sooner than usual", async () => {
    await clearJobs();
    JOBS["test.fails"] = {
      every: DAY,
      run: () => Promise.reject(new Error("disk full")),
    };
    try {
      const now = new Date();
      expect(await runDueJobs(getDb(), "a", now)).not.toContain("test.fails");
      const row = await getDb()
        .selectFrom("jobs")
        .selectAll()
        .where("name", "=", "test.fails")
        .executeTakeFirstOrThrow();
      expect(row.lastError).toBe("disk full");
      expect(row.lockedBy).toBeNull();
      expect(new Date(row.dueAt).getTime() - now.getTime()).toBeLessThan(DAY);
    } finally {
      delete JOBS["test.fails"];
    }
  });

  it("purge sessions that ended a month ago and failed sign-ins past their window", async () => {
    await clearJobs();
    const now = new Date();
    const userId = await makeUser();
    const at = (ms: number) => new Date(now.getTime() + ms).toISOString();
    const old = -ENDED_SESSIONS_KEPT_MS - DAY;
    const session = (id: string, expiresAt: string, revokedAt: string | null) => ({
      id,
      userId,
      createdAt: at(old - DAY),
      expiresAt,
      lastSeenAt: at(old),
      revokedAt,
      userAgent: null,
    });
    await getDb()
      .insertInto("sessions")
      .values([
        session("live", at(DAY), null),
        session("expired-long-ago", at(old), null),
        session("revoked-long-ago", at(DAY), at(old)),
        session("revoked-yesterday", at(DAY), at(-DAY)),
      ])
      .execute();
    await getDb()
      .insertInto("loginThrottle")
      .values([
        { key: "old", failures: 3, lastFailureAt: at(-DAY - 1000), lockedUntil: null },
        { key: "fresh", failures: 3, lastFailureAt: at(-1000), lockedUntil: null },
        // A day's window (proposals per person) that began two hours ago still counts.
        {
          key: "rate:project.propose:1",
          failures: 5,
          lastFailureAt: at(-2 * 3_600_000),
          lockedUntil: null,
        },
      ])
      .execute();
    await runDueJobs(getDb(), "a", now);
    const left = await getDb().selectFrom("sessions").select("id").orderBy("id").execute();
    expect(left.map((s) => s.id)).toEqual(["live", "revoked-yesterday"]);
    const throttle = await getDb().selectFrom("loginThrottle").select("key").execute();
    expect(throttle.map((t) => t.key).sort()).toEqual(["fresh", "rate:project.propose:1"]);
  });
});
