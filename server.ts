/**
 * The server: Express serves the Remix app and Socket.IO shares its HTTP server and port.
 * Development runs Vite in middleware mode; production serves ./build (made by `npm run build`).
 *
 * Everything Liuhe-specific (database boot, guards, realtime) comes from the app's own server
 * entry (`liuhe` in app/entry.server.tsx), so the Remix routes and the socket handlers share one
 * module graph: one database connection, one event bus.
 *
 * WORKERS=N (N > 1): this process is the primary. It checks the configuration and Redis, migrates
 * and seeds once, then starts N worker processes (node:cluster) that listen on the one port
 * together; each keeps the connections it is handed. A Socket.IO session stays on the worker that
 * opened it (app/services/workers.server.ts says how). A worker that dies is replaced.
 */
import cluster from "node:cluster";
import fs from "node:fs";
import os from "node:os";
import { createServer } from "node:http";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import v8 from "node:v8";
import { createRequestHandler } from "@remix-run/express";
import type { ServerBuild } from "@remix-run/node";
import compression from "compression";
import express from "express";
import type { LiuheServer } from "./app/entry.server";
import { ConfigError, readConfig } from "./app/services/config.server";
import { serverClassesFor } from "./app/services/express-classes.server";
import { shareSessions } from "./app/services/workers.server";

/**
 * How far V8 lets the heap grow past what its last full collection kept before it collects again:
 * to twice the live heap, where V8's own choice on a machine with this much memory is up to four
 * times. A page's garbage is short-lived, but under load much of it reaches the old space, which
 * then filled to 150–170 MB around a live heap of about 40 MB: most of a process's peak memory was
 * garbage waiting (README, Benchmarks, 2026-12-04, night). Full collections come about twice as
 * often and each costs 5–20 ms: pages did not notice, ballots lost about 5 % (they keep more alive,
 * so each marking is dearer). A `--heap-growing-percent` on node's own command line wins. Set
 * before the build is imported, while the heap is still small.
 */
const HEAP_GROWING_PERCENT = 100;
if (!process.execArgv.some((a) => /^--heap[-_]growing[-_]percent/.test(a))) {
  v8.setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
}

/** How long a closing process lets requests under way finish before it cuts their connections. */
const SHUTDOWN_GRACE_MS = 2000;

/** Stops before listening, with a message that says what to change. */
function fail(e: unknown): never {
  const problems =
    e instanceof ConfigError ? e.problems : [e instanceof Error ? e.message : String(e)];
  console.error(new ConfigError(problems).message);
  process.exit(1);
}

const config = (() => {
  try {
    return readConfig(process.env);
  } catch (e) {
    fail(e);
  }
})();
const { production, port, host } = config;

const vite = production
  ? undefined
  : await import("vite").then((v) => v.createServer({ server: { middlewareMode: true } }));

// The opinion map's worker thread, built beside this file (vite.server.config.ts); without it (in
// development) maps are computed in-process (app/services/conversations/map.server.ts).
const opinionWorker = fileURLToPath(new URL("./opinion-worker.mjs", import.meta.url));
if (production && fs.existsSync(opinionWorker)) process.env.LIUHE_OPINION_WORKER ??= opinionWorker;

const buildPath = path.resolve("build/server/index.js");
const loadBuild = async (): Promise<ServerBuild> =>
  vite
    ? ((await vite.ssrLoadModule("virtual:remix/server-build")) as ServerBuild)
    : ((await import(pathToFileURL(buildPath).href)) as ServerBuild);

const build = await loadBuild();
const liuhe = (build.entry.module as unknown as { liuhe: LiuheServer }).liuhe;
if (config.redisUrl) await liuhe.connectCluster(config.redisUrl, config.redisPrefix).catch(fail);
if (cluster.isPrimary) await liuhe.boot().catch(fail);
if (cluster.isPrimary && config.workers > 1) await primary(config.workers);
else serve();

/** Starts the workers, which serve; replaces any that dies. */
async function primary(workers: number) {
  // Migrated and seeded: the workers open their own connections.
  await liuhe.shutdown();
  // Each worker's own socket, for requests of its Socket.IO sessions that reach another worker.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "liuhe-workers-"));
  const removeDir = () => fs.rmSync(dir, { recursive: true, force: true });
  let closing = false;
  let listening = false;
  let ready = 0;
  const fork = () => {
    const worker = cluster.fork({ LIUHE_WORKERS_DIR: dir });
    worker.on("message", (m: { type?: string }) => {
      if (m?.type !== "liuhe:ready" || ++ready < workers || listening) return;
      listening = true;
      console.log(`Liuhe listening on http://localhost:${port} with ${workers} workers`);
    });
  };
  cluster.on("exit", (worker, code, signal) => {
    if (closing) return;
    if (!listening) {
      removeDir();
      fail(`worker ${worker.process.pid} could not start (${signal ?? code})`);
    }
    console.log(`worker ${worker.process.pid} exited (${signal ?? code}): starting another`);
    // After a pause, so that a worker that cannot start does not spin the machine.
    setTimeout(() => closing || fork(), 1000);
  });
  for (let i = 0; i < workers; i++) fork();

  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    console.log(`${signal}: closing the workers`);
    const alive = () => Object.values(cluster.workers ?? {}).filter((w) => w && !w.isDead());
    const done = (code: number) => {
      removeDir();
      process.exit(code);
    };
    cluster.on("exit", () => {
      if (alive().length === 0) done(0);
    });
    for (const w of alive()) w!.process.kill("SIGTERM");
    if (alive().length === 0) done(0);
    setTimeout(() => {
      console.error("workers did not close within 10 s");
      done(1);
    }, 10_000).unref();
  };
  process.on("SIGTERM", () => shutdown("SIGTERM"));
  process.on("SIGINT", () => shutdown("SIGINT"));
}

/** One process, or one worker: the app and Socket.IO. */
function serve() {
  const app = express();
  app.disable("x-powered-by");
  // Nothing reads Express's req.query (Remix reads the URL itself): no query string parsed twice.
  app.set("query parser", false);
  if (process.env.TRUST_PROXY) app.set("trust proxy", process.env.TRUST_PROXY);
  // Security headers on every response, static files included; pages set their own CSP.
  app.use((req, res, next) => liuhe.securityHeaders(req, res, next));
  app.use(compression());

  if (vite) {
    app.use(vite.middlewares);
  } else {
    app.use("/assets", express.static("build/client/assets", { immutable: true, maxAge: "1y" }));
    // Only build/client's own top-level names can be files. Every other request (each page) skips
    // the static handler, which would look for a file, fail and build an error object every time.
    const topNames = new Set(fs.readdirSync("build/client"));
    const files = express.static("build/client", { maxAge: "1h" });
    app.use((req, res, next) => {
      let top = "";
      try {
        top = decodeURIComponent(req.path).split("/")[1] ?? "";
      } catch {
        // Malformed escapes: the static handler would pass these on as well.
      }
      return topNames.has(top) ? files(req, res, next) : next();
    });
  }

  // Refuses cross-site writes and oversized bodies before Remix reads anything.
  app.use((req, res, next) => liuhe.httpGuard(req, res, next));

  app.all(
    "*",
    createRequestHandler({
      build: vite ? loadBuild : build,
      mode: production ? "production" : "development",
      getLoadContext: (req) => ({ clientIp: req.ip ?? req.socket.remoteAddress ?? "unknown" }),
    }),
  );

  // Requests and responses made with Express's prototypes already (the module says why).
  const httpServer = createServer(serverClassesFor(app), app);
  const realtime = liuhe.attachRealtime(httpServer);
  const stopJobs = liuhe.startJobs();

  const closeInbox = cluster.isWorker
    ? shareSessions(realtime.io, httpServer, cluster.worker!.id, process.env.LIUHE_WORKERS_DIR!)
    : async () => undefined;
  // A worker's listen() shares the primary's one listening socket for this port.
  httpServer.listen(port, host, () => {
    if (cluster.isWorker) {
      process.send!({ type: "liuhe:ready" });
      console.log(`worker ${process.pid} ready`);
      return;
    }
    console.log(`Liuhe ${production ? "" : "(development) "}listening on http://localhost:${port}`);
  });

  let closing = false;
  // While closing, no connection is kept for another request: a client that reconnects (a
  // Socket.IO client does at once) must find a process that stays, not this one.
  httpServer.prependListener("request", (_req, res) => {
    if (closing) res.shouldKeepAlive = false;
  });
  async function shutdown(signal: string) {
    if (closing) return;
    closing = true;
    console.log(`${signal}: closing`);
    stopJobs();
    // Closing Socket.IO also closes the HTTP server it is attached to, which waits for every
    // connection to end: requests under way get a moment to finish, then the rest are cut.
    const closed = realtime.close();
    httpServer.closeIdleConnections();
    await Promise.race([closed, new Promise((r) => setTimeout(r, SHUTDOWN_GRACE_MS).unref())]);
    httpServer.closeAllConnections();
    await closed;
    await closeInbox();
    await vite?.close();
    await liuhe.shutdown();
    process.exit(0);
  }
  // Whatever fails while closing, the process still ends, and says why.
  const stop = (signal: string) =>
    shutdown(signal).catch((e: unknown) => {
      console.error("closing failed:", e);
      process.exit(1);
    });
  process.on("SIGTERM", () => void stop("SIGTERM"));
  process.on("SIGINT", () => void stop("SIGINT"));
}
