/**
 * 六和指数: the raw figures of the measure catalogue (app/domain/index/catalogue.ts) per community
 * and China month, the verified residents behind them, and the records that count for one measure
 * (the drill-down). Read-only: nothing here writes.
 *
 * Why this shape: the monthly snapshot computes every community of the city at once (the
 * benchmark: 1,000 communities, a million residents' activity), so each measure is one or two
 * grouped queries over the month's rows for all communities together, never a query per
 * community. What portable SQL cannot do (instant arithmetic such as "within three days", the
 * median, the needs' handling rounds) is done here over the month's rows only.
 *
 * Definitions (INDEX-MEASURES.md says the same, with the reasons): every count is of the month
 * [from, to) in China time; "no data" (nothing to count: no residents, no meeting, nothing due)
 * is a null value, never 0.
 */
import type { Kysely } from "kysely";
import type { Database } from "../../../db/schema";
import { DomainError } from "~/domain/errors";
import { isMeasureId, MEASURES, type MeasureId } from "~/domain/index/catalogue";
import { endOfChinaDay, isMonth, monthBounds, nextMonth } from "~/domain/month";
import {
  daysBetween,
  handlingRounds,
  median,
  satisfaction,
  type TimedStep,
  ROUND_STEPS,
} from "~/domain/needs/figures";
import type { Db } from "../runner/command.server";

export type RawFigure = {
  value: number | null;
  numerator: number | null;
  denominator: number | null;
};
export type CommunityFigures = Record<MeasureId, RawFigure>;

export interface MeasureRecord {
  kind:
    | "meeting"
    | "commitment"
    | "project"
    | "need"
    | "poll"
    | "round"
    | "membership"
    | "organisation"
    | "participation";
  id: number | null;
  title: string;
  at: string | null;
  counts: boolean;
  /** A locale key (index:records.notes.*) saying why it counts or not. */
  note?: string;
}

/** How long the committee has to decide a request to join (calendar days, 72 hours). */
export const DECIDE_DAYS = 3;
const DAY_MS = 86_400_000;
/** Meetings that took place: they went live (a scheduled one never opened was not held). */
const HELD = ["live", "closed", "published"] as const;
/** The needs' timeline steps by which the grid worker took a need on. */
const ACCEPT_STEPS = ["accept", "resolveOnSpot"] as const;
/** A private need's text is the reporter's own: records show a public need's opening words only. */
const NEED_TITLE_CHARS = 40;

type Q = Kysely<Database>;
const n = (x: number | string | bigint | null | undefined) => Number(x ?? 0);
const ratio = (part: number, whole: number): RawFigure =>
  whole > 0 ? { value: part / whole, numerator: part, denominator: whole } : nothing();
const perThousand = (count: number, residents: number): RawFigure =>
  residents > 0
    ? { value: (count * 1000) / residents, numerator: count, denominator: residents }
    : nothing();
const nothing = (): RawFigure => ({ value: null, numerator: null, denominator: null });

function checkMonth(month: string) {
  if (!isMonth(month)) throw new DomainError(400, "index:errors.measureBadMonth");
  return monthBounds(month);
}

/** The communities asked for (all of them when none are named), by id. */
async function communitiesOf(db: Db, ids?: number[]): Promise<number[]> {
  if (ids !== undefined && ids.length === 0) return [];
  const rows = await db
    .selectFrom("areas")
    .select("id")
    .where("level", "=", "community")
    .$if(ids !== undefined, (q) => q.where("id", "in", ids!))
    .orderBy("id")
    .execute();
  return rows.map((r) => r.id);
}

/**
 * Verified memberships at the month's end: verified before it ended and still verified (a
 * resident who left since is no longer recorded anywhere; leaving deletes the membership).
 */
const verifiedAt = (db: Db, to: string) =>
  (db as Q)
    .selectFrom("memberships")
    .where("memberships.status", "=", "verified")
    .where("memberships.decidedAt", "<", to);

export async function verifiedResidents(
  db: Db,
  month: string,
  communityIds?: number[],
): Promise<Map<number, number>> {
  const { to } = checkMonth(month);
  const communities = await communitiesOf(db, communityIds);
  const out = new Map(communities.map((id) => [id, 0]));
  if (communities.length === 0) return out;
  const rows = await verifiedAt(db, to)
    .where("memberships.communityId", "in", communities)
    .select((eb) => ["memberships.communityId", eb.fn.countAll<number | string>().as("n")])
    .groupBy("memberships.communityId")
    .execute();
  for (const r of rows) out.set(r.communityId, n(r.n));
  return out;
}

/**
 * Everyone who did something that month, as one column of user ids (duplicates are fine: the
 * callers ask "in"). What counts as taking part: a ballot (online or paper), an RSVP, a message
 * in a room, supporting, commenting on or rating a project, submitting one's own project,
 * reporting a need or adding oneself to one ("me too"), answering on a need, and anything done
 * for the resident at the service window.
 */
function activeUsers(db: Db, from: string, to: string) {
  const q = db as Q;
  return q
    .selectFrom("participations")
    .select("participations.userId")
    .$castTo<{ userId: number | null }>()
    .where("participations.at", ">=", from)
    .where("participations.at", "<", to)
    .unionAll(
      q
        .selectFrom("rsvps")
        .select("rsvps.userId")
        .where("rsvps.createdAt", ">=", from)
        .where("rsvps.createdAt", "<", to),
    )
    .unionAll(
      q
        .selectFrom("roomMessages")
        .select("roomMessages.userId")
        .where("roomMessages.createdAt", ">=", from)
        .where("roomMessages.createdAt", "<", to),
    )
    .unionAll(
      q
        .selectFrom("projectSupports")
        .select("projectSupports.userId")
        .where("projectSupports.at", ">=", from)
        .where("projectSupports.at", "<", to),
    )
    .unionAll(
      q
        .selectFrom("projectComments")
        .select("projectComments.authorId as userId")
        .where("projectComments.createdAt", ">=", from)
        .where("projectComments.createdAt", "<", to),
    )
    .unionAll(
      q
        .selectFrom("projectRatings")
        .select("projectRatings.userId")
        .where("projectRatings.at", ">=", from)
        .where("projectRatings.at", "<", to),
    )
    .unionAll(
      q
        .selectFrom("projectEvents")
        .select("projectEvents.actorId as userId")
        .where("projectEvents.step", "=", "submit")
        .where("projectEvents.at", ">=", from)
        .where("projectEvents.at", "<", to),
    )
    .unionAll(
      q
        .selectFrom("needResidents")
        .select("needResidents.userId")
        .where("needResidents.joinedAt", ">=", from)
        .where("needResidents.joinedAt", "<", to),
    )
    .unionAll(
      q
        .selectFrom("needResidents")
        .select("needResidents.userId")
        .where("needResidents.answeredAt", ">=", from)
        .where("needResidents.answeredAt", "<", to),
    )
    .unionAll(windowUsers(db, from, to));
}

/**
 * Everyone who took part that month through the service window: anything a helper did for them
 * in a sitting (every assistable command records it), a paper ballot recorded at the window, a
 * need reported at the window. 长辈版 (lite mode) is a rendering preference kept in a cookie and
 * recorded nowhere, so it cannot be counted (INDEX-MEASURES.md).
 */
function windowUsers(db: Db, from: string, to: string) {
  const q = db as Q;
  return q
    .selectFrom("assistedActions")
    .innerJoin("assistanceSittings", "assistanceSittings.id", "assistedActions.sittingId")
    .select("assistanceSittings.residentId as userId")
    .$castTo<{ userId: number | null }>()
    .where("assistedActions.at", ">=", from)
    .where("assistedActions.at", "<", to)
    .unionAll(
      q
        .selectFrom("participations")
        .select("participations.userId")
        .where("participations.channel", "=", "paper")
        .where("participations.at", ">=", from)
        .where("participations.at", "<", to),
    )
    .unionAll(
      q
        .selectFrom("needs")
        .select("needs.reporterId as userId")
        .where("needs.channel", "=", "window")
        .where("needs.createdAt", ">=", from)
        .where("needs.createdAt", "<", to),
    );
}

/**
 * Verified residents (at the month's end) of each community among `users`. No filter on the
 * communities in SQL, on purpose: with both `community_id in (…)` and `user_id in (…)`, SQLite
 * searches the (user, community) unique index for every pair of the two lists — measured, 1,000
 * communities × a month's million acts took 170 s; over all memberships it takes about one.
 */
async function residentsAmong(
  db: Db,
  to: string,
  communities: number[],
  users: ReturnType<typeof activeUsers> | ReturnType<typeof windowUsers>,
) {
  const rows = await verifiedAt(db, to)
    .where("memberships.userId", "in", users)
    .select((eb) => ["memberships.communityId", eb.fn.countAll<number | string>().as("n")])
    .groupBy("memberships.communityId")
    .execute();
  const asked = new Set(communities);
  return new Map(rows.filter((r) => asked.has(r.communityId)).map((r) => [r.communityId, n(r.n)]));
}

/** Meetings of the communities' own councils that started in the month, with their state. */
function monthMeetings(db: Db, from: string, to: string, communities: number[]) {
  return (db as Q)
    .selectFrom("meetings")
    .innerJoin("councils", "councils.id", "meetings.councilId")
    .where("councils.areaId", "in", communities)
    .where("meetings.startsAt", ">=", from)
    .where("meetings.startsAt", "<", to);
}

/** Commitments of the communities' meetings due in the month (China dates). */
function dueCommitments(db: Db, month: string, communities: number[]) {
  return (db as Q)
    .selectFrom("commitments")
    .innerJoin("meetings", "meetings.id", "commitments.meetingId")
    .innerJoin("councils", "councils.id", "meetings.councilId")
    .where("councils.areaId", "in", communities)
    .where("commitments.dueDate", ">=", `${month}-01`)
    .where("commitments.dueDate", "<", `${nextMonth(month)}-01`);
}

/**
 * A commitment's fate by its due date: done by the end of that day (China time) counts; dropped
 * by then is no longer owed and leaves the count; anything else (still open, done late, dropped
 * late) is a commitment not kept.
 */
function commitmentFate(
  dueDate: string,
  done: string | null,
  dropped: string | null,
): "onTime" | "late" | "dropped" {
  const end = endOfChinaDay(dueDate);
  if (done !== null && done < end) return "onTime";
  if (dropped !== null && dropped < end) return "dropped";
  return "late";
}

/** Each commitment due in the month with its first "done" and first "dropped" update. */
async function commitmentRows(db: Db, month: string, communities: number[]) {
  const [rows, updates] = await Promise.all([
    dueCommitments(db, month, communities)
      .select([
        "commitments.id",
        "commitments.what",
        "commitments.dueDate",
        "councils.areaId as communityId",
      ])
      .orderBy("commitments.dueDate")
      .orderBy("commitments.id")
      .execute(),
    dueCommitments(db, month, communities)
      .innerJoin("commitmentUpdates", "commitmentUpdates.commitmentId", "commitments.id")
      .where("commitmentUpdates.status", "in", ["done", "dropped"])
      .select((eb) => [
        "commitments.id",
        "commitmentUpdates.status",
        eb.fn.min("commitmentUpdates.createdAt").as("at"),
      ])
      .groupBy(["commitments.id", "commitmentUpdates.status"])
      .execute(),
  ]);
  const first = new Map<string, string>();
  for (const u of updates) first.set(`${u.id}|${u.status}`, String(u.at));
  return rows.map((r) => ({
    ...r,
    fate: commitmentFate(
      r.dueDate,
      first.get(`${r.id}|done`) ?? null,
      first.get(`${r.id}|dropped`) ?? null,
    ),
  }));
}

/**
 * Polls and budget rounds of the communities that closed in the month (not cancelled), and
 * whether their ballots are published for anyone to recount: published once closed and the
 * paper box settled (no paper voter, or a confirmed count), as app/services/voting/published.
 */
async function closedVotes(db: Db, from: string, to: string, communities: number[]) {
  const q = db as Q;
  const [polls, rounds] = await Promise.all([
    q
      .selectFrom("polls")
      .where("polls.communityId", "in", communities)
      .where("polls.closesAt", ">=", from)
      .where("polls.closesAt", "<", to)
      .where("polls.cancelledAt", "is", null)
      .select((eb) => [
        "polls.id",
        "polls.communityId",
        "polls.question as title",
        "polls.closesAt as at",
        eb
          .exists(
            eb
              .selectFrom("participations")
              .select("participations.id")
              .whereRef("participations.pollId", "=", "polls.id")
              .where("participations.boxed", "=", 1),
          )
          .as("boxed"),
        eb
          .exists(
            eb
              .selectFrom("paperCounts")
              .select("paperCounts.id")
              .whereRef("paperCounts.pollId", "=", "polls.id")
              .where("paperCounts.confirmedAt", "is not", null),
          )
          .as("counted"),
      ])
      .execute(),
    q
      .selectFrom("budgetRounds")
      .where("budgetRounds.communityId", "in", communities)
      .where("budgetRounds.closesAt", ">=", from)
      .where("budgetRounds.closesAt", "<", to)
      .where("budgetRounds.cancelledAt", "is", null)
      .select((eb) => [
        "budgetRounds.id",
        "budgetRounds.communityId",
        "budgetRounds.title",
        "budgetRounds.closesAt as at",
        eb
          .exists(
            eb
              .selectFrom("participations")
              .select("participations.id")
              .whereRef("participations.roundId", "=", "budgetRounds.id")
              .where("participations.boxed", "=", 1),
          )
          .as("boxed"),
        eb
          .exists(
            eb
              .selectFrom("paperCounts")
              .select("paperCounts.id")
              .whereRef("paperCounts.roundId", "=", "budgetRounds.id")
              .where("paperCounts.confirmedAt", "is not", null),
          )
          .as("counted"),
      ])
      .execute(),
  ]);
  const published = (r: { boxed: unknown; counted: unknown }) =>
    !truthy(r.boxed) || truthy(r.counted);
  return [
    ...polls.map((r) => ({ ...r, kind: "poll" as const, published: published(r) })),
    ...rounds.map((r) => ({ ...r, kind: "round" as const, published: published(r) })),
  ];
}

/** An `exists` or comparison read back: a number (SQLite) or a boolean (PostgreSQL). */
const truthy = (x: unknown): boolean => Boolean(x);

/** Projects of the communities by the step they took in the month. */
function projectSteps(db: Db, from: string, to: string, communities: number[]) {
  return (db as Q)
    .selectFrom("projectEvents")
    .innerJoin("projects", "projects.id", "projectEvents.projectId")
    .where("projects.communityId", "in", communities)
    .where("projectEvents.at", ">=", from)
    .where("projectEvents.at", "<", to);
}

/**
 * Needs of the communities reported in the month, except merged ones (a duplicate of another) and
 * those turned away as not for the platform (another body's business): neither was to be accepted.
 */
function reportedNeeds(db: Db, from: string, to: string, communities: number[]) {
  return (db as Q)
    .selectFrom("needs")
    .where("needs.communityId", "in", communities)
    .where("needs.createdAt", ">=", from)
    .where("needs.createdAt", "<", to)
    .where("needs.status", "not in", ["merged", "notForPlatform"]);
}

/** Needs of the communities closed in the month (and still closed). */
function closedNeeds(db: Db, from: string, to: string, communities: number[]) {
  return (db as Q)
    .selectFrom("needs")
    .where("needs.communityId", "in", communities)
    .where("needs.status", "=", "closed")
    .where("needs.closedAt", ">=", from)
    .where("needs.closedAt", "<", to);
}

/** Whether each need (closed in the month) had a handling round resolved after its deadline. */
async function lateNeeds(db: Db, from: string, to: string, communities: number[]) {
  const rows = await closedNeeds(db, from, to, communities)
    .innerJoin("needSteps", "needSteps.needId", "needs.id")
    .where("needSteps.step", "in", [...ROUND_STEPS])
    .select([
      "needSteps.needId",
      "needSteps.step",
      "needSteps.at",
      "needSteps.deadlineAt",
      "needSteps.unitId",
      "needSteps.toStatus",
    ])
    .orderBy("needSteps.needId")
    .orderBy("needSteps.id")
    .execute();
  const steps = new Map<number, TimedStep[]>();
  for (const r of rows) {
    const list = steps.get(r.needId) ?? [];
    list.push(r);
    steps.set(r.needId, list);
  }
  const late = new Set<number>();
  // A closed need has no round still open; the month's end is "now" for one that somehow has.
  for (const [needId, s] of steps) {
    if (handlingRounds(s, new Date(to)).some((r) => r.outcome === "late")) late.add(needId);
  }
  return late;
}

const emptyFigures = (): CommunityFigures =>
  Object.fromEntries(MEASURES.map((m) => [m, nothing()])) as CommunityFigures;

/**
 * Every measure for every community asked for (all when `communityIds` is left out) in the China
 * month: communities with nothing to count get null values, never 0.
 */
export async function rawFigures(
  db: Db,
  month: string,
  communityIds?: number[],
): Promise<Map<number, CommunityFigures>> {
  const { from, to } = checkMonth(month);
  const communities = await communitiesOf(db, communityIds);
  const out = new Map(communities.map((id) => [id, emptyFigures()]));
  if (communities.length === 0) return out;
  const q = db as Q;
  const requestFrom = new Date(Date.parse(from) - DECIDE_DAYS * DAY_MS).toISOString();
  const requestTo = new Date(Date.parse(to) - DECIDE_DAYS * DAY_MS).toISOString();

  const [
    residents,
    participants,
    windowParticipants,
    requests,
    meetings,
    commitments,
    votes,
    completed,
    ratings,
    submitted,
    organisations,
    reported,
    closed,
    answers,
    late,
  ] = await Promise.all([
    verifiedResidents(db, month, communities),
    residentsAmong(db, to, communities, activeUsers(db, from, to)),
    residentsAmong(db, to, communities, windowUsers(db, from, to)),
    q
      .selectFrom("memberships")
      .where("memberships.communityId", "in", communities)
      .where("memberships.requestedAt", ">=", requestFrom)
      .where("memberships.requestedAt", "<", requestTo)
      .select(["memberships.communityId", "memberships.requestedAt", "memberships.decidedAt"])
      .execute(),
    monthMeetings(db, from, to, communities)
      .where("meetings.status", "in", [...HELD])
      .where("meetings.cancelledAt", "is", null)
      .leftJoin("rsvps", "rsvps.meetingId", "meetings.id")
      .select((eb) => [
        "meetings.id",
        "councils.areaId as communityId",
        eb.fn.count<number | string>("rsvps.kind").distinct().as("kinds"),
      ])
      .groupBy(["meetings.id", "councils.areaId"])
      .execute(),
    commitmentRows(db, month, communities),
    closedVotes(db, from, to, communities),
    projectSteps(db, from, to, communities)
      .where("projectEvents.step", "=", "complete")
      .select((eb) => [
        "projects.communityId",
        eb.fn.count<number | string>("projects.id").distinct().as("n"),
      ])
      .groupBy("projects.communityId")
      .execute(),
    q
      .selectFrom("projectRatings")
      .innerJoin("projects", "projects.id", "projectRatings.projectId")
      .where("projects.communityId", "in", communities)
      .where("projectRatings.at", ">=", from)
      .where("projectRatings.at", "<", to)
      .select((eb) => [
        "projects.communityId",
        eb.fn.countAll<number | string>().as("n"),
        eb.fn.sum<number | string>("projectRatings.score").as("sum"),
      ])
      .groupBy("projects.communityId")
      .execute(),
    projectSteps(db, from, to, communities)
      .where("projectEvents.step", "=", "submit")
      .where("projectEvents.fromStatus", "=", "draft")
      .select((eb) => [
        "projects.communityId",
        eb.fn.count<number | string>("projects.id").distinct().as("n"),
        eb.fn
          .count<number | string>(
            eb
              .case()
              .when("projects.organisationId", "is not", null)
              .then(eb.ref("projects.id"))
              .end(),
          )
          .distinct()
          .as("byOrganisations"),
      ])
      .groupBy("projects.communityId")
      .execute(),
    q
      .selectFrom("organisationCommunities")
      .innerJoin("organisations", "organisations.id", "organisationCommunities.organisationId")
      .where("organisationCommunities.communityId", "in", communities)
      .where("organisations.status", "=", "verified")
      .where("organisations.decidedAt", "<", to)
      .select((eb) => [
        "organisationCommunities.communityId",
        eb.fn.countAll<number | string>().as("n"),
      ])
      .groupBy("organisationCommunities.communityId")
      .execute(),
    reportedNeeds(db, from, to, communities)
      .select((eb) => [
        "needs.communityId",
        eb.fn.countAll<number | string>().as("n"),
        eb.fn
          .sum<number | string>(
            eb
              .case()
              .when(
                eb.exists(
                  eb
                    .selectFrom("needSteps")
                    .select("needSteps.id")
                    .whereRef("needSteps.needId", "=", "needs.id")
                    .where("needSteps.step", "in", [...ACCEPT_STEPS]),
                ),
              )
              .then(1)
              .else(0)
              .end(),
          )
          .as("accepted"),
      ])
      .groupBy("needs.communityId")
      .execute(),
    closedNeeds(db, from, to, communities)
      .select([
        "needs.id",
        "needs.communityId",
        "needs.createdAt",
        "needs.closedAt",
        "needs.rehandled",
      ])
      .execute(),
    closedNeeds(db, from, to, communities)
      .innerJoin("needResidents", "needResidents.needId", "needs.id")
      .where("needResidents.answer", "is not", null)
      .select((eb) => [
        "needs.communityId",
        "needResidents.answer",
        eb.fn.countAll<number | string>().as("n"),
      ])
      .groupBy(["needs.communityId", "needResidents.answer"])
      .execute(),
    lateNeeds(db, from, to, communities),
  ]);

  /** A tally per community, filled from the rows above. */
  const tally = () => new Map<number, { part: number; whole: number }>();
  const add = (
    m: Map<number, { part: number; whole: number }>,
    id: number,
    part: number,
    whole = 1,
  ) => {
    const t = m.get(id) ?? { part: 0, whole: 0 };
    t.part += part;
    t.whole += whole;
    m.set(id, t);
  };
  const decided = tally();
  for (const r of requests) {
    const limit = Date.parse(r.requestedAt) + DECIDE_DAYS * DAY_MS;
    add(decided, r.communityId, r.decidedAt !== null && Date.parse(r.decidedAt) <= limit ? 1 : 0);
  }
  const mixed = tally();
  for (const m of meetings) add(mixed, m.communityId, n(m.kinds) > 1 ? 1 : 0);
  const kept = tally();
  for (const c of commitments)
    if (c.fate !== "dropped") add(kept, c.communityId, c.fate === "onTime" ? 1 : 0);
  const recountable = tally();
  for (const v of votes) add(recountable, v.communityId, v.published ? 1 : 0);
  const onTime = tally();
  const rehandled = tally();
  const days = new Map<number, number[]>();
  for (const c of closed) {
    add(onTime, c.communityId, late.has(c.id) ? 0 : 1);
    add(rehandled, c.communityId, c.rehandled > 0 ? 1 : 0);
    const list = days.get(c.communityId) ?? [];
    list.push(daysBetween(c.createdAt, c.closedAt!));
    days.set(c.communityId, list);
  }
  const answerCounts = new Map<
    number,
    { satisfied: number; partly: number; notSatisfied: number }
  >();
  for (const a of answers) {
    if (a.answer === null) continue;
    const t = answerCounts.get(a.communityId) ?? { satisfied: 0, partly: 0, notSatisfied: 0 };
    t[a.answer] += n(a.n);
    answerCounts.set(a.communityId, t);
  }
  const byId = <R extends { communityId: number }>(rows: R[]) =>
    new Map(rows.map((r) => [r.communityId, r]));
  const completedBy = byId(completed);
  const ratingsBy = byId(ratings);
  const submittedBy = byId(submitted);
  const organisationsBy = byId(organisations);
  const reportedBy = byId(reported);
  const fromTally = (m: Map<number, { part: number; whole: number }>, id: number) => {
    const t = m.get(id);
    return t ? ratio(t.part, t.whole) : nothing();
  };

  for (const id of communities) {
    const f = out.get(id)!;
    const people = residents.get(id) ?? 0;
    const active = participants.get(id) ?? 0;
    f.participation = ratio(active, people);
    f.membershipsDecided3Days = fromTally(decided, id);
    f.meetingsPer1000 = perThousand(mixed.get(id)?.whole ?? 0, people);
    f.mixedSeats = fromTally(mixed, id);
    f.commitmentsOnTime = fromTally(kept, id);
    f.recountableVotes = fromTally(recountable, id);
    f.projectsCompleted = perThousand(n(completedBy.get(id)?.n), people);
    const r = ratingsBy.get(id);
    f.projectSatisfaction = r ? ratio(n(r.sum), n(r.n)) : nothing();
    const s = submittedBy.get(id);
    f.orgProposedProjects = s ? ratio(n(s.byOrganisations), n(s.n)) : nothing();
    // A count, so 0 is a figure — once the community is on the platform: before its first
    // verified resident it has no index at all, and no organisation is "not serving" it.
    const orgs = n(organisationsBy.get(id)?.n);
    f.activeOrganisations =
      people > 0 ? { value: orgs, numerator: orgs, denominator: null } : nothing();
    const rep = reportedBy.get(id);
    f.needsAccepted = rep ? ratio(n(rep.accepted), n(rep.n)) : nothing();
    f.needsClosedOnTime = fromTally(onTime, id);
    const d = days.get(id) ?? [];
    f.needsMedianDays =
      d.length > 0 ? { value: median(d), numerator: null, denominator: d.length } : nothing();
    const a = answerCounts.get(id);
    const sat = a ? satisfaction(a) : null;
    f.needSatisfaction =
      a && sat !== null
        ? {
            value: sat,
            numerator: a.satisfied + a.partly,
            denominator: a.satisfied + a.partly + a.notSatisfied,
          }
        : nothing();
    f.needsRehandled = fromTally(rehandled, id);
    f.inclusiveParticipation = ratio(windowParticipants.get(id) ?? 0, active);
  }
  return out;
}

/** A need's title in a public list: its opening words when public, nothing when private. */
const needTitle = (r: { isPublic: number; description: string }) =>
  r.isPublic === 1 ? [...r.description].slice(0, NEED_TITLE_CHARS).join("") : "";
const note = (key: string) => `index:records.notes.${key}`;

/**
 * The records behind one measure of one community in a month: each with `counts` true when it is
 * in the measure's numerator (e.g. a commitment kept, a need re-handled) and false when it is
 * only in the denominator (a commitment not kept), and a note saying which. Nothing personal:
 * no resident is named or numbered, a membership request has no id, a private need no text.
 * For participation, the records are the meetings, votes, projects and needs the community's
 * verified residents took part in (at the window, for inclusiveParticipation). Sorted by time;
 * `total` is the number of records before `limit`.
 */
export async function measureRecords(
  db: Db,
  measure: MeasureId,
  communityId: number,
  month: string,
  limit = 50,
): Promise<{ total: number; records: MeasureRecord[] }> {
  if (!isMeasureId(measure)) throw new DomainError(404, "index:errors.measureUnknown");
  const { from, to } = checkMonth(month);
  const [community] = await communitiesOf(db, [communityId]);
  if (community === undefined) throw new DomainError(404, "index:errors.measureNoCommunity");
  const records = await recordsOf(db, measure, communityId, month, from, to);
  records.sort((a, b) => (a.at ?? "").localeCompare(b.at ?? "") || (a.id ?? 0) - (b.id ?? 0));
  return { total: records.length, records: records.slice(0, Math.max(0, limit)) };
}

async function recordsOf(
  db: Db,
  measure: MeasureId,
  c: number,
  month: string,
  from: string,
  to: string,
): Promise<MeasureRecord[]> {
  const q = db as Q;
  switch (measure) {
    case "participation":
      return tookPartIn(db, c, from, to, note("tookPart"));
    case "inclusiveParticipation":
      return tookPartIn(db, c, from, to, note("atWindow"), true);
    case "membershipsDecided3Days": {
      const rows = await q
        .selectFrom("memberships")
        .where("communityId", "=", c)
        .where("requestedAt", ">=", new Date(Date.parse(from) - DECIDE_DAYS * DAY_MS).toISOString())
        .where("requestedAt", "<", new Date(Date.parse(to) - DECIDE_DAYS * DAY_MS).toISOString())
        .select(["requestedAt", "decidedAt"])
        .execute();
      return rows.map((r) => {
        const inTime =
          r.decidedAt !== null &&
          Date.parse(r.decidedAt) <= Date.parse(r.requestedAt) + DECIDE_DAYS * DAY_MS;
        return {
          kind: "membership",
          id: null,
          title: "",
          at: r.requestedAt,
          counts: inTime,
          note: note(inTime ? "decidedInTime" : r.decidedAt ? "decidedLate" : "undecided"),
        };
      });
    }
    case "meetingsPer1000":
    case "mixedSeats": {
      const rows = await monthMeetings(db, from, to, [c])
        .leftJoin("rsvps", "rsvps.meetingId", "meetings.id")
        .select((eb) => [
          "meetings.id",
          "meetings.topic",
          "meetings.startsAt",
          "meetings.status",
          "meetings.cancelledAt",
          eb.fn.count<number | string>("rsvps.kind").distinct().as("kinds"),
        ])
        .groupBy([
          "meetings.id",
          "meetings.topic",
          "meetings.startsAt",
          "meetings.status",
          "meetings.cancelledAt",
        ])
        .execute();
      const held = (r: (typeof rows)[number]) =>
        r.cancelledAt === null && (HELD as readonly string[]).includes(r.status);
      if (measure === "meetingsPer1000") {
        return rows.map((r) => ({
          kind: "meeting",
          id: r.id,
          title: r.topic,
          at: r.startsAt,
          counts: held(r),
          note: note(held(r) ? "held" : r.cancelledAt ? "cancelled" : "notHeld"),
        }));
      }
      return rows.filter(held).map((r) => ({
        kind: "meeting",
        id: r.id,
        title: r.topic,
        at: r.startsAt,
        counts: n(r.kinds) > 1,
        note: note(n(r.kinds) > 1 ? "mixedSeats" : n(r.kinds) === 1 ? "oneSeatKind" : "noRsvps"),
      }));
    }
    case "commitmentsOnTime":
      return (await commitmentRows(db, month, [c])).map((r) => ({
        kind: "commitment",
        id: r.id,
        title: r.what,
        at: r.dueDate,
        counts: r.fate === "onTime",
        note: note(
          r.fate === "onTime"
            ? "doneByDue"
            : r.fate === "dropped"
              ? "droppedBeforeDue"
              : "notDoneByDue",
        ),
      }));
    case "recountableVotes":
      return (await closedVotes(db, from, to, [c])).map((v) => ({
        kind: v.kind,
        id: v.id,
        title: v.title,
        at: v.at,
        counts: v.published,
        note: note(v.published ? "ballotsPublished" : "paperNotCounted"),
      }));
    case "projectsCompleted":
    case "orgProposedProjects": {
      const completing = measure === "projectsCompleted";
      const rows = await projectSteps(db, from, to, [c])
        .where("projectEvents.step", "=", completing ? "complete" : "submit")
        .$if(!completing, (b) => b.where("projectEvents.fromStatus", "=", "draft"))
        .select(["projects.id", "projects.title", "projects.organisationId", "projectEvents.at"])
        .execute();
      return rows.map((r) => ({
        kind: "project",
        id: r.id,
        title: r.title,
        at: r.at,
        counts: completing || r.organisationId !== null,
        note: note(
          completing ? "completed" : r.organisationId !== null ? "byOrganisation" : "byResident",
        ),
      }));
    }
    case "projectSatisfaction": {
      const rows = await q
        .selectFrom("projectRatings")
        .innerJoin("projects", "projects.id", "projectRatings.projectId")
        .where("projects.communityId", "=", c)
        .where("projectRatings.at", ">=", from)
        .where("projectRatings.at", "<", to)
        .select((eb) => ["projects.id", "projects.title", eb.fn.max("projectRatings.at").as("at")])
        .groupBy(["projects.id", "projects.title"])
        .execute();
      return rows.map((r) => ({
        kind: "project",
        id: r.id,
        title: r.title,
        at: String(r.at),
        counts: true,
        note: note("rated"),
      }));
    }
    case "activeOrganisations": {
      const rows = await q
        .selectFrom("organisationCommunities")
        .innerJoin("organisations", "organisations.id", "organisationCommunities.organisationId")
        .where("organisationCommunities.communityId", "=", c)
        .where("organisations.status", "=", "verified")
        .where("organisations.decidedAt", "<", to)
        .select(["organisations.id", "organisations.name", "organisations.decidedAt"])
        .execute();
      return rows.map((r) => ({
        kind: "organisation",
        id: r.id,
        title: r.name,
        at: r.decidedAt,
        counts: true,
        note: note("verifiedOrganisation"),
      }));
    }
    case "needsAccepted": {
      const rows = await reportedNeeds(db, from, to, [c])
        .select((eb) => [
          "needs.id",
          "needs.isPublic",
          "needs.description",
          "needs.createdAt",
          eb
            .exists(
              eb
                .selectFrom("needSteps")
                .select("needSteps.id")
                .whereRef("needSteps.needId", "=", "needs.id")
                .where("needSteps.step", "in", [...ACCEPT_STEPS]),
            )
            .as("accepted"),
        ])
        .execute();
      return rows.map((r) => ({
        kind: "need",
        id: r.id,
        title: needTitle(r),
        at: r.createdAt,
        counts: truthy(r.accepted),
        note: note(truthy(r.accepted) ? "accepted" : "notAccepted"),
      }));
    }
    case "needsClosedOnTime":
    case "needsMedianDays":
    case "needSatisfaction":
    case "needsRehandled": {
      const [rows, late, answered] = await Promise.all([
        closedNeeds(db, from, to, [c])
          .select([
            "needs.id",
            "needs.isPublic",
            "needs.description",
            "needs.closedAt",
            "needs.rehandled",
          ])
          .execute(),
        lateNeeds(db, from, to, [c]),
        closedNeeds(db, from, to, [c])
          .innerJoin("needResidents", "needResidents.needId", "needs.id")
          .where("needResidents.answer", "is not", null)
          .select((eb) => ["needs.id", eb.fn.countAll<number | string>().as("n")])
          .groupBy("needs.id")
          .execute(),
      ]);
      const withAnswers = new Set(answered.map((a) => a.id));
      return rows
        .filter((r) => measure !== "needSatisfaction" || withAnswers.has(r.id))
        .map((r) => {
          const counts =
            measure === "needsClosedOnTime"
              ? !late.has(r.id)
              : measure === "needsRehandled"
                ? r.rehandled > 0
                : true;
          const key =
            measure === "needsClosedOnTime"
              ? counts
                ? "closedOnTime"
                : "closedLate"
              : measure === "needsRehandled"
                ? counts
                  ? "rehandled"
                  : "notRehandled"
                : measure === "needSatisfaction"
                  ? "answered"
                  : "closed";
          return {
            kind: "need" as const,
            id: r.id,
            title: needTitle(r),
            at: r.closedAt,
            counts,
            note: note(key),
          };
        });
    }
  }
}

/**
 * The meetings, polls, rounds, projects and needs the community's verified residents took part
 * in during the month, by the same acts as `activeUsers`; with `atWindow`, only the subjects of
 * the window's acts (`windowUsers`).
 */
async function tookPartIn(
  db: Db,
  c: number,
  from: string,
  to: string,
  why: string,
  atWindow = false,
): Promise<MeasureRecord[]> {
  const q = db as Q;
  // The community's residents; each read below keeps to the month's acts (the window's, with
  // `atWindow`), so who was active is decided there, one table at a time.
  const residents: Residents = verifiedIds(db, to).where("memberships.communityId", "=", c);
  const [votes, meetings, projects, needs] = await Promise.all([
    q
      .selectFrom("participations")
      .leftJoin("polls", "polls.id", "participations.pollId")
      .leftJoin("budgetRounds", "budgetRounds.id", "participations.roundId")
      .where("participations.userId", "in", residents)
      .where("participations.at", ">=", from)
      .where("participations.at", "<", to)
      .$if(atWindow, (b) => b.where("participations.channel", "=", "paper"))
      .select([
        "participations.pollId",
        "participations.roundId",
        "polls.question",
        "budgetRounds.title",
        "polls.closesAt as pollCloses",
        "budgetRounds.closesAt as roundCloses",
      ])
      .distinct()
      .execute(),
    atWindow
      ? windowSubjects(db, from, to, residents, "meeting")
      : q
          .selectFrom("meetings")
          .select(["meetings.id", "meetings.topic as title", "meetings.startsAt as at"])
          .where((eb) =>
            eb.or([
              eb(
                "meetings.id",
                "in",
                q
                  .selectFrom("rsvps")
                  .select("rsvps.meetingId")
                  .where("rsvps.userId", "in", residents)
                  .where("rsvps.createdAt", ">=", from)
                  .where("rsvps.createdAt", "<", to),
              ),
              eb(
                "meetings.id",
                "in",
                q
                  .selectFrom("roomMessages")
                  .select("roomMessages.meetingId")
                  .where("roomMessages.userId", "in", residents)
                  .where("roomMessages.createdAt", ">=", from)
                  .where("roomMessages.createdAt", "<", to),
              ),
            ]),
          )
          .execute(),
    atWindow
      ? windowSubjects(db, from, to, residents, "project")
      : q
          .selectFrom("projects")
          .select(["projects.id", "projects.title", "projects.updatedAt as at"])
          .where((eb) =>
            eb.or(
              (
                [
                  ["projectSupports", "at", "userId"],
                  ["projectRatings", "at", "userId"],
                  ["projectComments", "createdAt", "authorId"],
                ] as const
              )
                .map(([table, time, who]) =>
                  eb(
                    "projects.id",
                    "in",
                    q
                      .selectFrom(table)
                      .select(`${table}.projectId` as "projectSupports.projectId")
                      .where(`${table}.${who}` as "projectSupports.userId", "in", residents)
                      .where(`${table}.${time}` as "projectSupports.at", ">=", from)
                      .where(`${table}.${time}` as "projectSupports.at", "<", to),
                  ),
                )
                .concat(
                  eb(
                    "projects.id",
                    "in",
                    q
                      .selectFrom("projectEvents")
                      .select("projectEvents.projectId")
                      .where("projectEvents.step", "=", "submit")
                      .where("projectEvents.actorId", "in", residents)
                      .where("projectEvents.at", ">=", from)
                      .where("projectEvents.at", "<", to),
                  ),
                ),
            ),
          )
          .execute(),
    q
      .selectFrom("needs")
      .select(["needs.id", "needs.isPublic", "needs.description", "needs.createdAt as at"])
      .$if(atWindow, (b) =>
        b.where((eb) =>
          eb.or([
            eb.and([
              eb("needs.channel", "=", "window"),
              eb("needs.reporterId", "in", residents),
              eb("needs.createdAt", ">=", from),
              eb("needs.createdAt", "<", to),
            ]),
            eb(
              "needs.id",
              "in",
              windowActs(db, from, to, residents).where("assistedActions.subjectType", "=", "need"),
            ),
          ]),
        ),
      )
      .$if(!atWindow, (b) =>
        b.where(
          "needs.id",
          "in",
          q
            .selectFrom("needResidents")
            .select("needResidents.needId")
            .where("needResidents.userId", "in", residents)
            .where((eb) =>
              eb.or([
                eb.and([
                  eb("needResidents.joinedAt", ">=", from),
                  eb("needResidents.joinedAt", "<", to),
                ]),
                eb.and([
                  eb("needResidents.answeredAt", ">=", from),
                  eb("needResidents.answeredAt", "<", to),
                ]),
              ]),
            ),
        ),
      )
      .execute(),
  ]);
  const out: MeasureRecord[] = [];
  const seen = new Set<string>();
  for (const v of votes) {
    const kind = v.pollId !== null ? "poll" : "round";
    const id = v.pollId ?? v.roundId;
    if (seen.has(`${kind}${id}`)) continue;
    seen.add(`${kind}${id}`);
    out.push({
      kind,
      id,
      title: (kind === "poll" ? v.question : v.title) ?? "",
      at: (kind === "poll" ? v.pollCloses : v.roundCloses) ?? null,
      counts: true,
      note: why,
    });
  }
  for (const m of meetings)
    out.push({ kind: "meeting", id: m.id, title: m.title, at: m.at, counts: true, note: why });
  for (const p of projects)
    out.push({ kind: "project", id: p.id, title: p.title, at: p.at, counts: true, note: why });
  for (const x of needs)
    out.push({ kind: "need", id: x.id, title: needTitle(x), at: x.at, counts: true, note: why });
  return out;
}

/** Assisted acts of the month for the given residents (their sittings' records). */
function windowActs(db: Db, from: string, to: string, residents: Residents) {
  return (db as Q)
    .selectFrom("assistedActions")
    .innerJoin("assistanceSittings", "assistanceSittings.id", "assistedActions.sittingId")
    .select("assistedActions.subjectId")
    .where("assistanceSittings.residentId", "in", residents)
    .where("assistedActions.at", ">=", from)
    .where("assistedActions.at", "<", to);
}
/** The ids of verified residents, as a subquery. */
type Residents = ReturnType<typeof verifiedIds>;
function verifiedIds(db: Db, to: string) {
  return verifiedAt(db, to).select("memberships.userId");
}

/** Meetings or projects a helper acted on for the residents at the window during the month. */
function windowSubjects(
  db: Db,
  from: string,
  to: string,
  residents: Residents,
  type: "meeting" | "project",
): Promise<Array<{ id: number; title: string; at: string }>> {
  const acts = windowActs(db, from, to, residents).where("assistedActions.subjectType", "=", type);
  const q = db as Q;
  return type === "meeting"
    ? q
        .selectFrom("meetings")
        .select(["meetings.id", "meetings.topic as title", "meetings.startsAt as at"])
        .where("meetings.id", "in", acts)
        .execute()
    : q
        .selectFrom("projects")
        .select(["projects.id", "projects.title", "projects.updatedAt as at"])
        .where("projects.id", "in", acts)
        .execute();
}
