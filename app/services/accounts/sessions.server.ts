/**
 * Sessions: a random token in an httpOnly cookie; the database keeps only its SHA-256, with an
 * expiry and a revocation time, so that sessions can be listed and revoked.
 */
import { createHash, randomBytes } from "node:crypto";
import type { Db } from "../runner/command.server";

/** A session ends this long after its last use (see `sessionFromToken`). */
export const SESSION_DAYS = 30;
/**
 * The cookie outlives any session (400 days is the most browsers keep one): the database's
 * sliding expiry is what counts, and a cookie fixed at 30 days would end an active session.
 */
export const COOKIE_DAYS = 400;
export const SESSION_MS = SESSION_DAYS * 24 * 60 * 60 * 1000;

export const hashToken = (token: string) => createHash("sha256").update(token).digest("hex");

/**
 * Stores a new session for the user and returns its token, which only the cookie keeps. The
 * sign-in commands call it on their transaction; test factories on the database itself.
 */
export async function openSession(
  db: Db,
  userId: number,
  userAgent: string | null,
  now: Date,
): Promise<{ token: string; expiresAt: Date }> {
  const token = randomBytes(32).toString("base64url");
  const expiresAt = new Date(now.getTime() + SESSION_MS);
  await db
    .insertInto("sessions")
    .values({
      id: hashToken(token),
      userId,
      createdAt: now.toISOString(),
      expiresAt: expiresAt.toISOString(),
      lastSeenAt: now.toISOString(),
      userAgent: userAgent?.slice(0, 200) ?? null,
    })
    .execute();
  return { token, expiresAt };
}
