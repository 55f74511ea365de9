/**
 * What a community's page shows alike to every viewer, kept a few seconds per process.
 *
 * The community page is the city's most visited page after the home page, and most of it is the
 * same for everyone: the community and the places above it, its committee and resident counts,
 * its councils, open commitments, newest micro-projects and support threshold (seven of its eleven
 * queries). What depends on the viewer (meetings they may enter, votes they have cast, their own
 * membership, the committee's queues) is still read per request.
 *
 * Kept the way the meeting context is (meetings/context.server.ts): at most PAGE_CACHE_MS (5 s by
 * default) old, and dropped at once, on every process, by the domain events that change it —
 * memberships (the counts), the committee, meetings (commitments), projects, and the community's
 * own settings and councils. So a resident who changes something sees it on their next page; a
 * change made outside commands (the seed, test factories) shows within PAGE_CACHE_MS. Concurrent
 * requests for one community share one read. PAGE_CACHE_MS=0 turns it off (the unit tests do:
 * their factories write rows directly; tests/community-shown.test.ts turns it on).
 */
import { getDb, type DB } from "../../../db/client.server";
import { drop, onDrop } from "../cluster.server";
import { onEvent, type DomainEvent } from "../events.server";
import { commitmentsOf, councilsOf } from "../meetings/queries.server";
import { listProjects, supportThreshold } from "../projects/queries.server";
import { communityPage } from "./queries.server";

const DEFAULT_MS = 5_000;

/** The events after which a community's page shows something else to everyone. */
const CHANGES_SHOWN: ReadonlySet<DomainEvent["type"]> = new Set([
  "membership.requested",
  "membership.decided",
  "membership.withdrawn",
  "committee.changed",
  "meeting.changed",
  "project.changed",
  "community.changed",
]);

/** How long a community's shown data may be kept (PAGE_CACHE_MS; 0: not at all). */
export function pageCacheMs(env: Record<string, string | undefined> = process.env): number {
  // readConfig refuses anything else before the server starts.
  const raw = env.PAGE_CACHE_MS;
  return raw !== undefined && /^\d{1,7}$/.test(raw) ? Number(raw) : DEFAULT_MS;
}

async function load(id: number) {
  const page = await communityPage(id);
  if (!page) return null;
  const [councils, commitments, projects, threshold] = await Promise.all([
    councilsOf(id),
    commitmentsOf({ areaId: id }, true),
    listProjects({ communityId: id, sort: "newest" }, 5),
    supportThreshold(id),
  ]);
  return {
    page,
    councils,
    commitments,
    projects: { items: projects.items, total: projects.total },
    threshold,
  };
}

export type CommunityShown = NonNullable<Awaited<ReturnType<typeof load>>>;

interface Kept {
  db: DB;
  at: number;
  value: Promise<CommunityShown | null>;
}

// On globalThis, like the event bus, so that the dev server's module reloads share one cache.
const g = globalThis as unknown as { __liuheCommunityShown?: Map<number, Kept> };
if (!g.__liuheCommunityShown) {
  const kept = new Map<number, Kept>();
  g.__liuheCommunityShown = kept;
  onEvent((e) => {
    if (CHANGES_SHOWN.has(e.type) && "communityId" in e) drop({ community: e.communityId });
  });
  onDrop((what) => "community" in what && kept.delete(what.community));
}
const kept = g.__liuheCommunityShown;

/** What the community's page shows to everyone; null when there is no such community. */
export function communityShown(id: number): Promise<CommunityShown | null> {
  const ttl = pageCacheMs();
  if (ttl === 0) return load(id);
  const db = getDb();
  const now = Date.now();
  const hit = kept.get(id);
  if (hit && hit.db === db && now - hit.at < ttl) return hit.value;
  const value = load(id);
  const entry: Kept = { db, at: now, value };
  kept.set(id, entry);
  // A failed read is not kept: the next request tries again.
  value.catch(() => kept.get(id) === entry && kept.delete(id));
  return value;
}
