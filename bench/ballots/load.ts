/**
 * Load generator (its own process): CONCURRENCY workers on keep-alive connections, each sending its
 * next request as soon as the previous one is answered (a closed loop). In the voting modes each
 * request is one ballot of a fresh voter (never reused) with a random valid choice, posted to the
 * page's action as a Remix data request; in the ceiling modes it is a GET. Counts and latencies
 * only for requests sent inside the measured window; the server group's and its database's CPU
 * are read at the window's edges (bench/support.ts; the loop is bench/support/http-load.ts's).
 * Writes every accepted ballot (voter, receipt, choices) and every voter whose outcome is unknown
 * (transport error) to OUT_FILE for the database check, and prints one JSON line.
 *
 *   tsx bench/ballots/load.ts URL MODE PREPARED_JSON WARMUP_S MEASURE_S WATCH_JSON OUT_FILE CONCURRENCY
 *   MODE: hello | bare | healthz | poll | round
 */
import fs from "node:fs";
import type { Prepared } from "./prepare";
import {
  acceptanceLoop,
  keepAliveClient,
  loadArgs,
  refusalOf,
  runWindow,
  type Attempt,
} from "../support/http-load";

const { url, mode, prepared, warmupMs, measureMs, watch, outFile, concurrency } =
  loadArgs<Prepared>(
    "load.ts URL MODE PREPARED_JSON WARMUP_S MEASURE_S WATCH_JSON OUT_FILE CONCURRENCY",
    ["hello", "bare", "healthz", "poll", "round"],
  );
const voting = mode === "poll" || mode === "round";
/** The bare Remix action: the same form as a poll ballot, read and answered with a receipt. */
const bare = mode === "bare";
const { origin } = new URL(url);
const client = keepAliveClient(url, concurrency);

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

let nextVoter = 0;
let exhausted = false;
const acceptedBallots: Array<{ u: number; r: string; c: number[] }> = [];
const unknownOutcome: number[] = [];

type Ballot = { voter: Prepared["voters"][number]; choices: number[] };
/** The next request: a fresh voter's ballot, the bare action's form, or a ceiling's GET. */
function nextRequest(): Attempt<Ballot> | null {
  if (bare) {
    const body = new URLSearchParams([
      ["intent", "vote"],
      ["choice", String(prepared.optionIds[0])],
    ]).toString();
    return {
      answer: client.postForm(`/vote?_data=${encodeURIComponent("routes/vote")}`, body, {
        Cookie: `liuhe_session=${prepared.voters[0]!.token}`,
        Origin: origin,
      }),
    };
  }
  if (voting) {
    const voter = prepared.voters[nextVoter++];
    if (!voter) {
      exhausted = true;
      return null;
    }
    const choices = ballot();
    const form = new URLSearchParams([["intent", "vote"]]);
    for (const c of choices) form.append("choice", String(c));
    return {
      answer: client.postForm(actionPath, form.toString(), {
        Cookie: `liuhe_session=${voter.token}`,
        Origin: origin,
      }),
      subject: { voter, choices },
    };
  }
  return { answer: client.send("GET", mode === "healthz" ? "/healthz" : "/", {}) };
}

const loop = acceptanceLoop({
  requests: () => nextRequest,
  accepted: (a) => {
    if (a.status !== 200) return undefined;
    if (!voting && !bare) return "ok";
    try {
      return (JSON.parse(a.body) as { receipt?: string }).receipt;
    } catch {
      return undefined;
    }
  },
  refusalOf: (a) => refusalOf(a),
  onAccepted: ({ voter, choices }, receipt) =>
    acceptedBallots.push({ u: voter.userId, r: receipt!, c: choices }),
  onUnknown: ({ voter }) => unknownOutcome.push(voter.userId),
});

const measured = await runWindow({ warmupMs, measureMs, watch, concurrency, worker: loop.worker });
client.close();

fs.writeFileSync(outFile, JSON.stringify({ accepted: acceptedBallots, unknown: unknownOutcome }));
console.log(
  JSON.stringify({
    mode,
    concurrency,
    ...loop.figures(measureMs, {
      exhausted,
      votersUsed: Math.min(nextVoter, prepared.voters.length),
    }),
    ...measured.figures(),
  }),
);
process.exit(0);
