/**
 * Opinion-votes benchmark (issue 18, "Benchmark", second half): how many votes a second Liuhe
 * accepts over HTTP on one conversation (意见征集) with CONCURRENCY voters at once, with nothing
 * lost and the opinion map kept up to date. Each run measures, on a fresh copy of one prepared
 * database (prepare.ts: 300 accepted statements, earlier votes, thousands of residents with
 * sessions): a bare `node:http` hello, the bare Remix action reading the same vote form
 * (bench/pages/bare, `routes/vote`: the ceiling the votes are held to) and Liuhe's own
 * `GET /healthz`, then the vote card's posts (load.ts says what each mode sends), in the
 * configuration --config names (bench/support.ts: SQLite, PostgreSQL, or PostgreSQL with Redis and
 * two processes; also how each is pinned to cores). Warm-up, then a fixed window.
 *
 * While votes arrive the map's row (opinion_maps) is read every POLL_MS from this process: each new
 * `computed_at` is one recompute, and the recomputes inside the window are counted, with the
 * shortest gap between two (the site computes a conversation's map at most once every
 * RECOMPUTE_EVERY_MS). After the window the server stays up until the map has caught up with the
 * last vote (or MAP_WAIT_MS passed). Then the database is checked against what the load generator
 * was told: one statement_votes row per (statement, voter) answered with the value sent, none
 * extra, the earlier votes untouched, and a map computed during the run that counts every vote.
 * Prints a Markdown table of medians with the spread (min–max).
 *
 *   npm run bench:opinion-votes -- [--config sqlite|postgres|postgres-redis-2] [--concurrency 50]
 *     [--runs 3] [--warmup 5] [--measure 10] [--voters 4000] [--statements 300] [--per-voter 30]
 *     [--prior 20000] [--modes hello,bare,healthz,vote] (also: vote-nojs)
 */
import fs from "node:fs";
import { openDatabase } from "../../db/client.server";
import { RECOMPUTE_EVERY_MS } from "../../app/services/conversations/map.server";
import { CEILING_CORES, arg, buildIfStale, fmt, runLoad, setUp, spread } from "../support";
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

const voters = Number(arg("voters", "4000"));
const statements = Number(arg("statements", "300"));
const prior = Number(arg("prior", "20000"));
const perVoter = Number(arg("per-voter", "30"));
const concurrency = Number(arg("concurrency", "50"));
const options = runOptions();
const { runs, warmup: WARMUP, measure: MEASURE } = options;
type Mode = "hello" | "bare" | "healthz" | "vote" | "vote-nojs";
const MODES: readonly Mode[] = ["hello", "bare", "healthz", "vote", "vote-nojs"];
const modes = arg("modes", "hello,bare,healthz,vote").split(",") as Mode[];
for (const m of modes) if (!MODES.includes(m)) throw new Error(`unknown mode ${m}`);
const isVoting = (m: Mode) => m === "vote" || m === "vote-nojs";
/** How often the map's row is read while votes arrive: well under RECOMPUTE_EVERY_MS. */
const POLL_MS = 250;
/** How long the server may take after the window to compute the map of the last votes. */
const MAP_WAIT_MS = RECOMPUTE_EVERY_MS * 3;
/** The ceilings are one process on core 0 in every configuration, with no database. */
const CEILING_SCRIPTS: Partial<Record<Mode, string>> = { hello: HELLO_SERVER, bare: BARE_SERVER };

await buildIfStale();
await buildBarePage();

// ------------------------------------------------------------------ prepare

const work = workDir("opinion-votes");
const prepared = runPrepare<Prepared>(
  work,
  "bench/opinion-votes/prepare.ts",
  [voters, statements, prior],
  // The demo seed's votes bump their map on the process's own database (getDb()): it is this file.
  { DATABASE_PATH: work.baseDb },
);
const setup = await setUp(work.baseDb, work.dir);

// ------------------------------------------------------------------ one measurement

/** What the load generator prints: the closed loop's figures, and the window on the wall clock. */
interface LoadResult extends AcceptanceLoad {
  windowStartEpochMs: number;
  windowEndEpochMs: number;
}

/** What the map's row said while the votes came, and after. */
interface MapWatch {
  /** Every distinct computed_at seen from the start of the load to the end of the wait (ms). */
  computedAt: number[];
  /** Whether the map caught up with the last vote within MAP_WAIT_MS after the window. */
  caughtUp: boolean;
  /** How long after the load stopped it caught up (ms), or NaN. */
  caughtUpAfterMs: number;
}

interface Check {
  ok: boolean;
  rows: number;
  accepted: number;
  unknownOutcome: number;
  missing: number;
  wrongValue: number;
  extra: number;
  priorRows: number;
  priorExpected: number;
  mapComputedDuringRun: boolean;
  mapVotesSeen: number;
  mapStatus: string;
}

interface Result extends LoadResult, Served {
  mode: Mode;
  map: (MapWatch & { inWindow: number; minGapMs: number }) | null;
  check: Check | null;
}

/** Reads the map's row every POLL_MS until stop() is called; stop() resolves to what was seen. */
function watchMap(target: string, startedAt: number) {
  const db = openDatabase(target);
  const seen = new Set<number>();
  let state = { version: 0, computedVersion: 0 };
  let stopping = false;
  const read = async () => {
    const row = await db
      .selectFrom("opinionMaps")
      .select(["computedAt", "version", "computedVersion"])
      .where("conversationId", "=", prepared.conversationId)
      .executeTakeFirstOrThrow();
    const at = row.computedAt ? Date.parse(row.computedAt) : NaN;
    if (at >= startedAt) seen.add(at);
    state = { version: row.version, computedVersion: row.computedVersion };
  };
  const polling = (async () => {
    while (!stopping) {
      await read();
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
  })();
  return {
    /** Waits (while the server runs) until the map is computed from the last version, or gives up. */
    async waitForCatchUp(): Promise<{ caughtUp: boolean; afterMs: number }> {
      const t0 = Date.now();
      for (;;) {
        await read();
        if (state.version === state.computedVersion)
          return { caughtUp: true, afterMs: Date.now() - t0 };
        if (Date.now() - t0 > MAP_WAIT_MS) return { caughtUp: false, afterMs: NaN };
        await new Promise((r) => setTimeout(r, POLL_MS));
      }
    },
    async stop(): Promise<number[]> {
      stopping = true;
      await polling;
      await db.destroy();
      return [...seen].sort((a, b) => a - b);
    },
  };
}

/** The database against what the load generator was told, vote by vote. */
async function verify(target: string, outFile: string, startedAt: number): Promise<Check> {
  const told = JSON.parse(fs.readFileSync(outFile, "utf8")) as {
    accepted: Array<[number, number, number]>;
    unknown: Array<[number, number]>;
  };
  const loadVoters = new Set(prepared.voters.map((v) => v.userId));
  const db = openDatabase(target);
  const [rows, map] = await Promise.all([
    db
      .selectFrom("statementVotes")
      .select(["userId", "statementId", "vote"])
      .where("conversationId", "=", prepared.conversationId)
      .execute(),
    db
      .selectFrom("opinionMaps")
      .select(["computedAt", "votesSeen", "result"])
      .where("conversationId", "=", prepared.conversationId)
      .executeTakeFirstOrThrow(),
  ]);
  await db.destroy();
  const key = (u: number, s: number) => `${u}:${s}`;
  const stored = new Map<string, number>();
  let priorRows = 0;
  for (const r of rows) {
    if (loadVoters.has(r.userId)) stored.set(key(r.userId, r.statementId), r.vote);
    else priorRows++;
  }
  const toldKeys = new Map(told.accepted.map(([u, s, v]) => [key(u, s), v]));
  const unknown = new Set(told.unknown.map(([u, s]) => key(u, s)));
  let missing = 0;
  let wrongValue = 0;
  for (const [k, v] of toldKeys) {
    const got = stored.get(k);
    if (got === undefined) missing++;
    else if (got !== v) wrongValue++;
  }
  // A vote whose answer was lost may or may not have been stored: it is not counted as extra.
  const extra = [...stored.keys()].filter((k) => !toldKeys.has(k) && !unknown.has(k)).length;
  const computedAt = map.computedAt ? Date.parse(map.computedAt) : NaN;
  const mapStatus = map.result ? (JSON.parse(map.result) as { status: string }).status : "none";
  const mapComputedDuringRun = computedAt >= startedAt;
  return {
    ok:
      toldKeys.size === told.accepted.length &&
      missing + wrongValue + extra === 0 &&
      priorRows === prepared.priorVotes &&
      mapComputedDuringRun &&
      map.votesSeen === rows.length,
    rows: rows.length,
    accepted: told.accepted.length,
    unknownOutcome: told.unknown.length,
    missing,
    wrongValue,
    extra,
    priorRows,
    priorExpected: prepared.priorVotes,
    mapComputedDuringRun,
    mapVotesSeen: map.votesSeen,
    mapStatus,
  };
}

async function measure(mode: Mode, run: number): Promise<Result> {
  const outFile = work.file(`run-${run}-${mode}.json`);
  const { value, check, ...served } = await onServer({
    setup,
    tag: mode,
    ceiling: CEILING_SCRIPTS[mode],
    log: work.file(`run-${run}-${mode}.log`),
    during: async (base, watch, store) => {
      // The map's computed_at is written with the server's clock: the same machine's.
      const startedAt = Date.now();
      const watcher = store && isVoting(mode) ? watchMap(store.target, startedAt) : null;
      const load = JSON.parse(
        await runLoad([
          "bench/opinion-votes/load.ts",
          base,
          mode,
          work.preparedFile,
          String(WARMUP),
          String(MEASURE),
          JSON.stringify(watch),
          outFile,
          String(concurrency),
          String(perVoter),
        ]),
      ) as LoadResult;
      let map: Result["map"] = null;
      if (watcher) {
        const { caughtUp, afterMs } = await watcher.waitForCatchUp();
        const computedAt = await watcher.stop();
        const inWindow = computedAt.filter(
          (t) => t >= load.windowStartEpochMs && t <= load.windowEndEpochMs,
        );
        const gaps = computedAt.slice(1).map((t, i) => t - computedAt[i]!);
        map = {
          computedAt,
          caughtUp,
          caughtUpAfterMs: afterMs,
          inWindow: inWindow.length,
          minGapMs: gaps.length ? Math.min(...gaps) : NaN,
        };
      }
      return { load, map, startedAt };
    },
    check: isVoting(mode)
      ? (store, { startedAt }) => verify(store.target, outFile, startedAt)
      : undefined,
  });
  return { mode, ...value.load, ...served, map: value.map, check };
}

// ------------------------------------------------------------------ the runs

// Modes interleaved within each run, so that drift on a shared machine touches all of them alike.
const results = await acceptedRuns({ runs, modes, measure, setup, work });
const of = (mode: Mode) => results.get(mode)!;

const label: Record<Mode, string> = {
  hello: "bare `node:http` hello (outer ceiling)",
  bare: "bare Remix action reading the vote form (ceiling)",
  healthz: "Liuhe `GET /healthz` (ceiling)",
  vote: "Liuhe vote, with JavaScript (fetcher `POST /conversations/:id`)",
  "vote-nojs": "Liuhe vote, without JavaScript (form `POST /conversations/:id` → 302)",
};
const table = [
  `| what | accepted/s | × bare action | × healthz | p50 ms | p99 ms | refused | errors | DB check | map recomputes in window | server CPU % | server CPU ms per request | busiest JS thread % | database CPU % | core 0 / 1 busy % (all processes) | server peak RSS MB | load CPU % | load loop p99 ms |`,
  `|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|`,
];
for (const mode of modes) {
  const rs = of(mode);
  if (!rs.length) continue;
  const maps = rs.map((r) => r.map).filter((m): m is NonNullable<Result["map"]> => m !== null);
  // How many in the window, and the shortest gap between two recomputes over all the runs.
  const recomputes = maps.length
    ? `${spread(maps.map((m) => m.inWindow))}, gaps ≥ ${(Math.min(...maps.map((m) => m.minGapMs)) / 1000).toFixed(1)} s`
    : "–";
  table.push(
    `| ${label[mode]} | ${col(rs, (r) => r.perSecond)} | ${modes.includes("bare") ? ratioTo(rs, of("bare")) : "–"} | ${modes.includes("healthz") ? ratioTo(rs, of("healthz")) : "–"} | ${col(rs, (r) => r.p50)} | ${col(rs, (r) => r.p99)} | ${col(rs, (r) => r.all.refused)} | ${col(rs, (r) => r.all.errors)} | ${dbCheckCell(rs)} | ${recomputes} | ${serverCells(rs)} |`,
  );
}

const loads = [...results.values()].flat().map((r) => r.loadAverage);
console.log(
  `\n${setup.describe}; the ceilings on core ${CEILING_CORES}.\nConversation of ${prepared.statementIds.length} accepted statements with ${prepared.priorVotes} earlier votes; ${concurrency} concurrent voters (closed loop, keep-alive), each resident answering ${perVoter} different statements one at a time, then the next resident; ${windowText(options)}; median (min–max). ${machineText(loads)} during the runs\n`,
);
console.log(table.join("\n"));
console.log(
  `\nrefused/errors count every request of the run (warm-up and drain included); latency and accepted/s only requests sent inside the window. DB check: one statement_votes row per (statement, voter) the server accepted, with the value sent, none extra, the ${prepared.priorVotes} earlier votes untouched, and the map computed during the run and counting every vote once it caught up (the server is kept up to ${MAP_WAIT_MS / 1000} s after the window for that). Map recomputes: distinct opinion_maps.computed_at values read every ${POLL_MS} ms, those inside the window; gaps ≥: the shortest time between two recomputes in any run (window and wait) (the site's floor is ${RECOMPUTE_EVERY_MS / 1000} s). Server CPU and peak RSS: the server's processes together, the map's worker thread included; database CPU: the PostgreSQL backends of the server's database ("–": SQLite runs inside the server).`,
);
for (const mode of modes) {
  for (const [i, r] of of(mode).entries()) {
    if (r.check && !r.check.ok)
      console.log(`\n${mode} run ${i + 1}: DB check failed: ${JSON.stringify(r.check)}`);
    if (r.map && !r.map.caughtUp)
      console.log(
        `\n${mode} run ${i + 1}: the map had not caught up ${MAP_WAIT_MS / 1000} s after the window`,
      );
    acceptedNotes(`${mode} run ${i + 1}`, r);
  }
}
for (const mode of modes.filter(isVoting)) {
  const rs = of(mode);
  if (!rs.length) continue;
  const { m, cpu, main, loadCpu, limit } = limitOf(rs, setup.serverCores, {
    busyCores:
      "the server's cores, shared between its JavaScript thread, SQLite's and V8's threads and the map's worker",
    waiting:
      "waiting, not CPU: requests queue on the database (SQLite's one connection and its syncs; PostgreSQL's pool and locks) or on the disk",
  });
  const maps = rs.map((r) => r.map).filter((x): x is NonNullable<Result["map"]> => x !== null);
  console.log(
    `\n${mode}: median ${fmt(m((r) => r.perSecond))} votes/s; server CPU ${cpu} % (busiest JS thread ${main} %), load CPU ${loadCpu} %: limited by ${limit}. ${fmt(m(cpuMsPerRequest))} ms of server CPU per vote. Map: ${maps.map((x) => x.computedAt.length).join(", ")} recomputes per run in all (window and wait), caught up ${maps.map((x) => (x.caughtUp ? `${(x.caughtUpAfterMs / 1000).toFixed(1)} s` : "never")).join(", ")} after the load stopped.`,
  );
}
