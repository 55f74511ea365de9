/**
 * One measurement, in its own process so that its peak RSS is its own: generate the round, warm
 * up once, then time `runs` runs. Prints one JSON line for run.ts.
 *
 *   tsx bench/tally/measure.ts count|greedy|mes-none|mes-add-one [runs]
 */
import { equalShares, greedy, type TallyInput } from "../../app/domain/voting/tally";
import { generateRound } from "./generate";

const what = process.argv[2] ?? "";
const runs = Number(process.argv[3] ?? "3");

/**
 * The ceiling: one pass over the ballots counting approvals, the least any tally must do. The
 * tallies' times are quoted as multiples of it, which drift far less than absolute times on a
 * shared machine.
 */
function countApprovals(input: TallyInput): Map<string, number> {
  const counts = new Map<string, number>();
  for (const b of input.ballots)
    for (const id of b as readonly string[]) counts.set(id, (counts.get(id) ?? 0) + 1);
  return counts;
}

const tasks: Record<string, (input: TallyInput) => string> = {
  count: (input) => `${countApprovals(input).size} projects counted`,
  greedy: (input) => {
    const r = greedy(input);
    return `${r.selected.length} funded, ${r.totalCost.num} of ${r.budget.num} spent`;
  },
  "mes-none": (input) => {
    const r = equalShares(input, { completion: "none" });
    return `${r.selected.length} funded, ${r.totalCost.num} spent`;
  },
  "mes-add-one": (input) => {
    const r = equalShares(input, { completion: "add-one" });
    return `${r.selected.length} funded, ${r.totalCost.num} spent, ${r.increments} raises`;
  },
};

const task = tasks[what];
if (!task) {
  process.stderr.write(`measure: unknown task "${what}"\n`);
  process.exit(2);
}
const input = generateRound();
const baselineRssMb = process.memoryUsage().rss / 2 ** 20;
const summary = task(input); // warm-up: JIT, and the first allocation of everything
const wall: number[] = [];
const cpu: number[] = [];
for (let i = 0; i < runs; i++) {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  task(input);
  wall.push(performance.now() - t0);
  const c = process.cpuUsage(c0);
  cpu.push((c.user + c.system) / 1000);
}
process.stdout.write(
  JSON.stringify({
    what,
    summary,
    wall,
    cpu,
    baselineRssMb,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
  }) + "\n",
);
