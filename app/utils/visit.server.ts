/**
 * "New since your last visit" on the home page, kept in a cookie rather than in the database:
 * reading the home must not be a write (rule 1), and a visit is what this device saw.
 *
 * The cookie holds `<userId>.<lastSeen>.<since>` (times in epoch milliseconds): `lastSeen` is the
 * latest home page view, `since` the end of the visit before the current one. A visit ends after
 * `VISIT_GAP_MS` without a home page view, so reloading the page or coming back to it within the
 * visit keeps showing the same news; the next visit shows what came after this one. Another
 * person signing in on the same device starts afresh (the user id does not match). A malformed
 * cookie counts as none.
 */
import { parseCookies } from "./preferences.server";

export const VISIT_COOKIE = "visit";
export const VISIT_GAP_MS = 60 * 60_000;
const MAX_AGE_S = 365 * 24 * 60 * 60;

export interface Visit {
  /** Where "new" starts, ISO 8601; null when this device has no earlier visit of this person. */
  since: string | null;
  setCookie: string;
}

export function readVisit(request: Request, userId: number, now: Date = new Date()): Visit {
  const raw = parseCookies(request.headers.get("Cookie"))[VISIT_COOKIE] ?? "";
  const parts = /^(\d{1,15})\.(\d{1,15})\.(\d{1,15}|-)$/.exec(raw);
  const at = now.getTime();
  let since: number | null = null;
  if (parts && Number(parts[1]) === userId) {
    const lastSeen = Number(parts[2]);
    const kept = parts[3] === "-" ? null : Number(parts[3]);
    // A new visit starts after the gap: what the last one saw is now old. A time ahead of the
    // clock (a tampered or skewed cookie) is ignored.
    if (lastSeen <= at) since = at - lastSeen > VISIT_GAP_MS ? lastSeen : kept;
    if (since !== null && since > at) since = null;
  }
  const secure = new URL(request.url).protocol === "https:";
  const value = `${userId}.${at}.${since ?? "-"}`;
  return {
    since: since === null ? null : new Date(since).toISOString(),
    setCookie: `${VISIT_COOKIE}=${value}; Path=/; Max-Age=${MAX_AGE_S}; HttpOnly; SameSite=Lax${secure ? "; Secure" : ""}`,
  };
}
