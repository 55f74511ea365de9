/**
 * Ballots benchmark: how many ballots a second Liuhe accepts over HTTP with CONCURRENCY voters at
 * once, with nothing lost. Each run measures, on a fresh copy of one prepared database: a bare
 * `node:http` hello and Liuhe's own `GET /healthz` (the ceilings), then ballots in a poll and in a
 * budget round (one fresh voter per request). Server on core 0, load generator on core 1
 * (taskset), warm-up then a fixed window; after each voting run the database is checked against
 * what the load generator was told: every receipt stored with the choices sent, one participation
 * per accepted voter, nothing extra. Prints a Markdown table of medians with the spread (min–max).
 *
 *   npm run bench:ballots -- [--voters 20000] [--concurrency 50] [--runs 3] [--warmup 5]
 *                            [--measure 10] [--modes hello,healthz,poll,round]
 */
import { execFileSync, spawn, spawnSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { openDatabase } from "../../db/client.server";
import type { Prepared } from "./prepare";

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : fallback;
};
const voters = Number(arg("voters", "20000"));
const concurrency = Number(arg("concurrency", "50"));
const runs = Number(arg("runs", "3"));
const WARMUP = Number(arg("warmup", "5"));
const MEASURE = Number(arg("measure", "10"));
type Mode = "hello" | "healthz" | "poll" | "round";
const modes = arg("modes", "hello,healthz,poll,round").split(",") as Mode[];

const hasTaskset = spawnSync("taskset", ["-c", "0", "true"]).status === 0;
const pinned = (core: number, cmd: string, args: string[]): [string, string[]] =>
  hasTaskset ? ["taskset", ["-c", String(core), cmd, ...args]] : [cmd, args];

// ------------------------------------------------------------------ build, if stale

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : fs.statSync(p).mtimeMs);
  }
  return newest;
}
const buildFile = "build/server/index.js";
const sourcesMtime = Math.max(newestMtime("app"), newestMtime("db"));
if (!fs.existsSync(buildFile) || fs.statSync(buildFile).mtimeMs < sourcesMtime) {
  // Others may be mid-edit: a failed build is retried a few times, a minute apart.
  for (let attempt = 1; ; attempt++) {
    const r = spawnSync("npm", ["run", "build"], { stdio: "inherit" });
    if (r.status === 0) break;
    if (attempt === 5) throw new Error("npm run build failed five times");
    console.error(`build failed (attempt ${attempt}); retrying in 60 s`);
    await new Promise((resolve) => setTimeout(resolve, 60_000));
  }
}

// ------------------------------------------------------------------ prepare

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "liuhe-ballots-"));
const baseDb = path.join(dir, "base.sqlite");
const preparedFile = path.join(dir, "prepared.json");
execFileSync(
  process.execPath,
  ["--import", "tsx", "bench/ballots/prepare.ts", baseDb, preparedFile, String(voters)],
  { stdio: "inherit" },
);
const prepared = JSON.parse(fs.readFileSync(preparedFile, "utf8")) as Prepared;

// ------------------------------------------------------------------ one measurement

function peakRssMb(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
  return Math.round(Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024);
}

async function startServer(mode: Mode, port: number, dbPath: string, log: string) {
  const script = mode === "hello" ? "bench/ballots/hello-server.ts" : "server.ts";
  const [cmd, args] = pinned(0, process.execPath, ["--import", "tsx", script]);
  const child = spawn(cmd, args, {
    env: {
      ...process.env,
      NODE_ENV: "production",
      PORT: String(port),
      HOST: "127.0.0.1",
      DATABASE_PATH: dbPath,
      SEED_DEMO: "false",
    },
    stdio: ["ignore", "pipe", fs.openSync(log, "w")],
  });
  await new Promise<void>((resolve, reject) => {
    // Keep reading stdout for the whole run so that the server never blocks on a full pipe.
    child.stdout!.on("data", (d: Buffer) => /listening/.test(d.toString()) && resolve());
    child.once("exit", (code) => reject(new Error(`${mode} server exited (${code}); see ${log}`)));
  });
  return child;
}

function runLoad(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const [cmd, full] = pinned(1, process.execPath, ["--import", "tsx", ...args]);
    const child = spawn(cmd, full, { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.once("exit", (code) =>
      code === 0 ? resolve(out) : reject(new Error(`load generator exited (${code})`)),
    );
  });
}

interface LoadResult {
  window: { sent: number; accepted: number; refused: number; errors: number };
  all: { sent: number; accepted: number; refused: number; errors: number };
  refusals: Record<string, number>;
  exhausted: boolean;
  votersUsed: number;
  perSecond: number;
  p50: number;
  p99: number;
  max: number;
  serverCpuPercent: number;
  serverMainThreadPercent: number;
  coreBusyPercent: number[];
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
async function verify(mode: "poll" | "round", dbPath: string, outFile: string): Promise<Check> {
  const told = JSON.parse(fs.readFileSync(outFile, "utf8")) as {
    accepted: Array<{ u: number; r: string; c: number[] }>;
    unknown: number[];
  };
  const db = openDatabase(dbPath);
  const column = mode === "poll" ? "pollId" : "roundId";
  const subject = mode === "poll" ? prepared.pollId : prepared.roundId;
  const [ballots, participations] = await Promise.all([
    db.selectFrom("ballots").select(["receipt", "choices"]).where(column, "=", subject).execute(),
    db.selectFrom("participations").select("userId").where(column, "=", subject).execute(),
  ]);
  await db.destroy();
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

async function measure(mode: Mode, port: number, run: number): Promise<Result> {
  const dbPath = path.join(dir, `run-${run}-${mode}.sqlite`);
  const log = path.join(dir, `run-${run}-${mode}.log`);
  const outFile = path.join(dir, `run-${run}-${mode}.json`);
  if (mode !== "hello") fs.copyFileSync(baseDb, dbPath);
  const server: ChildProcess = await startServer(mode, port, dbPath, log);
  let load: LoadResult;
  let serverPeakRssMb = 0;
  try {
    const out = await runLoad([
      "bench/ballots/load.ts",
      `http://127.0.0.1:${port}`,
      mode,
      preparedFile,
      String(WARMUP),
      String(MEASURE),
      String(server.pid),
      outFile,
      String(concurrency),
    ]);
    load = JSON.parse(out.trim().split("\n").pop()!) as LoadResult;
  } finally {
    serverPeakRssMb = peakRssMb(server.pid!);
    server.kill("SIGTERM");
    await new Promise((r) => server.once("exit", r));
  }
  const serverErrorLines = fs
    .readFileSync(log, "utf8")
    .split("\n")
    .filter((l) => l.trim() !== "");
  const check = mode === "poll" || mode === "round" ? await verify(mode, dbPath, outFile) : null;
  for (const suffix of ["", "-wal", "-shm"]) fs.rmSync(dbPath + suffix, { force: true });
  const loadAverage = Math.round(os.loadavg()[0]! * 10) / 10;
  return { mode, ...load, loadAverage, serverPeakRssMb, serverErrorLines, check };
}

// ------------------------------------------------------------------ the runs

const results: Record<Mode, Result[]> = { hello: [], healthz: [], poll: [], round: [] };
let port = 3500;
// Modes interleaved within each run, so that drift on a shared machine touches all of them alike.
for (let run = 1; run <= runs; run++) {
  for (const mode of modes) {
    const r = await measure(mode, port++, run);
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

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const fmt = (x: number) => (Number.isInteger(x) ? String(x) : x.toFixed(x < 10 ? 2 : 1));
const col = (rs: Result[], f: (r: Result) => number) => {
  const xs = rs.map(f);
  return `${fmt(median(xs))} (${fmt(Math.min(...xs))}–${fmt(Math.max(...xs))})`;
};
const label: Record<Mode, string> = {
  hello: "bare `node:http` hello (outer ceiling)",
  healthz: "Liuhe `GET /healthz` (ceiling)",
  poll: "Liuhe poll ballot (`POST /polls/:id`)",
  round: "Liuhe budget ballot (`POST /budgets/:id`)",
};
/** Per-run ratio to the ceiling measured in the same run, then the median of those. */
const ratio = (mode: Mode, ceiling: Mode) => {
  const xs = results[mode]
    .map((r, i) => r.perSecond / (results[ceiling][i]?.perSecond ?? NaN))
    .filter(Number.isFinite);
  return xs.length
    ? `${median(xs).toFixed(2)} (${Math.min(...xs).toFixed(2)}–${Math.max(...xs).toFixed(2)})`
    : "–";
};

/** Server CPU time per accepted request: much steadier than throughput on a shared machine. */
const cpuMsPerRequest = (r: Result) =>
  r.perSecond ? Math.round(((r.serverCpuPercent * 10) / r.perSecond) * 100) / 100 : NaN;
const table = [
  `| what | accepted/s | × healthz | p50 ms | p99 ms | refused | errors | DB check | server CPU % | server CPU ms per request | server JS thread % | core 0 busy % (all processes) | server peak RSS MB | load CPU % | load loop p99 ms |`,
  `|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|`,
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
    `| ${label[mode]} | ${col(rs, (r) => r.perSecond)} | ${modes.includes("healthz") ? ratio(mode, "healthz") : "–"} | ${col(rs, (r) => r.p50)} | ${col(rs, (r) => r.p99)} | ${col(rs, (r) => r.all.refused)} | ${col(rs, (r) => r.all.errors)} | ${dbCheck} | ${col(rs, (r) => r.serverCpuPercent)} | ${col(rs, cpuMsPerRequest)} | ${col(rs, (r) => r.serverMainThreadPercent)} | ${col(rs, (r) => r.coreBusyPercent[0] ?? NaN)} | ${col(rs, (r) => r.serverPeakRssMb)} | ${col(rs, (r) => r.loadCpuPercent)} | ${col(rs, (r) => r.loadLoopDelayP99Ms)} |`,
  );
}

const loads = Object.values(results)
  .flat()
  .map((r) => r.loadAverage);
console.log(
  `\n${concurrency} concurrent clients (closed loop, keep-alive), ${WARMUP} s warm-up, ${MEASURE} s window, ${runs} runs; median (min–max). ${voters} prepared voters, each used once. taskset: ${hasTaskset ? "yes" : "no"}. ${os.cpus().length} cores, ${os.cpus()[0]?.model ?? "?"}, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}; machine load average ${Math.min(...loads)}–${Math.max(...loads)} during the runs\n`,
);
console.log(table.join("\n"));
console.log(
  `\nrefused/errors count every request of the run (warm-up and drain included); latency and accepted/s only requests sent inside the window. DB check: ballots == participations == accepted responses, every receipt stored with the choices sent, no extra rows.`,
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
  const core0 = m((r) => r.coreBusyPercent[0] ?? NaN);
  const loadCpu = m((r) => r.loadCpuPercent);
  const limit =
    loadCpu >= 85
      ? "the load generator (its core is nearly full): the server's real limit is higher"
      : main >= 85
        ? "the server's JavaScript thread (its event loop is saturated)"
        : cpu >= 90
          ? "the server's core, shared between its JavaScript thread and SQLite's and V8's threads"
          : core0 >= 95
            ? `the server's core, which other processes shared (core 0 was ${core0} % busy, the server used ${cpu} %)`
            : "waiting, not CPU: requests queue on something other than the server's core (the single SQLite connection and its mutex, or disk)";
  console.log(
    `\n${mode}: median ${fmt(m((r) => r.perSecond))} ballots/s; server CPU ${cpu} % (JS thread ${main} %), core 0 ${core0} % busy, load CPU ${loadCpu} %: limited by ${limit}. At ${fmt(m(cpuMsPerRequest))} ms of server CPU per ballot, one whole core would accept about ${Math.round(1000 / m(cpuMsPerRequest))} ballots/s.`,
  );
}
fs.rmSync(dir, { recursive: true, force: true });
