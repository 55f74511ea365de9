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
import fs from "node:fs";
import { openDatabase } from "../../db/client.server";
import { CEILING_CORES, arg, buildIfStale, fmt, runLoad, setUp } from "../support";
import type { AcceptanceLoad } from "../support/http-load";
import {
  BARE_SERVER,
  HELLO_SERVER,
  acceptedNotes,
  acceptedRuns,
  buildBarePage,
  col,
  cpuMsPerRequest,
  dbCheckCell,
  limitOf,
  machineText,
  msPerRequest,
  onServer,
  ratioTo,
  runOptions,
  runPrepare,
  serverCells,
  windowText,
  workDir,
  type Served,
} from "../support/run";
import type { Prepared } from "./prepare";

const voters = Number(arg("voters", "20000"));
const prefill = Number(arg("prefill", "0"));
const concurrency = Number(arg("concurrency", "50"));
const options = runOptions();
const { runs, warmup: WARMUP, measure: MEASURE } = options;
type Mode = "hello" | "bare" | "healthz" | "poll" | "round";
const modes = arg("modes", "hello,bare,healthz,poll,round").split(",") as Mode[];
/** The ceilings are one process on core 0 in every configuration, with no database. */
const CEILING_SCRIPTS: Partial<Record<Mode, string>> = { hello: HELLO_SERVER, bare: BARE_SERVER };

await buildIfStale();
await buildBarePage();

// ------------------------------------------------------------------ prepare

const work = workDir("ballots");
const prepared = runPrepare<Prepared>(work, "bench/ballots/prepare.ts", [voters, prefill]);
const setup = await setUp(work.baseDb, work.dir);

// ------------------------------------------------------------------ one measurement

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

interface Result extends AcceptanceLoad, Served {
  mode: Mode;
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
  // What was cast before the runs is not theirs to check (the prepared voters' ids follow on).
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
  const outFile = work.file(`run-${run}-${mode}.json`);
  const { value, check, ...served } = await onServer({
    setup,
    tag: mode,
    ceiling: CEILING_SCRIPTS[mode],
    log: work.file(`run-${run}-${mode}.log`),
    during: async (base, watch) =>
      JSON.parse(
        await runLoad([
          "bench/ballots/load.ts",
          base,
          mode,
          work.preparedFile,
          String(WARMUP),
          String(MEASURE),
          JSON.stringify(watch),
          outFile,
          String(concurrency),
        ]),
      ) as AcceptanceLoad,
    check:
      mode === "poll" || mode === "round"
        ? (store) => verify(mode, store.target, outFile)
        : undefined,
  });
  return { mode, ...value, ...served, check };
}

// ------------------------------------------------------------------ the runs

// Modes interleaved within each run, so that drift on a shared machine touches all of them alike.
const results = await acceptedRuns({ runs, modes, measure, setup, work });
const of = (mode: Mode) => results.get(mode)!;

const label: Record<Mode, string> = {
  hello: "bare `node:http` hello (outer ceiling)",
  bare: "bare Remix action reading the form (ceiling)",
  healthz: "Liuhe `GET /healthz` (ceiling)",
  poll: "Liuhe poll ballot (`POST /polls/:id`)",
  round: "Liuhe budget ballot (`POST /budgets/:id`)",
};
const table = [
  `| what | accepted/s | × bare action | × healthz | p50 ms | p99 ms | refused | errors | DB check | server CPU % | server CPU ms per request | busiest JS thread % | database CPU % | core 0 / 1 busy % (all processes) | server peak RSS MB | load CPU % | load loop p99 ms |`,
  `|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|`,
];
for (const mode of modes) {
  const rs = of(mode);
  if (!rs.length) continue;
  table.push(
    `| ${label[mode]} | ${col(rs, (r) => r.perSecond)} | ${modes.includes("bare") ? ratioTo(rs, of("bare")) : "–"} | ${modes.includes("healthz") ? ratioTo(rs, of("healthz")) : "–"} | ${col(rs, (r) => r.p50)} | ${col(rs, (r) => r.p99)} | ${col(rs, (r) => r.all.refused)} | ${col(rs, (r) => r.all.errors)} | ${dbCheckCell(rs)} | ${serverCells(rs)} |`,
  );
}

const loads = [...results.values()].flat().map((r) => r.loadAverage);
console.log(
  `\n${setup.describe}; the hello server on core ${CEILING_CORES}.\n${concurrency} concurrent clients (closed loop, keep-alive), ${windowText(options)}; median (min–max). ${voters} prepared voters, each used once${prefill > 0 ? `; ${prefill} residents had voted in the poll and in the round before the runs` : ""}. ${machineText(loads)} during the runs\n`,
);
console.log(table.join("\n"));
console.log(
  `\nrefused/errors count every request of the run (warm-up and drain included); latency and accepted/s only requests sent inside the window. DB check: ballots == participations == accepted responses, every receipt stored with the choices sent, no extra rows. Server CPU and peak RSS: the server's processes together (RSS: the sum of each one's peak); busiest JS thread: the main thread of the busiest process; database CPU: the PostgreSQL backends of the server's database, and with Redis the whole redis-server ("–": SQLite runs inside the server).`,
);
for (const mode of modes) {
  for (const [i, r] of of(mode).entries()) {
    if (r.check && !r.check.ok)
      console.log(`\n${mode} run ${i + 1}: DB check failed: ${JSON.stringify(r.check)}`);
    acceptedNotes(`${mode} run ${i + 1}`, r);
  }
}
for (const mode of (["poll", "round"] as const).filter((m) => modes.includes(m))) {
  const rs = of(mode);
  if (!rs.length) continue;
  const { m, cpu, main, loadCpu, busy, limit } = limitOf(rs, setup.serverCores, {
    busyCores:
      "the server's cores, shared between its JavaScript threads and the database's and V8's threads",
    waiting:
      "waiting, not CPU: requests queue on something other than the server's cores (the database: SQLite's single connection, PostgreSQL's pool and locks; or disk)",
  });
  const dbMs = m((r) => msPerRequest(r.databaseCpuPercent, r));
  console.log(
    `\n${mode}: median ${fmt(m((r) => r.perSecond))} ballots/s; server CPU ${cpu} % (busiest JS thread ${main} %), the least busy server core ${busy} % busy, load CPU ${loadCpu} %: limited by ${limit}. At ${fmt(m(cpuMsPerRequest))} ms of server CPU per ballot${Number.isFinite(dbMs) ? ` and ${fmt(dbMs)} ms of database CPU` : ""}, one whole core of server would accept about ${Math.round(1000 / m(cpuMsPerRequest))} ballots/s.`,
  );
}
