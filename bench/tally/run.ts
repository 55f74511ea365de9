/**
 * Tally benchmark: greedy and Equal Shares on a synthetic round of 100,000 approval ballots over
 * 60 projects (bench/tally/generate.ts, fixed seed). Each method runs in its own process, pinned
 * to one core when `taskset` exists, with a warm-up and then 3 timed runs; prints a Markdown
 * table of medians with the spread (min–max), CPU time, peak RSS, and the ratio to the ceiling
 * (one pass counting approvals, measured in the same run).
 *
 *   npm run bench:tally -- [--runs 3]
 */
import { spawnSync } from "node:child_process";
import os from "node:os";
import { DEFAULT_SHAPE, generateRound } from "./generate";

const runsArg = process.argv.indexOf("--runs");
const runs = runsArg >= 0 ? Number(process.argv[runsArg + 1]) : 3;
const hasTaskset = spawnSync("taskset", ["-c", "0", "true"]).status === 0;

interface Measured {
  what: string;
  summary: string;
  wall: number[];
  cpu: number[];
  baselineRssMb: number;
  peakRssMb: number;
}

function measure(what: string): Measured {
  const cmd = [process.execPath, "--import", "tsx", "bench/tally/measure.ts", what, String(runs)];
  const [bin, ...args] = hasTaskset ? ["taskset", "-c", "1", ...cmd] : cmd;
  const out = spawnSync(bin!, args, {
    encoding: "utf8",
    env: { ...process.env, NODE_ENV: "production" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  if (out.status !== 0) throw new Error(`measure ${what} exited with ${out.status}`);
  return JSON.parse(out.stdout.trim().split("\n").at(-1)!) as Measured;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const ms = (x: number) => (x >= 100 ? x.toFixed(0) : x.toFixed(1));

const round = generateRound();
const load0 = os.loadavg()[0]!;
const results = ["count", "greedy", "mes-none", "mes-add-one"].map(measure);
const load1 = os.loadavg()[0]!;
const ceiling = median(results[0]!.cpu);

const names: Record<string, string> = {
  count: "ceiling: count approvals, one pass",
  greedy: "greedy",
  "mes-none": "Equal Shares, no completion",
  "mes-add-one": "Equal Shares, add-one completion",
};
const lines = [
  `Tally benchmark, ${new Date().toISOString().slice(0, 10)}, ${os.cpus()[0]?.model ?? "cpu"}, ` +
    `${os.cpus().length} cores, Node ${process.version}${hasTaskset ? ", pinned to core 1" : ""}; ` +
    `load average ${load0.toFixed(1)} before, ${load1.toFixed(1)} after.`,
  `Round: ${DEFAULT_SHAPE.voters.toLocaleString("en")} approval ballots, ` +
    `${DEFAULT_SHAPE.projects} projects, budget ${Number(round.budget).toLocaleString("en")}, ` +
    `seed ${DEFAULT_SHAPE.seed}; warm-up then ${runs} runs each.`,
  "",
  "| method | wall median (ms) | spread (ms) | CPU median (ms) | × ceiling (CPU) | peak RSS (MB) | data alone (MB) | outcome |",
  "|---|---:|---:|---:|---:|---:|---:|---|",
];
for (const r of results) {
  const cpu = median(r.cpu);
  lines.push(
    `| ${names[r.what]} | ${ms(median(r.wall))} | ${ms(Math.min(...r.wall))}–${ms(Math.max(...r.wall))} | ` +
      `${ms(cpu)} | ${(cpu / ceiling).toFixed(0)} | ${r.peakRssMb.toFixed(0)} | ` +
      `${r.baselineRssMb.toFixed(0)} | ${r.summary} |`,
  );
}
console.log(lines.join("\n"));
