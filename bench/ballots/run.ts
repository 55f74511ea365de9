/**
 * Ballots benchmark: how many ballots a second Liuhe accepts over HTTP with CONCURRENCY voters at
 * once, with nothing lost. Each run measures, on a fresh copy of one prepared database: a bare
 * `node:http` hello, a bare Remix action that only reads the ballot's form (bench/pages/bare,
 * `routes/vote.tsx`: the ceiling the ballots are held to) and Liuhe's own `GET /healthz`, then
 * ballots in a poll and in a
 * budget round (one fresh voter per request), in the configuration --config names
 * (bench/support.ts: SQLite, PostgreSQL, or PostgreSQL with Redis and two processes; also how each
 * is pinned to cores); the load generator in its own process; warm-up then a fixed window; after each voting run the database is checked against
 * what the load generator was told: every receipt stored with the choices sent, one participation
 * per accepted voter, nothing extra. Prints a Markdown table of medians with the spread (min–max).
 *
 *   npm run bench:ballots -- [--config sqlite|postgres|postgres-redis-2] [--voters 20000] [--concurrency 50] [--runs 3] [--warmup 5]
 *                            [--measure 10] [--modes hello,bare,healthz,poll,round] [--prefill 0]
 *
 * --prefill N: N residents have voted in the poll and the round before the runs (./prepare.ts).
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { openDatabase } from "../../db/client.server";
import {
  LIUHE_SERVER,
  arg,
  buildIfStale,
  CEILING_CORES,
  errorLines,
  fmt,
  freePort,
  hasTaskset,
  median,
  peakRssMb,
  runLoad,
  setUp,
  spread,
  startServer,
  stopServer,
  type Cpu,
  type Store,
} from "../support";
import type { Prepared } from "./prepare";

const voters = Number(arg("voters", "20000"));
const prefill = Number(arg("prefill", "0"));
const concurrency = Number(arg("concurrency", "50"));
const runs = Number(arg("runs", "3"));
const WARMUP = Number(arg("warmup", "5"));
const MEASURE = Number(arg("measure", "10"));
type Mode = "hello" | "bare" | "healthz" | "poll" | "round";
const modes = arg("modes", "hello,bare,healthz,poll,round").split(",") as Mode[];
/** The ceilings are one process on core 0 in every configuration, with no database. */
const CEILING_SCRIPTS: Partial<Record<Mode, string>> = {
  hello: "bench/ballots/hello-server.ts",
  bare: "bench/pages/bare/server.ts",
};

await buildIfStale();
await buildIfStale(
  "bench/pages/bare/build/server/index.js",
  ["bench/pages/bare/app"],
  ["npx", "remix", "vite:build", "--config", "bench/pages/bare/vite.config.ts"],
);

// ------------------------------------------------------------------ prepare

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "liuhe-ballots-"));
const baseDb = path.join(dir, "base.sqlite");
const preparedFile = path.join(dir, "prepared.json");
execFileSync(
  process.execPath,
  [
    "--import",
    "tsx",
    "bench/ballots/prepare.ts",
    baseDb,
    preparedFile,
    String(voters),
    String(prefill),
  ],
  { stdio: "inherit" },
);
const prepared = JSON.parse(fs.readFileSync(preparedFile, "utf8")) as Prepared;
const setup = await setUp(baseDb, dir);

// ------------------------------------------------------------------ one measurement

interface LoadResult extends Cpu {
  window: { sent: number; accepted: number; refused: number; errors: number };
  all: { sent: number; accepted: number; refused: number; errors: number };
  refusals: Record<string, number>;
  exhausted: boolean;
  votersUsed: number;
  perSecond: number;
  p50: number;
  p99: number;
  max: number;
  loadCpuPercent: number;
  loadLoopDelayP99Ms: number;
}

interface Check {
  ok: boolean;
  ballots: number;
  participations: number;
  accepted: number;
  unknownOutcome: number;
  missingReceipts: number;
  wrongChoices: number;
  extraBallots: number;
  missingParticipations: number;
  extraParticipations: number;
}

interface Result extends LoadResult {
  mode: Mode;
  /** The machine's 1-minute load average when the measurement ended. */
  loadAverage: number;
  serverPeakRssMb: number;
  serverErrorLines: string[];
  check: Check | null;
}

/** The database against what the load generator was told, ballot by ballot. */
async function verify(mode: "poll" | "round", target: string, outFile: string): Promise<Check> {
  const told = JSON.parse(fs.readFileSync(outFile, "utf8")) as {
    accepted: Array<{ u: number; r: string; c: number[] }>;
    unknown: number[];
  };
  const db = openDatabase(target);
  const column = mode === "poll" ? "pollId" : "roundId";
  const subject = mode === "poll" ? prepared.pollId : prepared.roundId;
  const [all, allParticipations] = await Promise.all([
    db.selectFrom("ballots").select(["receipt", "choices"]).where(column, "=", subject).execute(),
    db.selectFrom("participations").select("userId").where(column, "=", subject).execute(),
  ]);
  await db.destroy();
  // What was cast before the runs is not theirs to check.
  const { count, firstUserId } = prepared.prefilled;
  const earlier = (userId: number) =>
    firstUserId !== null && userId >= firstUserId && userId < firstUserId + count;
  const ballots = all.filter((b) => !b.receipt.startsWith("PREFILL-"));
  const participations = allParticipations.filter((p) => !earlier(p.userId));
  const stored = new Map(ballots.map((b) => [b.receipt, b.choices]));
  const toldReceipts = new Set(told.accepted.map((a) => a.r));
  const voted = new Set(participations.map((p) => p.userId));
  const toldVoters = new Set(told.accepted.map((a) => a.u));
  let missingReceipts = 0;
  let wrongChoices = 0;
  for (const a of told.accepted) {
    const choices = stored.get(a.r);
    if (choices === undefined) missingReceipts++;
    else if (choices !== JSON.stringify([...a.c].sort((x, y) => x - y))) wrongChoices++;
  }
  const extraBallots = ballots.filter((b) => !toldReceipts.has(b.receipt)).length;
  const missingParticipations = [...toldVoters].filter((u) => !voted.has(u)).length;
  const extraParticipations = [...voted].filter((u) => !toldVoters.has(u)).length;
  return {
    ok:
      ballots.length === told.accepted.length &&
      participations.length === told.accepted.length &&
      toldReceipts.size === told.accepted.length &&
      missingReceipts + wrongChoices + extraBallots === 0 &&
      missingParticipations + extraParticipations === 0,
    ballots: ballots.length,
    participations: participations.length,
    accepted: told.accepted.length,
    unknownOutcome: told.unknown.length,
    missingReceipts,
    wrongChoices,
    extraBallots,
    missingParticipations,
    extraParticipations,
  };
}

async function measure(mode: Mode, run: number): Promise<Result> {
  const log = path.join(dir, `run-${run}-${mode}.log`);
  const outFile = path.join(dir, `run-${run}-${mode}.json`);
  const ceiling = CEILING_SCRIPTS[mode];
  const store: Store | null = ceiling
    ? null
    : await setup.fresh(mode as Exclude<Mode, "hello" | "bare">);
  const port = await freePort();
  let load: LoadResult;
  let serverPeakRssMb = 0;
  let check: Check | null = null;
  try {
    const server = await startServer({
      script: ceiling ?? LIUHE_SERVER,
      port,
      cores: store ? setup.serverCores : CEILING_CORES,
      env: store?.env ?? {},
      log,
    });
    try {
      const out = await runLoad([
        "bench/ballots/load.ts",
        `http://127.0.0.1:${port}`,
        mode,
        preparedFile,
        String(WARMUP),
        String(MEASURE),
        JSON.stringify(store?.watch(server.pid!) ?? { pid: server.pid }),
        outFile,
        String(concurrency),
      ]);
      load = JSON.parse(out) as LoadResult;
    } finally {
      serverPeakRssMb = peakRssMb(server.pid!);
      await stopServer(server);
    }
    if (store && (mode === "poll" || mode === "round"))
      check = await verify(mode, store.target, outFile);
  } finally {
    await store?.drop();
  }
  const serverErrorLines = errorLines(log);
  const loadAverage = Math.round(os.loadavg()[0]! * 10) / 10;
  return { mode, ...load, loadAverage, serverPeakRssMb, serverErrorLines, check };
}

// ------------------------------------------------------------------ the runs

const results: Record<Mode, Result[]> = { hello: [], bare: [], healthz: [], poll: [], round: [] };
// Modes interleaved within each run, so that drift on a shared machine touches all of them alike.
try {
  for (let run = 1; run <= runs; run++) {
    for (const mode of modes) {
      const r = await measure(mode, run);
      const { serverErrorLines, ...shown } = r;
      console.error(`${mode} run ${run}: ${JSON.stringify(shown)}`);
      if (serverErrorLines.length) {
        console.error(`  server stderr (${serverErrorLines.length} lines), first lines:`);
        for (const l of serverErrorLines.slice(0, 10)) console.error(`    ${l}`);
      }
      if (r.exhausted) console.error(`  WARNING: ran out of voters; use a larger --voters`);
      results[mode].push(r);
    }
  }
} finally {
  await setup.close();
  fs.rmSync(dir, { recursive: true, force: true });
}

const col = (rs: Result[], f: (r: Result) => number) => spread(rs.map(f));
const label: Record<Mode, string> = {
  hello: "bare `node:http` hello (outer ceiling)",
  bare: "bare Remix action reading the form (ceiling)",
  healthz: "Liuhe `GET /healthz` (ceiling)",
  poll: "Liuhe poll ballot (`POST /polls/:id`)",
  round: "Liuhe budget ballot (`POST /budgets/:id`)",
};
/** Per-run ratio to the ceiling measured in the same run, then the median of those. */
const ratio = (mode: Mode, ceiling: Mode) =>
  spread(
    results[mode].map((r, i) => r.perSecond / (results[ceiling][i]?.perSecond ?? NaN)),
    (x) => x.toFixed(2),
  );

/** CPU time per accepted request: much steadier than throughput on a shared machine. */
const msPerRequest = (percent: number, r: Result) =>
  r.perSecond && Number.isFinite(percent)
    ? Math.round(((percent * 10) / r.perSecond) * 100) / 100
    : NaN;
const cpuMsPerRequest = (r: Result) => msPerRequest(r.serverCpuPercent, r);
const table = [
  `| what | accepted/s | × bare action | × healthz | p50 ms | p99 ms | refused | errors | DB check | server CPU % | server CPU ms per request | busiest JS thread % | database CPU % | core 0 / 1 busy % (all processes) | server peak RSS MB | load CPU % | load loop p99 ms |`,
  `|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|`,
];
for (const mode of modes) {
  const rs = results[mode];
  if (!rs.length) continue;
  const checks = rs.map((r) => r.check).filter((c): c is Check => c !== null);
  const dbCheck = checks.length
    ? checks.every((c) => c.ok)
      ? `ok ×${checks.length}`
      : `**FAILED** ${checks.filter((c) => !c.ok).length}/${checks.length}`
    : "–";
  table.push(
    `| ${label[mode]} | ${col(rs, (r) => r.perSecond)} | ${modes.includes("bare") ? ratio(mode, "bare") : "–"} | ${modes.includes("healthz") ? ratio(mode, "healthz") : "–"} | ${col(rs, (r) => r.p50)} | ${col(rs, (r) => r.p99)} | ${col(rs, (r) => r.all.refused)} | ${col(rs, (r) => r.all.errors)} | ${dbCheck} | ${col(rs, (r) => r.serverCpuPercent)} | ${col(rs, cpuMsPerRequest)} | ${col(rs, (r) => r.serverMainThreadPercent)} | ${col(rs, (r) => r.databaseCpuPercent)} | ${col(rs, (r) => r.coreBusyPercent[0] ?? NaN)} / ${col(rs, (r) => r.coreBusyPercent[1] ?? NaN)} | ${col(rs, (r) => r.serverPeakRssMb)} | ${col(rs, (r) => r.loadCpuPercent)} | ${col(rs, (r) => r.loadLoopDelayP99Ms)} |`,
  );
}

const loads = Object.values(results)
  .flat()
  .map((r) => r.loadAverage);
console.log(
  `\n${setup.describe}; the hello server on core ${CEILING_CORES}.\n${concurrency} concurrent clients (closed loop, keep-alive), ${WARMUP} s warm-up, ${MEASURE} s window, ${runs} run${runs === 1 ? "" : "s"}; median (min–max). ${voters} prepared voters, each used once${prefill > 0 ? `; ${prefill} residents had voted in the poll and in the round before the runs` : ""}. taskset: ${hasTaskset ? "yes" : "no"}. ${os.cpus().length} cores, ${os.cpus()[0]?.model ?? "?"}, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}; machine load average ${Math.min(...loads)}–${Math.max(...loads)} during the runs\n`,
);
console.log(table.join("\n"));
console.log(
  `\nrefused/errors count every request of the run (warm-up and drain included); latency and accepted/s only requests sent inside the window. DB check: ballots == participations == accepted responses, every receipt stored with the choices sent, no extra rows. Server CPU and peak RSS: the server's processes together (RSS: the sum of each one's peak); busiest JS thread: the main thread of the busiest process; database CPU: the PostgreSQL backends of the server's database, and with Redis the whole redis-server ("–": SQLite runs inside the server).`,
);
for (const mode of modes) {
  for (const [i, r] of results[mode].entries()) {
    if (r.check && !r.check.ok)
      console.log(`\n${mode} run ${i + 1}: DB check failed: ${JSON.stringify(r.check)}`);
    if (Object.keys(r.refusals).length)
      console.log(`\n${mode} run ${i + 1}: refusals/errors: ${JSON.stringify(r.refusals)}`);
    if (r.serverErrorLines.length)
      console.log(
        `\n${mode} run ${i + 1}: server wrote ${r.serverErrorLines.length} lines to stderr`,
      );
    if (r.exhausted) console.log(`\n${mode} run ${i + 1}: ran out of voters; figures are low`);
  }
}
for (const mode of (["poll", "round"] as const).filter((m) => modes.includes(m))) {
  const rs = results[mode];
  if (!rs.length) continue;
  const m = (f: (r: Result) => number) => median(rs.map(f));
  const cpu = m((r) => r.serverCpuPercent);
  const main = m((r) => r.serverMainThreadPercent);
  const cores = setup.serverCores.split(",").map(Number);
  const busy = Math.min(...cores.map((c) => m((r) => r.coreBusyPercent[c] ?? NaN)));
  const loadCpu = m((r) => r.loadCpuPercent);
  const limit =
    loadCpu >= 85
      ? "the load generator (its core is nearly full): the server's real limit is higher"
      : main >= 85
        ? "the server's JavaScript thread (its event loop is saturated)"
        : cpu >= 90 * cores.length
          ? "the server's cores, shared between its JavaScript threads and the database's and V8's threads"
          : busy >= 95
            ? `the server's cores, which other processes shared (the least busy was ${busy} % busy, the server used ${cpu} %)`
            : "waiting, not CPU: requests queue on something other than the server's cores (the database: SQLite's single connection, PostgreSQL's pool and locks; or disk)";
  const dbMs = m((r) => msPerRequest(r.databaseCpuPercent, r));
  console.log(
    `\n${mode}: median ${fmt(m((r) => r.perSecond))} ballots/s; server CPU ${cpu} % (busiest JS thread ${main} %), the least busy server core ${busy} % busy, load CPU ${loadCpu} %: limited by ${limit}. At ${fmt(m(cpuMsPerRequest))} ms of server CPU per ballot${Number.isFinite(dbMs) ? ` and ${fmt(dbMs)} ms of database CPU` : ""}, one whole core of server would accept about ${Math.round(1000 / m(cpuMsPerRequest))} ballots/s.`,
  );
}
