/**
 * 民情 (needs) benchmark (issue 15, "Benchmark"). Two parts, on one prepared database
 * (bench/needs/prepare.ts: the demo city, an Open311 key issued through its command, and NEEDS
 * needs in 湖滨街道 inserted in bulk), each measured server on a fresh copy of it, in the
 * configuration --config names (bench/support.ts):
 *
 *   intake: Open311 POSTs accepted per second at CONNECTIONS concurrent clients (bench/needs/load.ts,
 *           a closed loop, every request a new case), against Liuhe's own `GET /healthz` at the
 *           same concurrency in the same run (the ceiling); INTAKE_RATE_PER_HOUR is set far above
 *           what a run sends, so the key's limit is not what is measured. After each run the
 *           database is checked: the needs of the benchmark's channel are exactly the requests
 *           answered 201, each reference once ("nothing lost").
 *   board:  the street's board (`/needs?street=`), the command room's desk (`&status=toDispatch
 *           &sort=intensity`) and a community's board, at CONNECTIONS connections (autocannon,
 *           bench/pages/load.ts), against the bare Remix page (bench/pages/bare) in the same run;
 *           with each page's single-request time (the median of a few sequential requests).
 *
 * Prints README-ready Markdown tables of medians with the spread.
 *
 *   npm run bench:needs -- [--config sqlite|postgres|postgres-redis-2] [--parts intake,board]
 *                          [--needs 100000] [--connections 50] [--runs 3] [--warmup 5] [--measure 10]
 */
import { spawnSync } from "node:child_process";
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

const connections = Number(arg("connections", "50"));
const runs = Number(arg("runs", "3"));
const WARMUP = Number(arg("warmup", "5"));
const MEASURE = Number(arg("measure", "10"));
const NEEDS = Number(arg("needs", "100000"));
const parts = arg("parts", "intake,board").split(",");
/** Far above what any run sends: the key's hourly limit must not be what is measured. */
const INTAKE_RATE = "100000000";

await buildIfStale();
if (parts.includes("board"))
  await buildIfStale(
    "bench/pages/bare/build/server/index.js",
    ["bench/pages/bare/app"],
    ["npx", "remix", "vite:build", "--config", "bench/pages/bare/vite.config.ts"],
  );

// ------------------------------------------------------------------ prepare

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "liuhe-needs-"));
const baseDb = path.join(dir, "base.sqlite");
const preparedFile = path.join(dir, "prepared.json");
const prep = spawnSync(
  process.execPath,
  ["--import", "tsx", "bench/needs/prepare.ts", baseDb, preparedFile, String(NEEDS)],
  { stdio: "inherit" },
);
if (prep.status !== 0) throw new Error("prepare failed");
const prepared = JSON.parse(fs.readFileSync(preparedFile, "utf8")) as Prepared;
const setup = await setUp(baseDb, dir);

// ------------------------------------------------------------------ what is measured

type Kind = "healthz" | "intake" | "bare" | "page";
interface Target {
  key: string;
  label: string;
  kind: Kind;
  path: string;
  /** What the page's HTML must contain. */
  mark?: string;
}
const street = `/needs?street=${prepared.streetId}`;
const targets: Target[] = [
  ...(parts.includes("intake")
    ? [
        {
          key: "healthz",
          label: "Liuhe `GET /healthz` (ceiling)",
          kind: "healthz",
          path: "/healthz",
        },
        {
          key: "intake",
          label: "Open311 intake, form-encoded POST",
          kind: "intake",
          path: "/open311/v2/requests.json",
        },
      ]
    : []),
  ...(parts.includes("board")
    ? [
        { key: "bare", label: "bare Remix page (ceiling)", kind: "bare", path: "/" },
        {
          key: "street",
          label: "a street's board",
          kind: "page",
          path: street,
          mark: 'class="card',
        },
        {
          key: "desk",
          label: "the command room's desk",
          kind: "page",
          path: `${street}&status=toDispatch&sort=intensity`,
          mark: 'class="card',
        },
        {
          key: "community",
          label: "a community's board",
          kind: "page",
          path: `/needs?community=${prepared.communityId}`,
          mark: 'class="card',
        },
      ]
    : []),
] as Target[];

interface Result extends Cpu {
  key: string;
  perSecond: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
  refusals: Record<string, number>;
  loadCpuPercent: number;
  loadLoopDelayP99Ms: number;
  serverPeakRssMb: number;
  serverErrorLines: string[];
  loadAverage: number;
  /** Pages: the single-request time (median of sequential requests), HTML size, and the total. */
  singleMs?: number;
  htmlBytes?: number;
  /** Intake: the database check. */
  check?: {
    answered201: number;
    stored: number;
    duplicateRefs: number;
    missing: number;
    unknown: number;
  };
}

/** Sequential GETs after a few to warm up: the median time of one page on an idle server. */
async function single(url: string, mark: string) {
  const times: number[] = [];
  let bytes = 0;
  for (let i = 0; i < 10; i++) {
    const t = performance.now();
    const res = await fetch(url, { headers: { "User-Agent": "Mozilla/5.0 Chrome/131.0" } });
    const body = await res.text();
    if (res.status !== 200 || !body.includes(mark))
      throw new Error(`${url}: ${res.status}, ${body.includes(mark) ? "" : "no "}${mark}`);
    bytes = Buffer.byteLength(body);
    if (i >= 3) times.push(performance.now() - t);
  }
  return { singleMs: Math.round(median(times) * 10) / 10, htmlBytes: bytes };
}

async function checkIntake(store: Store, outFile: string) {
  const { created, unknownOutcome } = JSON.parse(fs.readFileSync(outFile, "utf8")) as {
    created: string[];
    unknownOutcome: string[];
  };
  const db = openDatabase(store.target);
  try {
    const rows = await db
      .selectFrom("needs")
      .select("channelRef")
      .where("channel", "=", prepared.channel)
      .execute();
    const refs = rows.map((r) => r.channelRef ?? "");
    const stored = new Set(refs);
    return {
      answered201: created.length,
      stored: rows.length,
      duplicateRefs: refs.length - stored.size,
      missing: created.filter((r) => !stored.has(r)).length,
      unknown: unknownOutcome.length,
    };
  } finally {
    await db.destroy();
  }
}

async function measure(target: Target, run: number): Promise<Result> {
  const log = path.join(dir, `run-${run}-${target.key}.log`);
  const store = target.kind === "bare" ? null : await setup.fresh(target.key);
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const server = await startServer({
    script: target.kind === "bare" ? "bench/pages/bare/server.ts" : LIUHE_SERVER,
    port,
    cores: store ? setup.serverCores : CEILING_CORES,
    env: { ...(store?.env ?? {}), INTAKE_RATE_PER_HOUR: INTAKE_RATE },
    log,
  }).catch(async (e) => {
    await store?.drop();
    throw e;
  });
  const watch = JSON.stringify(store?.watch(server.pid!) ?? { pid: server.pid });
  let r: Omit<Result, "serverPeakRssMb" | "serverErrorLines" | "loadAverage" | "key">;
  let serverPeakRssMb = 0;
  const outFile = path.join(dir, `run-${run}-${target.key}.json`);
  try {
    if (target.kind === "intake" || target.kind === "healthz") {
      const out = await runLoad([
        "bench/needs/load.ts",
        base,
        target.kind,
        preparedFile,
        String(WARMUP),
        String(MEASURE),
        watch,
        outFile,
        String(connections),
      ]);
      const l = JSON.parse(out) as Result & { window: { refused: number; errors: number } };
      r = { ...l, non2xx: l.window.refused, errors: l.window.errors };
    } else {
      const one = target.kind === "page" ? await single(base + target.path, target.mark!) : {};
      const out = await runLoad([
        "bench/pages/load.ts",
        base + target.path,
        String(WARMUP),
        String(MEASURE),
        watch,
        String(connections),
        "",
      ]);
      const l = JSON.parse(out) as Result & { statuses: Record<string, number> };
      r = { ...l, ...one, refusals: {} };
    }
  } finally {
    serverPeakRssMb = peakRssMb(server.pid!);
    await stopServer(server);
  }
  try {
    if (target.kind === "intake" && store) r.check = await checkIntake(store, outFile);
  } finally {
    await store?.drop();
  }
  return {
    key: target.key,
    ...r,
    serverPeakRssMb,
    serverErrorLines: errorLines(log),
    loadAverage: Math.round(os.loadavg()[0]! * 10) / 10,
  };
}

// ------------------------------------------------------------------ the runs

const results = new Map<string, Result[]>(targets.map((t) => [t.key, []]));
try {
  for (let run = 1; run <= runs; run++) {
    for (const t of targets) {
      const r = await measure(t, run);
      const { serverErrorLines, ...shown } = r;
      console.error(`${t.key} run ${run}: ${JSON.stringify(shown)}`);
      for (const l of serverErrorLines.slice(0, 10)) console.error(`    ${l}`);
      results.get(t.key)!.push(r);
    }
  }
} finally {
  await setup.close();
  fs.rmSync(dir, { recursive: true, force: true });
}

// ------------------------------------------------------------------ the tables

const col = (rs: Result[], f: (r: Result) => number) => spread(rs.map(f));
const ratio = (key: string, ceiling: string) => {
  const c = results.get(ceiling)!;
  return spread(
    results.get(key)!.map((r, i) => r.perSecond / (c[i]?.perSecond ?? NaN)),
    (x) => x.toFixed(2),
  );
};
const cpuMs = (r: Result) =>
  r.perSecond ? Math.round(((r.serverCpuPercent * 10) / r.perSecond) * 100) / 100 : NaN;
const loads = [...results.values()].flat().map((r) => r.loadAverage);

console.log(
  `\n${setup.describe}. ${connections} connections, ${WARMUP} s warm-up, ${MEASURE} s window, ${runs} run${runs === 1 ? "" : "s"}${runs > 1 ? "; median (min–max)" : ""}; each row on a fresh server and a fresh copy of the prepared database (the demo city, plus ${NEEDS.toLocaleString("en")} needs in 湖滨街道 inserted in bulk as a fixture in ${prepared.insertSeconds} s: no commands, audit or search rows for them). taskset: ${hasTaskset ? "yes" : "no"}. ${os.cpus().length} cores, ${os.cpus()[0]?.model ?? "?"}, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}; machine load average ${Math.min(...loads)}–${Math.max(...loads)}.`,
);

if (parts.includes("intake")) {
  console.log(
    `\n**Open311 intake, ${connections} concurrent clients** (closed loop; accepted = 201, a new need):\n`,
  );
  console.log(
    "| what | accepted/s | × `/healthz` | p50 ms | p99 ms | refused (window) | errors | server CPU % | server CPU ms per request | server peak RSS MB | load CPU % | nothing lost: 201s = stored needs, refs once |",
  );
  console.log("|---|---|---|---|---|---|---|---|---|---|---|---|");
  for (const key of ["healthz", "intake"]) {
    const rs = results.get(key)!;
    const lost = rs
      .map((r) =>
        r.check
          ? `${r.check.answered201} = ${r.check.stored}${r.check.answered201 === r.check.stored && r.check.duplicateRefs === 0 && r.check.missing === 0 ? " ✓" : ` ✗ (dup ${r.check.duplicateRefs}, missing ${r.check.missing})`}${r.check.unknown ? `, ${r.check.unknown} unknown` : ""}`
          : "–",
      )
      .join("; ");
    console.log(
      `| ${targets.find((t) => t.key === key)!.label} | ${col(rs, (r) => r.perSecond)} | ${key === "healthz" ? "1" : ratio(key, "healthz")} | ${col(rs, (r) => r.p50)} | ${col(rs, (r) => r.p99)} | ${col(rs, (r) => r.non2xx)} | ${col(rs, (r) => r.errors)} | ${col(rs, (r) => r.serverCpuPercent)} | ${col(rs, cpuMs)} | ${col(rs, (r) => r.serverPeakRssMb)} | ${col(rs, (r) => r.loadCpuPercent)} | ${lost} |`,
    );
  }
  for (const r of results.get("intake")!)
    if (Object.keys(r.refusals).length) console.log(`\nrefusals: ${JSON.stringify(r.refusals)}`);
}

if (parts.includes("board")) {
  console.log(
    `\n**Boards at ${NEEDS.toLocaleString("en")} needs, ${connections} connections** (autocannon, gzip; single = median of 7 sequential requests on the idle server):\n`,
  );
  console.log(
    "| page | path | HTML KB | single ms | req/s | × bare | p50 ms | p99 ms | non-2xx | server CPU % | server CPU ms per page | server peak RSS MB | load CPU % |",
  );
  console.log("|---|---|---|---|---|---|---|---|---|---|---|---|---|");
  for (const t of targets.filter((x) => x.kind === "bare" || x.kind === "page")) {
    const rs = results.get(t.key)!;
    console.log(
      `| ${t.label} | \`${t.path}\` | ${rs[0]?.htmlBytes ? fmt(Math.round(median(rs.map((r) => r.htmlBytes!)) / 102.4) / 10) : "–"} | ${t.kind === "page" ? col(rs, (r) => r.singleMs!) : "–"} | ${col(rs, (r) => r.perSecond)} | ${t.kind === "bare" ? "1" : ratio(t.key, "bare")} | ${col(rs, (r) => r.p50)} | ${col(rs, (r) => r.p99)} | ${col(rs, (r) => r.non2xx)} | ${col(rs, (r) => r.serverCpuPercent)} | ${col(rs, cpuMs)} | ${col(rs, (r) => r.serverPeakRssMb)} | ${col(rs, (r) => r.loadCpuPercent)} |`,
    );
  }
  console.log(
    "\nThe page budget (README, Benchmarks: Pages): 0.4 × the bare page per process, p99 ≤ 250 ms.",
  );
}
for (const [key, rs] of results)
  for (const [i, r] of rs.entries()) {
    if (r.serverErrorLines.length)
      console.log(
        `\n${key} run ${i + 1}: server wrote ${r.serverErrorLines.length} lines to stderr`,
      );
    if (r.loadCpuPercent >= 85)
      console.log(
        `\n${key} run ${i + 1}: the load generator used ${r.loadCpuPercent} % of its core: its limit, not the server's`,
      );
  }
