/**
 * What the prepare scripts (bench/ballots, bench/opinion-votes, bench/needs, bench/realtime) share:
 * a fresh SQLite file with the demo city, many verified residents with sessions inserted in bulk,
 * and the self-contained file every measured run copies. Imported only by prepare scripts (it
 * brings in the demo seed).
 */
import { createHash, randomBytes } from "node:crypto";
import fs from "node:fs";
import { sql, type Kysely } from "kysely";
import { openDatabase } from "../../db/client.server";
import { migrateToLatest } from "../../db/migrator";
import type { Database } from "../../db/schema";
import { seedDemoData } from "../../db/seed";
import { runDueJobs } from "../../app/services/jobs.server";
import { deliverPending, deliveriesSettled } from "../../app/services/notices/delivery.server";

/** A new SQLite file at `dbPath` (any old one removed) with the schema and the demo city. */
export async function demoDatabase(dbPath: string) {
  for (const suffix of ["", "-wal", "-shm"]) fs.rmSync(dbPath + suffix, { force: true });
  const db = openDatabase(dbPath);
  await migrateToLatest(db);
  await seedDemoData(db);
  return db;
}

/**
 * Does to a prepared database what a server's first minute would: every due job (the timed
 * notices and their delivery, the month's 六和指数, …) and every notice still to deliver. Each
 * measured server starts on a fresh copy and runs the due jobs as it starts: without this, each
 * did that work again while it was measured (a poll open before the benchmark announced itself to
 * its 20,000 voters inside the ballots' window, as it would have done long before their last
 * hour). Jobs due every minute are due again on the copies and find nothing to do.
 */
export async function settleJobs(db: Kysely<Database>) {
  await runDueJobs(db, "bench-prepare", new Date());
  await deliveriesSettled();
  await deliverPending(db, new Date(), Number.MAX_SAFE_INTEGER);
}

/** Closes the database after writing its WAL into the file: one file, copied for every run. */
export async function closeSelfContained(db: Kysely<Database>) {
  await sql`pragma wal_checkpoint(truncate)`.execute(db);
  await db.destroy();
}

/** A resident the load signs in as: their id and the token of their session cookie. */
export interface Resident {
  userId: number;
  token: string;
}

/**
 * Inserts `count` verified residents of one community directly, CHUNK at a time (users, their
 * memberships and, with `sessionsUntil`, a session each), on `db` or inside a transaction. The
 * i-th is named `username(i)`, shown as `displayName(i)`; everything is dated `at`.
 */
export async function insertResidents(
  db: Kysely<Database>,
  opts: {
    communityId: number;
    count: number;
    username: (i: number) => string;
    displayName: (i: number) => string;
    at: string;
    /** When their sessions expire; none are opened without it. */
    sessionsUntil?: string;
  },
): Promise<Resident[]> {
  const CHUNK = 400;
  const { communityId, at } = opts;
  const made: Resident[] = [];
  for (let start = 0; start < opts.count; start += CHUNK) {
    const indices = Array.from(
      { length: Math.min(CHUNK, opts.count - start) },
      (_, k) => start + k,
    );
    const names = indices.map(opts.username);
    await db
      .insertInto("users")
      .values(
        indices.map((i, k) => ({
          displayName: opts.displayName(i),
          username: names[k]!,
          phone: null,
          passwordHash: "!",
          consentVersion: "bench",
          consentedAt: at,
          createdAt: at,
        })),
      )
      .execute();
    const users = await db
      .selectFrom("users")
      .select(["id", "username"])
      .where("username", "in", names)
      .execute();
    const idOf = new Map(users.map((u) => [u.username, u.id]));
    const batch = names.map((name) => ({
      userId: idOf.get(name)!,
      token: randomBytes(32).toString("base64url"),
    }));
    await db
      .insertInto("memberships")
      .values(
        batch.map((v) => ({
          userId: v.userId,
          communityId,
          status: "verified" as const,
          requestedAt: at,
          decidedAt: at,
        })),
      )
      .execute();
    if (opts.sessionsUntil) {
      // The same shape as accounts/sessions.server's openSession, written in bulk.
      await db
        .insertInto("sessions")
        .values(
          batch.map((v) => ({
            id: createHash("sha256").update(v.token).digest("hex"),
            userId: v.userId,
            createdAt: at,
            expiresAt: opts.sessionsUntil!,
            lastSeenAt: at,
            userAgent: "bench",
          })),
        )
        .execute();
    }
    made.push(...batch);
  }
  return made;
}
