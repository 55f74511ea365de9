/** Liuhe server processes for the e2e run: the production build, each on a free port. */
import { spawn, type ChildProcess } from "node:child_process";
import net from "node:net";
import { nodeFlags } from "../../scripts/node-flags";

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
    srv.on("error", reject);
  });
}

/**
 * A fresh, migrated PostgreSQL database that this test process and the servers it starts share (as
 * several processes of one city would share one database), on the server of
 * TEST_DATABASE_URL (default: the machine's `test` database). Points this process at it too
 * (factories write there); returns what the servers need in their environment, and the drop.
 */
export async function serverDb(): Promise<{
  env: Record<string, string>;
  drop: () => Promise<void>;
}> {
  const { freshDatabase } = await import("../../tests/support/postgres");
  const own = await freshDatabase(
    process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test",
  );
  process.env.DATABASE_URL = own.url;
  const { getDb } = await import("../../db/client.server");
  const { migrateToLatest } = await import("../../db/migrator");
  await migrateToLatest(getDb());
  return { env: { DATABASE_URL: own.url, SEED_DEMO: "false" }, drop: own.drop };
}

export interface Running {
  child: ChildProcess;
  url: string;
  /** stdout and stderr so far. */
  output: () => string;
  /** The exit code (or signal) once it has exited. */
  exited: Promise<number | string>;
  stop: (signal?: NodeJS.Signals) => Promise<number | string>;
}

/**
 * Runs the production server as `npm start` does (the compiled build/start/server.mjs, made by
 * `npm run build`, with node's flags from package.json) with these variables on top of the test's own.
 */
export function spawnServer(env: Record<string, string>): Running {
  let output = "";
  const child = spawn(process.execPath, [...nodeFlags(), "build/start/server.mjs"], {
    env: { ...process.env, NODE_ENV: "production", HOST: "127.0.0.1", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout!.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | string>((resolve) =>
    child.once("exit", (code, signal) => resolve(code ?? signal ?? "")),
  );
  return {
    child,
    url: `http://127.0.0.1:${env.PORT}`,
    output: () => output,
    exited,
    stop: (signal = "SIGTERM") => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/**
 * Waits until `url` answers /healthz, or throws with the server's output. Three minutes: seeding
 * the demo city on a busy two-core machine has taken over one.
 */
export async function waitForHealth(url: string, server: Running) {
  const deadline = Date.now() + 180_000;
  while (Date.now() < deadline) {
    if (server.child.exitCode !== null) throw new Error(`server exited early:\n${server.output()}`);
    try {
      if ((await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(5000) })).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`server did not become healthy:\n${server.output()}`);
}

/** A server on a free port, healthy. */
export async function startServer(env: Record<string, string>): Promise<Running> {
  const server = spawnServer({ PORT: String(await freePort()), ...env });
  try {
    await waitForHealth(server.url, server);
  } catch (e) {
    await server.stop("SIGKILL");
    throw e;
  }
  return server;
}
