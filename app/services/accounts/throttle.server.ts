/**
 * Slowing down and then locking repeated failed logins, per account and per network address, and
 * limiting new accounts per address. Kept in the database so that a restart does not reset it and
 * several processes share it.
 *
 * An attempt is counted before its password is checked, in one short transaction that also checks
 * the lock (`reserveAttempt`), and forgiven once the password proves right. Counting only after a
 * failure let parallel guesses through: a thousand attempts sent at once all read "no failures
 * yet" before any was recorded, and none was ever refused.
 *
 * An address gets far more room than an account: a community service centre puts many residents
 * behind one address, and must not be locked out by one person's forgotten password.
 */
import type { Db, Trx } from "../runner/command.server";
import { countWithin } from "../runner/limits.server";

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

/**
 * Counts one sign-in attempt against each key, unless a key is locked: then it writes nothing and
 * says until when. The delay is what the failures before this attempt earned. An attempt that
 * brings a key to its rule's `lockAfter` locks it (the password may still prove right, and clear
 * the account's count).
 */
export async function reserveAttempt(
  trx: Trx,
  keys: ReadonlyArray<[string, ThrottleRule]>,
  now: Date,
): Promise<ThrottleState> {
  const state = await throttleState(trx, keys, now);
  if (state.lockedUntil) return state;
  for (const [key, rule] of keys) {
    const row = await trx
      .selectFrom("loginThrottle")
      .selectAll()
      .where("key", "=", key)
      .executeTakeFirst();
    const fresh = row && now.getTime() - new Date(row.lastFailureAt).getTime() < WINDOW_MS;
    // After a lock runs out the count starts again, so the next lock needs a full run.
    const failures = fresh && !row.lockedUntil ? row.failures + 1 : 1;
    const lockedUntil =
      failures >= rule.lockAfter ? new Date(now.getTime() + LOCK_MS).toISOString() : null;
    await trx
      .insertInto("loginThrottle")
      .values({ key, failures, lastFailureAt: now.toISOString(), lockedUntil })
      .onConflict((oc) =>
        oc.column("key").doUpdateSet({ failures, lastFailureAt: now.toISOString(), lockedUntil }),
      )
      .execute();
  }
  return state;
}

/** The attempt counted against `key` was the right password: it was no failure. */
export async function forgiveAttempt(trx: Trx, key: string): Promise<void> {
  await trx
    .updateTable("loginThrottle")
    .set((eb) => ({ failures: eb("failures", "-", 1) }))
    .where("key", "=", key)
    .where("failures", ">", 0)
    .execute();
}

/**
 * New accounts from one address: a service centre registers residents from one address, so the
 * bound is generous, but not unbounded (a script made 120 accounts in 8 s).
 */
export const REGISTRATIONS_PER_ADDRESS = 20;
export const REGISTRATION_WINDOW_MS = 60 * 60 * 1000;

/** Counts a new account against the address it came from, or refuses (429) past the limit. */
export const countRegistration = (trx: Trx, clientIp: string, now: Date) =>
  countWithin(
    trx,
    `register:${clientIp}`,
    { max: REGISTRATIONS_PER_ADDRESS, windowMs: REGISTRATION_WINDOW_MS },
    now,
    "account:errors.tooManyRegistrations",
  );

export async function clearFailures(trx: Trx, key: string): Promise<void> {
  await trx.deleteFrom("loginThrottle").where("key", "=", key).execute();
}
