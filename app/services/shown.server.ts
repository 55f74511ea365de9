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
 *
 * `freshReads`, below, is the other kind: a read that a burst of writes wants with each write in
 * it (a poll's ballot count in the answer to a vote), shared by the writes of the burst.
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
 * `dropsOn` says which key an event changes (null: none; "all": every key). `max` bounds the keys
 * kept at once, for reads whose keys come from the query string (a list's filters and page): when
 * it is reached, keys past their time are forgotten, and if none is, the read is not kept.
 */
export function shownReads<K extends string | number, V>(
  name: string,
  load: (key: K) => Promise<V>,
  dropsOn: (event: DomainEvent) => K | "all" | null,
  max = Infinity,
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
    if (!hit && cache.size >= max) {
      for (const [other, kept] of cache) if (now - kept.at >= ttl) cache.delete(other);
      if (cache.size >= max) return load(key);
    }
    const value = load(key);
    const entry: Kept<V> = { db, at: now, value };
    cache.set(k, entry);
    value.catch(() => cache.get(k) === entry && cache.delete(k));
    return value;
  };
}

/**
 * Kept reads in groups: `read(group, key)` keeps `load(group, key)` inside the group's kept entry
 * (a `shownReads` of its own, named `name`), so an event drops a whole group, on every process, and
 * no other (a street's need boards: every filter and page of them, when a need of that street
 * moves). `keyOf` says which keys are the same read; at most `maxPerGroup` are kept per group, past
 * that a read is not kept (pages far down a list are read each time rather than fill the memory).
 * A failed read is not kept.
 */
export function groupedShownReads<G extends string | number, K, V>(
  name: string,
  load: (group: G, key: K) => Promise<V>,
  keyOf: (key: K) => string,
  dropsOn: (event: DomainEvent) => G | "all" | null,
  maxPerGroup = Infinity,
): (group: G, key: K) => Promise<V> {
  const groups = shownReads(name, async (_group: G) => new Map<string, Promise<V>>(), dropsOn);
  return async (group, key) => {
    const kept = await groups(group);
    const k = keyOf(key);
    const hit = kept.get(k);
    if (hit) return hit;
    const read = load(group, key);
    if (kept.size < maxPerGroup) {
      kept.set(k, read);
      read.catch(() => kept.get(k) === read && kept.delete(k));
    }
    return read;
  };
}

interface Read<V> {
  db: DB;
  /** When the read began: it sees every write committed before then. */
  startedAt: number;
  value: Promise<V>;
  /** Its value once it has come back; until then the last read of the key that had. */
  done?: Settled<V>;
  /** Shared by the reads of a key since it was last dropped: an older read settles no newer one. */
  lineage: object;
}

/** A read that has come back: what it found, when it began, and the `tick()` it came back at. */
export interface Settled<V> {
  value: V;
  startedAt: number;
  cameBack: number;
}

let ticks = 0;
/** A number that only grows: what this process did after a read came back has a larger tick. */
export const tick = (): number => ++ticks;

/** `read(key, since)`, and `settled(key, since)`: the last read that came back, if begun since. */
export interface FreshReads<K, V> {
  (key: K, since: number): Promise<V>;
  settled(key: K, since: number): Settled<V> | undefined;
}

/**
 * A read shared by the requests that need it no older than a given instant, and begun at most once
 * per `spacingMs` per process and key: `read(key, since)` answers with a read begun at or after
 * `since`. For figures that a burst of writes changes many times a second and that each writer
 * wants to see with its own write in it (a poll's ballot count, after a vote): the writes of a burst
 * share one read begun after the last of them, and a request waits at most `spacingMs` for it.
 * Writes that are not part of such a burst (a paper count confirmed) say so with an event:
 * `dropsOn` forgets the key's last read on every process, as for `shownReads`, so the next request
 * reads afresh. PAGE_CACHE_MS=0 (the unit tests) reads every time.
 *
 * `settled(key, since)` answers at once, without reading: the last read of the key that has come
 * back, if it began at or after `since`. Everything it counted committed before it came back, so a
 * write that begins after this call is not in it (a ballot's answer adds that ballot to it).
 */
export function freshReads<K extends string | number, V>(
  name: string,
  load: (key: K) => Promise<V>,
  spacingMs: number,
  dropsOn: (event: DomainEvent) => K | null,
): FreshReads<K, V> {
  const begun = new Map<string, Read<V>>();
  if (!caches.has(name)) {
    onEvent((e) => {
      const key = dropsOn(e);
      if (key !== null) drop({ shown: name, key: String(key) });
    });
  }
  // Dropped as the kept reads are (the listener at the top of this file).
  caches.set(name, begun as unknown as Map<string, Kept<unknown>>);
  const waiting = new Map<string, Promise<V>>();
  const start = (key: K, k: string, db: DB) => {
    const last = begun.get(k);
    const startedAt = Date.now();
    const continues = last !== undefined && last.db === db;
    const entry: Read<V> = {
      db,
      startedAt,
      value: load(key),
      done: continues ? last.done : undefined,
      lineage: continues ? last.lineage : {},
    };
    begun.set(k, entry);
    entry.value.then(
      (value) => {
        // A read that came back after a newer one began is still the newest that came back; one
        // begun before the key was dropped is not.
        const now = begun.get(k);
        if (now?.lineage === entry.lineage && (now.done?.startedAt ?? -Infinity) < startedAt)
          now.done = { value, startedAt, cameBack: tick() };
      },
      () => begun.get(k) === entry && begun.delete(k),
    );
    return entry.value;
  };
  const read = (key: K, since: number) => {
    if (pageCacheMs() === 0) return load(key);
    const db = getDb();
    const k = String(key);
    const last = begun.get(k);
    if (last && last.db === db && last.startedAt >= since) return last.value;
    const next = waiting.get(k);
    if (next) return next;
    const wait = last && last.db === db ? last.startedAt + spacingMs - Date.now() : 0;
    if (wait <= 0) return start(key, k, db);
    const value = new Promise<V>((resolve) => setTimeout(resolve, wait)).then(() => {
      waiting.delete(k);
      return start(key, k, db);
    });
    waiting.set(k, value);
    return value;
  };
  return Object.assign(read, {
    settled(key: K, since: number): Settled<V> | undefined {
      if (pageCacheMs() === 0) return undefined;
      const last = begun.get(String(key));
      if (!last || last.db !== getDb()) return undefined;
      return last.done && last.done.startedAt >= since ? last.done : undefined;
    },
  });
}
