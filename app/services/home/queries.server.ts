/**
 * The home page's reads. For a signed-in person, one block per community of theirs, in the order
 * the page shows them: what is happening now (live meetings), what is open to them (votes they
 * have not cast, meetings with a seat for them, projects they have not supported), what waits for
 * them (their returned proposals, seat invitations; for the committee its queues), and what is new
 * since their last visit. For a visitor, what is live and open across the communities.
 *
 * Each list is short (`HOME_LIST_MAX`) and links to the page that has the rest: the home leads, it
 * does not repeat the community page.
 */
import { shownReads } from "../shown.server";
import { getDb } from "../../../db/client.server";
import { readTogether } from "../../../db/portable";
import type { SeatKind } from "../../../db/schema";
import { can, type Actor } from "~/domain/permissions/policy";
import { SUPPORTABLE } from "~/domain/projects/rules";
import { phaseOf } from "~/domain/voting/rules";
import {
  communityVotes,
  homeNews,
  mineValues,
  votesMineReads,
  type MineValues,
} from "../communities/queries.server";
import { aheadRows, voteRows } from "../communities/shown.server";
import { aheadMineReads, meetingsAhead } from "../meetings/queries.server";
import { preparedTogether } from "../../../db/prepared";
import type { Db } from "../runner/command.server";
import { myOrganisationRows, pendingOrganisations } from "../organisations/queries.server";
import { reviewQueue } from "../projects/queries.server";

export const HOME_LIST_MAX = 5;
/** How far back "new" reaches for someone whose last visit this device does not know. */
export const NEW_WITHOUT_VISIT_MS = 7 * 86_400_000;

export interface OpenVote {
  kind: "poll" | "round";
  id: number;
  title: string;
  closesAt: string;
}

export interface NewsItem {
  kind: "project" | "update" | "meeting" | "voteOpened" | "voteClosed" | "residents" | "committee";
  at: string;
  /** Where the item leads; null for counts. */
  href: string | null;
  title: string;
  count?: number;
  action?: "committee.appoint" | "committee.end";
}

/** Votes open now that the viewer may cast and has not: soonest closing first. */
function openVotes(votes: Awaited<ReturnType<typeof communityVotes>>): OpenVote[] {
  return [
    ...votes.polls
      .filter((p) => p.phase === "open" && p.mayVote && !p.voted)
      .map((p) => ({ kind: "poll" as const, id: p.id, title: p.question, closesAt: p.closesAt })),
    ...votes.rounds
      .filter((r) => r.phase === "open" && r.mayVote && !r.voted)
      .map((r) => ({ kind: "round" as const, id: r.id, title: r.title, closesAt: r.closesAt })),
  ].sort((a, b) => a.closesAt.localeCompare(b.closesAt));
}

/**
 * Of the meetings ahead, those whose seat kind still has room: residents take a resident seat,
 * invited people the seat they were invited to (as the sign-up command decides).
 */
async function withSeatLeft<M extends { id: number; invitedAs: SeatKind | null }>(
  meetings: M[],
): Promise<M[]> {
  if (meetings.length === 0) return [];
  const db = getDb();
  const ids = meetings.map((m) => m.id);
  const { kinds, taken } = await readTogether(db, {
    kinds: db
      .selectFrom("seatKinds")
      .select(["meetingId", "kind", "capacity"])
      .where("meetingId", "in", ids),
    taken: db
      .selectFrom("rsvps")
      .select((eb) => ["meetingId", "kind", eb.fn.countAll<number>().as("n")])
      .where("meetingId", "in", ids)
      .groupBy(["meetingId", "kind"]),
  });
  return meetings.filter((m) => {
    const kind = m.invitedAs ?? "resident";
    const seat = kinds.find((k) => k.meetingId === m.id && k.kind === kind);
    if (!seat) return false;
    if (seat.capacity === null) return true;
    const n = Number(taken.find((r) => r.meetingId === m.id && r.kind === kind)?.n ?? 0);
    return n < seat.capacity;
  });
}

/** Projects of the community that residents may support, newest first. */
function supportable(db: Db, communityId: number) {
  return db
    .selectFrom("projects")
    .select(["projects.id", "projects.title", "projects.supportCount", "projects.submittedAt"])
    .where("projects.communityId", "=", communityId)
    .where("projects.status", "in", SUPPORTABLE)
    .orderBy("projects.submittedAt", "desc")
    .orderBy("projects.id", "desc");
}

/**
 * What waits for the committee: the review queues are the community page's own (the same
 * queries, so the home counts what that page lists); the reports and paper counts are summed here.
 */
async function committeeQueues(
  actor: Actor & { userId: number },
  communityId: number,
  requests: number,
) {
  const db = getDb();
  const userId = actor.userId;
  const [reviews, organisations, { roomFlags, commentFlags, counts }] = await Promise.all([
    reviewQueue(actor, communityId),
    pendingOrganisations(actor, communityId),
    readTogether(db, {
      // Reported room messages not yet reviewed, by meeting: the room's moderation list has them.
      roomFlags: db
        .selectFrom("messageFlags")
        .innerJoin("roomMessages", "roomMessages.id", "messageFlags.messageId")
        .innerJoin("meetings", "meetings.id", "roomMessages.meetingId")
        .innerJoin("councils", "councils.id", "meetings.councilId")
        .select((eb) => [
          "meetings.id",
          "meetings.topic",
          eb.fn.count<number>("roomMessages.id").distinct().as("n"),
        ])
        .where("councils.areaId", "=", communityId)
        .where("messageFlags.reviewedAt", "is", null)
        .groupBy(["meetings.id", "meetings.topic"])
        .orderBy("meetings.id")
        .limit(HOME_LIST_MAX),
      // Reported project comments not yet reviewed, by project.
      commentFlags: db
        .selectFrom("projectComments")
        .innerJoin("projects", "projects.id", "projectComments.projectId")
        .select((eb) => [
          "projects.id",
          "projects.title",
          eb.fn.count<number>("projectComments.id").as("n"),
        ])
        .where("projects.communityId", "=", communityId)
        .where("projectComments.flagCount", ">", 0)
        .where("projectComments.reviewedAt", "is", null)
        .groupBy(["projects.id", "projects.title"])
        .orderBy("projects.id")
        .limit(HOME_LIST_MAX),
      // Paper counts submitted and waiting for a second member's confirmation.
      counts: db
        .selectFrom("paperCounts")
        .leftJoin("polls", "polls.id", "paperCounts.pollId")
        .leftJoin("budgetRounds", "budgetRounds.id", "paperCounts.roundId")
        .select([
          "paperCounts.pollId",
          "paperCounts.roundId",
          "paperCounts.submittedBy",
          "polls.question",
          "budgetRounds.title",
        ])
        .where((eb) =>
          eb.or([
            eb("polls.communityId", "=", communityId),
            eb("budgetRounds.communityId", "=", communityId),
          ]),
        )
        .where("paperCounts.submittedAt", "is not", null)
        .where("paperCounts.confirmedAt", "is", null)
        .orderBy("paperCounts.id")
        .limit(HOME_LIST_MAX),
    }),
  ]);
  return {
    requests,
    reviews: reviews.length,
    organisations: organisations.length,
    roomFlags: roomFlags.map((r) => ({ meetingId: r.id, topic: r.topic, count: Number(r.n) })),
    commentFlags: commentFlags.map((r) => ({
      projectId: r.id,
      title: r.title,
      count: Number(r.n),
    })),
    paperCounts: counts.map((c) => ({
      href: c.pollId !== null ? `/polls/${c.pollId}` : `/budgets/${c.roundId}`,
      title: c.question ?? c.title ?? "",
      /** Submitted by the viewer: it waits for another member (or, alone, for their own check). */
      mine: c.submittedBy === userId,
    })),
  };
}

/** How far back a community's news is kept for every viewer; an older last visit reads its own. */
const NEWS_KEPT_MS = 30 * 86_400_000;

/**
 * A community's news rows since `from`, the same for every viewer: each list its HOME_LIST_MAX
 * newest, and the votes that opened or closed since then (those opening or closing later too: a
 * request decides by its own clock which have). Every viewer's news since their last visit is cut
 * from these (`newsSince`): of a list sorted newest first, those newer than a visit are its head,
 * so the HOME_LIST_MAX newest since then are among the HOME_LIST_MAX newest since `from`.
 */
async function newsRows(communityId: number, from: string) {
  const db = getDb();
  const rows = await readTogether(db, {
    projects: db
      .selectFrom("projects")
      .select(["id", "title", "submittedAt"])
      .where("communityId", "=", communityId)
      .where("status", "not in", ["draft", "returned"])
      .where("submittedAt", ">", from)
      .orderBy("submittedAt", "desc")
      .limit(HOME_LIST_MAX),
    updates: db
      .selectFrom("projectUpdates")
      .innerJoin("projects", "projects.id", "projectUpdates.projectId")
      .select(["projects.id", "projects.title", "projectUpdates.createdAt"])
      .where("projects.communityId", "=", communityId)
      .where("projectUpdates.createdAt", ">", from)
      .orderBy("projectUpdates.createdAt", "desc")
      .limit(HOME_LIST_MAX),
    meetings: db
      .selectFrom("meetings")
      .innerJoin("councils", "councils.id", "meetings.councilId")
      .select(["meetings.id", "meetings.topic", "meetings.createdAt"])
      .where("councils.areaId", "=", communityId)
      .where("meetings.createdAt", ">", from)
      .orderBy("meetings.createdAt", "desc")
      .limit(HOME_LIST_MAX),
    polls: db
      .selectFrom("polls")
      .select(["id", "question as title", "opensAt", "closesAt", "cancelledAt"])
      .where("communityId", "=", communityId)
      .where((eb) => eb.or([eb("opensAt", ">", from), eb("closesAt", ">", from)])),
    rounds: db
      .selectFrom("budgetRounds")
      .select(["id", "title", "opensAt", "closesAt", "cancelledAt"])
      .where("communityId", "=", communityId)
      .where((eb) => eb.or([eb("opensAt", ">", from), eb("closesAt", ">", from)])),
    // When each resident verified since then was verified (counted, never named), newest first.
    joined: db
      .selectFrom("memberships")
      .select("decidedAt")
      .where("communityId", "=", communityId)
      .where("status", "=", "verified")
      .where("decidedAt", ">", from)
      .orderBy("decidedAt", "desc"),
  });
  return { from, ...rows, joined: rows.joined.map((j) => j.decidedAt!) };
}

/**
 * Kept a few seconds per process (../shown.server.ts), per community; dropped on every process
 * when a project, a meeting, a vote (not by a ballot: news shows no count) or a membership of the
 * community changes (a deleted account's membership leaves the count within PAGE_CACHE_MS).
 */
const keptNews = shownReads(
  "homeNews",
  (communityId: number) => newsRows(communityId, new Date(Date.now() - NEWS_KEPT_MS).toISOString()),
  (e) =>
    e.type === "project.changed" ||
    e.type === "meeting.changed" ||
    e.type === "membership.decided" ||
    e.type === "membership.withdrawn" ||
    (e.type === "vote.changed" && !e.ballot)
      ? e.communityId
      : null,
);

/** What is new in the community since `since`: newest first, at most `HOME_LIST_MAX * 2`. */
async function newsSince(communityId: number, since: string, now: string): Promise<NewsItem[]> {
  const kept = await keptNews(communityId);
  // A last visit before the kept rows begin reads its own rows since then.
  const rows = since < kept.from ? await newsRows(communityId, since) : kept;
  const newer =
    <T>(at: (row: T) => string | null) =>
    (row: T) => {
      const when = at(row);
      return when !== null && when > since;
    };
  const vote =
    (kind: "voteOpened" | "voteClosed", isPoll: boolean) =>
    (v: { id: number; title: string; opensAt: string; closesAt: string }): NewsItem => ({
      kind,
      at: kind === "voteOpened" ? v.opensAt : v.closesAt,
      href: isPoll ? `/polls/${v.id}` : `/budgets/${v.id}`,
      title: v.title,
    });
  const opened = (v: { opensAt: string }) => v.opensAt > since && v.opensAt <= now;
  // A cancelled vote has no results to announce.
  const closed = (v: { closesAt: string; cancelledAt: string | null }) =>
    v.cancelledAt === null && v.closesAt > since && v.closesAt <= now;
  const items: NewsItem[] = [
    ...rows.projects.filter(newer((p) => p.submittedAt)).map((p) => ({
      kind: "project" as const,
      at: p.submittedAt!,
      href: `/projects/${p.id}`,
      title: p.title,
    })),
    ...rows.updates.filter(newer((u) => u.createdAt)).map((u) => ({
      kind: "update" as const,
      at: u.createdAt,
      href: `/projects/${u.id}#updates-title`,
      title: u.title,
    })),
    ...rows.meetings.filter(newer((m) => m.createdAt)).map((m) => ({
      kind: "meeting" as const,
      at: m.createdAt,
      href: `/meetings/${m.id}`,
      title: m.topic,
    })),
    ...rows.polls.filter(opened).map(vote("voteOpened", true)),
    ...rows.rounds.filter(opened).map(vote("voteOpened", false)),
    ...rows.polls.filter(closed).map(vote("voteClosed", true)),
    ...rows.rounds.filter(closed).map(vote("voteClosed", false)),
  ];
  // Newest first: those since the visit are the head of the list.
  const joined = rows.joined.findIndex((at) => at <= since);
  const count = joined === -1 ? rows.joined.length : joined;
  if (count > 0)
    items.push({ kind: "residents", at: rows.joined[0]!, href: null, title: "", count });
  return items.sort((a, b) => b.at.localeCompare(a.at)).slice(0, HOME_LIST_MAX * 2);
}

type HomeMineValues = {
  userId: number;
  now: string;
  /** 1: the person's organisations' returned proposals are theirs too; 0: only their own. */
  withOrganisations: 0 | 1;
};

/**
 * The signed-in person's own rows that the home shows whatever their communities, in one statement
 * built once (db/prepared.ts): their memberships, their proposals returned for changes (their own
 * and their organisations'), seat invitations to meetings ahead that they have not answered by
 * signing up, and their organisations (and invitations to join one).
 */
const readHomeMine = preparedTogether((db: Db, v: HomeMineValues) => ({
  memberships: db
    .selectFrom("memberships")
    .select(["communityId", "status"])
    .where("userId", "=", v.userId),
  returned: db
    .selectFrom("projects")
    .select(["id", "title", "statusReason", "communityId"])
    .where("status", "=", "returned")
    .where((eb) =>
      eb.or([
        eb("proposerId", "=", v.userId),
        // The organisations the person is an active member of, as the policy counts them; none
        // while a helper acts for them (`assistedActor`).
        eb.and([
          eb(eb.val(v.withOrganisations), "=", 1),
          eb(
            "organisationId",
            "in",
            eb
              .selectFrom("organisationMembers")
              .select("organisationMembers.organisationId")
              .where("organisationMembers.userId", "=", v.userId)
              .where("organisationMembers.status", "=", "active"),
          ),
        ]),
      ]),
    )
    .orderBy("updatedAt", "desc"),
  invites: db
    .selectFrom("seatInvites")
    .innerJoin("meetings", "meetings.id", "seatInvites.meetingId")
    .innerJoin("councils", "councils.id", "meetings.councilId")
    .select([
      "meetings.id",
      "meetings.topic",
      "meetings.startsAt",
      "seatInvites.kind",
      "councils.areaId",
    ])
    .where("seatInvites.userId", "=", v.userId)
    .where("meetings.status", "=", "scheduled")
    // A cancelled meeting has no seat left to take (its page and council still list it).
    .where("meetings.cancelledAt", "is", null)
    .where("meetings.endsAt", ">=", v.now)
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom("rsvps")
            .select("rsvps.userId")
            .whereRef("rsvps.meetingId", "=", "seatInvites.meetingId")
            .where("rsvps.userId", "=", v.userId),
        ),
      ),
    )
    .orderBy("meetings.startsAt"),
  organisations: myOrganisationRows(db, v.userId),
}));

/**
 * The person's own part of one community's block, in one statement built once: their seats and
 * sign-ups among the meetings ahead, what they did in the votes listed, and the community's
 * projects open for support that are not theirs and that they have not supported.
 */
const readBlockMine = preparedTogether((db: Db, v: MineValues) => ({
  ...aheadMineReads(db, v.userId, v.aheadIds),
  ...votesMineReads(db, v.userId, v),
  projects: supportable(db, v.communityId)
    // Not one's own (a null proposer is an organisation's or the committee's).
    .where((eb) =>
      eb.or([eb("projects.proposerId", "is", null), eb("projects.proposerId", "<>", v.userId)]),
    )
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom("projectSupports")
            .select("projectSupports.userId")
            .whereRef("projectSupports.projectId", "=", "projects.id")
            .where("projectSupports.userId", "=", v.userId),
        ),
      ),
    )
    .limit(HOME_LIST_MAX + 1),
}));

/**
 * The signed-in home. `since` is the end of the person's previous visit on this device (null when
 * unknown: the last week is "new" then). The person's own rows take one statement, and one more
 * for each of their communities; what everyone sees alike is kept.
 */
export async function homeFor(actor: Actor & { userId: number }, since: string | null) {
  const db = getDb();
  const at = new Date();
  const now = at.toISOString();
  const from = since ?? new Date(at.getTime() - NEW_WITHOUT_VISIT_MS).toISOString();
  const userId = actor.userId;
  const { memberships, returned, invites, organisations } = await readHomeMine(db, {
    userId,
    now,
    withOrganisations: actor.orgMemberOf.length > 0 ? 1 : 0,
  });
  const communities = await homeNews(actor, memberships);
  const blocks = await Promise.all(
    communities.map(async (c) => {
      const id = c.communityId;
      const committee = actor.committeeOf === id;
      const [ahead, voting] = await Promise.all([aheadRows(id), voteRows(id)]);
      const limit = HOME_LIST_MAX * 2;
      const [mine, queues, news] = await Promise.all([
        readBlockMine(db, mineValues(userId, id, { rows: ahead, limit }, { rows: voting, limit })),
        committee ? committeeQueues(actor, id, c.pendingRequests ?? 0) : null,
        newsSince(id, from, now),
      ]);
      const meetings = meetingsAhead(actor, id, limit, ahead, mine);
      const votes = communityVotes(actor, id, limit, voting, mine);
      const projects = mine.projects;
      const supported = can(actor, "project.support", { communityId: id });
      const mayRsvp = can(actor, "meeting.rsvp", { communityId: id });
      const signUp = await withSeatLeft(
        meetings.upcoming.filter(
          (m) => m.signedUp === false && m.invitedAs === null && m.cancelledAt === null && mayRsvp,
        ),
      );
      const votesOpen = openVotes(votes);
      return {
        ...c,
        now: meetings.live,
        open: {
          votes: votesOpen.slice(0, HOME_LIST_MAX),
          moreVotes: votesOpen.length > HOME_LIST_MAX,
          meetings: signUp.slice(0, HOME_LIST_MAX),
          projects: supported ? projects.slice(0, HOME_LIST_MAX) : [],
          moreProjects: supported && projects.length > HOME_LIST_MAX,
        },
        waiting: {
          returned: returned.filter((p) => p.communityId === id),
          invitations: invites.filter((m) => m.areaId === id),
          committee: queues,
        },
        news: [
          ...news,
          ...c.committeeChanges
            .filter((ch) => ch.at > from)
            .map((ch): NewsItem => ({
              kind: "committee",
              at: ch.at,
              href: null,
              title: ch.name,
              action: ch.action,
            })),
        ]
          .sort((a, b) => b.at.localeCompare(a.at))
          .slice(0, HOME_LIST_MAX * 2),
      };
    }),
  );
  return {
    communities: blocks,
    /** The end of the last visit the news starts from; null: unknown, the news is the past week. */
    since,
    /** Organisations that invited the person to join them: not tied to one community. */
    orgInvites: organisations
      .filter((o) => o.status === "invited")
      .map((o) => ({ id: o.id, name: o.name, role: o.role })),
  };
}

/**
 * A visitor's home, the same for every visitor: kept a few seconds per process (../shown.server),
 * dropped by any meeting, vote or project change anywhere in the city. Not by a ballot: the home
 * shows which votes are open, not how many have voted, and in the last hour of a city-wide round
 * ballots come many times a second, which would leave the home read afresh for nearly every visit.
 */
export const publicHome: () => Promise<PublicHome> = (() => {
  const read = shownReads(
    "home",
    () => readPublicHome(),
    (e) =>
      e.type === "meeting.changed" ||
      (e.type === "vote.changed" && !e.ballot) ||
      e.type === "project.changed"
        ? "all"
        : null,
  );
  return () => read("visitor");
})();

export type PublicHome = Awaited<ReturnType<typeof readPublicHome>>;

/**
 * Across the communities, the meetings live now that anyone may read, the votes open now, the
 * meetings ahead and the projects gathering support. Each with its community.
 */
async function readPublicHome() {
  const db = getDb();
  const at = new Date();
  const now = at.toISOString();
  const community = ["areas.id as communityId", "areas.nameZh", "areas.nameEn"] as const;
  const meetings = () =>
    db
      .selectFrom("meetings")
      .innerJoin("councils", "councils.id", "meetings.councilId")
      .innerJoin("areas", "areas.id", "councils.areaId")
      .select([
        "meetings.id",
        "meetings.topic",
        "meetings.startsAt",
        "meetings.endsAt",
        "meetings.place",
        "meetings.status",
        "meetings.isPublic",
        ...community,
      ]);
  const [live, ahead, polls, rounds, projects] = await Promise.all([
    meetings()
      .where("meetings.status", "=", "live")
      .orderBy("meetings.startsAt")
      .limit(HOME_LIST_MAX * 2)
      .execute(),
    meetings()
      .where("meetings.status", "=", "scheduled")
      .where("meetings.cancelledAt", "is", null)
      .where("meetings.endsAt", ">=", now)
      .orderBy("meetings.startsAt")
      .orderBy("meetings.id")
      .limit(HOME_LIST_MAX)
      .execute(),
    db
      .selectFrom("polls")
      .innerJoin("areas", "areas.id", "polls.communityId")
      .select([
        "polls.id",
        "polls.question as title",
        "polls.opensAt",
        "polls.closesAt",
        ...community,
      ])
      .where("polls.opensAt", "<=", now)
      .where("polls.closesAt", ">", now)
      .where("polls.cancelledAt", "is", null)
      .where("polls.electorate", "=", "residents")
      .orderBy("polls.closesAt")
      .limit(HOME_LIST_MAX)
      .execute(),
    db
      .selectFrom("budgetRounds")
      .innerJoin("areas", "areas.id", "budgetRounds.communityId")
      .select([
        "budgetRounds.id",
        "budgetRounds.title",
        "budgetRounds.opensAt",
        "budgetRounds.closesAt",
        ...community,
      ])
      .where("budgetRounds.opensAt", "<=", now)
      .where("budgetRounds.closesAt", ">", now)
      .where("budgetRounds.cancelledAt", "is", null)
      .orderBy("budgetRounds.closesAt")
      .limit(HOME_LIST_MAX)
      .execute(),
    db
      .selectFrom("projects")
      .innerJoin("areas", "areas.id", "projects.communityId")
      .select([
        "projects.id",
        "projects.title",
        "projects.supportCount",
        "projects.submittedAt",
        ...community,
      ])
      .where("projects.status", "in", SUPPORTABLE)
      .orderBy("projects.submittedAt", "desc")
      .orderBy("projects.id", "desc")
      .limit(HOME_LIST_MAX)
      .execute(),
  ]);
  const votes = [
    ...polls.map((p) => ({ ...p, kind: "poll" as const })),
    ...rounds.map((r) => ({ ...r, kind: "round" as const })),
  ]
    .filter((v) => phaseOf(v, at) === "open")
    .sort((a, b) => a.closesAt.localeCompare(b.closesAt))
    .slice(0, HOME_LIST_MAX);
  return {
    // A private room is for its seat holders: a visitor sees that the meeting is on, not a way in.
    now: live.map(({ isPublic, ...m }) => ({ ...m, canEnterRoom: isPublic === 1 })),
    votes,
    meetings: ahead.map(({ isPublic: _, ...m }) => m),
    projects,
  };
}
