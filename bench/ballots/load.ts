/**
 * Load generator (its own process): CONCURRENCY workers on keep-alive connections, each sending its
 * next request as soon as the previous one is answered (a closed loop). In the voting modes each
 * request is one ballot of a fresh voter (never reused) with a random valid choice, posted to the
 * page's action as a Remix data request; in the ceiling modes it is a GET. Counts and latencies
 * only for requests sent inside the measured window; the server group's and its database's CPU
 * are read at the window's edges (bench/support.ts). Writes every accepted ballot (voter, receipt, choices) and every voter whose outcome is
 * unknown (transport error) to OUT_FILE for the database check, and prints one JSON line.
 *
 *   tsx bench/ballots/load.ts URL MODE PREPARED_JSON WARMUP_S MEASURE_S WATCH_JSON OUT_FILE CONCURRENCY
 *   MODE: hello | bare | healthz | poll | round
 */
import fs from "node:fs";
import http from "node:http";
import { monitorEventLoopDelay, performance } from "node:perf_hooks";
import type { Prepared } from "./prepare";
import { cpuBetween, cpuSnapshot, type Watch } from "../support";

const [url, mode, preparedFile, warmupArg, measureArg, watchArg, outFile, concurrencyArg] =
  process.argv.slice(2);
if (!url || !mode || !preparedFile || !watchArg || !outFile)
  throw new Error(
    "usage: load.ts URL MODE PREPARED_JSON WARMUP_S MEASURE_S WATCH_JSON OUT_FILE CONCURRENCY",
  );
if (!["hello", "bare", "healthz", "poll", "round"].includes(mode))
  throw new Error(`unknown mode ${mode}`);
const prepared = JSON.parse(fs.readFileSync(preparedFile, "utf8")) as Prepared;
const warmupMs = Number(warmupArg ?? 5) * 1000;
const measureMs = Number(measureArg ?? 10) * 1000;
const watch = JSON.parse(watchArg) as Watch;
const concurrency = Number(concurrencyArg ?? 50);
const voting = mode === "poll" || mode === "round";
/** The bare Remix action: the same form as a poll ballot, read and answered with a receipt. */
const bare = mode === "bare";
const { hostname, port, origin } = new URL(url);

const agent = new http.Agent({
  keepAlive: true,
  maxSockets: concurrency,
  maxFreeSockets: concurrency,
});

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

function send(method: string, path: string, headers: http.OutgoingHttpHeaders, body?: string) {
  return new Promise<Answer>((resolve, reject) => {
    const req = http.request({ host: hostname, port, method, path, headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks).toString("utf8"),
        }),
      );
      res.on("error", reject);
    });
    req.setTimeout(30_000, () => req.destroy(new Error("timeout")));
    req.on("error", reject);
    req.end(body);
  });
}

const shuffled = <T>(xs: readonly T[]): T[] => {
  const a = [...xs];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
};

/** A valid ballot: one option of the poll; or one to five projects that fit the round's budget. */
function ballot(): number[] {
  if (mode === "poll") {
    return [prepared.optionIds[Math.floor(Math.random() * prepared.optionIds.length)]!];
  }
  const want = 1 + Math.floor(Math.random() * 5);
  const chosen: number[] = [];
  let total = 0;
  for (const p of shuffled(prepared.projects)) {
    if (chosen.length === want) break;
    if (total + p.cost <= prepared.budget) {
      chosen.push(p.id);
      total += p.cost;
    }
  }
  return chosen;
}

const actionPath =
  mode === "poll"
    ? `/polls/${prepared.pollId}?_data=${encodeURIComponent("routes/polls.$id._index")}`
    : `/budgets/${prepared.roundId}?_data=${encodeURIComponent("routes/budgets.$id._index")}`;

/** Why a request was not accepted, in a few words: status and the refusal's message key. */
function refusalOf(a: Answer): string {
  const redirect = a.headers["x-remix-redirect"];
  if (redirect) return `${a.status} redirect ${String(redirect)}`;
  try {
    const parsed = JSON.parse(a.body) as {
      errors?: Record<string, { key: string }>;
      error?: { key: string };
      message?: string;
    };
    const key =
      Object.values(parsed.errors ?? {})[0]?.key ?? parsed.error?.key ?? parsed.message ?? "?";
    return `${a.status} ${key}`;
  } catch {
    return `${a.status} ${a.body.slice(0, 80)}`;
  }
}

const clock = () => performance.now();
const begin = clock();
const windowStart = begin + warmupMs;
const windowEnd = windowStart + measureMs;

let nextVoter = 0;
let exhausted = false;
const all = { sent: 0, accepted: 0, refused: 0, errors: 0 };
const inWindow = { sent: 0, accepted: 0, refused: 0, errors: 0 };
const latencies: number[] = [];
const refusals = new Map<string, number>();
const acceptedBallots: Array<{ u: number; r: string; c: number[] }> = [];
const unknownOutcome: number[] = [];

async function worker() {
  for (;;) {
    const t0 = clock();
    if (t0 >= windowEnd) return;
    const counted = t0 >= windowStart;
    let voter: Prepared["voters"][number] | undefined;
    let choices: number[] = [];
    let answer: Promise<Answer>;
    if (bare) {
      const body = new URLSearchParams([
        ["intent", "vote"],
        ["choice", String(prepared.optionIds[0])],
      ]).toString();
      answer = send(
        "POST",
        `/vote?_data=${encodeURIComponent("routes/vote")}`,
        {
          "Content-Type": "application/x-www-form-urlencoded",
          "Content-Length": Buffer.byteLength(body),
          Cookie: `liuhe_session=${prepared.voters[0]!.token}`,
          Origin: origin,
        },
        body,
      );
    } else if (voting) {
      voter = prepared.voters[nextVoter++];
      if (!voter) {
        exhausted = true;
        return;
      }
      choices = ballot();
      const form = new URLSearchParams([["intent", "vote"]]);
      for (const c of choices) form.append("choice", String(c));
      const body = form.toString();
      answer = send(
        "POST",
        actionPath,
        {
          "Content-Type": "application/x-www-form-urlencoded",
          "Content-Length": Buffer.byteLength(body),
          Cookie: `liuhe_session=${voter.token}`,
          Origin: origin,
        },
        body,
      );
    } else {
      answer = send("GET", mode === "healthz" ? "/healthz" : "/", {});
    }
    all.sent++;
    if (counted) inWindow.sent++;
    let a: Answer;
    try {
      a = await answer;
    } catch (e) {
      all.errors++;
      if (counted) inWindow.errors++;
      const key = `error ${(e as Error).message}`;
      refusals.set(key, (refusals.get(key) ?? 0) + 1);
      if (voter) unknownOutcome.push(voter.userId);
      continue;
    }
    const ms = clock() - t0;
    let receipt: string | undefined;
    if (a.status === 200) {
      if (voting || bare) {
        try {
          receipt = (JSON.parse(a.body) as { receipt?: string }).receipt;
        } catch {
          receipt = undefined;
        }
      } else receipt = "ok";
    }
    if (receipt) {
      all.accepted++;
      if (voter) acceptedBallots.push({ u: voter.userId, r: receipt, c: choices });
      if (counted) {
        inWindow.accepted++;
        latencies.push(ms);
      }
    } else {
      const key = refusalOf(a);
      if (a.status >= 500) {
        all.errors++;
        if (counted) inWindow.errors++;
        if (voter) unknownOutcome.push(voter.userId);
      } else {
        all.refused++;
        if (counted) inWindow.refused++;
      }
      refusals.set(key, (refusals.get(key) ?? 0) + 1);
      if (counted) latencies.push(ms);
    }
  }
}

const snapshot = async () => ({ ...(await cpuSnapshot(watch)), self: process.cpuUsage() });
const loop = monitorEventLoopDelay({ resolution: 10 });
type Snapshot = Awaited<ReturnType<typeof snapshot>>;
let first: Promise<Snapshot> | undefined;
let last: Promise<Snapshot> | undefined;
setTimeout(() => {
  first = snapshot();
  loop.enable();
}, warmupMs);
setTimeout(() => {
  last = snapshot();
  loop.disable();
}, warmupMs + measureMs);

await Promise.all(Array.from({ length: concurrency }, () => worker()));
// The last window timer may still be pending if every worker stopped early (voters ran out).
while (!last) await new Promise((r) => setTimeout(r, 50));
agent.destroy();
const a = await first!;
const b = await last;
const selfCpu = b.self.user + b.self.system - (a.self.user + a.self.system);

latencies.sort((a, b) => a - b);
const pct = (p: number) =>
  latencies.length
    ? latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))]!
    : NaN;
const round1 = (x: number) => Math.round(x * 10) / 10;
fs.writeFileSync(outFile, JSON.stringify({ accepted: acceptedBallots, unknown: unknownOutcome }));
console.log(
  JSON.stringify({
    mode,
    concurrency,
    window: inWindow,
    all,
    refusals: Object.fromEntries(refusals),
    exhausted,
    votersUsed: Math.min(nextVoter, prepared.voters.length),
    perSecond: Math.round(inWindow.accepted / (measureMs / 1000)),
    p50: round1(pct(50)),
    p99: round1(pct(99)),
    max: round1(latencies[latencies.length - 1] ?? NaN),
    ...cpuBetween(a, b),
    loadCpuPercent: Math.round((selfCpu / 1000 / measureMs) * 100),
    loadLoopDelayP99Ms: round1(loop.percentile(99) / 1e6),
  }),
);
process.exit(0);
