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
 * its database's CPU are read at the window's edges (bench/support.ts; the loop is
 * bench/support/http-load.ts's). Writes every accepted vote
 * (voter, statement, value) and every vote whose outcome is unknown (transport error, 5xx) to
 * OUT_FILE for the database check, and prints one JSON line.
 *
 *   tsx bench/opinion-votes/load.ts URL MODE PREPARED_JSON WARMUP_S MEASURE_S WATCH_JSON OUT_FILE CONCURRENCY PER_VOTER
 */
import fs from "node:fs";
import type { Prepared } from "./prepare";
import { leaningVote, wordOf } from "./lean";
import {
  acceptanceLoop,
  keepAliveClient,
  loadArgs,
  refusalOf,
  runWindow,
  type Answer,
  type Attempt,
} from "../support/http-load";

const { url, mode, prepared, warmupMs, measureMs, watch, outFile, concurrency, rest } =
  loadArgs<Prepared>(
    "load.ts URL MODE PREPARED_JSON WARMUP_S MEASURE_S WATCH_JSON OUT_FILE CONCURRENCY PER_VOTER",
    ["hello", "bare", "healthz", "vote", "vote-nojs"],
  );
const perVoter = Math.min(Number(rest[0] ?? 30), prepared.statementIds.length);
const voting = mode === "vote" || mode === "vote-nojs";
const bare = mode === "bare";
const { origin } = new URL(url);
const client = keepAliveClient(url, concurrency);

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

let nextVoter = 0;
let exhausted = false;
/** [user, statement, value]: one vote. */
type Vote = [number, number, number];
/** Every vote the server said it took. */
const acceptedVotes: Vote[] = [];
/** [user, statement] of every vote whose outcome is unknown. */
const unknownOutcome: Array<[number, number]> = [];

/** One worker's requests: a resident's answers one at a time, then the next resident's. */
function requests() {
  let voter: Prepared["voters"][number] | undefined;
  let queue: number[] = [];
  return (): Attempt<Vote> | null => {
    if (!voting && !bare)
      return { answer: client.send("GET", mode === "healthz" ? "/healthz" : "/", {}) };
    if (queue.length === 0) {
      // The bare action takes no session: one voter's cookie on every request is enough.
      voter = bare ? prepared.voters[0] : prepared.voters[nextVoter++];
      if (!voter) {
        exhausted = true;
        return null;
      }
      queue = someStatements(perVoter);
    }
    const statementId = queue.pop()!;
    const vote = leaningVote(voter!.userId, statementId, Math.random());
    const cast: Vote = [voter!.userId, statementId, vote];
    const answer = client.postForm(actionPath, voteForm(statementId, vote), {
      Cookie: `liuhe_session=${voter!.token}`,
      // The Origin a browser sends with a form post; the server refuses a cross-site one.
      Origin: origin,
    });
    // Only Liuhe's votes are checked against the database: the bare action stores nothing.
    return { answer, subject: voting ? cast : undefined };
  };
}

const loop = acceptanceLoop({
  requests,
  accepted: acceptedAnswer,
  refusalOf: (a) => refusalOf(a, a.headers["x-remix-redirect"] ?? a.headers.location),
  onAccepted: (cast) => acceptedVotes.push(cast),
  onUnknown: ([user, statement]) => unknownOutcome.push([user, statement]),
});

const measured = await runWindow({ warmupMs, measureMs, watch, concurrency, worker: loop.worker });
client.close();

fs.writeFileSync(outFile, JSON.stringify({ accepted: acceptedVotes, unknown: unknownOutcome }));
console.log(
  JSON.stringify({
    mode,
    concurrency,
    ...loop.figures(measureMs, {
      exhausted,
      votersUsed: voting ? Math.min(nextVoter, prepared.voters.length) : 0,
    }),
    windowStartEpochMs: measured.a.epochMs,
    windowEndEpochMs: measured.b.epochMs,
    ...measured.figures(),
  }),
);
process.exit(0);
