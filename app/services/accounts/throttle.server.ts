/**
 * Slowing down and then locking repeated failed logins, per account and per network address.
 * Kept in the database so that a restart does not reset it and several processes share it. The
 * helpers take the handle to use: the state is read before a login's transaction (the delay must
 * not hold it), and failures are written by the command that records them.
 *
 * An address gets far more room than an account: a community service centre puts many residents
 * behind one address, and must not be locked out by one person's forgotten password.
 */
import type { Db, Trx } from "../runner/command.server";

export interface ThrottleRule {
  /** Failures after which each attempt waits (doubling from the base delay). */
  slowAfter: number;
  /** Failures after which attempts are refused until the lock ends. */
  lockAfter: number;
}

export const ACCOUNT_RULE: ThrottleRule = { slowAfter: 3, lockAfter: 10 };
export const ADDRESS_RULE: ThrottleRule = { slowAfter: 20, lockAfter: 100 };
export const LOCK_MS = 15 * 60 * 1000;
/** Failures older than this are forgotten. */
export const WINDOW_MS = 15 * 60 * 1000;
/** First delay; each further failure doubles it. LOGIN_SLOWDOWN_MS changes it (tests use 1 ms). */
const baseDelayMs = () => Number(process.env.LOGIN_SLOWDOWN_MS ?? 250);
const MAX_DELAY_MS = 4000;

export interface ThrottleState {
  lockedUntil: Date | null;
  delayMs: number;
}

export const accountKey = (login: { kind: string; value: string }) =>
  `account:${login.kind}:${login.value}`;

/** The keys a login attempt counts against: the account it names, and the address it came from. */
export function throttleKeys(attempt: {
  login: { kind: string; value: string };
  clientIp: string;
}): Array<[string, ThrottleRule]> {
  return [
    [accountKey(attempt.login), ACCOUNT_RULE],
    [`address:${attempt.clientIp}`, ADDRESS_RULE],
  ];
}

export async function throttleState(
  db: Db,
  keys: ReadonlyArray<[string, ThrottleRule]>,
  now: Date,
): Promise<ThrottleState> {
  const names = keys.map(([k]) => k);
  const rows = await db.selectFrom("loginThrottle").selectAll().where("key", "in", names).execute();
  let lockedUntil: Date | null = null;
  let delayMs = 0;
  for (const row of rows) {
    const rule = keys.find(([k]) => k === row.key)![1];
    if (row.lockedUntil && new Date(row.lockedUntil) > now) {
      const until = new Date(row.lockedUntil);
      if (!lockedUntil || until > lockedUntil) lockedUntil = until;
    }
    const fresh = now.getTime() - new Date(row.lastFailureAt).getTime() < WINDOW_MS;
    if (fresh && row.failures >= rule.slowAfter) {
      delayMs = Math.max(
        delayMs,
        Math.min(baseDelayMs() * 2 ** (row.failures - rule.slowAfter), MAX_DELAY_MS),
      );
    }
  }
  return { lockedUntil, delayMs };
}

export async function recordFailure(
  trx: Trx,
  keys: ReadonlyArray<[string, ThrottleRule]>,
  now: Date,
): Promise<void> {
  for (const [key, rule] of keys) {
    const row = await trx
      .selectFrom("loginThrottle")
      .selectAll()
      .where("key", "=", key)
      .executeTakeFirst();
    const fresh = row && now.getTime() - new Date(row.lastFailureAt).getTime() < WINDOW_MS;
    const lockActive = row?.lockedUntil && new Date(row.lockedUntil) > now;
    // After a lock runs out the count starts again, so the next lock needs a full run.
    const failures = fresh && !(row.lockedUntil && !lockActive) ? row.failures + 1 : 1;
    const lockedUntil =
      failures >= rule.lockAfter
        ? new Date(now.getTime() + LOCK_MS).toISOString()
        : lockActive
          ? row!.lockedUntil
          : null;
    await trx
      .insertInto("loginThrottle")
      .values({ key, failures, lastFailureAt: now.toISOString(), lockedUntil })
      .onConflict((oc) =>
        oc.column("key").doUpdateSet({ failures, lastFailureAt: now.toISOString(), lockedUntil }),
      )
      .execute();
  }
}

export async function clearFailures(trx: Trx, key: string): Promise<void> {
  await trx.deleteFrom("loginThrottle").where("key", "=", key).execute();
}
