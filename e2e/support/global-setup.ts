/**
 * Starts the production build (building it first if missing) on a free port with a fresh, seeded
 * database, for the whole e2e run; stops it afterwards.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";

declare module "vitest" {
  export interface ProvidedContext {
    baseURL: string;
    dbPath: string;
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
    srv.on("error", reject);
  });
}

async function waitForHealth(url: string, child: ChildProcess, log: () => string) {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited early:\n${log()}`);
    try {
      const res = await fetch(`${url}/healthz`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`server did not become healthy:\n${log()}`);
}

export default async function setup(project: TestProject) {
  if (!fs.existsSync("build/server/index.js")) {
    // Built as `npm run build` builds outside Vitest: vite.config.ts leaves the Remix plugin out
    // under Vitest, and Vitest's NODE_ENV=test would make a development React bundle.
    const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: "production" };
    for (const key of Object.keys(env)) if (key.startsWith("VITEST")) delete env[key];
    const built = spawnSync("npm", ["run", "build"], { stdio: "inherit", env });
    if (built.status !== 0) throw new Error("build failed");
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "liuhe-e2e-"));
  const dbPath = path.join(dir, "e2e.sqlite");
  const port = await freePort();
  let output = "";
  const child = spawn(process.execPath, ["--import", "tsx", "server.ts"], {
    env: {
      ...process.env,
      NODE_ENV: "production",
      PORT: String(port),
      HOST: "127.0.0.1",
      DATABASE_PATH: dbPath,
      SEED_DEMO: "true",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout!.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (output += d.toString()));
  const baseURL = `http://127.0.0.1:${port}`;
  await waitForHealth(baseURL, child, () => output);
  project.provide("baseURL", baseURL);
  project.provide("dbPath", dbPath);

  return async () => {
    child.kill("SIGTERM");
    await new Promise((r) => (child.exitCode !== null ? r(null) : child.once("exit", r)));
    if (/Error|error:/.test(output)) console.log(`server output:\n${output}`);
    fs.rmSync(dir, { recursive: true, force: true });
  };
}
