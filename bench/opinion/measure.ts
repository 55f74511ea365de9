/**
 * One measuring process for bench/opinion/run.ts: builds the synthetic conversation, computes
 * the map once to warm up, then TIMES more times, and prints one JSON line of figures.
 *
 *   node --import tsx bench/opinion/measure.ts PARTICIPANTS STATEMENTS TIMES
 */
import { adjustedRandIndex, computeOpinionMap } from "../../app/domain/opinion";
import { syntheticConversation } from "../../app/domain/opinion/synthetic";

const [participants, statements, times] = process.argv.slice(2).map(Number) as [
  number,
  number,
  number,
];
const conv = syntheticConversation({
  participants,
  statements,
  groups: [5, 3, 2],
  minVotes: 6,
  tail: 0.9,
  fidelity: 0.8,
  seed: 7,
});
const mb = (bytes: number) => bytes / 2 ** 20;
const before = { rss: mb(process.memoryUsage().rss), heap: mb(process.memoryUsage().heapUsed) };
let peakHeap = 0;
const ms: number[] = [];
let map = computeOpinionMap(conv.votes, conv.statements);
peakHeap = Math.max(peakHeap, mb(process.memoryUsage().heapUsed));
for (let i = 0; i < times; i++) {
  const t = performance.now();
  map = computeOpinionMap(conv.votes, conv.statements);
  ms.push(performance.now() - t);
  peakHeap = Math.max(peakHeap, mb(process.memoryUsage().heapUsed));
}
const truth = map.points.map((p) => conv.truth.get(p.participant)!);
console.log(
  JSON.stringify({
    votes: conv.votes.length,
    density: conv.votes.length / (participants * statements),
    inMap: map.participantsInMap,
    k: map.k,
    ari: adjustedRandIndex(
      truth,
      map.points.map((p) => p.group),
    ),
    ms,
    rssBefore: before.rss,
    heapBefore: before.heap,
    peakHeap,
    // ru_maxrss is in kilobytes on Linux.
    peakRss: process.resourceUsage().maxRSS / 1024,
  }),
);
