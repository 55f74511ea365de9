/**
 * Checking who someone says they are, before the command that acts on it opens its transaction:
 * the throttle's lock and delay, and the password itself, are slow on purpose and must not hold
 * the database (one connection on SQLite) while they wait.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { getDb } from "../../../db/client.server";
import { DomainError } from "~/domain/errors";
import type { LoginInput } from "~/domain/accounts/schemas";
import { burnPasswordCheck, verifyPassword } from "./password.server";
import { loginColumn } from "./queries.server";
import { throttleKeys, throttleState } from "./throttle.server";

/**
 * The user a sign-in names, when the password is theirs; null otherwise. Refuses while the account
 * or the address is locked, and waits out the delay that earlier failures earned first.
 */
export async function checkCredentials(
  attempt: LoginInput & { clientIp: string },
): Promise<number | null> {
  const now = new Date();
  const state = await throttleState(getDb(), throttleKeys(attempt), now);
  if (state.lockedUntil) {
    throw new DomainError(429, "account:errors.locked", {
      minutes: Math.max(1, Math.ceil((state.lockedUntil.getTime() - now.getTime()) / 60000)),
    });
  }
  if (state.delayMs > 0) await sleep(state.delayMs);

  const user = await getDb()
    .selectFrom("users")
    .select(["id", "passwordHash"])
    .where(loginColumn(attempt.login), "=", attempt.login.value)
    .executeTakeFirst();
  // Spend the same time on an unknown login as on a wrong password, so timing tells nothing.
  if (!user) {
    await burnPasswordCheck(attempt.password);
    return null;
  }
  return (await verifyPassword(attempt.password, user.passwordHash)) ? user.id : null;
}

/** Whether this is the person's password (asked again before deleting the account). */
export async function passwordMatches(userId: number, password: string): Promise<boolean> {
  const user = await getDb()
    .selectFrom("users")
    .select("passwordHash")
    .where("id", "=", userId)
    .executeTakeFirst();
  return user ? verifyPassword(password, user.passwordHash) : false;
}
