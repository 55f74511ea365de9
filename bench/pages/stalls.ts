/**
 * The longest stretches a function stayed on the stack in a V8 CPU profile: where a server stalled.
 *
 * Under load a page's own work is a few milliseconds; while one piece of synchronous work runs
 * longer, every request in flight waits for it, and the p99 at 50 connections carries the wait.
 * A profile's totals hide such a stall among thousands of short calls (the index's charts, drawn
 * in 100–250 ms every time their kept figures expired, were 5 % of the total). Here every sample
 * is read in order, and for each function (of the app's build or a package; node's internals and
 * React's renderer, which is on the stack of every page, are left out) the longest run of
 * consecutive samples with it on the stack is reported, with when it began and the share of all
 * samples it is on the stack in. Consecutive samples of a function on every request's path (Remix's
 * `handleDocumentRequest`, a loader) may come from different requests in a row, so such a
 * function forms long stretches without stalling anything: functions on the stack in more than
 * `--max-share` of the samples (20 % by default) are left out. A stall is a long stretch of a
 * function with a small share.
 *
 *   BENCH_CPU_PROF=/tmp/prof npm run bench:pages …      (or node --cpu-prof, bench:page-cpu)
 *   npx tsx bench/pages/stalls.ts /tmp/prof/CPU.….cpuprofile [--top 25] [--from 5] [--max-share 0.2]
 *
 * `--from S` leaves out stretches that began in the first S seconds of the profile (start-up, the
 * first requests compiled).
 *
 * On a machine shared with other work a stretch can also be the process waiting for a core: one
 * stretch in a function that does nothing slow is that, a stretch again and again in the same
 * function is the function.
 */
import fs from "node:fs";
import { arg } from "../support";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

const file = process.argv[2];
if (!file || file.startsWith("--")) {
  throw new Error("usage: stalls.ts PROFILE.cpuprofile [--top 25] [--from 0]");
}
const top = Number(arg("top", "25"));
const fromUs = Number(arg("from", "0")) * 1e6;
const maxShare = Number(arg("max-share", "0.2"));
const profile = JSON.parse(fs.readFileSync(file, "utf8")) as Profile;

const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parentOf = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parentOf.set(c, n.id);

/** Frames every page has on its stack, which would report the whole run as one stretch. */
const EVERYWHERE = /react-dom-server|\/node_modules\/react\/|^\(/;
const name = (f: ProfileNode["callFrame"]) =>
  `${f.functionName || "(anonymous)"} ${f.url.replace(/^.*\/node_modules\//, "").replace(/^file:\/\/.*?\/(build|app)\//, "$1/")}:${f.lineNumber + 1}`;

const stacks = new Map<number, Set<string>>();
function stackOf(sample: number): Set<string> {
  let stack = stacks.get(sample);
  if (stack) return stack;
  stack = new Set();
  for (let id: number | undefined = sample; id !== undefined; id = parentOf.get(id)) {
    const frame = byId.get(id)!.callFrame;
    // node's internals (node:…) and frames without a script (GC, idle, program) are not stalls.
    if (frame.url && !frame.url.startsWith("node:") && !EVERYWHERE.test(frame.url)) {
      stack.add(name(frame));
    }
  }
  stacks.set(sample, stack);
  return stack;
}

const open = new Map<string, number>();
const onStack = new Map<string, number>();
const longest = new Map<string, { us: number; at: number }>();
const close = (fn: string, now: number) => {
  const began = open.get(fn)! - profile.startTime;
  const us = now - open.get(fn)!;
  const best = longest.get(fn);
  if (began >= fromUs && (!best || us > best.us)) longest.set(fn, { us, at: began });
  open.delete(fn);
};
let now = profile.startTime;
profile.samples.forEach((sample, i) => {
  now += profile.timeDeltas[i] ?? 0;
  const stack = stackOf(sample);
  for (const fn of stack) {
    onStack.set(fn, (onStack.get(fn) ?? 0) + (profile.timeDeltas[i] ?? 0));
    if (!open.has(fn)) open.set(fn, now);
  }
  for (const fn of [...open.keys()]) if (!stack.has(fn)) close(fn, now);
});
for (const fn of [...open.keys()]) close(fn, now);

// Module bodies (an anonymous function at line 1) run once, at start-up: not a stall under load.
const total = now - profile.startTime;
const share = (fn: string) => (onStack.get(fn) ?? 0) / total;
const rows = [...longest]
  .filter(([fn]) => !/^\(anonymous\) \S+:1$/.test(fn) && share(fn) <= maxShare)
  .sort((a, b) => b[1].us - a[1].us)
  .slice(0, top);
for (const [fn, { us, at }] of rows) {
  console.log(
    `${(us / 1000).toFixed(1).padStart(8)} ms  from ${(at / 1e6).toFixed(2).padStart(6)} s  ` +
      `${(100 * share(fn)).toFixed(1).padStart(5)} %  ${fn}`,
  );
}
