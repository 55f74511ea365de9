/**
 * Communities, the reads: the tree of places and a community's page, pickers for forms, a person's
 * membership and the committee's queue of requests, and "what is new" on the home page. Writes are
 * commands (`./commands.server.ts`).
 */
import type { SelectQueryBuilder } from "kysely";
import { getDb } from "../../../db/client.server";
import { idsIn, readTogether, type ReadsOf } from "../../../db/portable";
import { preparedTogether } from "../../../db/prepared";
import type { Db } from "../runner/command.server";
import { aheadMineReads, aheadShownIds, type MeetingRowsAhead } from "../meetings/queries.server";
import type { AreaLevel, Database, MembershipStatus } from "../../../db/schema";
import { shownReads } from "../shown.server";
import { childAreas, places, withAncestors } from "./places.server";
import { maskPhone } from "~/domain/accounts/schemas";
import { authorize, can, type Actor } from "~/domain/permissions/policy";
import { phaseOf } from "~/domain/voting/rules";

export interface AreaNode {
  id: number;
  level: AreaLevel;
  code: string;
  nameZh: string;
  nameEn: string;
  children: AreaNode[];
}

/** Districts → streets → communities (grids are shown on the community page). */
export async function areaTree(): Promise<AreaNode[]> {
  const { children } = await places();
  const nodes = (parentId: number | null): AreaNode[] =>
    (children.get(parentId) ?? [])
      .filter((a) => a.level !== "grid")
      .map((a) => ({
        id: a.id,
        level: a.level,
        code: a.code,
        nameZh: a.nameZh,
        nameEn: a.nameEn,
        children: nodes(a.id),
      }));
  return nodes(null);
}

export async function communityPage(id: number) {
  const db = getDb();
  const [community, ...above] = await withAncestors(id);
  if (!community || community.level !== "community") return null;
  const ancestors = above.reverse();
  const [grids, committee, counts] = await Promise.all([
    childAreas(id),
    db
      .selectFrom("committeeMembers")
      .innerJoin("users", "users.id", "committeeMembers.userId")
      .select([
        "committeeMembers.id",
        "users.id as userId",
        "users.displayName",
        "committeeMembers.appointedAt as since",
      ])
      .where("committeeMembers.communityId", "=", id)
      .where("committeeMembers.endedAt", "is", null)
      .orderBy("committeeMembers.appointedAt")
      .execute(),
    db
      .selectFrom("memberships")
      .select(["status", db.fn.countAll<number>().as("n")])
      .where("communityId", "=", id)
      .groupBy("status")
      .execute(),
  ]);
  const count = (s: string) => Number(counts.find((c) => c.status === s)?.n ?? 0);
  return {
    community,
    /** From the district down to the community's street. */
    ancestors,
    grids,
    committee,
    verifiedCount: count("verified"),
    pendingCount: count("pending"),
  };
}

/**
 * Every community, for the lists' and forms' community choices (a city has dozens, not
 * thousands). Kept a few seconds per process
 * (../shown.server.ts) with no event to drop it: areas are set up with the city (the seed,
 * migrations) and no command changes them.
 */
export const communityOptions = () => keptCommunityOptions("all");

const keptCommunityOptions = shownReads(
  "communityOptions",
  (_all: string) =>
    getDb()
      .selectFrom("areas")
      .select(["id", "nameZh", "nameEn"])
      .where("level", "=", "community")
      .orderBy("sort")
      .orderBy("id")
      .execute(),
  () => null,
);

/** The grids of these communities, for the project form's optional grid. */
export async function gridOptions(communityIds: readonly number[]) {
  if (communityIds.length === 0) return [];
  const rows = await getDb()
    .selectFrom("areas")
    .select(["id", "parentId", "nameZh", "nameEn"])
    .where("level", "=", "grid")
    .where("parentId", "in", [...communityIds])
    .orderBy("parentId")
    .orderBy("sort")
    .orderBy("id")
    .execute();
  return rows.map((r) => ({ ...r, parentId: r.parentId ?? 0 }));
}

export async function listPending(actor: Actor, communityId: number) {
  authorize(actor, "membership.viewPending", { communityId });
  const rows = await getDb()
    .selectFrom("memberships")
    .innerJoin("users", "users.id", "memberships.userId")
    .select([
      "memberships.id",
      "users.id as userId",
      "users.displayName",
      "users.username",
      "users.phone",
      "memberships.requestedAt",
    ])
    .where("memberships.communityId", "=", communityId)
    .where("memberships.status", "=", "pending")
    .orderBy("memberships.requestedAt")
    .execute();
  return rows.map((r) => ({
    id: r.id,
    userId: r.userId,
    displayName: r.displayName,
    login: r.username ?? (r.phone ? maskPhone(r.phone) : ""),
    requestedAt: r.requestedAt,
  }));
}

function membershipRows(db: Db, userId: number, communityId: number) {
  return db
    .selectFrom("memberships")
    .select(["id", "status", "decisionReason", "requestedAt", "decidedAt"])
    .where("userId", "=", userId)
    .where("communityId", "=", communityId);
}

/**
 * The viewer's own part of a community's page, in one statement built once (db/prepared.ts): their
 * membership, their seats and sign-ups among the meetings ahead, and what they did in the votes
 * listed. The rows everyone sees alike are kept (`aheadRows`, `voteRows`); this is read over them.
 */
const readCommunityMine = preparedTogether((db: Db, v: MineValues) => ({
  membership: membershipRows(db, v.userId, v.communityId),
  ...aheadMineReads(db, v.userId, v.aheadIds),
  ...votesMineReads(db, v.userId, v),
}));

/** What a viewer's own reads of a community are read with (the community page, the home). */
export type MineValues = {
  userId: number;
  communityId: number;
  /** JSON arrays of ids (`idsIn`): the meetings ahead, polls, rounds and polls' meetings shown. */
  aheadIds: string;
  pollIds: string;
  roundIds: string;
  pollMeetingIds: string;
};

/** The values of a viewer's own reads over a community's kept rows, as many as are shown. */
export function mineValues(
  userId: number,
  communityId: number,
  ahead: { rows: MeetingRowsAhead; limit: number },
  votes: { rows: VoteRows; limit: number },
): MineValues {
  return {
    userId,
    communityId,
    aheadIds: aheadShownIds(ahead.rows, ahead.limit),
    ...votesShownIds(votes.rows, votes.limit),
  };
}

/** See `readCommunityMine`; null for a visitor. */
export async function communityMine(
  userId: number | null,
  communityId: number,
  ahead: { rows: MeetingRowsAhead; limit: number },
  votes: { rows: VoteRows; limit: number },
) {
  if (userId === null) return null;
  return readCommunityMine(getDb(), mineValues(userId, communityId, ahead, votes));
}

/**
 * "What is new" in a person's communities, for the home page. Only public facts: how many residents
 * were verified lately (never who), and committee changes (committee members are public). `mine`:
 * the person's memberships, which the home reads with its other reads of theirs.
 */
const WEEK_MS = 7 * 86_400_000;
const MONTH_MS = 30 * 86_400_000;

export async function homeNews(
  actor: Actor,
  mine: ReadonlyArray<{ communityId: number; status: MembershipStatus }>,
) {
  if (actor.userId === null) return [];
  const { byId } = await places();
  const list: Array<{ id: number; status: MembershipStatus | "committee" }> = mine.map((m) => ({
    id: m.communityId,
    status: m.status,
  }));
  if (actor.committeeOf !== null && !list.some((m) => m.id === actor.committeeOf)) {
    list.unshift({ id: actor.committeeOf, status: "committee" });
  }
  return Promise.all(
    list.map(async (c) => {
      const area = byId.get(c.id);
      const { counts, changes } = await peopleNews(c.id);
      return {
        communityId: c.id,
        nameZh: area?.nameZh ?? "",
        nameEn: area?.nameEn ?? "",
        myStatus: c.status,
        verifiedCount: counts.verified,
        newResidentsThisWeek: counts.newThisWeek,
        committeeChanges: changes,
        // Only for the committee of this community.
        pendingRequests: actor.committeeOf === c.id ? counts.pending : null,
      };
    }),
  );
}

/**
 * A community's resident counts and committee changes, the same for every member: kept a few
 * seconds per process (../shown.server.ts), dropped on every process by a membership or committee
 * change of the community. A deleted account's name leaves the changes within PAGE_CACHE_MS.
 */
const peopleNews = shownReads(
  "peopleNews",
  async (communityId: number) => {
    const db = getDb();
    const weekAgo = new Date(Date.now() - WEEK_MS).toISOString();
    const monthAgo = new Date(Date.now() - MONTH_MS).toISOString();
    const {
      counts: [counts = { verified: 0, newThisWeek: 0, pending: 0 }],
      changes,
    } = await readTogether(db, {
      counts: db
        .selectFrom("memberships")
        .select((eb) => [
          eb.fn.count<number>("id").filterWhere("status", "=", "verified").as("verified"),
          eb.fn
            .count<number>("id")
            .filterWhere("status", "=", "verified")
            .filterWhere("decidedAt", ">=", weekAgo)
            .as("newThisWeek"),
          eb.fn.count<number>("id").filterWhere("status", "=", "pending").as("pending"),
        ])
        .where("communityId", "=", communityId),
      changes: db
        .selectFrom("auditLog")
        // The member the change is about: a deleted account's name is not shown any more.
        .leftJoin("users", (j) =>
          j.onRef("users.id", "=", "auditLog.subjectId").on("auditLog.subjectType", "=", "user"),
        )
        .select(["auditLog.at", "auditLog.action", "auditLog.details", "users.deletedAt"])
        .where("auditLog.areaId", "=", communityId)
        .where("auditLog.action", "in", ["committee.appoint", "committee.end"])
        .where("auditLog.at", ">=", monthAgo)
        .orderBy("auditLog.id", "desc")
        .limit(5),
    });
    return {
      counts: {
        verified: Number(counts.verified),
        newThisWeek: Number(counts.newThisWeek),
        pending: Number(counts.pending),
      },
      changes: changes.map((ch) => ({
        at: ch.at,
        action: ch.action as "committee.appoint" | "committee.end",
        name:
          ch.deletedAt === null
            ? String((JSON.parse(ch.details) as { displayName?: string }).displayName ?? "")
            : "",
      })),
    };
  },
  (e) =>
    e.type.startsWith("membership.") || e.type === "committee.changed"
      ? (e as { communityId: number }).communityId
      : null,
);

/**
 * The ids `votesMineReads` asks about, as JSON arrays: the polls and rounds `communityVotes` lists
 * (at most `limit` of each) and the meetings among the polls'.
 */
function votesShownIds(rows: VoteRows, limit: number) {
  const polls = rows.polls.slice(0, limit);
  const meetings = [...new Set(polls.flatMap((p) => (p.meetingId === null ? [] : [p.meetingId])))];
  return {
    pollIds: JSON.stringify(polls.map((p) => p.id)),
    roundIds: JSON.stringify(rows.rounds.slice(0, limit).map((r) => r.id)),
    pollMeetingIds: JSON.stringify(meetings),
  };
}

/**
 * The viewer's own part of a community's votes (ids from `votesShownIds`): which of them they
 * voted in (a participation row; what they chose is never linked to them), and the meetings among
 * the polls' where they hold an invited seat (its seat holders' polls are theirs too). Reads for
 * `readTogether` or a prepared read, which a page gathers with its other reads of the viewer's own.
 */
export function votesMineReads(
  db: Db,
  userId: number,
  ids: { pollIds: string; roundIds: string; pollMeetingIds: string },
) {
  return {
    pollsVoted: db
      .selectFrom("participations")
      .select("pollId as id")
      .where("userId", "=", userId)
      .where("pollId", "in", idsIn(db, ids.pollIds)),
    roundsVoted: db
      .selectFrom("participations")
      .select("roundId as id")
      .where("userId", "=", userId)
      .where("roundId", "in", idsIn(db, ids.roundIds)),
    pollSeats: db
      .selectFrom("seatInvites")
      .select("meetingId")
      .where("userId", "=", userId)
      .where("meetingId", "in", idsIn(db, ids.pollMeetingIds)),
  };
}
export type VotesMine = ReadsOf<ReturnType<typeof votesMineReads>>;

/**
 * A community's polls and budget rounds, apart: those open now first (closing soonest first), then
 * those not open yet, then the latest closed ones; at most `limit` of each. For a signed-in viewer
 * each says whether they have voted and whether they may vote in it; for a visitor both are null.
 * For the community page and the signed-in home. `all`: the community's rows kept for everyone
 * (`voteRows`); `mine`: the viewer's own part (`votesMineReads`; none for a visitor).
 */
export function communityVotes(
  actor: Actor,
  communityId: number,
  limit: number,
  all: VoteRows,
  mine: VotesMine | null,
) {
  const at = new Date();
  const userId = actor.userId;
  const polls = all.polls.slice(0, limit);
  const rounds = all.rounds.slice(0, limit);
  const votedPolls = new Set((mine?.pollsVoted ?? []).map((v) => v.id));
  const votedRounds = new Set((mine?.roundsVoted ?? []).map((v) => v.id));
  const seated = new Set((mine?.pollSeats ?? []).map((s) => s.meetingId));
  return {
    polls: polls.map(({ electorate, meetingId, ...p }) => ({
      ...p,
      meetingId,
      phase: phaseOf(p, at),
      voted: userId === null ? null : votedPolls.has(p.id),
      // Who may vote, as the poll's own page decides it: its community's verified residents, or
      // the invited seat holders of its meeting.
      mayVote:
        userId === null
          ? null
          : can(
              actor,
              "poll.vote",
              electorate === "residents" || meetingId === null
                ? { communityId }
                : { seatHolders: seated.has(meetingId) ? [userId] : [] },
            ),
    })),
    rounds: rounds.map((r) => ({
      ...r,
      phase: phaseOf(r, at),
      voted: userId === null ? null : votedRounds.has(r.id),
      mayVote: userId === null ? null : can(actor, "budget.vote", { communityId }),
    })),
  };
}

/** The most polls and rounds, each, that any caller lists (the community page, the home). */
export const VOTES_MAX = 10;

/**
 * A community's polls and rounds as `communityVotes` orders them, at most VOTES_MAX of each: rows
 * the same for every viewer, which `./shown.server.ts` keeps a few seconds (`voteRows`).
 */
export async function voteRowsOf(communityId: number) {
  const db = getDb();
  const now = new Date().toISOString();
  return readTogether(db, {
    polls: db
      .selectFrom("polls")
      .select(["id", "question", "opensAt", "closesAt", "cancelledAt", "meetingId", "electorate"])
      .where("communityId", "=", communityId)
      .$call(openFirst(now))
      .limit(VOTES_MAX),
    rounds: db
      .selectFrom("budgetRounds")
      .select(["id", "title", "opensAt", "closesAt", "cancelledAt"])
      .where("communityId", "=", communityId)
      .$call(openFirst(now))
      .limit(VOTES_MAX),
  });
}
export type VoteRows = Awaited<ReturnType<typeof voteRowsOf>>;

/**
 * Orders votes: those open now, closing soonest first; then those not open yet, opening soonest
 * first; then the closed ones, latest first. Times are ISO text on both engines: they compare as
 * strings.
 */
function openFirst(now: string) {
  return <QB extends SelectQueryBuilder<Database, "polls" | "budgetRounds", object>>(q: QB): QB =>
    q
      .orderBy((eb) =>
        eb
          .case()
          .when("closesAt", "<=", now)
          .then(2)
          .when("opensAt", ">", now)
          .then(1)
          .else(0)
          .end(),
      )
      .orderBy((eb) =>
        eb
          .case()
          .when("closesAt", "<=", now)
          .then("")
          .when("opensAt", ">", now)
          .then(eb.ref("opensAt"))
          .else(eb.ref("closesAt"))
          .end(),
      )
      .orderBy("closesAt", "desc")
      .orderBy("id", "desc") as QB;
}
