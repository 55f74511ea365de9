/**
 * Notices fan-out benchmark (issue 16, "Benchmark"): a community of RESIDENTS verified residents
 * (20,000 by default, written straight to the database in bulk: a fixture, no command runs for
 * them), whose committee opens a poll over HTTP against the production server (`POST /polls/new`,
 * as the form does; the poll opens at once, so its "vote opened" notice goes to every verified
 * resident). Measured, per run, each on a fresh copy of the prepared database, in the
 * configuration --config names (bench/support.ts):
 *
 *   - the committee's own request time (until the 302 to the new poll);
 *   - the time from the start of that request until the last resident's notice is readable (the
 *     database polled every POLL_MS for the resident with the highest id, the last the delivery
 *     reaches), and until all RESIDENTS are written;
 *   - a check that the last resident's /notifications page shows it (signed in as them).
 *
 * Prints a README-ready Markdown table of medians with the spread.
 *
 *   npm run bench:notices -- [--config sqlite|postgres|postgres-redis-2] [--residents 20000]
 *                            [--runs 3]
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { sql } from "kysely";
import { openDatabase } from "../../db/client.server";
import { migrateToLatest } from "../../db/migrator";
import { hashPassword } from "../../app/services/accounts/password.server";
import { openSession } from "../../app/services/accounts/sessions.server";
import {
  LIUHE_SERVER,
  arg,
  buildIfStale,
  fmt,
  freePort,
  peakRssMb,
  setUp,
  spread,
  startServer,
  stopServer,
} from "../support";

const RESIDENTS = Number(arg("residents", "20000"));
const runs = Number(arg("runs", "3"));
const POLL_MS = 50;
const TIMEOUT_MS = 120_000;
const CHUNK = 500;
const QUESTION = "是否在二幢增设快递柜";

await buildIfStale();

// ------------------------------------------------------------------ prepare

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "liuhe-notices-"));
const baseDb = path.join(dir, "base.sqlite");
const startedPrepare = performance.now();
const db = openDatabase(baseDb);
await migrateToLatest(db);
const now = new Date();
const at = now.toISOString();
const area = async (level: "district" | "street" | "community" | "grid", parentId: number | null) =>
  (
    await db
      .insertInto("areas")
      .values({ parentId, level, code: `bench-${level}`, nameZh: `测试${level}`, nameEn: level })
      .returning("id")
      .executeTakeFirstOrThrow()
  ).id;
const communityId = await area("community", await area("street", await area("district", null)));
await area("grid", communityId);
const passwordHash = await hashPassword("correct horse battery");
const user = (i: number) => ({
  displayName: `居民${i}`,
  username: `bench${i}`,
  phone: null,
  passwordHash,
  isAdmin: 0,
  consentVersion: "bench",
  consentedAt: at,
  createdAt: at,
});
const { id: committeeId } = await db
  .insertInto("users")
  .values(user(0))
  .returning("id")
  .executeTakeFirstOrThrow();
await db
  .insertInto("committeeMembers")
  .values({ userId: committeeId, communityId, appointedBy: null, appointedAt: at })
  .execute();
let lastResident = 0;
await db.transaction().execute(async (trx) => {
  for (let i = 1; i <= RESIDENTS; i += CHUNK) {
    const n = Math.min(CHUNK, RESIDENTS - i + 1);
    const ids = await trx
      .insertInto("users")
      .values(Array.from({ length: n }, (_, k) => user(i + k)))
      .returning("id")
      .execute();
    await trx
      .insertInto("memberships")
      .values(
        ids.map(({ id }) => ({
          userId: id,
          communityId,
          status: "verified" as const,
          requestedAt: at,
          decidedAt: at,
        })),
      )
      .execute();
    lastResident = Math.max(lastResident, ...ids.map((r) => r.id));
  }
});
const committeeCookie = `liuhe_session=${(await openSession(db, committeeId, "bench", now)).token}`;
const residentCookie = `liuhe_session=${(await openSession(db, lastResident, "bench", now)).token}`;
await db.destroy();
const prepareSeconds = (performance.now() - startedPrepare) / 1000;
const setup = await setUp(baseDb, dir);

// ------------------------------------------------------------------ one run

const chinaLocal = (ms: number) => new Date(ms + 8 * 3_600_000).toISOString().slice(0, 16);

interface Result {
  requestMs: number;
  lastReadableMs: number;
  allWrittenMs: number;
  notices: number;
  pageShowsIt: boolean;
  serverPeakRssMb: number;
}

async function once(run: number): Promise<Result> {
  const store = await setup.fresh("notices");
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const log = path.join(dir, `run-${run}.log`);
  const server = await startServer({
    script: LIUHE_SERVER,
    port,
    cores: setup.serverCores,
    env: store.env,
    log,
  });
  const reader = openDatabase(store.target);
  try {
    // Warm the server up (the first request compiles the routes' code paths).
    for (let i = 0; i < 3; i++) await (await fetch(`${base}/healthz`)).text();
    const form = new URLSearchParams({
      question: QUESTION,
      description: "",
      method: "single",
      maxChoices: "",
      electorate: "residents",
      results: "afterClose",
      opensAt: chinaLocal(Date.now() - 3_600_000),
      closesAt: chinaLocal(Date.now() + 48 * 3_600_000),
    });
    for (const o of ["增设", "不增设"]) form.append("option", o);
    const t0 = performance.now();
    const res = await fetch(`${base}/polls/new?community=${communityId}`, {
      method: "POST",
      body: form,
      redirect: "manual",
      headers: { Cookie: committeeCookie, Origin: base },
    });
    await res.text();
    const requestMs = performance.now() - t0;
    if (res.status !== 302) throw new Error(`POST /polls/new: ${res.status}; see ${log}`);
    const count = async (userId?: number) =>
      Number(
        (
          await reader
            .selectFrom("notices")
            .select(sql<number>`count(*)`.as("n"))
            .where("kind", "=", "vote.opened")
            .$if(userId !== undefined, (q) => q.where("userId", "=", userId!))
            .executeTakeFirstOrThrow()
        ).n,
      );
    let lastReadableMs = NaN;
    let allWrittenMs = NaN;
    let notices = 0;
    while (performance.now() - t0 < TIMEOUT_MS) {
      if (Number.isNaN(lastReadableMs) && (await count(lastResident)) > 0)
        lastReadableMs = performance.now() - t0;
      notices = await count();
      if (notices >= RESIDENTS) {
        allWrittenMs = performance.now() - t0;
        if (Number.isNaN(lastReadableMs)) lastReadableMs = allWrittenMs;
        break;
      }
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
    const page = await fetch(`${base}/notifications`, { headers: { Cookie: residentCookie } });
    const pageShowsIt = page.status === 200 && (await page.text()).includes(QUESTION);
    return {
      requestMs,
      lastReadableMs,
      allWrittenMs,
      notices,
      pageShowsIt,
      serverPeakRssMb: peakRssMb(server.pid!),
    };
  } finally {
    await reader.destroy();
    await stopServer(server);
    await store.drop();
  }
}

// ------------------------------------------------------------------ runs and the table

const results: Result[] = [];
for (let run = 1; run <= runs; run++) {
  const r = await once(run);
  console.error(`run ${run}: ${JSON.stringify(r)}`);
  results.push(r);
}
await setup.close();
fs.rmSync(dir, { recursive: true, force: true });

const ms = (x: number) => fmt(Math.round(x));
console.log(`\n### Notices fan-out: ${fmt(RESIDENTS)} verified residents, a poll opened over HTTP`);
console.log(
  `${new Date().toISOString().slice(0, 10)}, ${os.cpus().length} cores, ${setup.describe}`,
);
console.log(
  `(prepared in ${prepareSeconds.toFixed(1)} s; medians of ${runs} runs, spread in brackets)\n`,
);
console.log("| what | result |");
console.log("|---|---|");
console.log(
  `| the committee's request (POST /polls/new → 302), ms | ${spread(
    results.map((r) => r.requestMs),
    ms,
  )} |`,
);
console.log(
  `| until the last resident's notice is readable, ms | ${spread(
    results.map((r) => r.lastReadableMs),
    ms,
  )} |`,
);
console.log(
  `| until all ${fmt(RESIDENTS)} notices are written, ms | ${spread(
    results.map((r) => r.allWrittenMs),
    ms,
  )} |`,
);
console.log(`| notices written (each run) | ${results.map((r) => r.notices).join(", ")} |`);
console.log(
  `| the last resident's /notifications shows it | ${results.map((r) => (r.pageShowsIt ? "yes" : "no")).join(", ")} |`,
);
console.log(`| server peak RSS, MB | ${spread(results.map((r) => r.serverPeakRssMb))} |`);
