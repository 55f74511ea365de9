/**
 * What crosses processes. With REDIS_URL, Liuhe may run as several processes (WORKERS=N, or
 * several machines behind a balancer): Socket.IO's adapter shares rooms through Redis (see
 * realtime/server.server.ts), and `drop` tells every process to forget what it keeps about a
 * person or a meeting, through Redis pub/sub. Without Redis all of it stays in this process.
 *
 * Kept on globalThis, like the event bus, so the Vite dev server's module reloads share it.
 */
import { randomUUID } from "node:crypto";
import { EventEmitter } from "node:events";
import { Redis } from "ioredis";

interface Cluster {
  redis: Redis;
  sub: Redis;
  prefix: string;
  /** This process, so it does not act twice on its own drops. */
  self: string;
}

const g = globalThis as unknown as { __liuheCluster?: Cluster; __liuheDrops?: EventEmitter };
const drops = (g.__liuheDrops ??= new EventEmitter().setMaxListeners(100));

export const REDIS_CONNECT_TIMEOUT_MS = 3000;

/** Opens one connection, or throws why not within the timeout (no retries until it is up once). */
async function connect(url: string): Promise<Redis> {
  let up = false;
  let last: Error | undefined;
  const redis = new Redis(url, {
    lazyConnect: true,
    connectTimeout: REDIS_CONNECT_TIMEOUT_MS,
    retryStrategy: (times) => (up ? Math.min(times * 200, 2000) : null),
  });
  redis.on("error", (e: Error) => {
    if (up) console.error(`redis: ${e.message}`);
    last = e;
  });
  try {
    await redis.connect();
  } catch (e) {
    redis.disconnect();
    const { hostname, port } = new URL(url);
    const why = last?.message ?? (e instanceof Error ? e.message : String(e));
    throw new Error(
      `REDIS_URL: cannot reach Redis at ${hostname}:${port || 6379} within ${REDIS_CONNECT_TIMEOUT_MS / 1000} s (${why})`,
    );
  }
  up = true;
  return redis;
}

/**
 * What changed, so that caches of it go: a person's session or rights (null: everyone's, as when
 * a committee changes), a meeting's context, or what a page shows to everyone.
 */
export type Drop =
  | { person: number | null }
  | { meeting: number }
  /** What a page shows to everyone (shown.server.ts): one key of a kept read, or all of them. */
  | { shown: string; key: string | null };

/** Connects to Redis before the server listens; throws a clear message when it cannot. */
export async function connectCluster(url: string, prefix: string): Promise<void> {
  const redis = await connect(url);
  const sub = await connect(url);
  const cluster: Cluster = { redis, sub, prefix, self: randomUUID() };
  await sub.subscribe(`${prefix}drop`);
  sub.on("message", (_channel: string, raw: string) => {
    const { from, what } = JSON.parse(raw) as { from: string; what: Drop };
    if (from !== cluster.self) drops.emit("drop", what);
  });
  g.__liuheCluster = cluster;
}

/** The Redis connection and key prefix, when there is one. */
export function clusterRedis(): { redis: Redis; prefix: string } | null {
  return g.__liuheCluster ?? null;
}

/** Every process forgets what it keeps of this now: this one at once, the others through Redis. */
export function drop(what: Drop): void {
  drops.emit("drop", what);
  const c = g.__liuheCluster;
  c?.redis
    .publish(`${c.prefix}drop`, JSON.stringify({ from: c.self, what }))
    .catch((e: unknown) => console.error("cluster: a drop did not reach the other processes", e));
}

export function onDrop(listener: (what: Drop) => void): () => void {
  drops.on("drop", listener);
  return () => drops.off("drop", listener);
}

/**
 * Closes both connections, politely when they are up. A connection Redis already closed (QUIT
 * then rejects with "Connection is closed") is simply dropped: closing must not fail the shutdown.
 */
export async function closeCluster(): Promise<void> {
  const c = g.__liuheCluster;
  g.__liuheCluster = undefined;
  if (!c) return;
  await Promise.allSettled([c.sub.quit(), c.redis.quit()]);
  c.sub.disconnect();
  c.redis.disconnect();
}
