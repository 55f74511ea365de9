/**
 * Realtime benchmark: Liuhe's room against a bare Socket.IO relay (the ceiling), same load, same
 * run. Liuhe in the configuration --config names (bench/support.ts: SQLite, PostgreSQL, or
 * PostgreSQL with Redis and two processes; also how each is pinned to cores), each server on a
 * fresh copy of one prepared database; the load generator in its own process; warm-up then a
 * fixed window, three runs each; prints a Markdown table of medians with the spread (min–max).
 *
 *   npm run bench:realtime -- [--config sqlite|postgres|postgres-redis-2] [--clients 2000]
 *                             [--rooms 40] [--rates 200,400,800] [--runs 3] [--warmup 3] [--measure 10]
 *
 * The load is sized so that it measures the room, not the per-person limit (RATE_MAX posts per
 * RATE_WINDOW_MS): a rate that would make each client post more than that is refused at start.
 */
import { RATE_MAX, RATE_WINDOW_MS } from "../../app/domain/meetings/rules";
import {
  CEILING_CORES,
  arg,
  buildIfStale,
  cpuBetween,
  cpuSnapshot,
  hasTaskset,
  median,
  runLoad,
  setUp,
  type Cpu,
} from "../support";
import {
  cleanUp,
  col,
  coresCell,
  onServer,
  runOptions,
  runPrepare,
  windowText,
  workDir,
} from "../support/run";

const clients = Number(arg("clients", "2000"));
const rooms = Number(arg("rooms", "40"));
const rates = arg("rates", "200,400,800").split(",").map(Number);
for (const rate of rates) {
  const perPerson = (rate * RATE_WINDOW_MS) / 1000 / clients;
  if (perPerson > RATE_MAX)
    throw new Error(
      `${rate} msgs/s over ${clients} clients is ${perPerson} posts per person per ${RATE_WINDOW_MS / 1000} s, past the room's limit of ${RATE_MAX}: that would measure the limit. Use more clients.`,
    );
}
const options = runOptions("3");
const { runs, warmup: WARMUP, measure: MEASURE } = options;

await buildIfStale();
const work = workDir("realtime");
runPrepare(work, "bench/realtime/prepare.ts", [clients, rooms]);
/** What the load generator reads: the residents' session tokens and the rooms' meeting ids. */
const tokens = work.preparedFile;
const setup = await setUp(work.baseDb, work.dir);

interface Result extends Cpu {
  ackedPerSecond: number;
  delivered: number;
  deliveriesExpected: number;
  p50: number;
  p99: number;
  refused: number;
  loadCpuPercent: number;
  loadLoopDelayP99Ms: number;
  serverPeakRssMb: number;
  serverErrorLines: string[];
}

async function measure(kind: "liuhe" | "bare", rate: number, n: number): Promise<Result> {
  const { value, serverPeakRssMb, serverErrorLines } = await onServer({
    setup,
    tag: `rate-${rate}`,
    ceiling: kind === "bare" ? "bench/realtime/bare-server.ts" : undefined,
    log: work.file(`${kind}-${rate}-${n}.log`),
    during: async (base, watch) => {
      const before = await cpuSnapshot(watch);
      const out = await runLoad([
        "bench/realtime/load.ts",
        base,
        tokens,
        String(rate),
        String(WARMUP),
        String(MEASURE),
      ]);
      // Over the whole load run, connection set-up included: a conservative figure.
      return { out, cpu: cpuBetween(before, await cpuSnapshot(watch)) };
    },
  });
  return {
    ...(JSON.parse(value.out) as Omit<Result, "serverPeakRssMb" | "serverErrorLines">),
    ...value.cpu,
    serverPeakRssMb,
    serverErrorLines,
  };
}

const table: string[] = [
  `| server | rate (msgs/s) | accepted msgs/s | deliveries/s | p50 ms | p99 ms | refused | server CPU % | database CPU % | core 0 / 1 busy % (all processes) | server peak RSS MB | load CPU % |`,
  `|---|---|---|---|---|---|---|---|---|---|---|---|`,
];
const summary: Record<string, Record<number, number>> = { liuhe: {}, bare: {} };
try {
  for (const rate of rates) {
    for (const kind of ["bare", "liuhe"] as const) {
      const results: Result[] = [];
      for (let i = 0; i < runs; i++) {
        const r = await measure(kind, rate, i);
        const { serverErrorLines, ...shown } = r;
        console.error(`${kind} @${rate}/s run ${i + 1}: ${JSON.stringify(shown)}`);
        for (const l of serverErrorLines.slice(0, 10)) console.error(`  server stderr: ${l}`);
        results.push(r);
      }
      summary[kind]![rate] = median(results.map((r) => r.ackedPerSecond));
      table.push(
        `| ${kind === "bare" ? "bare relay (ceiling)" : "Liuhe room"} | ${rate} | ${col(results, (r) => r.ackedPerSecond)} | ${col(results, (r) => Math.round(r.delivered / MEASURE))} | ${col(results, (r) => r.p50)} | ${col(results, (r) => r.p99)} | ${col(results, (r) => r.refused)} | ${col(results, (r) => r.serverCpuPercent)} | ${col(results, (r) => r.databaseCpuPercent)} | ${coresCell(results)} | ${col(results, (r) => r.serverPeakRssMb)} | ${col(results, (r) => r.loadCpuPercent)} |`,
      );
    }
  }
} finally {
  await cleanUp(setup, work);
}
console.log(
  `\n${setup.describe}; the bare relay on core ${CEILING_CORES}. Each Liuhe server on a fresh copy of the prepared database.\n${clients} clients in ${rooms} rooms, ${windowText(options)}; median (min–max). taskset: ${hasTaskset ? "yes" : "no"}. Server CPU and peak RSS: the server's processes together (RSS: the sum of each one's peak), over the whole load run; database CPU: the PostgreSQL backends of the server's database, and with Redis the whole redis-server ("–": SQLite runs inside the server).\n`,
);
console.log(table.join("\n"));
for (const rate of rates) {
  console.log(
    `\nat ${rate} msgs/s: Liuhe accepted ${summary.liuhe![rate]} msgs/s, the bare relay ${summary.bare![rate]} (ratio ${(summary.liuhe![rate]! / summary.bare![rate]!).toFixed(2)})`,
  );
}
