/**
 * Checking who someone says they are, before the command that acts on it opens its transaction:
 * the password check is slow on purpose and must not hold the database (one connection on SQLite)
 * while it runs.
 */
import { getDb } from "../../../db/client.server";
import type { LoginInput } from "~/domain/accounts/schemas";
import { burnPasswordCheck, verifyPassword } from "./password.server";
import { loginColumn } from "./queries.server";

/**
 * The user a sign-in names, when the password is theirs; null otherwise. The throttle has counted
 * the attempt and waited out its delay before this (`noteLoginAttempt`).
 */
export async function checkPassword(attempt: LoginInput): Promise<number | null> {
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
