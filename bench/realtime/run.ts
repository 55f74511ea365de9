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
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { RATE_MAX, RATE_WINDOW_MS } from "../../app/domain/meetings/rules";
import {
  LIUHE_SERVER,
  arg,
  buildIfStale,
  CEILING_CORES,
  cpuBetween,
  cpuSnapshot,
  errorLines,
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
} from "../support";

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
const runs = Number(arg("runs", "3"));
const WARMUP = Number(arg("warmup", "3"));
const MEASURE = Number(arg("measure", "10"));

await buildIfStale();
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "liuhe-bench-"));
const dbPath = path.join(dir, "bench.sqlite");
const tokens = path.join(dir, "tokens.json");
execFileSync(
  process.execPath,
  ["--import", "tsx", "bench/realtime/prepare.ts", dbPath, tokens, String(clients), String(rooms)],
  { stdio: "inherit" },
);
const setup = await setUp(dbPath, dir);

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
  const store = kind === "liuhe" ? await setup.fresh(`rate-${rate}`) : null;
  const port = await freePort();
  const log = path.join(dir, `${kind}-${rate}-${n}.log`);
  try {
    const server = await startServer({
      script: store ? LIUHE_SERVER : "bench/realtime/bare-server.ts",
      port,
      cores: store ? setup.serverCores : CEILING_CORES,
      env: store?.env ?? {},
      log,
    });
    const watch = store?.watch(server.pid!) ?? { pid: server.pid! };
    let out: string;
    let cpu: Cpu;
    let serverPeakRssMb: number;
    try {
      const before = await cpuSnapshot(watch);
      out = await runLoad([
        "bench/realtime/load.ts",
        `http://127.0.0.1:${port}`,
        tokens,
        String(rate),
        String(WARMUP),
        String(MEASURE),
      ]);
      // Over the whole load run, connection set-up included: a conservative figure.
      cpu = cpuBetween(before, await cpuSnapshot(watch));
    } finally {
      serverPeakRssMb = peakRssMb(server.pid!);
      await stopServer(server);
    }
    return {
      ...(JSON.parse(out) as Omit<Result, "serverPeakRssMb" | "serverErrorLines">),
      ...cpu,
      serverPeakRssMb,
      serverErrorLines: errorLines(log),
    };
  } finally {
    await store?.drop();
  }
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
      const col = (f: (r: Result) => number) => spread(results.map(f));
      summary[kind]![rate] = median(results.map((r) => r.ackedPerSecond));
      table.push(
        `| ${kind === "bare" ? "bare relay (ceiling)" : "Liuhe room"} | ${rate} | ${col((r) => r.ackedPerSecond)} | ${col((r) => Math.round(r.delivered / MEASURE))} | ${col((r) => r.p50)} | ${col((r) => r.p99)} | ${col((r) => r.refused)} | ${col((r) => r.serverCpuPercent)} | ${col((r) => r.databaseCpuPercent)} | ${col((r) => r.coreBusyPercent[0] ?? NaN)} / ${col((r) => r.coreBusyPercent[1] ?? NaN)} | ${col((r) => r.serverPeakRssMb)} | ${col((r) => r.loadCpuPercent)} |`,
      );
    }
  }
} finally {
  await setup.close();
  fs.rmSync(dir, { recursive: true, force: true });
}
console.log(
  `\n${setup.describe}; the bare relay on core ${CEILING_CORES}. Each Liuhe server on a fresh copy of the prepared database.\n${clients} clients in ${rooms} rooms, ${WARMUP} s warm-up, ${MEASURE} s window, ${runs} run${runs === 1 ? "" : "s"}; median (min–max). taskset: ${hasTaskset ? "yes" : "no"}. Server CPU and peak RSS: the server's processes together (RSS: the sum of each one's peak), over the whole load run; database CPU: the PostgreSQL backends of the server's database, and with Redis the whole redis-server ("–": SQLite runs inside the server).\n`,
);
console.log(table.join("\n"));
for (const rate of rates) {
  console.log(
    `\nat ${rate} msgs/s: Liuhe accepted ${summary.liuhe![rate]} msgs/s, the bare relay ${summary.bare![rate]} (ratio ${(summary.liuhe![rate]! / summary.bare![rate]!).toFixed(2)})`,
  );
}
