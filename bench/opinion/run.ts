/**
 * Opinion map benchmark (issue 18, "Benchmark"): recomputing the map of a synthetic conversation
 * of 2,000 participants × 900 statements (the size of the largest shared Polis conversation,
 * scaled up) with three groups (5 : 3 : 2) and the sparsity of real ones: most participants
 * answer a handful of statements, a few answer hundreds (Pareto tail), about 5 % of the cells
 * filled (football-concussions: 3 %). RUNS fresh processes, each computing the map once to warm
 * up and then TIMES more; the process is pinned to one core (taskset -c 1) when taskset exists.
 *
 *   npm run bench:opinion -- [--participants 2000] [--statements 900] [--runs 3] [--times 5]
 *
 * Prints the median time with its spread over every timed computation, the peak RSS and heap of
 * each process, and how well the groups drawn from match the map's (adjusted Rand index).
 */
import { spawnSync } from "node:child_process";
import os from "node:os";
import { arg, spread } from "../support";

const participants = Number(arg("participants", "2000"));
const statements = Number(arg("statements", "900"));
const runs = Number(arg("runs", "3"));
const times = Number(arg("times", "5"));
const pinned = spawnSync("taskset", ["-V"]).status === 0;

interface Figures {
  votes: number;
  density: number;
  inMap: number;
  k: number;
  ari: number;
  ms: number[];
  rssBefore: number;
  heapBefore: number;
  peakHeap: number;
  peakRss: number;
}
const results: Figures[] = [];
for (let r = 0; r < runs; r++) {
  const command = [process.execPath, "--import", "tsx", "bench/opinion/measure.ts"];
  const args = [String(participants), String(statements), String(times)];
  const child = pinned
    ? spawnSync("taskset", ["-c", "1", ...command, ...args], { encoding: "utf8" })
    : spawnSync(command[0]!, [...command.slice(1), ...args], { encoding: "utf8" });
  if (child.status !== 0) throw new Error(`measure failed: ${child.stderr}`);
  results.push(JSON.parse(child.stdout.trim().split("\n").at(-1)!) as Figures);
}
const first = results[0]!;
const f1 = (x: number) => x.toFixed(1);
console.log(
  `opinion map, ${participants} × ${statements}, ${first.votes} votes (${(first.density * 100).toFixed(1)} % of cells), ${first.inMap} in the map; ${os.cpus()[0]?.model ?? "cpu"}, node ${process.version}${pinned ? ", pinned to core 1" : ""}, ${new Date().toISOString().slice(0, 10)}`,
);
console.log(`| what | figure |`);
console.log(`|---|---|`);
console.log(
  `| time per recompute, ms (median, min–max of ${runs * times}) | ${spread(
    results.flatMap((r) => r.ms),
    f1,
  )} |`,
);
console.log(
  `| peak RSS, MB (per process, incl. the data) | ${spread(
    results.map((r) => r.peakRss),
    f1,
  )} |`,
);
console.log(
  `| RSS with the votes loaded, before any map, MB | ${spread(
    results.map((r) => r.rssBefore),
    f1,
  )} |`,
);
console.log(
  `| peak heap used, MB (after a recompute; before: ${f1(first.heapBefore)}) | ${spread(
    results.map((r) => r.peakHeap),
    f1,
  )} |`,
);
console.log(
  `| groups found / ARI against the groups drawn from | ${first.k} / ${first.ari.toFixed(3)} |`,
);
