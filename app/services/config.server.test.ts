import path from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, readConfig } from "./config.server";

const problems = (env: Record<string, string>) => {
  try {
    readConfig(env);
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  throw new Error("accepted");
};

describe("readConfig", () => {
  it("defaults to one process on port 3000 without Redis", () => {
    expect(readConfig({})).toEqual({
      production: false,
      port: 3000,
      host: "0.0.0.0",
      workers: 1,
      redisUrl: null,
      redisPrefix: "liuhe:",
      database: path.resolve("data", "liuhe.sqlite"),
    });
    // Empty is unset, as a shell's `WORKERS= npm start` means.
    expect(readConfig({ WORKERS: "", REDIS_URL: "", PORT: "" })).toMatchObject({
      workers: 1,
      redisUrl: null,
      port: 3000,
    });
  });

  it("takes several workers with Redis in production", () => {
    const env = {
      NODE_ENV: "production",
      WORKERS: "4",
      REDIS_URL: "rediss://:secret@cache.example:6380/0",
      REDIS_PREFIX: "city-a:",
      PORT: "8080",
      HOST: "127.0.0.1",
      DATABASE_URL: "postgres://liuhe:secret@db.example/liuhe",
    };
    expect(readConfig(env)).toEqual({
      production: true,
      port: 8080,
      host: "127.0.0.1",
      workers: 4,
      redisUrl: env.REDIS_URL,
      redisPrefix: "city-a:",
      database: env.DATABASE_URL,
    });
    expect(readConfig({ REDIS_URL: "redis://127.0.0.1" }).redisUrl).toBe("redis://127.0.0.1");
  });

  it.each(["0", "abc", "1.5", "-2", " 2", "2e1", "65"])("refuses WORKERS=%j", (workers) => {
    expect(problems({ WORKERS: workers })).toEqual([
      `WORKERS must be a whole number from 1 to 64 (got "${workers}")`,
    ]);
  });

  it("refuses a REDIS_URL that is not redis:// or rediss://, without echoing it", () => {
    const [problem] = problems({ REDIS_URL: "http://user:secret@cache:6379" });
    expect(problem).toBe(
      'REDIS_URL must be redis://host[:port] or rediss://host[:port] (got "http:…")',
    );
    expect(problems({ REDIS_URL: "localhost:6379" })[0]).toMatch(/^REDIS_URL must be/);
    expect(problems({ REDIS_URL: "redis://" })[0]).toMatch(/^REDIS_URL must be/);
  });

  it("refuses a DATABASE_URL that is not PostgreSQL's, without echoing it", () => {
    expect(problems({ DATABASE_URL: "mysql://root:secret@db/liuhe" })).toEqual([
      'DATABASE_URL must be postgres://… or postgresql://… (got "mysql:…")',
    ]);
    expect(problems({ DATABASE_URL: "liuhe.sqlite" })[0]).toMatch(/^DATABASE_URL must be/);
    expect(readConfig({ DATABASE_PATH: "x.sqlite" }).database).toBe("x.sqlite");
  });

  it("refuses several workers without Redis or outside production", () => {
    expect(problems({ NODE_ENV: "production", WORKERS: "2" })).toEqual([
      "WORKERS=2 needs REDIS_URL: worker processes share rooms and cache drops through Redis",
    ]);
    expect(problems({ WORKERS: "2", REDIS_URL: "redis://127.0.0.1:6379" })).toEqual([
      "WORKERS=2 serves the production build: use npm start",
    ]);
  });

  it("refuses a bad port or Redis prefix, and lists every problem at once", () => {
    expect(problems({ PORT: "70000", WORKERS: "x", REDIS_PREFIX: "has space" })).toEqual([
      'PORT must be a whole number from 0 to 65535 (got "70000")',
      'WORKERS must be a whole number from 1 to 64 (got "x")',
      "REDIS_PREFIX may only use letters, digits and _ : . - (at most 64)",
    ]);
  });

  it("refuses a PAGE_CACHE_MS that is not a whole number of milliseconds", () => {
    for (const bad of ["5s", "-1", "1.5", "10000000"]) {
      expect(problems({ PAGE_CACHE_MS: bad })).toEqual([
        `PAGE_CACHE_MS must be a whole number of milliseconds from 0 to 9999999 (got "${bad}")`,
      ]);
    }
    expect(() => readConfig({ PAGE_CACHE_MS: "0" })).not.toThrow();
    expect(() => readConfig({ PAGE_CACHE_MS: "5000" })).not.toThrow();
  });
});
