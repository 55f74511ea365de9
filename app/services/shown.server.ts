/**
 * What a page shows alike to every viewer, kept a few seconds per process: the community page's
 * shared part (communities/shown.server.ts) and a visitor's home (home/queries.server.ts).
 *
 * Kept the way the meeting context is (meetings/context.server.ts): at most PAGE_CACHE_MS (5 s by
 * default) old, and dropped at once, on every process (`drop({ shown })` through Redis), by the
 * domain events that change it. So a change made through a command shows on the next page
 * anywhere; a change made outside commands (the seed, test factories) within PAGE_CACHE_MS.
 * Concurrent requests for one key share one read; a failed read is not kept. PAGE_CACHE_MS=0
 * turns it off (the unit tests do: their factories write rows directly; the tests of these caches
 * turn it on). Decisions, 2026-12-02, in the README.
 */
import { getDb, type DB } from "../../db/client.server";
import { drop, onDrop } from "./cluster.server";
import { onEvent, type DomainEvent } from "./events.server";

const DEFAULT_MS = 5_000;

/** How long shown data may be kept (PAGE_CACHE_MS; 0: not at all). */
export function pageCacheMs(env: Record<string, string | undefined> = process.env): number {
  // readConfig refuses anything else before the server starts.
  const raw = env.PAGE_CACHE_MS;
  return raw !== undefined && /^\d{1,7}$/.test(raw) ? Number(raw) : DEFAULT_MS;
}

interface Kept<V> {
  db: DB;
  at: number;
  value: Promise<V>;
}

// On globalThis, like the event bus, so that the dev server's module reloads share the caches.
const g = globalThis as unknown as { __liuheShown?: Map<string, Map<string, Kept<unknown>>> };
if (!g.__liuheShown) {
  const caches = new Map<string, Map<string, Kept<unknown>>>();
  g.__liuheShown = caches;
  onDrop((what) => {
    if (!("shown" in what)) return;
    const cache = caches.get(what.shown);
    if (what.key === null) cache?.clear();
    else cache?.delete(what.key);
  });
}
const caches = g.__liuheShown;

/**
 * A kept read named `name`: `load(key)` at most once per PAGE_CACHE_MS per process and key;
 * `dropsOn` says which key an event changes (null: none; "all": every key).
 */
export function shownReads<K extends string | number, V>(
  name: string,
  load: (key: K) => Promise<V>,
  dropsOn: (event: DomainEvent) => K | "all" | null,
): (key: K) => Promise<V> {
  if (!caches.has(name)) {
    caches.set(name, new Map());
    onEvent((e) => {
      const key = dropsOn(e);
      if (key !== null) drop({ shown: name, key: key === "all" ? null : String(key) });
    });
  }
  const cache = caches.get(name)! as Map<string, Kept<V>>;
  return (key: K) => {
    const ttl = pageCacheMs();
    if (ttl === 0) return load(key);
    const db = getDb();
    const now = Date.now();
    const k = String(key);
    const hit = cache.get(k);
    if (hit && hit.db === db && now - hit.at < ttl) return hit.value;
    const value = load(key);
    const entry: Kept<V> = { db, at: now, value };
    cache.set(k, entry);
    value.catch(() => cache.get(k) === entry && cache.delete(k));
    return value;
  };
}
