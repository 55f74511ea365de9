/** The session cookie, and who is asking: used by every loader, action and the socket handshake. */
import { redirect } from "@remix-run/node";
import { loadActor, whoIsAsking, type CurrentSession } from "~/services/accounts/queries.server";
import { COOKIE_DAYS } from "~/services/accounts/sessions.server";
import { ANONYMOUS, type Actor } from "~/domain/permissions/policy";
import { assistedActor, type OpenSitting } from "~/services/assistance/actor";
import { drop, onDrop } from "~/services/cluster.server";
import { onEvent } from "~/services/events.server";
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

/**
 * Who a session is and what they may do, kept a few seconds per session token: a signed-in page
 * would otherwise ask the database five times (session, sitting, committee seat, memberships,
 * organisations) before its own queries. Whatever changes these emits an event, and each such
 * event drops the person's entries on every process (`drop({ person })`, services/cluster.server),
 * so a sign-out, a revoked session, a decided membership, a new committee or a sitting's start or
 * end is seen by the next request anywhere. The few seconds bound only what no event announces
 * (a session or sitting running out by the clock) and a drop lost while Redis was away. Only
 * sessions that exist are kept, at most CURRENT_MAX.
 */
const CURRENT_TTL_MS = 10_000;
const CURRENT_MAX = 10_000;
interface Known {
  at: number;
  value: Promise<Current>;
  /** Whose changes make it stale: the session's person, and the resident of its sitting. */
  people: number[] | null;
}
const g = globalThis as unknown as { __liuheCurrents?: Map<string, Known> };
if (!g.__liuheCurrents) {
  const known = new Map<string, Known>();
  g.__liuheCurrents = known;
  onEvent((e) => {
    if (e.type === "committee.changed") drop({ person: null });
    else if (
      e.type === "session.revoked" ||
      e.type === "session.changed" ||
      e.type === "organisation.membersChanged" ||
      e.type.startsWith("membership.")
    )
      drop({ person: (e as { userId: number }).userId });
  });
  onDrop((what) => {
    if (!("person" in what)) return;
    for (const [token, k] of known) {
      // An answer still on its way may have read the old state: it goes too.
      if (what.person === null || k.people === null || k.people.includes(what.person))
        known.delete(token);
    }
  });
}
const known = g.__liuheCurrents;

function rememberedCurrent(cookieHeader: string | null): Promise<Current> {
  const token = parseCookies(cookieHeader)[SESSION_COOKIE];
  if (!token) return resolveCurrent(cookieHeader);
  const hit = known.get(token);
  if (hit && Date.now() - hit.at < CURRENT_TTL_MS) return hit.value;
  const entry: Known = { at: Date.now(), value: resolveCurrent(cookieHeader), people: null };
  known.delete(token);
  if (known.size >= CURRENT_MAX) known.delete(known.keys().next().value!);
  known.set(token, entry);
  // Only this entry goes: a drop may have replaced it meanwhile with a newer one.
  const forget = () => known.get(token) === entry && known.delete(token);
  entry.value.then((c) => {
    if (!c.session) forget();
    else entry.people = [c.assistance?.helper.id ?? c.session.user.id, c.session.user.id];
  }, forget);
  return entry.value;
}

async function resolveCurrent(cookieHeader: string | null): Promise<Current> {
  const asking = await whoIsAsking(parseCookies(cookieHeader)[SESSION_COOKIE]);
  if (!asking) return { session: null, actor: ANONYMOUS, assistance: null };
  const { session, actor, sitting } = asking;
  if (!sitting) return { session, actor, assistance: null };
  // A helper at the service window acts for the resident, with the resident's rights.
  const resident = await loadActor(sitting.resident);
  return {
    session: { sessionId: session.sessionId, user: sitting.resident },
    actor: assistedActor(resident, sitting),
    assistance: sitting,
  };
}

/** Who is asking; memoised per request, since the root and the page loaders both ask. */
export function getCurrent(request: Request): Promise<Current> {
  let found = cache.get(request);
  if (!found) {
    found = rememberedCurrent(request.headers.get("Cookie"));
    cache.set(request, found);
  }
  return found;
}

/**
 * For the socket handshake and a socket's re-checks, which have headers but no Request: always
 * from the database (a socket keeps its own answer, see realtime/server.server).
 */
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
