/**
 * Back-pressure: past MAX_IN_FLIGHT requests at once, the rest are answered at once with 503 and
 * Retry-After, in the reader's language, and `/healthz` stays alive (app/utils/http-guard.server).
 * The guard runs here in front of a handler that holds each request until released, as a slow
 * page would, the way server.ts puts it in front of Remix.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import express from "express";
import { afterEach, beforeEach, expect, it } from "vitest";
import { readConfig } from "~/services/config.server";
import { httpGuard, requestsInFlight, RETRY_AFTER_SECONDS } from "~/utils/http-guard.server";

const MAX = 5;
let server: Server;
let base: string;
let release: () => void;
let held: Promise<void>;

beforeEach(async () => {
  process.env.MAX_IN_FLIGHT = String(MAX);
  held = new Promise((r) => (release = r));
  const app = express();
  app.use(httpGuard);
  app.get("/healthz", (_req, res) => res.json({ status: "ok" }));
  app.all("*", (_req, res) => void held.then(() => res.send("page")));
  server = createServer(app);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterEach(async () => {
  release();
  delete process.env.MAX_IN_FLIGHT;
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

const until = async (ok: () => boolean) => {
  for (let i = 0; i < 200 && !ok(); i++) await new Promise((r) => setTimeout(r, 10));
  expect(ok()).toBe(true);
};

it("answers what is past the bound at once with 503, Retry-After and why, and keeps /healthz", async () => {
  const working = Array.from({ length: MAX }, () => fetch(`${base}/projects`));
  await until(() => requestsInFlight() === MAX);
  const busy = await fetch(`${base}/projects`, { headers: { cookie: "lng=en" } });
  expect(busy.status).toBe(503);
  expect(busy.headers.get("retry-after")).toBe(String(RETRY_AFTER_SECONDS));
  expect(await busy.text()).toContain("Liuhe is very busy right now");
  const busyZh = await fetch(`${base}/communities/3`);
  expect(await busyZh.text()).toContain("六和议事现在太忙");
  // A form sent while busy is refused the same way, and nothing reached the handler.
  const post = await fetch(`${base}/join`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", origin: base },
    body: "displayName=x",
  });
  expect(post.status).toBe(503);
  expect((await fetch(`${base}/healthz`)).status).toBe(200);

  release();
  expect((await Promise.all(working)).map((r) => r.status)).toEqual(Array(MAX).fill(200));
  await until(() => requestsInFlight() === 0);
  expect((await fetch(`${base}/projects`)).status).toBe(200);
});

it("counts a request whose client went away as finished", async () => {
  const gone = new AbortController();
  const aborted = Array.from({ length: MAX }, () =>
    fetch(`${base}/projects`, { signal: gone.signal }).catch(() => "aborted"),
  );
  await until(() => requestsInFlight() === MAX);
  gone.abort();
  expect(await Promise.all(aborted)).toEqual(Array(MAX).fill("aborted"));
  await until(() => requestsInFlight() === 0);
});

it("refuses a MAX_IN_FLIGHT that is not a whole number at start", () => {
  for (const bad of ["0", "-3", "ten", "1.5"]) {
    expect(() => readConfig({ MAX_IN_FLIGHT: bad })).toThrow(
      /MAX_IN_FLIGHT must be a whole number/,
    );
  }
  expect(() => readConfig({ MAX_IN_FLIGHT: "200" })).not.toThrow();
});
