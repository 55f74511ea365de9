import { databaseTarget } from "../../db/client.server";

/**
 * The server's settings from its environment, checked before anything starts: a mistake stops
 * the server with a clear message instead of half-starting it. Pure (tested on its own).
 */
export interface Config {
  production: boolean;
  port: number;
  host: string;
  /** Processes serving the app: 1 is one process; more run under node:cluster (server.ts). */
  workers: number;
  /** Redis for what crosses processes (Socket.IO's adapter, cache drops); null: one process. */
  redisUrl: string | null;
  /** Prefix of every Redis key and channel, so several Liuhe sites (or test files) share one Redis. */
  redisPrefix: string;
  /** The SQLite file, or the PostgreSQL URL when DATABASE_URL is set. */
  database: string;
}

export const MAX_WORKERS = 64;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Liuhe cannot start:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
  }
}

/** A set variable, or undefined when unset or empty (an empty value means the default). */
const given = (value: string | undefined) =>
  value === undefined || value === "" ? undefined : value;

export function readConfig(env: Record<string, string | undefined>): Config {
  const problems: string[] = [];

  const port = Number(given(env.PORT) ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    problems.push(`PORT must be a whole number from 0 to 65535 (got "${env.PORT}")`);
  }

  const workersText = given(env.WORKERS) ?? "1";
  const count = /^\d+$/.test(workersText) ? Number(workersText) : 0;
  const workers = count >= 1 && count <= MAX_WORKERS ? count : 1;
  if (workers !== count) {
    problems.push(`WORKERS must be a whole number from 1 to ${MAX_WORKERS} (got "${env.WORKERS}")`);
  }

  const inFlightText = given(env.MAX_IN_FLIGHT);
  if (inFlightText !== undefined && !/^[1-9]\d{0,5}$/.test(inFlightText)) {
    problems.push(`MAX_IN_FLIGHT must be a whole number from 1 to 999999 (got "${inFlightText}")`);
  }

  const pageCacheText = given(env.PAGE_CACHE_MS);
  if (pageCacheText !== undefined && !/^\d{1,7}$/.test(pageCacheText)) {
    problems.push(
      `PAGE_CACHE_MS must be a whole number of milliseconds from 0 to 9999999 (got "${pageCacheText}")`,
    );
  }

  const redisUrl = given(env.REDIS_URL) ?? null;
  // Only the scheme is echoed: the URL may carry a password.
  const scheme = redisUrl && /^[a-z][a-z0-9+.-]*:/i.exec(redisUrl)?.[0];
  if (redisUrl && !/^rediss?:\/\/[^/]/i.test(redisUrl)) {
    problems.push(
      `REDIS_URL must be redis://host[:port] or rediss://host[:port] (got ${scheme ? `"${scheme}…"` : "something else"})`,
    );
  }

  const redisPrefix = given(env.REDIS_PREFIX) ?? "liuhe:";
  if (!/^[\w:.-]{1,64}$/.test(redisPrefix)) {
    problems.push("REDIS_PREFIX may only use letters, digits and _ : . - (at most 64)");
  }

  let database = "";
  try {
    database = databaseTarget(env);
  } catch (e) {
    problems.push((e as Error).message);
  }

  const production = env.NODE_ENV === "production";
  if (workers > 1 && !redisUrl) {
    problems.push(
      `WORKERS=${workers} needs REDIS_URL: worker processes share rooms and cache drops through Redis`,
    );
  }
  if (workers > 1 && !production) {
    problems.push(`WORKERS=${workers} serves the production build: use npm start`);
  }

  if (problems.length > 0) throw new ConfigError(problems);
  const host = given(env.HOST) ?? "0.0.0.0";
  return { production, port, host, workers, redisUrl, redisPrefix, database };
}
