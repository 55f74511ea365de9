/**
 * CPU per request of one page, without HTTP or concurrency: the production build's Remix handler
 * called in a loop, in this process, on a database of one's own. Far less noisy than the load
 * benchmark on a shared machine, so that two versions of a page can be compared by CPU alone; run
 * it under `node --cpu-prof` to see where a page's time goes.
 *
 *   DATABASE_PATH=/tmp/demo.sqlite npx tsx bench/pages/cpu.ts PATH [--user resident] [--lite] [--requests 300] [--build DIR]
 *
 * The database is the demo's (`DATABASE_PATH=… npm run db:seed`); `--user` signs in as that demo
 * account (a session is opened in the database), `--lite` asks for 长辈版. Needs `npm run build`
 * (or another build's folder, `--build`, to compare two).
 */
import { resolve } from "node:path";
import { createRequestHandler, type ServerBuild } from "@remix-run/node";
import { arg } from "../support";

const path = process.argv[2];
if (!path || !path.startsWith("/")) {
  throw new Error("usage: cpu.ts PATH [--user NAME] [--lite] [--requests N]");
}
if (!process.env.DATABASE_PATH) throw new Error("set DATABASE_PATH to a demo database");
process.env.NODE_ENV = "production";
const requests = Number(arg("requests", "300"));
const user = arg("user", "");
const lite = process.argv.includes("--lite");

const build = (await import(resolve(arg("build", "build"), "server/index.js"))) as ServerBuild;
const handler = createRequestHandler(build, "production");

const cookies: string[] = lite ? ["mode=lite"] : [];
if (user) {
  const { getDb } = await import("../../db/client.server");
  const { openSession } = await import("../../app/services/accounts/sessions.server");
  const db = getDb();
  const { id } = await db
    .selectFrom("users")
    .select("id")
    .where("username", "=", user)
    .executeTakeFirstOrThrow();
  const { token } = await openSession(db, id, "bench", new Date());
  cookies.push(`liuhe_session=${token}`);
}
const headers = {
  "Accept-Encoding": "identity",
  "User-Agent": "Mozilla/5.0 (bench)",
  ...(cookies.length > 0 ? { Cookie: cookies.join("; ") } : {}),
};

async function once(): Promise<{ status: number; bytes: number }> {
  const res = await handler(new Request(`http://localhost${path}`, { headers }));
  const text = await res.text();
  return { status: res.status, bytes: text.length };
}

// Warm: the shown reads filled, the code compiled.
for (let i = 0; i < 30; i++) await once();
const cpu = process.cpuUsage();
const start = performance.now();
let last = { status: 0, bytes: 0 };
for (let i = 0; i < requests; i++) last = await once();
const used = process.cpuUsage(cpu);
const wall = performance.now() - start;
console.log(
  `${path}${user ? ` as ${user}` : ""}${lite ? " (长辈版)" : ""}: status ${last.status}, ${last.bytes} bytes; ` +
    `${((used.user + used.system) / 1000 / requests).toFixed(2)} CPU ms and ${(wall / requests).toFixed(2)} ms per request (${requests})`,
);
process.exit(0);
