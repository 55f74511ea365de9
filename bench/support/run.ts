/**
 * What the run scripts of bench/ballots, bench/opinion-votes, bench/needs, bench/pages and
 * bench/realtime share on top of bench/support.ts: their common options, the run's folder and
 * prepared database, one measurement on a server of its own, the runs themselves, and the pieces
 * of the lines and tables they print. Load generators do not import this file.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import {
  LIUHE_SERVER,
  CEILING_CORES,
  arg,
  buildIfStale,
  errorLines,
  freePort,
  hasTaskset,
  median,
  peakRssMb,
  spread,
  startServer,
  stopServer,
  type Cpu,
  type Setup,
  type Store,
  type Watch,
} from "../support";
import type { AcceptanceLoad } from "./http-load";

// ------------------------------------------------------------------ options

/** --runs, --warmup and --measure (seconds), as every run script takes them. */
export const runOptions = (warmupDefault = "5") => ({
  runs: Number(arg("runs", "3")),
  warmup: Number(arg("warmup", warmupDefault)),
  measure: Number(arg("measure", "10")),
});

// ------------------------------------------------------------------ the ceilings

/** The bare `node:http` hello: the outer ceiling of the form posts. */
export const HELLO_SERVER = "bench/ballots/hello-server.ts";
/** The bare Remix app (bench/pages/bare): the pages' ceiling, and with `routes/vote` the forms'. */
export const BARE_SERVER = "bench/pages/bare/server.ts";

/** Builds the bare Remix app if its sources are newer than its build. */
export const buildBarePage = () =>
  buildIfStale(
    "bench/pages/bare/build/server/index.js",
    ["bench/pages/bare/app"],
    ["npx", "remix", "vite:build", "--config", "bench/pages/bare/vite.config.ts"],
  );

// ------------------------------------------------------------------ the run's folder

/** A new temporary folder for one run of the benchmark `name`, and the paths in it. */
export function workDir(name: string) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `liuhe-${name}-`));
  return {
    dir,
    /** The seeded database every measured server gets a fresh copy of. */
    baseDb: path.join(dir, "base.sqlite"),
    /** What the prepare script wrote for the load generator and the checks. */
    preparedFile: path.join(dir, "prepared.json"),
    file: (name: string) => path.join(dir, name),
  };
}
export type WorkDir = ReturnType<typeof workDir>;

/**
 * Runs a prepare script, `tsx SCRIPT DB_PATH OUT_JSON ...args`, into the run's folder (with `env`
 * on top of this process's environment); returns what it wrote to OUT_JSON.
 */
export function runPrepare<Prepared>(
  work: WorkDir,
  script: string,
  args: Array<string | number>,
  env: Record<string, string> = {},
): Prepared {
  execFileSync(
    process.execPath,
    ["--import", "tsx", script, work.baseDb, work.preparedFile, ...args.map(String)],
    { stdio: "inherit", env: { ...process.env, ...env } },
  );
  return JSON.parse(fs.readFileSync(work.preparedFile, "utf8")) as Prepared;
}

/** Ends a run, however it went: the configuration's databases dropped, the run's folder removed. */
export async function cleanUp(setup: Setup, work: WorkDir) {
  await setup.close();
  fs.rmSync(work.dir, { recursive: true, force: true });
}

// ------------------------------------------------------------------ one measurement

/** What a measurement's own server leaves behind. */
export interface Served {
  /** The machine's 1-minute load average when the measurement ended. */
  loadAverage: number;
  serverPeakRssMb: number;
  serverErrorLines: string[];
}

/**
 * One measurement on a server of its own. Liuhe's production server on a fresh copy of the
 * prepared data (`setup.fresh(tag)`) on the configuration's cores; or, given `ceiling`, that script
 * with no database on CEILING_CORES; `env` on top either way, its log `log`. While it serves,
 * `during` runs with its base URL and what a load generator must watch; once it has stopped,
 * `check` (Liuhe's server only) reads its copy of the data, which is dropped afterwards.
 */
export async function onServer<T, C = never>(opts: {
  setup: Setup;
  tag: string;
  ceiling?: string;
  env?: Record<string, string>;
  log: string;
  during: (base: string, watch: Watch, store: Store | null) => Promise<T>;
  check?: (store: Store, value: T) => Promise<C>;
}): Promise<Served & { value: T; check: C | null }> {
  const { setup, ceiling } = opts;
  const store = ceiling ? null : await setup.fresh(opts.tag);
  let value: T;
  let serverPeakRssMb: number;
  let check: C | null = null;
  try {
    const port = await freePort();
    const server = await startServer({
      script: ceiling ?? LIUHE_SERVER,
      port,
      cores: store ? setup.serverCores : CEILING_CORES,
      env: { ...(store?.env ?? {}), ...opts.env },
      log: opts.log,
    });
    try {
      const watch = store?.watch(server.pid!) ?? { pid: server.pid! };
      value = await opts.during(`http://127.0.0.1:${port}`, watch, store);
    } finally {
      serverPeakRssMb = peakRssMb(server.pid!);
      await stopServer(server);
    }
    if (store && opts.check) check = await opts.check(store, value);
  } finally {
    await store?.drop();
  }
  return {
    value,
    check,
    loadAverage: Math.round(os.loadavg()[0]! * 10) / 10,
    serverPeakRssMb,
    serverErrorLines: errorLines(opts.log),
  };
}

// ------------------------------------------------------------------ the runs

/**
 * Measures every item once in each of `runs` runs, the items interleaved within a run so that
 * drift on a shared machine touches them all alike; `seen` is told of each result as it comes.
 * However it ends, the run is cleaned up (cleanUp). Resolves to each item's results (by its key),
 * run by run.
 */
export async function interleavedRuns<T, R>(opts: {
  runs: number;
  items: readonly T[];
  key: (item: T) => string;
  measure: (item: T, run: number) => Promise<R>;
  seen: (item: T, run: number, result: R) => void;
  setup: Setup;
  work: WorkDir;
}): Promise<Map<string, R[]>> {
  const results = new Map<string, R[]>(opts.items.map((item) => [opts.key(item), []]));
  try {
    for (let run = 1; run <= opts.runs; run++) {
      for (const item of opts.items) {
        const r = await opts.measure(item, run);
        opts.seen(item, run, r);
        results.get(opts.key(item))!.push(r);
      }
    }
  } finally {
    await cleanUp(opts.setup, opts.work);
  }
  return results;
}

/** Shows one result on stderr as it comes: its figures, and the first lines its server logged. */
export function showResult(label: string, r: { serverErrorLines: string[] }) {
  const { serverErrorLines, ...shown } = r;
  console.error(`${label}: ${JSON.stringify(shown)}`);
  if (serverErrorLines.length) {
    console.error(`  server stderr (${serverErrorLines.length} lines), first lines:`);
    for (const l of serverErrorLines.slice(0, 10)) console.error(`    ${l}`);
  }
}

// ------------------------------------------------------------------ lines and cells

/** "5 s warm-up, 10 s window, 3 runs". */
export const windowText = (o: { warmup: number; measure: number; runs: number }) =>
  `${o.warmup} s warm-up, ${o.measure} s window, ${o.runs} run${o.runs === 1 ? "" : "s"}`;

/** The machine, for the line above a table: pinning, cores, Node, the date, the runs' load. */
export const machineText = (loadAverages: number[]) =>
  `taskset: ${hasTaskset ? "yes" : "no"}. ${os.cpus().length} cores, ${os.cpus()[0]?.model ?? "?"}, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}; machine load average ${Math.min(...loadAverages)}–${Math.max(...loadAverages)}`;

/** One figure of the runs: the median with the spread. */
export const col = <R>(rs: R[], f: (r: R) => number) => spread(rs.map(f));

/** Per-run ratio to the ceiling measured in the same run, then the median of those. */
export const ratioTo = (rs: Array<{ perSecond: number }>, ceiling: Array<{ perSecond: number }>) =>
  spread(
    rs.map((r, i) => r.perSecond / (ceiling[i]?.perSecond ?? NaN)),
    (x) => x.toFixed(2),
  );

/**
 * CPU time (ms) per accepted request at `percent` of a core: much steadier than throughput on a
 * shared machine.
 */
export const msPerRequest = (percent: number, r: { perSecond: number }) =>
  r.perSecond && Number.isFinite(percent)
    ? Math.round(((percent * 10) / r.perSecond) * 100) / 100
    : NaN;
export const cpuMsPerRequest = (r: Cpu & { perSecond: number }) =>
  msPerRequest(r.serverCpuPercent, r);

/** The note under a table on a measurement whose server wrote to stderr. */
export function stderrNote(label: string, r: Served) {
  if (r.serverErrorLines.length)
    console.log(`\n${label}: server wrote ${r.serverErrorLines.length} lines to stderr`);
}

/** The note under a table on a measurement whose load generator was the limit. */
export function loadLimitNote(label: string, r: { loadCpuPercent: number }) {
  if (r.loadCpuPercent >= 85)
    console.log(
      `\n${label}: the load generator used ${r.loadCpuPercent} % of its core: its limit, not the server's`,
    );
}

/** "core 0 / 1 busy %": how busy each core was, whoever used it. */
export const coresCell = (rs: Cpu[]) =>
  `${col(rs, (r) => r.coreBusyPercent[0] ?? NaN)} / ${col(rs, (r) => r.coreBusyPercent[1] ?? NaN)}`;

// ------------------------------------------------------------------ the ballots' and votes' tables

/** A measurement of bench/ballots or bench/opinion-votes. */
export type Accepted = AcceptanceLoad & Served & { check: { ok: boolean } | null };

/**
 * interleavedRuns() over the modes of bench/ballots or bench/opinion-votes, each result shown as
 * it comes, with a warning when the voters ran out.
 */
export const acceptedRuns = <Mode extends string, R extends Accepted>(opts: {
  runs: number;
  modes: Mode[];
  measure: (mode: Mode, run: number) => Promise<R>;
  setup: Setup;
  work: WorkDir;
}) =>
  interleavedRuns({
    ...opts,
    items: opts.modes,
    key: (mode) => mode,
    seen: (mode, run, r) => {
      showResult(`${mode} run ${run}`, r);
      if (r.exhausted) console.error(`  WARNING: ran out of voters; use a larger --voters`);
    },
  });

/** The DB check's cell: "ok ×3", "**FAILED** 1/3", or "–" where nothing was checked. */
export function dbCheckCell(rs: Accepted[]): string {
  const checks = rs.map((r) => r.check).filter((c) => c !== null);
  if (!checks.length) return "–";
  return checks.every((c) => c.ok)
    ? `ok ×${checks.length}`
    : `**FAILED** ${checks.filter((c) => !c.ok).length}/${checks.length}`;
}

/** The columns a row ends with, from "server CPU %" to "load loop p99 ms". */
export const serverCells = (rs: Accepted[]) =>
  `${col(rs, (r) => r.serverCpuPercent)} | ${col(rs, cpuMsPerRequest)} | ${col(rs, (r) => r.serverMainThreadPercent)} | ${col(rs, (r) => r.databaseCpuPercent)} | ${coresCell(rs)} | ${col(rs, (r) => r.serverPeakRssMb)} | ${col(rs, (r) => r.loadCpuPercent)} | ${col(rs, (r) => r.loadLoopDelayP99Ms)}`;

/** The notes under the table on one measurement: refusals, the server's stderr, voters run out. */
export function acceptedNotes(label: string, r: Accepted) {
  if (Object.keys(r.refusals).length)
    console.log(`\n${label}: refusals/errors: ${JSON.stringify(r.refusals)}`);
  stderrNote(label, r);
  if (r.exhausted) console.log(`\n${label}: ran out of voters; figures are low`);
}

/**
 * What limited the accepted rate, from the runs' medians: the load generator, the server's
 * JavaScript thread, its cores (`busyCores`: how the configuration's cores were used), other
 * processes, or else waiting (`waiting`).
 */
export function limitOf<R extends Accepted>(
  rs: R[],
  serverCores: string,
  say: { busyCores: string; waiting: string },
) {
  const m = (f: (r: R) => number) => median(rs.map(f));
  const cpu = m((r) => r.serverCpuPercent);
  const main = m((r) => r.serverMainThreadPercent);
  const loadCpu = m((r) => r.loadCpuPercent);
  const cores = serverCores.split(",").map(Number);
  const busy = Math.min(...cores.map((c) => m((r) => r.coreBusyPercent[c] ?? NaN)));
  const limit =
    loadCpu >= 85
      ? "the load generator (its core is nearly full): the server's real limit is higher"
      : main >= 85
        ? "the server's JavaScript thread (its event loop is saturated)"
        : cpu >= 90 * cores.length
          ? say.busyCores
          : busy >= 95
            ? `the server's cores, which other processes shared (the least busy was ${busy} % busy, the server used ${cpu} %)`
            : say.waiting;
  return { m, cpu, main, loadCpu, busy, limit };
}
