/**
 * Load generator (its own process): CONCURRENCY workers on keep-alive connections, each sending its
 * next request as soon as the previous one is answered (a closed loop). In the voting modes each
 * worker is one resident at a time, answering PER_VOTER statements one after another, each a
 * different statement in a random order, then handing over to the next resident (never reused): as
 * people use the vote card, one answer at a time, so no person has two answers in flight.
 *
 *   vote       the vote card with JavaScript: the fetcher's POST (`via=fetcher`, a Remix data
 *              request to the page's action), answered 200 `{ voted: true }`
 *   vote-nojs  the same form without JavaScript (and in 长辈版): a plain POST, answered 302 back
 *              to the page (the page the browser then loads is not part of this measurement)
 *   bare       the same form posted to the bare Remix action (bench/pages/bare, `routes/vote`):
 *              it reads the form and answers, nothing else (the ceiling)
 *   hello, healthz  GETs of the outer ceilings
 *
 * Counts and latencies only for requests sent inside the measured window; the server group's and
 * its database's CPU are read at the window's edges (bench/support.ts). Writes every accepted vote
 * (voter, statement, value) and every vote whose outcome is unknown (transport error, 5xx) to
 * OUT_FILE for the database check, and prints one JSON line.
 *
 *   tsx bench/opinion-votes/load.ts URL MODE PREPARED_JSON WARMUP_S MEASURE_S WATCH_JSON OUT_FILE CONCURRENCY PER_VOTER
 */
import fs from "node:fs";
import http from "node:http";
import { monitorEventLoopDelay, performance } from "node:perf_hooks";
import type { Prepared } from "./prepare";
import { leaningVote, wordOf } from "./lean";
import { cpuBetween, cpuSnapshot, type Watch } from "../support";

const [
  url,
  mode,
  preparedFile,
  warmupArg,
  measureArg,
  watchArg,
  outFile,
  concurrencyArg,
  perVoterArg,
] = process.argv.slice(2);
if (!url || !mode || !preparedFile || !watchArg || !outFile)
  throw new Error(
    "usage: load.ts URL MODE PREPARED_JSON WARMUP_S MEASURE_S WATCH_JSON OUT_FILE CONCURRENCY PER_VOTER",
  );
if (!["hello", "bare", "healthz", "vote", "vote-nojs"].includes(mode))
  throw new Error(`unknown mode ${mode}`);
const prepared = JSON.parse(fs.readFileSync(preparedFile, "utf8")) as Prepared;
const warmupMs = Number(warmupArg ?? 5) * 1000;
const measureMs = Number(measureArg ?? 10) * 1000;
const watch = JSON.parse(watchArg) as Watch;
const concurrency = Number(concurrencyArg ?? 50);
const perVoter = Math.min(Number(perVoterArg ?? 30), prepared.statementIds.length);
const voting = mode === "vote" || mode === "vote-nojs";
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

/** `n` different statements in a random order. */
function someStatements(n: number): number[] {
  const a = [...prepared.statementIds];
  for (let i = 0; i < n; i++) {
    const j = i + Math.floor(Math.random() * (a.length - i));
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a.slice(0, n);
}

// Where the page's forms post: Remix's <Form> and fetcher.Form add `?index` for an index route,
// and the fetcher asks for the action's data (`_data`) instead of a redirect.
const pagePath = `/conversations/${prepared.conversationId}?index`;
const actionPath =
  mode === "vote"
    ? `${pagePath}&_data=${encodeURIComponent("routes/conversations.$id._index")}`
    : mode === "bare"
      ? `/vote?_data=${encodeURIComponent("routes/vote")}`
      : pagePath;

/** The vote card's form, fields in the order the browser sends them (the button's last). */
function voteForm(statementId: number, vote: -1 | 0 | 1): string {
  const form = new URLSearchParams([
    ["intent", "vote"],
    ["statementId", String(statementId)],
  ]);
  if (mode !== "vote-nojs") form.append("via", "fetcher");
  form.append("vote", wordOf(vote));
  return form.toString();
}

/** Whether the answer is the page's "voted" (or, for the ceilings, their plain success). */
function acceptedAnswer(a: Answer): boolean {
  if (mode === "vote-nojs") {
    return a.status === 302 && /[?&]done=voted/.test(String(a.headers.location ?? ""));
  }
  if (a.status !== 200) return false;
  if (mode === "hello" || mode === "healthz") return true;
  try {
    const parsed = JSON.parse(a.body) as { voted?: boolean; receipt?: string };
    return mode === "vote" ? parsed.voted === true : typeof parsed.receipt === "string";
  } catch {
    return false;
  }
}

/** Why a request was not accepted, in a few words: status and the refusal's message key. */
function refusalOf(a: Answer): string {
  const redirect = a.headers["x-remix-redirect"] ?? a.headers.location;
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
/** [user, statement, value] of every vote the server said it took. */
const acceptedVotes: Array<[number, number, number]> = [];
/** [user, statement] of every vote whose outcome is unknown. */
const unknownOutcome: Array<[number, number]> = [];

async function worker() {
  let voter: Prepared["voters"][number] | undefined;
  let queue: number[] = [];
  for (;;) {
    const t0 = clock();
    if (t0 >= windowEnd) return;
    const counted = t0 >= windowStart;
    let cast: [number, number, number] | undefined;
    let answer: Promise<Answer>;
    if (voting || bare) {
      if (queue.length === 0) {
        // The bare action takes no session: one voter's cookie on every request is enough.
        voter = bare ? prepared.voters[0] : prepared.voters[nextVoter++];
        if (!voter) {
          exhausted = true;
          return;
        }
        queue = someStatements(perVoter);
      }
      const statementId = queue.pop()!;
      const vote = leaningVote(voter!.userId, statementId, Math.random());
      cast = [voter!.userId, statementId, vote];
      const body = voteForm(statementId, vote);
      answer = send(
        "POST",
        actionPath,
        {
          "Content-Type": "application/x-www-form-urlencoded",
          "Content-Length": Buffer.byteLength(body),
          Cookie: `liuhe_session=${voter!.token}`,
          // The Origin a browser sends with a form post; the server refuses a cross-site one.
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
      if (voting && cast) unknownOutcome.push([cast[0], cast[1]]);
      continue;
    }
    const ms = clock() - t0;
    if (acceptedAnswer(a)) {
      all.accepted++;
      if (voting && cast) acceptedVotes.push(cast);
      if (counted) {
        inWindow.accepted++;
        latencies.push(ms);
      }
    } else {
      const key = refusalOf(a);
      if (a.status >= 500) {
        all.errors++;
        if (counted) inWindow.errors++;
        if (voting && cast) unknownOutcome.push([cast[0], cast[1]]);
      } else {
        all.refused++;
        if (counted) inWindow.refused++;
      }
      refusals.set(key, (refusals.get(key) ?? 0) + 1);
      if (counted) latencies.push(ms);
    }
  }
}

const snapshot = async () => ({
  ...(await cpuSnapshot(watch)),
  self: process.cpuUsage(),
  epochMs: Date.now(),
});
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

latencies.sort((x, y) => x - y);
const pct = (p: number) =>
  latencies.length
    ? latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))]!
    : NaN;
const round1 = (x: number) => Math.round(x * 10) / 10;
fs.writeFileSync(outFile, JSON.stringify({ accepted: acceptedVotes, unknown: unknownOutcome }));
const { self: _aSelf, epochMs: windowStartEpochMs, ...cpuA } = a;
const { self: _bSelf, epochMs: windowEndEpochMs, ...cpuB } = b;
console.log(
  JSON.stringify({
    mode,
    concurrency,
    window: inWindow,
    all,
    refusals: Object.fromEntries(refusals),
    exhausted,
    votersUsed: voting ? Math.min(nextVoter, prepared.voters.length) : 0,
    perSecond: Math.round(inWindow.accepted / (measureMs / 1000)),
    p50: round1(pct(50)),
    p99: round1(pct(99)),
    max: round1(latencies[latencies.length - 1] ?? NaN),
    windowStartEpochMs,
    windowEndEpochMs,
    ...cpuBetween(cpuA, cpuB),
    loadCpuPercent: Math.round((selfCpu / 1000 / measureMs) * 100),
    loadLoopDelayP99Ms: round1(loop.percentile(99) / 1e6),
  }),
);
process.exit(0);
