/**
 * Counters of what one key (an address, a person and an action) did in a fixed window, kept in the
 * database so that they hold across processes and restarts. They share the `login_throttle` table
 * with the sign-in throttle (app/services/accounts/throttle.server.ts): `failures` is the count
 * and `last_failure_at` when the key's window began. Timed work deletes rows whose window is long
 * over (app/services/jobs.server.ts).
 */
import { DomainError } from "~/domain/errors";

/** The longest window any counter uses; rows whose window began before it are deleted. */
export const LONGEST_WINDOW_MS = 24 * 60 * 60_000;
import type { Trx } from "./command.server";

/**
 * Counts one more for `key`, or refuses with a 429 (`refusal`, with the minutes to wait) once
 * `max` were counted in the window. Call it in the transaction of the write it counts: a write
 * refused later for another reason is not counted, and a refused one writes nothing.
 */
export async function countWithin(
  trx: Trx,
  key: string,
  limit: { max: number; windowMs: number },
  now: Date,
  refusal: string,
): Promise<void> {
  const row = await trx
    .selectFrom("loginThrottle")
    .selectAll()
    .where("key", "=", key)
    .executeTakeFirst();
  const age = row ? now.getTime() - new Date(row.lastFailureAt).getTime() : Infinity;
  const inWindow = row !== undefined && age >= 0 && age < limit.windowMs;
  if (inWindow && row.failures >= limit.max) {
    throw new DomainError(429, refusal, {
      minutes: Math.max(1, Math.ceil((limit.windowMs - age) / 60000)),
    });
  }
  const values = inWindow
    ? { failures: row.failures + 1, lastFailureAt: row.lastFailureAt, lockedUntil: null }
    : { failures: 1, lastFailureAt: now.toISOString(), lockedUntil: null };
  await trx
    .insertInto("loginThrottle")
    .values({ key, ...values })
    .onConflict((oc) => oc.column("key").doUpdateSet(values))
    .execute();
}
