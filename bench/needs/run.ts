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
import fs from "node:fs";
import { openDatabase } from "../../db/client.server";
import { arg, buildIfStale, fmt, median, runLoad, setUp, type Cpu, type Store } from "../support";
import {
  BARE_SERVER,
  buildBarePage,
  col,
  cpuMsPerRequest,
  interleavedRuns,
  loadLimitNote,
  machineText,
  onServer,
  ratioTo,
  runOptions,
  runPrepare,
  stderrNote,
  windowText,
  workDir,
  type Served,
} from "../support/run";
import type { Prepared } from "./prepare";

const connections = Number(arg("connections", "50"));
const options = runOptions();
const { runs, warmup: WARMUP, measure: MEASURE } = options;
const NEEDS = Number(arg("needs", "100000"));
const parts = arg("parts", "intake,board").split(",");
/** Far above what any run sends: the key's hourly limit must not be what is measured. */
const INTAKE_RATE = "100000000";

await buildIfStale();
if (parts.includes("board")) await buildBarePage();

// ------------------------------------------------------------------ prepare

const work = workDir("needs");
const prepared = runPrepare<Prepared>(work, "bench/needs/prepare.ts", [NEEDS]);
const setup = await setUp(work.baseDb, work.dir);

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

interface Result extends Cpu, Served {
  key: string;
  perSecond: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
  refusals: Record<string, number>;
  loadCpuPercent: number;
  loadLoopDelayP99Ms: number;
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

type Measured = Omit<Result, keyof Served | "key">;

async function measure(target: Target, run: number): Promise<Result> {
  const outFile = work.file(`run-${run}-${target.key}.json`);
  const { value, check, ...served } = await onServer({
    setup,
    tag: target.key,
    ceiling: target.kind === "bare" ? BARE_SERVER : undefined,
    env: { INTAKE_RATE_PER_HOUR: INTAKE_RATE },
    log: work.file(`run-${run}-${target.key}.log`),
    during: async (base, watchOf): Promise<Measured> => {
      const watch = JSON.stringify(watchOf);
      if (target.kind === "intake" || target.kind === "healthz") {
        const out = await runLoad([
          "bench/needs/load.ts",
          base,
          target.kind,
          work.preparedFile,
          String(WARMUP),
          String(MEASURE),
          watch,
          outFile,
          String(connections),
        ]);
        const l = JSON.parse(out) as Result & { window: { refused: number; errors: number } };
        return { ...l, non2xx: l.window.refused, errors: l.window.errors };
      }
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
      return { ...l, ...one, refusals: {} };
    },
    check: target.kind === "intake" ? (store) => checkIntake(store, outFile) : undefined,
  });
  const { serverPeakRssMb, serverErrorLines, loadAverage } = served;
  return {
    key: target.key,
    ...value,
    ...(check ? { check } : {}),
    serverPeakRssMb,
    serverErrorLines,
    loadAverage,
  };
}

// ------------------------------------------------------------------ the runs

const results = await interleavedRuns({
  runs,
  items: targets,
  key: (t) => t.key,
  measure,
  seen: (t, run, r) => {
    const { serverErrorLines, ...shown } = r;
    console.error(`${t.key} run ${run}: ${JSON.stringify(shown)}`);
    for (const l of serverErrorLines.slice(0, 10)) console.error(`    ${l}`);
  },
  setup,
  work,
});

// ------------------------------------------------------------------ the tables

const ratio = (key: string, ceiling: string) => ratioTo(results.get(key)!, results.get(ceiling)!);
const loads = [...results.values()].flat().map((r) => r.loadAverage);

console.log(
  `\n${setup.describe}. ${connections} connections, ${windowText(options)}${runs > 1 ? "; median (min–max)" : ""}; each row on a fresh server and a fresh copy of the prepared database (the demo city, plus ${NEEDS.toLocaleString("en")} needs in 湖滨街道 inserted in bulk as a fixture in ${prepared.insertSeconds} s, no commands or audit rows for them, indexed for search as a server's startup does in ${prepared.indexSeconds} s, and their timed work and notices done in ${prepared.settleSeconds} s, before any server starts). ${machineText(loads)}.`,
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
      `| ${targets.find((t) => t.key === key)!.label} | ${col(rs, (r) => r.perSecond)} | ${key === "healthz" ? "1" : ratio(key, "healthz")} | ${col(rs, (r) => r.p50)} | ${col(rs, (r) => r.p99)} | ${col(rs, (r) => r.non2xx)} | ${col(rs, (r) => r.errors)} | ${col(rs, (r) => r.serverCpuPercent)} | ${col(rs, cpuMsPerRequest)} | ${col(rs, (r) => r.serverPeakRssMb)} | ${col(rs, (r) => r.loadCpuPercent)} | ${lost} |`,
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
      `| ${t.label} | \`${t.path}\` | ${rs[0]?.htmlBytes ? fmt(Math.round(median(rs.map((r) => r.htmlBytes!)) / 102.4) / 10) : "–"} | ${t.kind === "page" ? col(rs, (r) => r.singleMs!) : "–"} | ${col(rs, (r) => r.perSecond)} | ${t.kind === "bare" ? "1" : ratio(t.key, "bare")} | ${col(rs, (r) => r.p50)} | ${col(rs, (r) => r.p99)} | ${col(rs, (r) => r.non2xx)} | ${col(rs, (r) => r.serverCpuPercent)} | ${col(rs, cpuMsPerRequest)} | ${col(rs, (r) => r.serverPeakRssMb)} | ${col(rs, (r) => r.loadCpuPercent)} |`,
    );
  }
  console.log(
    "\nThe page budget (README, Benchmarks: Pages): 0.4 × the bare page per process, p99 ≤ 250 ms.",
  );
}
for (const [key, rs] of results)
  for (const [i, r] of rs.entries()) {
    stderrNote(`${key} run ${i + 1}`, r);
    loadLimitNote(`${key} run ${i + 1}`, r);
  }
