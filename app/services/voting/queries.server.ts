/**
 * Polls and budget rounds, the reads: a poll's page with its live or final results, a round's page
 * (counting it on the first view after closing), the lists of a community or meeting, and the
 * projects free to stand in a new round. Writes are commands (`./commands.server.ts`); published
 * ballots and their files are in `./published.server.ts`.
 */
import { getDb } from "../../../db/client.server";
import { authorize, can, decide, type Actor, type Target } from "~/domain/permissions/policy";
import {
  phaseOf,
  RELEASE_STEP_BALLOTS,
  RELEASE_STEP_MINUTES,
  type Phase,
} from "~/domain/voting/rules";
import type { VoteKind } from "~/domain/voting/schemas";
import { countOf, orNull } from "../rows.server";
import { run } from "../runner/command.server";
import { freshReads, shownReads, tick } from "../shown.server";
import { counterOf, tallyRound } from "./commands.server";
import {
  latestRelease,
  loadPoll,
  loadRound,
  paperBox,
  pollTarget,
  pollVotes,
  subjectColumn,
  type PaperBox,
} from "./records.server";

/**
 * Tallies a closed round that has not been counted yet. A round closes by the clock with no one to
 * press a button, so the first view of its page (or a download) after closing counts it, as
 * nobody in person (see `counterOf`); every later view finds it counted and writes nothing.
 */
export async function ensureTallied(roundId: number): Promise<void> {
  const round = await loadRound(getDb(), roundId);
  if (round.talliedAt !== null || phaseOf(round) !== "closed") return;
  // The paper box first: a round is counted once every ballot is in.
  if (!(await paperBox(getDb(), "round", roundId)).settled) return;
  await run(tallyRound, counterOf(round.communityId), { id: roundId });
}

/** The register of paper voters: who voted at the window, when, and who recorded it. */
async function paperVoters(kind: VoteKind, id: number) {
  return getDb()
    .selectFrom("participations")
    .innerJoin("users as voter", "voter.id", "participations.userId")
    .leftJoin("users as clerk", "clerk.id", "participations.enteredBy")
    .select([
      "participations.id",
      "voter.displayName as voterName",
      "clerk.displayName as recordedByName",
      "participations.at",
    ])
    .where(subjectColumn(kind), "=", id)
    .where("participations.channel", "=", "paper")
    .orderBy("participations.id")
    .execute();
}

/**
 * The paper box as the page shows it: the count's progress for everyone (how many papers, how
 * many spoiled, who submitted and confirmed it), and for the committee while it is counted the
 * ballots entered so far (anonymous, in the order they were typed).
 */
async function boxView(box: PaperBox, canManage: boolean, me: number | null, communityId: number) {
  const db = getDb();
  const names = async (ids: Array<number | null>) => {
    const wanted = ids.filter((i): i is number => i !== null);
    const rows = wanted.length
      ? await db
          .selectFrom("users")
          .select(["id", "displayName"])
          .where("id", "in", wanted)
          .execute()
      : [];
    return (i: number | null) =>
      i === null ? null : (rows.find((r) => r.id === i)?.displayName ?? "");
  };
  const count = box.count;
  const nameOf = await names([count?.submittedBy ?? null, count?.confirmedBy ?? null]);
  const entries =
    canManage && count && !count.confirmedAt
      ? await db
          .selectFrom("paperCountBallots")
          .select(["id", "choices"])
          .where("countId", "=", count.id)
          .orderBy("id")
          .execute()
      : [];
  // A second member confirms; where the community has no second serving member, the first may.
  const submitted = count?.submittedAt != null && count.confirmedAt === null;
  const canConfirm =
    canManage &&
    submitted &&
    (count.submittedBy !== me ||
      (await countOf(
        db
          .selectFrom("committeeMembers")
          .where("communityId", "=", communityId)
          .where("endedAt", "is", null),
      )) < 2);
  return {
    canConfirm,
    expected: box.expected,
    entered: box.entered,
    spoiled: box.spoiled,
    settled: box.settled,
    note: count?.note ?? "",
    submittedBy: count?.submittedBy ?? null,
    submittedByName: nameOf(count?.submittedBy ?? null),
    submittedAt: count?.submittedAt ?? null,
    confirmedByName: nameOf(count?.confirmedBy ?? null),
    confirmedAt: count?.confirmedAt ?? null,
    needsReview: count?.needsReview === 1,
    entries: entries.map((e) => ({ id: e.id, choices: JSON.parse(e.choices) as number[] })),
  };
}

/**
 * People who may vote and have not yet, for the paper-ballot form's picker: the meeting's invited
 * seat holders for a seat-holder poll, otherwise the community's verified residents.
 */
async function eligibleNonVoters(
  kind: VoteKind,
  id: number,
  communityId: number,
  seatsOf: number | null = null,
): Promise<Array<{ id: number; displayName: string }>> {
  const db = getDb();
  const [people, voted] = await Promise.all([
    seatsOf !== null
      ? db
          .selectFrom("seatInvites")
          .innerJoin("users", "users.id", "seatInvites.userId")
          .select(["users.id", "users.displayName"])
          .where("seatInvites.meetingId", "=", seatsOf)
          .where("users.deletedAt", "is", null)
          .orderBy("users.displayName")
          .execute()
      : db
          .selectFrom("memberships")
          .innerJoin("users", "users.id", "memberships.userId")
          .select(["users.id", "users.displayName"])
          .where("memberships.communityId", "=", communityId)
          .where("memberships.status", "=", "verified")
          .where("users.deletedAt", "is", null)
          .orderBy("users.displayName")
          .execute(),
    db
      .selectFrom("participations")
      .select("userId")
      .where(kind === "poll" ? "pollId" : "roundId", "=", id)
      .execute(),
  ]);
  const done = new Set(voted.map((v) => v.userId));
  return people.filter((p) => !done.has(p.id));
}

/**
 * How many ballots a poll or round holds, counted after `since` (for the answer to a vote: the
 * count with that vote in it). Counting reads every ballot's index entry (6 ms for 50,000 on
 * SQLite): the votes of a busy minute share counts, at most four a second per process.
 */
export async function ballotCount(kind: VoteKind, id: number, since = Date.now()): Promise<number> {
  return (await sharedCounts(`${kind}:${id}`, since)).ballots;
}

/**
 * The count that answers a ballot, taken before the ballot's transaction begins: call it first,
 * then the function it returns once the ballot has committed. It does not wait for a count begun
 * after the ballot: a ballot used to (up to COUNT_SPACING_MS), and 50 voters at once then cast no
 * more than 200 ballots a second whatever the server could do (README, Benchmarks, 2026-12-03).
 *
 * It is the last count this process finished reading, if that began at most a second ago, plus
 * the ballots this process committed whose transactions began after that read came back, the
 * voter's own among them: none of those can be in that read. So it counts the voter's ballot and
 * every ballot committed before that read, and never more than there are; ballots other processes
 * committed since show in the next answers. With no such read (the first ballot after a quiet
 * second; a count dropped by a paper count or a cancellation) the count is read after the commit.
 * A page's count is made the same way (`shownCounts`), so a page loaded after one's ballot counts
 * it, whichever read it is given.
 */
export function ballotAnswerCount(kind: VoteKind, id: number): () => Promise<number> {
  const key = `${kind}:${id}` as const;
  const now = Date.now();
  const before = sharedCounts.settled(key, now - PAGE_COUNT_AGE_MS);
  const began = tick();
  return async () => {
    committed(key, began);
    if (!before) return ballotCount(kind, id);
    // A count begun after this commit, for the pages and ballots that follow; not waited for here.
    sharedCounts(key, Date.now()).catch(() => undefined);
    // The voter's own, and the others kept that began after the read came back.
    return before.value.ballots + 1 + ballotsHereSince(key, before.cameBack, began);
  };
}

/**
 * Per poll or round, the ticks at which this process's recent committed ballots began (`ticks`),
 * and the read whose return last pruned them (`prunedAt`). Changed in place: a list of a read's
 * spacing of ballots (hundreds under load) was copied and filtered three times a ballot.
 */
const committedHere = new Map<string, { ticks: number[]; prunedAt: number }>();

function committed(key: string, began: number) {
  // Ballots begun before the newest read came back may be in it: forgotten (a count still to be
  // made from an older read then counts fewer, never more), so the list holds about a read's
  // spacing of ballots. Pruned when a newer read has come back, not at every ballot.
  const newest = sharedCounts.settled(key as `${VoteKind}:${number}`, -Infinity)?.cameBack ?? 0;
  let here = committedHere.get(key);
  if (!here) committedHere.set(key, (here = { ticks: [], prunedAt: 0 }));
  if (newest > here.prunedAt) {
    const { ticks } = here;
    let kept = 0;
    for (const t of ticks) if (t > newest) ticks[kept++] = t;
    ticks.length = kept;
    here.prunedAt = newest;
  }
  if (began > newest) here.ticks.push(began);
}

/** How many ballots this process keeps for a poll or round's answers (for the tests). */
export const ballotsKeptHere = (kind: VoteKind, id: number): number =>
  committedHere.get(`${kind}:${id}`)?.ticks.length ?? 0;

/**
 * How many of this process's committed ballots began after a read came back (`tick`), leaving
 * out `except` (the ballot being answered, counted on its own).
 */
function ballotsHereSince(key: string, cameBack: number, except?: number): number {
  let n = 0;
  for (const t of committedHere.get(key)?.ticks ?? []) if (t > cameBack && t !== except) n++;
  return n;
}

/**
 * A poll's or round's counts as its page shows them: a read begun at most a second ago, plus this
 * process's ballots begun after it came back (see `ballotAnswerCount`).
 */
async function shownCounts(kind: VoteKind, id: number) {
  const key = `${kind}:${id}` as const;
  const since = Date.now() - PAGE_COUNT_AGE_MS;
  const value = await sharedCounts(key, since);
  // Dropped meanwhile, or PAGE_CACHE_MS=0: the read stands alone, nothing of this process added.
  const read = sharedCounts.settled(key, since) ?? { value, cameBack: tick() };
  return { ...read.value, ballots: read.value.ballots + ballotsHereSince(key, read.cameBack) };
}

/** What a page shows may be a second old. */
const PAGE_COUNT_AGE_MS = 1_000;

/** A poll's or round's ballots are counted at most four times a second per process. */
const COUNT_SPACING_MS = 250;

const sharedCounts = freshReads(
  "ballotCounts",
  (key: `${VoteKind}:${number}`) => {
    const [kind, id] = key.split(":");
    return counts(kind as VoteKind, Number(id));
  },
  COUNT_SPACING_MS,
  // A ballot's answer reads after it; anything else that changes the counts (a paper count
  // confirmed, a vote cancelled) makes the next page read them afresh.
  (e) => (e.type === "vote.changed" && !e.ballot ? `${e.kind}:${e.id}` : null),
);

async function counts(kind: VoteKind, id: number) {
  const { ballots, paper } = await getDb()
    .selectFrom("ballots")
    .select((eb) => [
      eb.fn.countAll<number>().as("ballots"),
      eb.fn.sum<number>(eb.case().when("channel", "=", "paper").then(1).else(0).end()).as("paper"),
    ])
    .where(kind === "poll" ? "pollId" : "roundId", "=", id)
    .executeTakeFirstOrThrow();
  return { ballots: Number(ballots), paper: Number(paper ?? 0) };
}

/**
 * What a poll's and a round's page both show: the community, the ballot counts, what the viewer
 * may do there, and for the committee the paper entries and who has not voted yet.
 */
async function votePage(
  actor: Actor,
  kind: VoteKind,
  subject: {
    id: number;
    communityId: number;
    cancelledAt: string | null;
    cancelReason: string | null;
    ballotsDiscarded: number | null;
  },
  phase: Phase,
  target: Target,
  seatsOf: number | null = null,
) {
  const { id, communityId } = subject;
  const canManage = can(actor, "ballot.enterPaper", { communityId });
  const [participation, tally, community, box] = await Promise.all([
    actor.userId === null
      ? undefined
      : getDb()
          .selectFrom("participations")
          .select("id")
          .where(kind === "poll" ? "pollId" : "roundId", "=", id)
          .where("userId", "=", actor.userId)
          .executeTakeFirst(),
    shownCounts(kind, id),
    getDb()
      .selectFrom("areas")
      .select(["id", "nameZh", "nameEn"])
      .where("id", "=", communityId)
      .executeTakeFirstOrThrow(),
    paperBox(getDb(), kind, id),
  ]);
  const voted = participation !== undefined;
  const cancelled =
    subject.cancelledAt === null
      ? null
      : {
          at: subject.cancelledAt,
          reason: subject.cancelReason ?? "",
          ballotsDiscarded: subject.ballotsDiscarded ?? 0,
        };
  const decision = decide(actor, kind === "poll" ? "poll.vote" : "budget.vote", target);
  return {
    community,
    cancelled,
    ballots: tally.ballots,
    paperBallots: tally.paper,
    viewer: {
      signedIn: actor.userId !== null,
      voted,
      canVote: phase === "open" && !voted && decision.ok,
      // The committee may cancel it until it closes (`checkCancellable`).
      canCancel:
        (phase === "open" || phase === "upcoming") &&
        can(actor, kind === "poll" ? "poll.manage" : "budget.manage", { communityId }),
      eligible: decision.ok,
      // Why not, as the policy says: the page words "not eligible" and "not on someone's behalf".
      refusal: decision.ok ? null : decision.reason,
      canManage,
    },
    /** Closed, and nothing left in the paper box to count: the results are final. */
    final: phase === "closed" && box.settled,
    box: await boxView(box, canManage, actor.userId, communityId),
    paper: canManage ? await paperVoters(kind, id) : null,
    voters:
      canManage && phase === "open"
        ? await eligibleNonVoters(kind, id, communityId, seatsOf)
        : null,
  };
}

/**
 * A poll's final votes per option, kept a few seconds per process: a closed city-wide poll is read
 * by many at once, and counting 50,000 ballots' choices takes about 50 ms. Final means nothing
 * more comes in; a paper count confirmed late drops it (`vote.changed`). A ballot does not: none
 * comes after the close, and a drop per ballot would be a broadcast to every process per ballot.
 */
const finalVotes = shownReads(
  "pollFinal",
  (id: number) => pollVotes(getDb(), id),
  (e) => (e.type === "vote.changed" && e.kind === "poll" && !e.ballot ? e.id : null),
);

export async function pollPage(actor: Actor, id: number) {
  const db = getDb();
  const poll = await orNull(loadPoll(db, id));
  if (!poll) return null;
  authorize(actor, "poll.view");
  const phase: Phase = phaseOf(poll);
  const target = await pollTarget(db, poll);
  const seatsOf = poll.electorate === "seatHolders" ? poll.meetingId : null;
  const [details, options, shared, meeting] = await Promise.all([
    db
      .selectFrom("polls")
      .select(["description", "createdAt"])
      .where("id", "=", id)
      .executeTakeFirstOrThrow(),
    db
      .selectFrom("pollOptions")
      .select(["id", "code", "label"])
      .where("pollId", "=", id)
      .orderBy("position")
      .execute(),
    votePage(actor, "poll", poll, phase, target, seatsOf),
    poll.meetingId === null
      ? null
      : db
          .selectFrom("meetings")
          .select(["id", "topic"])
          .where("id", "=", poll.meetingId)
          .executeTakeFirst(),
  ]);
  // Results: once final (closed, the paper box counted); while open, if the creator chose live
  // results, the latest snapshot released in steps (`releaseIfDue`), never the count as it is.
  const release =
    !shared.final && poll.results === "live" && (phase === "open" || phase === "closed")
      ? await latestRelease(db, id)
      : null;
  const counted = shared.final ? await finalVotes(id) : (release?.votes ?? null);
  const results =
    counted && options.map((o) => ({ optionId: o.id, votes: counted.get(o.id) ?? 0 }));

  return {
    poll: { ...poll, ...details },
    options,
    phase,
    meeting: meeting ?? null,
    results,
    release: release && { ballots: release.ballots, releasedAt: release.releasedAt },
    step: { ballots: RELEASE_STEP_BALLOTS, minutes: RELEASE_STEP_MINUTES },
    ...shared,
  };
}

export async function roundPage(actor: Actor, id: number) {
  const db = getDb();
  const round = await orNull(loadRound(db, id));
  if (!round) return null;
  authorize(actor, "budget.view");
  await ensureTallied(id);
  const phase = phaseOf(round);
  const [details, projects, shared] = await Promise.all([
    db
      .selectFrom("budgetRounds")
      .select(["description", "talliedAt", "spent", "createdAt"])
      .where("id", "=", id)
      .executeTakeFirstOrThrow(),
    db
      .selectFrom("roundProjects")
      .innerJoin("projects", "projects.id", "roundProjects.projectId")
      .select([
        "projects.id",
        "projects.title",
        "projects.summary",
        "projects.status",
        "roundProjects.cost",
        "roundProjects.approvals",
        "roundProjects.selected",
      ])
      .where("roundProjects.roundId", "=", id)
      .orderBy("roundProjects.position")
      .execute(),
    votePage(actor, "round", round, phase, { communityId: round.communityId }),
  ]);
  return { round: { ...round, ...details }, projects, phase, ...shared };
}

/** Polls and rounds of a community (and optionally one meeting), newest first. */
export async function votesOf(communityId: number, meetingId?: number) {
  const db = getDb();
  const [polls, rounds] = await Promise.all([
    db
      .selectFrom("polls")
      .select(["id", "question", "opensAt", "closesAt", "cancelledAt", "meetingId"])
      .where("communityId", "=", communityId)
      .$if(meetingId !== undefined, (q) => q.where("meetingId", "=", meetingId!))
      .orderBy("closesAt", "desc")
      .limit(20)
      .execute(),
    meetingId !== undefined
      ? Promise.resolve([])
      : db
          .selectFrom("budgetRounds")
          .select(["id", "title", "opensAt", "closesAt", "cancelledAt"])
          .where("communityId", "=", communityId)
          .orderBy("closesAt", "desc")
          .limit(10)
          .execute(),
  ]);
  return {
    polls: polls.map((p) => ({ ...p, phase: phaseOf(p) })),
    rounds: rounds.map((r) => ({ ...r, phase: phaseOf(r) })),
  };
}

/** Accepted projects of a community free to stand in a new round, for its form. */
export async function acceptedProjects(actor: Actor, communityId: number) {
  authorize(actor, "budget.manage", { communityId });
  return (
    getDb()
      .selectFrom("projects")
      .select(["id", "title", "budgetTotal"])
      .where("communityId", "=", communityId)
      .where("status", "=", "accepted")
      // Not those already standing in a round that has not been counted.
      .where((eb) =>
        eb.not(
          eb.exists(
            eb
              .selectFrom("roundProjects")
              .innerJoin("budgetRounds", "budgetRounds.id", "roundProjects.roundId")
              .select("roundProjects.projectId")
              .whereRef("roundProjects.projectId", "=", "projects.id")
              .where("budgetRounds.talliedAt", "is", null)
              .where("budgetRounds.cancelledAt", "is", null),
          ),
        ),
      )
      .orderBy("id")
      .execute()
  );
}
