/**
 * Timed work that must run once across every process, however many there are. Each recurring job
 * is a row of `jobs`. On every tick each process claims the due jobs that no one else holds
 * (`claimingRowsOf`: FOR UPDATE SKIP LOCKED on PostgreSQL; SQLite's one writer lets one claimer in
 * at a time), runs them under a lease, and moves each to its next due time. A process that dies
 * mid-job leaves its lease to run out, and another process runs the job again: so a job must be
 * safe to repeat (each below deletes what is past a date, which it is).
 *
 * Maintenance, not an actor's decision: these jobs write outside the command runner and its audit
 * log, as the sign-in bookkeeping does.
 */
import crypto from "node:crypto";
import os from "node:os";
import type { DB } from "../../db/client.server";
import { getDb } from "../../db/client.server";
import { claimingRowsOf, transaction } from "../../db/portable";
import { REGISTRATION_WINDOW_MS, WINDOW_MS } from "./accounts/throttle.server";
import { LONGEST_WINDOW_MS } from "./runner/limits.server";
import { needsTick } from "./needs/timed.server";
import { deliverPending, purgeDelivered } from "./notices/delivery.server";
import { noticesTick } from "./notices/timed.server";
import { makeDigests } from "./notices/digest.server";
import { indexMonthly } from "./index/monthly.server";
import { releaseIfDue } from "./voting/records.server";
import { recomputeStaleMaps } from "./conversations/map.server";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

interface Job {
  /** Time from one run's start to the next. */
  every: number;
  run: (db: DB, now: Date) => Promise<void>;
}

/** How long a claimed job is left to its process before another may take it over. */
const LEASE_MS = 10 * MINUTE;
/** After a failure: try again this soon (or at the usual time, if sooner). */
const RETRY_MS = 5 * MINUTE;
/** Ended sessions (expired, signed out, revoked) stay listed on /settings and /me/data this long. */
export const ENDED_SESSIONS_KEPT_MS = 30 * DAY;

const ago = (now: Date, ms: number) => new Date(now.getTime() - ms).toISOString();

export const JOBS: Record<string, Job> = {
  /** Sessions that ended a month ago are of no use to anyone: the person has long seen them. */
  "sessions.purge": {
    every: HOUR,
    run: async (db, now) => {
      const before = ago(now, ENDED_SESSIONS_KEPT_MS);
      await db
        .deleteFrom("sessions")
        .where((eb) => eb.or([eb("expiresAt", "<", before), eb("revokedAt", "<", before)]))
        .execute();
    },
  },
  /**
   * Failed sign-ins past the throttle's window and lock count for nothing any more. A row counting
   * an address's registrations (`register:…`, see `countRegistration`) holds when its window began,
   * and that window is longer: purged at the sign-in window, an address that had used up its
   * allowance got a fresh one a quarter of an hour in.
   */
  "throttle.purge": {
    every: HOUR,
    run: async (db, now) => {
      await db
        .deleteFrom("loginThrottle")
        // Each counter is kept as long as its window: sign-in failures (an account's, an
        // address's) WINDOW_MS, new accounts per address REGISTRATION_WINDOW_MS, writes per
        // person (and anything else) a day, the longest.
        .where((eb) =>
          eb.or([
            eb("lastFailureAt", "<", ago(now, Math.max(WINDOW_MS, LONGEST_WINDOW_MS))),
            eb.and([
              eb.or([eb("key", "like", "account:%"), eb("key", "like", "address:%")]),
              eb("lastFailureAt", "<", ago(now, WINDOW_MS)),
            ]),
            eb.and([
              eb("key", "like", "register:%"),
              eb("lastFailureAt", "<", ago(now, REGISTRATION_WINDOW_MS)),
            ]),
          ]),
        )
        .where((eb) =>
          eb.or([eb("lockedUntil", "is", null), eb("lockedUntil", "<", now.toISOString())]),
        )
        .execute();
    },
  },
  /**
   * Live poll results move in steps (`releaseDue`), released as ballots arrive; a step that
   * filled up too soon after the last release is released here once its time has come, so that
   * the ballots of a burst do not wait for the next voter. Safe to repeat: a release that is not
   * due is not made.
   */
  "results.release": {
    every: MINUTE,
    run: async (db, now) => {
      const at = now.toISOString();
      const live = await db
        .selectFrom("polls")
        .select("id")
        .where("results", "=", "live")
        .where("opensAt", "<=", at)
        .where("closesAt", ">", at)
        .where("cancelledAt", "is", null)
        .execute();
      for (const { id } of live) {
        // One snapshot: the count and the votes per option read together.
        await transaction(db, (trx) => releaseIfDue(trx, id, now));
      }
    },
  },
  /**
   * 民情: needs nobody answered within 14 days of the check close by themselves; overdue needs are
   * raised to the command room, then the admins (./needs/timed.server.ts). Safe to repeat.
   */
  /**
   * Notices whose delivery did not happen or did not finish (the process died after the commit):
   * each outbox row is claimed by one deliverer at a time, and delivering again adds nobody twice
   * (./notices/delivery.server.ts). Rows delivered a month ago go. Safe to repeat.
   */
  "notices.deliver": {
    every: MINUTE,
    run: async (db, now) => {
      await deliverPending(db, now);
      await purgeDelivered(db, now);
    },
  },
  "needs.tick": {
    every: 5 * MINUTE,
    run: async (db, now) => {
      await needsTick(db, now);
    },
  },
  /**
   * Timed notices: a meeting's reminder the day before, a vote that opened, closes within a day
   * or published its results (./notices/timed.server.ts). Each is sent once (a unique key of the
   * outbox), however many processes and runs: safe to repeat.
   */
  "notices.timed": {
    every: MINUTE,
    run: async (db, now) => {
      await noticesTick(db, now);
    },
  },
  /**
   * The quiet digest: once a day (DIGEST_HOUR, China time) what each quiet person's notices held
   * becomes one notice (./notices/digest.server.ts). Looked at hourly, so that a process down at
   * that hour digests at the next; safe to repeat: a run gathers only what was held before the
   * day's cut and is not yet gathered, so a second run makes no second digest.
   */
  "notices.digest": {
    every: HOUR,
    run: async (db, now) => {
      await makeDigests(db, now);
    },
  },
  /**
   * 六和指数: the month that ended is computed once, from the 1st (China time), under the latest
   * method (./index/monthly.server.ts). Looked at hourly, so a process down at midnight computes
   * it at the next hour; safe to repeat: a month that has a snapshot is left alone.
   */
  "index.monthly": {
    every: HOUR,
    run: async (db, now) => {
      await indexMonthly(db, now);
    },
  },
  /**
   * 意见征集: opinion maps left stale (a process stopped before its scheduled recompute, or it was
   * too soon after the last one) are computed here (./conversations/map.server.ts). Safe to
   * repeat: a map that is not stale, or that another process holds, is left alone.
   */
  "conversations.maps": {
    every: MINUTE,
    run: async (db, now) => {
      await recomputeStaleMaps(db, now);
    },
  },
};

/** Who holds a claim: the host, the process, and a random part for processes that share a pid. */
export const processName = `${os.hostname()}:${process.pid}:${crypto.randomBytes(3).toString("hex")}`;

/** Claims one due job that no other process holds, or null. */
async function claim(db: DB, owner: string, now: Date): Promise<string | null> {
  const at = now.toISOString();
  // A plain transaction: SKIP LOCKED is how claimers stay apart, no retries needed.
  return db.transaction().execute(async (trx) => {
    const due = await trx
      .selectFrom("jobs")
      .select("name")
      .where("name", "in", Object.keys(JOBS))
      .where("dueAt", "<=", at)
      .where((eb) => eb.or([eb("lockedUntil", "is", null), eb("lockedUntil", "<=", at)]))
      .orderBy("dueAt")
      .limit(1)
      .$call(claimingRowsOf(trx))
      .executeTakeFirst();
    if (!due) return null;
    await trx
      .updateTable("jobs")
      .set({ lockedBy: owner, lockedUntil: new Date(now.getTime() + LEASE_MS).toISOString() })
      .where("name", "=", due.name)
      .execute();
    return due.name;
  });
}

/**
 * Runs every job that is due now and that no other process holds; returns the names it ran.
 * Jobs never seen before are due at once.
 */
export async function runDueJobs(db: DB = getDb(), owner = processName, now = new Date()) {
  const at = now.toISOString();
  await db
    .insertInto("jobs")
    .values(Object.keys(JOBS).map((name) => ({ name, dueAt: at })))
    .onConflict((oc) => oc.column("name").doNothing())
    .execute();
  const ran: string[] = [];
  for (let name = await claim(db, owner, now); name; name = await claim(db, owner, now)) {
    const job = JOBS[name]!;
    let error: string | null = null;
    try {
      await job.run(db, now);
      ran.push(name);
    } catch (e) {
      error = e instanceof Error ? e.message : String(e);
      console.error(`job ${name} failed:`, e);
    }
    const next = now.getTime() + (error ? Math.min(RETRY_MS, job.every) : job.every);
    await db
      .updateTable("jobs")
      .set({
        dueAt: new Date(next).toISOString(),
        lockedBy: null,
        lockedUntil: null,
        lastRunAt: at,
        lastError: error,
      })
      .where("name", "=", name)
      .where("lockedBy", "=", owner)
      .execute();
  }
  return ran;
}

/** How often each process looks for due jobs. */
const TICK_MS = MINUTE;

/** Looks for due jobs now and then every minute, until the returned function stops it. */
export function startJobs(): () => void {
  const tick = () => void runDueJobs().catch((e: unknown) => console.error("jobs:", e));
  tick();
  const timer = setInterval(tick, TICK_MS);
  timer.unref();
  return () => clearInterval(timer);
}
