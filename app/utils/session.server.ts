/** The session cookie, and who is asking: used by every loader, action and the socket handshake. */
import { redirect } from "@remix-run/node";
import {
  loadActor,
  sessionFromToken,
  type CurrentSession,
} from "~/services/accounts/queries.server";
import { COOKIE_DAYS } from "~/services/accounts/sessions.server";
import type { Actor } from "~/domain/permissions/policy";
import { assistedActor, type OpenSitting } from "~/services/assistance/actor";
import { sittingOfSession } from "~/services/assistance/queries.server";
import { parseCookies } from "./preferences.server";

const SESSION_COOKIE = "liuhe_session";

function cookie(value: string, maxAge: number, request: Request): string {
  const secure = new URL(request.url).protocol === "https:";
  return `${SESSION_COOKIE}=${value}; Path=/; Max-Age=${maxAge}; HttpOnly; SameSite=Lax${secure ? "; Secure" : ""}`;
}

export const sessionCookie = (token: string, request: Request) =>
  cookie(token, COOKIE_DAYS * 24 * 60 * 60, request);

export const clearSessionCookie = (request: Request) => cookie("", 0, request);

export interface Current {
  /** While a helper acts for a resident, `session.user` is the resident (the session stays the helper's). */
  session: CurrentSession | null;
  actor: Actor;
  /** The open service-window sitting of this session, if any. */
  assistance: OpenSitting | null;
}

const cache = new WeakMap<Request, Promise<Current>>();

async function resolveCurrent(cookieHeader: string | null): Promise<Current> {
  const session = await sessionFromToken(parseCookies(cookieHeader)[SESSION_COOKIE]);
  const assistance = session ? await sittingOfSession(session.sessionId) : null;
  if (session && assistance) {
    const resident = await loadActor(assistance.resident);
    return {
      session: { sessionId: session.sessionId, user: assistance.resident },
      actor: assistedActor(resident, assistance),
      assistance,
    };
  }
  return { session, actor: await loadActor(session?.user ?? null), assistance: null };
}

/** Who is asking; memoised per request, since the root and the page loaders both ask. */
export function getCurrent(request: Request): Promise<Current> {
  let found = cache.get(request);
  if (!found) {
    found = resolveCurrent(request.headers.get("Cookie"));
    cache.set(request, found);
  }
  return found;
}

/** For the socket handshake, which has headers but no Request. */
export function currentFromCookie(cookieHeader: string | undefined): Promise<Current> {
  return resolveCurrent(cookieHeader ?? null);
}

/** The signed-in user, or a redirect to /login that comes back here afterwards. */
export async function requireSession(
  request: Request,
): Promise<Current & { session: CurrentSession }> {
  const current = await getCurrent(request);
  if (!current.session) {
    const url = new URL(request.url);
    throw redirect(`/login?next=${encodeURIComponent(url.pathname + url.search)}`);
  }
  return current as Current & { session: CurrentSession };
}

/** Only same-site paths are followed after login, never another host. */
export function safeNext(next: string | null | undefined, fallback = "/"): string {
  if (!next || !next.startsWith("/") || next.startsWith("//") || next.startsWith("/\\")) {
    return fallback;
  }
  return next;
}
