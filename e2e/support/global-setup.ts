/**
 * Starts the production build (building it first if missing) on a free port with a fresh, seeded
 * database, for the whole e2e run; stops it afterwards.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { startServer } from "./servers";

declare module "vitest" {
  export interface ProvidedContext {
    baseURL: string;
    dbPath: string;
  }
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
  const server = await startServer({ DATABASE_PATH: dbPath, SEED_DEMO: "true" });
  const baseURL = server.url;
  project.provide("baseURL", baseURL);
  project.provide("dbPath", dbPath);

  return async () => {
    await server.stop();
    if (/Error|error:/.test(server.output())) console.log(`server output:\n${server.output()}`);
    fs.rmSync(dir, { recursive: true, force: true });
  };
}
