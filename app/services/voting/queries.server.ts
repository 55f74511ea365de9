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
import { areaById } from "../communities/places.server";
import type { DomainEvent } from "../events.server";
import { meetingContext } from "../meetings/context.server";
import { countOf, notFound, orNull } from "../rows.server";
import { run, type Db } from "../runner/command.server";
import { freshReads, groupedShownReads, pageCacheMs, shownReads, tick } from "../shown.server";
import { counterOf, tallyRound } from "./commands.server";
import {
  latestRelease,
  loadRound,
  paperBox,
  pollRow,
  pollTarget,
  pollVotes,
  roundRow,
  subjectColumn,
  type PaperBox,
} from "./records.server";

/**
 * Tallies a closed round that has not been counted yet. A round closes by the clock with no one to
 * press a button, so the first view of its page (or a download) after closing counts it, as
 * nobody in person (see `counterOf`); every later view finds it counted and writes nothing. A page
 * that has the round and its paper box already (kept) gives them as `known`. Answers whether it
 * asked for the tally (`tallyRound` re-checks all of it in its transaction).
 */
export async function ensureTallied(
  roundId: number,
  known?: { round: Awaited<ReturnType<typeof loadRound>>; box: PaperBox },
): Promise<boolean> {
  const round = known?.round ?? (await loadRound(getDb(), roundId));
  if (round.talliedAt !== null || phaseOf(round) !== "closed") return false;
  // The paper box first: a round is counted once every ballot is in.
  if (!(known?.box ?? (await paperBox(getDb(), "round", roundId))).settled) return false;
  await run(tallyRound, counterOf(round.communityId), { id: roundId });
  return true;
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
 * may do there, and for the committee the paper entries and who has not voted yet. `box` is the
 * paper box as the kept part of the page read it.
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
  box: PaperBox,
  seatsOf: number | null = null,
) {
  const { id, communityId } = subject;
  const canManage = can(actor, "ballot.enterPaper", { communityId });
  const [participation, tally, area] = await Promise.all([
    actor.userId === null
      ? undefined
      : getDb()
          .selectFrom("participations")
          .select("id")
          .where(kind === "poll" ? "pollId" : "roundId", "=", id)
          .where("userId", "=", actor.userId)
          .executeTakeFirst(),
    shownCounts(kind, id),
    areaById(communityId),
  ]);
  if (!area) throw new Error(`votePage: no area ${communityId}`);
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
    community: { id: area.id, nameZh: area.nameZh, nameEn: area.nameEn },
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

/**
 * A change to a poll or round other than a ballot: a cancellation, any step of its paper box, a
 * round's tally (a ballot's vote.changed says `ballot`, and changes none of what the pages keep).
 */
const voteChanged = (
  e: DomainEvent,
  kind: VoteKind,
): e is Extract<DomainEvent, { type: "vote.changed" }> =>
  e.type === "vote.changed" && e.kind === kind && !e.ballot;

/**
 * A poll's page as every viewer sees it (the poll and its description, its options, its paper
 * box), kept a few seconds per process (../shown.server.ts): five reads a view before. What
 * changes them is a command that emits vote.changed without `ballot` for the poll (a
 * cancellation, every step of the paper box), which drops it on every process. A ballot changes
 * none of it: the counts are `shownCounts`, the results `finalVotes` or the latest release. The
 * meeting's topic and seat holders come from its kept context (meetings/context.server.ts).
 */
const pollShown = shownReads(
  "pollPage",
  async (id: number) => {
    const db = getDb();
    const [poll, options, box] = await Promise.all([
      pollRow(db, id)
        .select(["description", "createdAt"])
        .executeTakeFirstOrThrow(notFound("vote:errors.pollNotFound")),
      db
        .selectFrom("pollOptions")
        .select(["id", "code", "label"])
        .where("pollId", "=", id)
        .orderBy("position")
        .execute(),
      paperBox(db, "poll", id),
    ]);
    return { poll, options, box };
  },
  (e) => (voteChanged(e, "poll") ? e.id : null),
);

export async function pollPage(actor: Actor, id: number) {
  const kept = await orNull(pollShown(id));
  if (!kept) return null;
  const { poll, options, box } = kept;
  authorize(actor, "poll.view");
  const phase: Phase = phaseOf(poll);
  const meeting = poll.meetingId === null ? null : await meetingContext(poll.meetingId);
  const target = await pollTarget(getDb(), poll, async () => meeting!.seatHolders);
  const seatsOf = poll.electorate === "seatHolders" ? poll.meetingId : null;
  const shared = await votePage(actor, "poll", poll, phase, target, box, seatsOf);
  // Results: once final (closed, the paper box counted); while open, if the creator chose live
  // results, the latest snapshot released in steps (`releaseIfDue`), never the count as it is.
  const release =
    !shared.final && poll.results === "live" && (phase === "open" || phase === "closed")
      ? await latestRelease(getDb(), id)
      : null;
  const counted = shared.final ? await finalVotes(id) : (release?.votes ?? null);
  const results =
    counted && options.map((o) => ({ optionId: o.id, votes: counted.get(o.id) ?? 0 }));

  return {
    poll,
    options,
    phase,
    meeting: meeting && { id: meeting.id, topic: meeting.topic },
    results,
    release: release && { ballots: release.ballots, releasedAt: release.releasedAt },
    step: { ballots: RELEASE_STEP_BALLOTS, minutes: RELEASE_STEP_MINUTES },
    ...shared,
  };
}

/**
 * A round's community, which never changes: read once per process and database while pages are
 * kept (at most 10,000 rounds; past that they are read again), so that its kept page can be found
 * in its community's group. Null when there is no such round (not kept).
 */
const roundCommunities = new WeakMap<object, Map<number, number>>();
async function roundCommunity(id: number): Promise<number | null> {
  const db = getDb();
  let known = roundCommunities.get(db);
  if (!known) roundCommunities.set(db, (known = new Map()));
  const hit = known.get(id);
  if (hit !== undefined && pageCacheMs() > 0) return hit;
  const row = await db
    .selectFrom("budgetRounds")
    .select("communityId")
    .where("id", "=", id)
    .executeTakeFirst();
  if (!row) return null;
  if (known.size >= 10_000) known.clear();
  known.set(id, row.communityId);
  return row.communityId;
}

/**
 * A round's page as every viewer sees it (the round and its description, the projects standing
 * with their costs and, once counted, their approvals, its paper box), kept a few seconds per
 * process in its community's group (../shown.server.ts): six reads a view before. What changes them
 * is a command that emits vote.changed without `ballot` for a round (a cancellation, the paper
 * box, the tally) or project.changed (a standing project's title, summary or status) in that
 * community, which drops the community's kept rounds on every process.
 */
const roundShown = groupedShownReads(
  "roundPage",
  async (_communityId: number, id: number) => {
    const db = getDb();
    const [round, projects, box] = await Promise.all([
      roundRow(db, id)
        .select(["description", "spent", "createdAt"])
        .executeTakeFirstOrThrow(notFound("vote:errors.roundNotFound")),
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
      paperBox(db, "round", id),
    ]);
    return { round, projects, box };
  },
  String,
  (e) => (voteChanged(e, "round") || e.type === "project.changed" ? e.communityId : null),
);

export async function roundPage(actor: Actor, id: number) {
  const communityId = await roundCommunity(id);
  if (communityId === null) return null;
  let kept = await orNull(roundShown(communityId, id));
  if (!kept) return null;
  authorize(actor, "budget.view");
  // Counted on the first view after closing; the tally's event drops the kept page, so the page
  // read after it shows the count.
  if (await ensureTallied(id, kept)) kept = await roundShown(communityId, id);
  const { round, projects, box } = kept;
  const phase = phaseOf(round);
  const shared = await votePage(
    actor,
    "round",
    round,
    phase,
    { communityId: round.communityId },
    box,
  );
  return { round, projects, phase, ...shared };
}

/** Polls and rounds of a community (and optionally one meeting), newest first. */
export async function votesOf(communityId: number, meetingId?: number) {
  const db = getDb();
  const [polls, rounds] = await Promise.all([
    pollListRows(db, communityId, meetingId).execute(),
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
    polls: withPhase(polls),
    rounds: withPhase(rounds),
  };
}

/** The polls of `votesOf` as a query (for `readTogether`): a community's, or one meeting's. */
export function pollListRows(db: Db, communityId: number, meetingId?: number) {
  return db
    .selectFrom("polls")
    .select(["id", "question", "opensAt", "closesAt", "cancelledAt", "meetingId"])
    .where("communityId", "=", communityId)
    .$if(meetingId !== undefined, (q) => q.where("meetingId", "=", meetingId!))
    .orderBy("closesAt", "desc")
    .limit(20);
}

/** Listed polls or rounds with their phase now. */
export const withPhase = <P extends Parameters<typeof phaseOf>[0]>(polls: P[]) =>
  polls.map((p) => ({ ...p, phase: phaseOf(p) }));

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
