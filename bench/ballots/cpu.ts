/**
 * CPU per ballot without HTTP: the production build's Remix handler called in this process, a
 * fresh voter per ballot, CONCURRENCY ballots in flight at once (so that they share transactions
 * on SQLite as under load), on a database prepared as the ballots benchmark prepares its own
 * (./prepare.ts). Far less noisy than the load benchmark on a shared machine, so that two versions
 * of a ballot can be compared by CPU alone; run it under `node --cpu-prof` to see where a ballot's
 * time goes. Checks at the end that every ballot answered with a receipt and was stored.
 *
 *   npm run bench:ballot-cpu -- [--kind poll|round] [--ballots 4000] [--concurrency 50] [--build DIR]
 *
 * Needs `npm run build` (or another build's folder, `--build`, to compare two). The database is
 * made in a temporary folder and removed afterwards.
 */
import fs from "node:fs";
import path from "node:path";
import { createRequestHandler, type ServerBuild } from "@remix-run/node";
import { arg, mainAndOtherThreadsMs } from "../support";
import { runPrepare, workDir } from "../support/run";
import type { Prepared } from "./prepare";

const kind = arg("kind", "poll");
if (kind !== "poll" && kind !== "round") throw new Error("--kind is poll or round");
const ballots = Number(arg("ballots", "4000"));
const concurrency = Number(arg("concurrency", "50"));
const WARM = 500;

const work = workDir("ballot-cpu");
const prepared = runPrepare<Prepared>(work, "bench/ballots/prepare.ts", [ballots + WARM]);

process.env.DATABASE_PATH = work.baseDb;
process.env.NODE_ENV = "production";
const build = (await import(path.resolve(arg("build", "build"), "server/index.js"))) as ServerBuild;
const handler = createRequestHandler(build, "production");

const origin = "http://localhost";
const actionPath =
  kind === "poll"
    ? `/polls/${prepared.pollId}?_data=${encodeURIComponent("routes/polls.$id._index")}`
    : `/budgets/${prepared.roundId}?_data=${encodeURIComponent("routes/budgets.$id._index")}`;

/** A valid ballot: one option of the poll, or the first projects that fit the round's budget. */
function choices(i: number): number[] {
  if (kind === "poll") return [prepared.optionIds[i % prepared.optionIds.length]!];
  const chosen: number[] = [];
  let total = 0;
  for (let k = 0; k < prepared.projects.length && chosen.length < 1 + (i % 5); k++) {
    const p = prepared.projects[(i + k) % prepared.projects.length]!;
    if (total + p.cost <= prepared.budget) {
      chosen.push(p.id);
      total += p.cost;
    }
  }
  return chosen;
}

let next = 0;
let failed = 0;
async function cast(voter: Prepared["voters"][number], i: number) {
  const form = new URLSearchParams([["intent", "vote"]]);
  for (const c of choices(i)) form.append("choice", String(c));
  const res = await handler(
    new Request(`${origin}${actionPath}`, {
      method: "POST",
      body: form.toString(),
      headers: {
        "Content-Type": "application/x-www-form-urlencoded",
        Cookie: `liuhe_session=${voter.token}`,
        Origin: origin,
        "User-Agent": "Mozilla/5.0 (bench)",
      },
    }),
  );
  const body = await res.text();
  if (res.status !== 200 || !(JSON.parse(body) as { receipt?: string }).receipt) {
    if (failed++ < 3) console.error(`ballot ${i}: ${res.status} ${body.slice(0, 200)}`);
  }
}

/** `count` ballots, `concurrency` in flight at once. */
async function castMany(count: number) {
  const end = next + count;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < end) {
        const i = next++;
        await cast(prepared.voters[i]!, i);
      }
    }),
  );
}

await castMany(WARM);
const threads = mainAndOtherThreadsMs();
const cpu = process.cpuUsage();
const start = performance.now();
await castMany(ballots);
const used = process.cpuUsage(cpu);
const wall = performance.now() - start;
const threadsUsed = mainAndOtherThreadsMs().map((ms, i) => (ms - threads[i]!) / ballots);

const { getDb } = await import("../../db/client.server");
const column = kind === "poll" ? "pollId" : "roundId";
const id = kind === "poll" ? prepared.pollId : prepared.roundId;
const { n } = await getDb()
  .selectFrom("ballots")
  .select((eb) => eb.fn.countAll<number>().as("n"))
  .where(column, "=", id)
  .executeTakeFirstOrThrow();
console.log(
  `${kind} ballots: ${ballots} (${concurrency} at once), ${failed} failed, ${n} stored of ${ballots + WARM}; ` +
    `${((used.user + used.system) / 1000 / ballots).toFixed(3)} CPU ms (main thread ${threadsUsed[0]!.toFixed(3)}, ` +
    `others ${threadsUsed[1]!.toFixed(3)}: SQLite's and V8's) and ${(wall / ballots).toFixed(3)} ms per ballot`,
);
fs.rmSync(work.dir, { recursive: true, force: true });
process.exit(failed === 0 && Number(n) === ballots + WARM ? 0 : 1);
