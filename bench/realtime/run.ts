/**
 * Realtime benchmark: Liuhe's room against a bare Socket.IO relay (the ceiling), same load, same
 * run. Server on core 0, load generator on core 1 (taskset), warm-up then a fixed window, three runs
 * each; prints a Markdown table of medians with the spread (min–max).
 *
 *   npm run bench:realtime -- [--clients 2000] [--rooms 40] [--rates 200,400,800] [--runs 3]
 *
 * The load is sized so that it measures the room, not the per-person limit (RATE_MAX posts per
 * RATE_WINDOW_MS): a rate that would make each client post more than that is refused at start.
 */
import { execFileSync, spawn, spawnSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { RATE_MAX, RATE_WINDOW_MS } from "../../app/domain/meetings/rules";

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : fallback;
};
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
const WARMUP = 3;
const MEASURE = 10;

const hasTaskset = spawnSync("taskset", ["-c", "0", "true"]).status === 0;
const pinned = (core: number, cmd: string, args: string[]): [string, string[]] =>
  hasTaskset ? ["taskset", ["-c", String(core), cmd, ...args]] : [cmd, args];

if (!fs.existsSync("build/server/index.js"))
  execFileSync("npm", ["run", "build"], { stdio: "inherit" });
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "liuhe-bench-"));
const dbPath = path.join(dir, "bench.sqlite");
const tokens = path.join(dir, "tokens.json");
execFileSync(
  process.execPath,
  ["--import", "tsx", "bench/realtime/prepare.ts", dbPath, tokens, String(clients), String(rooms)],
  {
    stdio: "inherit",
  },
);

function procStats(pid: number) {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = (k: string) => Number(new RegExp(`${k}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  return { ticks: Number(stat[11]) + Number(stat[12]), peakRssMb: Math.round(kb("VmHWM") / 1024) };
}

async function startServer(kind: "liuhe" | "bare", port: number): Promise<ChildProcess> {
  const [cmd, args] =
    kind === "liuhe"
      ? pinned(0, process.execPath, ["--import", "tsx", "server.ts"])
      : pinned(0, process.execPath, ["--import", "tsx", "bench/realtime/bare-server.ts"]);
  const child = spawn(cmd, args, {
    env: {
      ...process.env,
      NODE_ENV: "production",
      PORT: String(port),
      HOST: "127.0.0.1",
      DATABASE_PATH: dbPath,
      SEED_DEMO: "false",
    },
    stdio: ["ignore", "pipe", "inherit"],
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on("data", (d: Buffer) => /listening/.test(d.toString()) && resolve());
    child.once("exit", (code) => reject(new Error(`${kind} server exited (${code})`)));
  });
  return child;
}

interface Result {
  ackedPerSecond: number;
  delivered: number;
  deliveriesExpected: number;
  p50: number;
  p99: number;
  refused: number;
  loadCpuPercent: number;
  loadLoopDelayP99Ms: number;
  serverCpuPercent: number;
  serverPeakRssMb: number;
}

async function measure(kind: "liuhe" | "bare", rate: number, port: number): Promise<Result> {
  const server = await startServer(kind, port);
  const before = procStats(server.pid!);
  const startedAt = Date.now();
  const [cmd, args] = pinned(1, process.execPath, [
    "--import",
    "tsx",
    "bench/realtime/load.ts",
    `http://127.0.0.1:${port}`,
    tokens,
    String(rate),
    String(WARMUP),
    String(MEASURE),
  ]);
  const out = execFileSync(cmd, args, { encoding: "utf8", maxBuffer: 10 * 1024 * 1024 });
  const after = procStats(server.pid!);
  const seconds = (Date.now() - startedAt) / 1000;
  server.kill("SIGTERM");
  await new Promise((r) => server.once("exit", r));
  const load = JSON.parse(out.trim().split("\n").pop()!) as Omit<
    Result,
    "serverCpuPercent" | "serverPeakRssMb"
  >;
  return {
    ...load,
    // Over the whole load run, connection set-up included: a conservative figure.
    serverCpuPercent: Math.round(((after.ticks - before.ticks) / 100 / seconds) * 100),
    serverPeakRssMb: after.peakRssMb,
  };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const spread = (xs: number[]) => `${Math.min(...xs)}–${Math.max(...xs)}`;

const table: string[] = [
  `| server | rate (msgs/s) | accepted msgs/s | deliveries/s | p50 ms | p99 ms | refused | server CPU % | server peak RSS MB | load CPU % |`,
  `|---|---|---|---|---|---|---|---|---|---|`,
];
const summary: Record<string, Record<number, number>> = { liuhe: {}, bare: {} };
let port = 3400;
for (const rate of rates) {
  for (const kind of ["bare", "liuhe"] as const) {
    const results: Result[] = [];
    for (let i = 0; i < runs; i++) {
      const r = await measure(kind, rate, port++);
      console.error(`${kind} @${rate}/s run ${i + 1}: ${JSON.stringify(r)}`);
      results.push(r);
    }
    const col = (f: (r: Result) => number) => {
      const xs = results.map(f);
      return `${median(xs)} (${spread(xs)})`;
    };
    summary[kind]![rate] = median(results.map((r) => r.ackedPerSecond));
    table.push(
      `| ${kind === "bare" ? "bare relay (ceiling)" : "Liuhe room"} | ${rate} | ${col((r) => r.ackedPerSecond)} | ${col((r) => Math.round(r.delivered / MEASURE))} | ${col((r) => r.p50)} | ${col((r) => r.p99)} | ${col((r) => r.refused)} | ${col((r) => r.serverCpuPercent)} | ${col((r) => r.serverPeakRssMb)} | ${col((r) => r.loadCpuPercent)} |`,
    );
  }
}
console.log(
  `\n${clients} clients in ${rooms} rooms, ${WARMUP} s warm-up, ${MEASURE} s window, ${runs} runs; median (min–max). taskset: ${hasTaskset ? "yes" : "no"}\n`,
);
console.log(table.join("\n"));
for (const rate of rates) {
  console.log(
    `\nat ${rate} msgs/s: Liuhe accepted ${summary.liuhe![rate]} msgs/s, the bare relay ${summary.bare![rate]} (ratio ${(summary.liuhe![rate]! / summary.bare![rate]!).toFixed(2)})`,
  );
}
fs.rmSync(dir, { recursive: true, force: true });
