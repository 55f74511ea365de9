/**
 * 六和指数 raw figures (app/services/index/measures.server.ts) on hand-made rows for June 2026 in
 * China time: every measure of a busy community worked out by hand, a community with residents
 * and nothing else, an empty community (no data anywhere, no division by zero), rows on either
 * side of the month's China-time bounds, and the drill-down's records (which count, which do not,
 * nothing personal in them). Rows are inserted directly, as a month of history would have left
 * them; the commands that write them are tested in their own files.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { getDb } from "../db/client.server";
import en from "../public/locales/en/index.json";
import zh from "../public/locales/zh-CN/index.json";
import { DomainError } from "~/domain/errors";
import { MEASURES, type MeasureId } from "~/domain/index/catalogue";
import {
  measureRecords,
  rawFigures,
  verifiedResidents,
  type CommunityFigures,
} from "~/services/index/measures.server";
import { makeArea, makeOrganisation, makeProject, makeUser } from "./support/factories";

const MONTH = "2026-06";
/** June 2026 in China: [2026-05-31T16:00Z, 2026-06-30T16:00Z). */
const FROM = "2026-05-31T16:00:00.000Z";
const TO = "2026-06-30T16:00:00.000Z";
const LONG_AGO = "2026-01-05T02:00:00.000Z";
/** A June day at 10:00 China time. */
const june = (day: number) => `2026-06-${String(day).padStart(2, "0")}T02:00:00.000Z`;
const july = (day: number) => `2026-07-${String(day).padStart(2, "0")}T02:00:00.000Z`;
const PRIVATE_TEXT = "家里的私事请勿公开描述";
const RESIDENT_NAME = "居民张三丰";

let street: number;
let a: number;
let b: number;
let c: number;
let gridA: number;
const r: number[] = [];
let outsider: number;
let figures: Map<number, CommunityFigures>;

const db = () => getDb();

async function member(
  userId: number,
  communityId: number,
  status: string,
  requestedAt: string,
  decidedAt: string | null,
) {
  await db()
    .insertInto("memberships")
    .values({
      userId,
      communityId,
      status: status as "verified",
      requestedAt,
      decidedAt,
    })
    .execute();
}

async function council(areaId: number) {
  const { id } = await db()
    .insertInto("councils")
    .values({
      areaId,
      name: "圆桌会",
      purpose: "议事",
      createdBy: null,
      createdAt: LONG_AGO,
      updatedAt: LONG_AGO,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return id;
}

async function meeting(
  councilId: number,
  topic: string,
  startsAt: string,
  status: "scheduled" | "live" | "closed" | "published",
  cancelledAt: string | null = null,
) {
  const { id } = await db()
    .insertInto("meetings")
    .values({
      councilId,
      topic,
      description: "",
      startsAt,
      endsAt: startsAt,
      place: "议事厅",
      status,
      createdBy: null,
      createdAt: LONG_AGO,
      currentAgendaItemId: null,
      floorUserId: null,
      floorUntil: null,
      cancelledAt,
      cancelReason: cancelledAt ? "改期" : null,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return id;
}

async function rsvp(
  meetingId: number,
  userId: number,
  kind: "resident" | "expert",
  createdAt: string,
) {
  await db().insertInto("rsvps").values({ meetingId, userId, kind, createdAt }).execute();
}

async function commitment(
  meetingId: number,
  what: string,
  dueDate: string,
  updates: Array<["done" | "dropped", string]>,
) {
  const { id } = await db()
    .insertInto("commitments")
    .values({
      meetingId,
      agendaItemId: null,
      what,
      ownerKind: "department",
      ownerName: "物业",
      ownerUserId: null,
      dueDate,
      status: updates.at(-1)?.[0] ?? "open",
      createdBy: null,
      createdAt: LONG_AGO,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  for (const [status, createdAt] of updates) {
    await db()
      .insertInto("commitmentUpdates")
      .values({ commitmentId: id, status, note: "", createdBy: null, createdAt })
      .execute();
  }
  return id;
}

async function poll(
  communityId: number,
  question: string,
  closesAt: string,
  cancelledAt: string | null = null,
) {
  const { id } = await db()
    .insertInto("polls")
    .values({
      communityId,
      meetingId: null,
      question,
      method: "single",
      electorate: "residents",
      results: "afterClose",
      opensAt: LONG_AGO,
      closesAt,
      createdBy: null,
      createdAt: LONG_AGO,
      cancelledAt,
      cancelReason: cancelledAt ? "取消" : null,
      ballotsDiscarded: null,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return id;
}

async function vote(
  subject: { pollId?: number; roundId?: number },
  userId: number,
  at: string,
  channel: "online" | "paper" = "online",
) {
  await db()
    .insertInto("participations")
    .values({
      pollId: subject.pollId ?? null,
      roundId: subject.roundId ?? null,
      userId,
      channel,
      boxed: channel === "paper" ? 1 : 0,
      enteredBy: null,
      confirmedBy: null,
      confirmedAt: null,
      at,
    })
    .execute();
}

async function projectEvent(
  projectId: number,
  step: string,
  from: string | null,
  to: string,
  at: string,
  actorId: number | null = null,
) {
  await db()
    .insertInto("projectEvents")
    .values({
      projectId,
      step,
      fromStatus: from as "draft",
      toStatus: to as "submitted",
      actorId,
      reason: null,
      at,
    })
    .execute();
}

async function need(
  communityId: number,
  gridId: number,
  o: {
    createdAt: string;
    status: "reported" | "accepted" | "closed" | "merged" | "notForPlatform";
    closedAt?: string;
    rehandled?: number;
    isPublic?: boolean;
    description?: string;
    reporterId?: number;
    steps?: Array<{ step: string; at: string; deadlineAt?: string; toStatus: string }>;
    answers?: Array<"satisfied" | "partly" | "notSatisfied">;
  },
) {
  const { id } = await db()
    .insertInto("needs")
    .values({
      streetId: street,
      communityId,
      gridId,
      category: "environmentSanitation",
      description: o.description ?? "路灯坏了很久没有人修",
      photo: null,
      isPublic: o.isPublic === false ? 0 : 1,
      reporterId: o.reporterId ?? null,
      channel: "web",
      channelRef: null,
      status: o.status,
      unitId: null,
      deadlineAt: null,
      rehandled: o.rehandled ?? 0,
      checkedAt: null,
      closedAt: o.closedAt ?? null,
      answer: null,
      mergedInto: null,
      statusNote: null,
      mediaUrl: null,
      createdAt: o.createdAt,
      updatedAt: o.closedAt ?? o.createdAt,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  for (const s of o.steps ?? []) {
    await db()
      .insertInto("needSteps")
      .values({
        needId: id,
        step: s.step as "accept",
        role: "gridWorker",
        actorId: null,
        assistedBy: null,
        fromStatus: null,
        toStatus: s.toStatus as "accepted",
        unitId: null,
        deadlineAt: s.deadlineAt ?? null,
        note: null,
        photo: null,
        at: s.at,
      })
      .execute();
  }
  if (o.reporterId !== undefined) {
    await db()
      .insertInto("needResidents")
      .values({
        needId: id,
        userId: o.reporterId,
        kind: "reporter",
        joinedAt: o.createdAt,
        answer: null,
        answeredAt: null,
      })
      .execute();
  }
  for (const answer of o.answers ?? []) {
    const userId = await makeUser();
    await db()
      .insertInto("needResidents")
      .values({
        needId: id,
        userId,
        kind: "meToo",
        joinedAt: o.createdAt,
        answer,
        answeredAt: o.closedAt ?? null,
      })
      .execute();
  }
  return id;
}

beforeAll(async () => {
  const district = await makeArea("district", null);
  street = await makeArea("street", district);
  a = await makeArea("community", street, "busy");
  b = await makeArea("community", street, "empty");
  c = await makeArea("community", street, "quiet");
  gridA = await makeArea("grid", a);

  // A: five residents verified before June ended; a sixth verified in July does not count.
  for (let i = 0; i < 6; i++) r.push(await makeUser({ displayName: `${RESIDENT_NAME}${i}` }));
  for (let i = 0; i < 5; i++) await member(r[i]!, a, "verified", LONG_AGO, LONG_AGO);
  await member(r[5]!, a, "verified", june(28), july(2));
  outsider = await makeUser({ displayName: RESIDENT_NAME });
  // C: two residents who did nothing.
  for (let i = 0; i < 2; i++) await member(await makeUser(), c, "verified", LONG_AGO, LONG_AGO);

  // Requests whose three days ran out in June: requested in [May 28 16:00Z, Jun 27 16:00Z).
  const asks: Array<[string, string, string | null]> = [
    ["declined", june(1), june(3)], // decided in 2 days
    ["declined", june(10), june(14)], // decided in 4 days: late
    ["pending", june(20), null], // never decided
    ["pending", june(29), null], // its three days run out in July
    ["declined", "2026-05-29T00:00:00.000Z", "2026-05-30T00:00:00.000Z"], // in time, counted in June
  ];
  for (const [status, requestedAt, decidedAt] of asks)
    await member(await makeUser(), a, status, requestedAt, decidedAt);

  // Meetings of A's council; a street council's meeting belongs to no community.
  const ca = await council(a);
  const m1 = await meeting(ca, "停车难题", june(10), "closed");
  const m2 = await meeting(ca, "垃圾分类", june(15), "published");
  await meeting(ca, "从未召开", june(20), "scheduled");
  await meeting(ca, "取消的会", june(22), "closed", june(21));
  await meeting(ca, "七月的会", july(3), "closed");
  await meeting(await council(street), "街道的会", june(12), "closed");
  // r2's RSVP at the very first instant of June (China time) counts; an expert fills another seat kind.
  await rsvp(m1, r[1]!, "resident", FROM);
  await rsvp(m1, outsider, "expert", june(9));
  await rsvp(m2, r[1]!, "resident", june(14));
  // r4's message at the first instant of July does not count in June.
  await db()
    .insertInto("roomMessages")
    .values({
      meetingId: m2,
      userId: r[4]!,
      body: "七月见",
      agendaItemId: null,
      createdAt: TO,
      hiddenAt: null,
      hiddenBy: null,
      hiddenReason: null,
      pinnedAt: null,
    })
    .execute();

  // Commitments due in June: kept on the last minute of its day; done a minute late; dropped
  // before it was due (no longer owed); still open; dropped after it was due. One due in July.
  await commitment(m1, "修好路灯", "2026-06-10", [["done", "2026-06-10T15:59:00.000Z"]]);
  await commitment(m1, "清理楼道", "2026-06-12", [["done", "2026-06-12T16:00:00.000Z"]]);
  await commitment(m1, "不再需要", "2026-06-20", [["dropped", june(15)]]);
  await commitment(m1, "尚未完成", "2026-06-30", []);
  await commitment(m1, "到期后放弃", "2026-06-01", [["dropped", june(5)]]);
  await commitment(m1, "七月到期", "2026-07-01", []);

  // Votes closed in June: published; waiting for its paper box; a round whose count is confirmed.
  const p1 = await poll(a, "健身角选址", june(20));
  const p2 = await poll(a, "纸票未清点", june(25));
  await poll(a, "已取消", june(26), june(24));
  await poll(a, "七月结束", july(5));
  await vote({ pollId: p1 }, r[0]!, june(18));
  await vote({ pollId: p1 }, outsider, june(18));
  await vote({ pollId: p2 }, outsider, "2026-05-30T02:00:00.000Z", "paper");
  const { id: round } = await db()
    .insertInto("budgetRounds")
    .values({
      communityId: a,
      title: "微实事预算",
      budget: 10000,
      method: "greedy",
      maxProjects: null,
      opensAt: LONG_AGO,
      closesAt: june(28),
      talliedAt: june(29),
      spent: null,
      createdBy: null,
      createdAt: LONG_AGO,
      cancelledAt: null,
      cancelReason: null,
      ballotsDiscarded: null,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  await vote({ roundId: round }, outsider, "2026-05-30T02:00:00.000Z", "paper");
  await db()
    .insertInto("paperCounts")
    .values({
      roundId: round,
      pollId: null,
      submittedBy: null,
      submittedAt: june(29),
      confirmedBy: null,
      confirmedAt: june(29),
      createdAt: june(29),
    })
    .execute();

  // Projects: one submitted by a resident and completed in June; one submitted by an
  // organisation; one resubmitted after a return (not a first submission); one from May.
  const org = await makeOrganisation({ communities: [a], status: "verified" });
  await db()
    .updateTable("organisations")
    .set({ decidedAt: "2026-05-01T00:00:00.000Z" })
    .where("id", "=", org)
    .execute();
  await makeOrganisation({ communities: [a], status: "pending" });
  const late = await makeOrganisation({ communities: [a], status: "verified" });
  await db()
    .updateTable("organisations")
    .set({ decidedAt: july(1) })
    .where("id", "=", late)
    .execute();
  const quietOrg = await makeOrganisation({ communities: [c], status: "verified" });
  await db()
    .updateTable("organisations")
    .set({ decidedAt: LONG_AGO })
    .where("id", "=", quietOrg)
    .execute();
  const j1 = await makeProject(a, { title: "楼道扶手" });
  const j2 = await makeProject(a, { title: "长者食堂" });
  await db().updateTable("projects").set({ organisationId: org }).where("id", "=", j2).execute();
  const j3 = await makeProject(a, { title: "退回重交" });
  const j4 = await makeProject(a, { title: "五月提交" });
  await projectEvent(j1, "submit", "draft", "submitted", june(1), r[2]!);
  await projectEvent(j1, "complete", "inProgress", "completed", june(5));
  await projectEvent(j2, "submit", "draft", "submitted", june(2));
  await projectEvent(j3, "submit", "returned", "submitted", june(3));
  await projectEvent(j4, "submit", "draft", "submitted", "2026-05-20T02:00:00.000Z");
  for (const [score, at] of [
    [4, june(6)],
    [5, june(7)],
    [2, july(1)],
  ] as const) {
    await db()
      .insertInto("projectRatings")
      .values({ projectId: j1, userId: await makeUser(), score, at })
      .execute();
  }
  await db()
    .insertInto("projectComments")
    .values({
      projectId: j1,
      parentId: null,
      authorId: r[2]!,
      body: "好",
      createdAt: june(8),
      hiddenAt: null,
      hiddenBy: null,
      hiddenReason: null,
      reviewedAt: null,
    })
    .execute();

  // r3 at the service window: a helper supported a project for them.
  const helper = await makeUser();
  const { id: sitting } = await db()
    .insertInto("assistanceSittings")
    .values({
      helperId: helper,
      residentId: r[3]!,
      communityId: a,
      consent: "signed",
      sessionId: "s",
      startedAt: june(9),
      endsAt: june(9),
      endedAt: june(9),
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  await db()
    .insertInto("assistedActions")
    .values({
      sittingId: sitting,
      action: "project.support",
      subjectType: "project",
      subjectId: j2,
      at: june(9),
    })
    .execute();

  // Needs.
  await need(a, gridA, {
    createdAt: june(2),
    status: "closed",
    closedAt: june(12),
    reporterId: r[0]!,
    steps: [
      { step: "accept", at: june(2), toStatus: "accepted" },
      { step: "dispatch", at: june(3), deadlineAt: june(8), toStatus: "dispatched" },
      { step: "resolve", at: june(7), toStatus: "resolved" },
    ],
    answers: ["satisfied"],
  });
  await need(a, gridA, {
    createdAt: june(3),
    status: "closed",
    closedAt: june(23),
    rehandled: 1,
    steps: [
      { step: "accept", at: june(3), toStatus: "accepted" },
      { step: "dispatch", at: june(4), deadlineAt: june(9), toStatus: "dispatched" },
      { step: "resolve", at: june(10), toStatus: "resolved" },
    ],
    answers: ["notSatisfied", "partly"],
  });
  await need(a, gridA, {
    createdAt: june(5),
    status: "reported",
    isPublic: false,
    description: PRIVATE_TEXT,
  });
  await need(a, gridA, { createdAt: june(6), status: "merged" });
  await need(a, gridA, {
    createdAt: "2026-05-20T02:00:00.000Z",
    status: "closed",
    closedAt: june(4),
    steps: [{ step: "resolveOnSpot", at: "2026-05-21T02:00:00.000Z", toStatus: "checked" }],
  });
  await need(a, gridA, { createdAt: june(10), status: "notForPlatform" });
  await need(a, gridA, {
    createdAt: june(25),
    status: "closed",
    closedAt: july(2),
    steps: [{ step: "accept", at: june(26), toStatus: "accepted" }],
  });

  figures = await rawFigures(getDb(), MONTH);
});

describe("rawFigures, a busy community worked out by hand", () => {
  it("counts verified residents at the month's end", async () => {
    const residents = await verifiedResidents(getDb(), MONTH, [a, b, c]);
    expect(Object.fromEntries(residents)).toEqual({ [a]: 5, [b]: 0, [c]: 2 });
    expect((await verifiedResidents(getDb(), "2026-07", [a])).get(a)).toBe(6);
  });

  it("participation: verified residents who took part in anything, China-time bounds", () => {
    // r0 voted, r1 RSVPed at the first instant, r2 submitted and commented, r3 at the window;
    // r4's message came at the first instant of July; the outsider is no resident.
    expect(figures.get(a)!.participation).toEqual({ value: 4 / 5, numerator: 4, denominator: 5 });
  });

  it("inclusiveParticipation: the share of those who took part through the window", () => {
    expect(figures.get(a)!.inclusiveParticipation).toEqual({
      value: 1 / 4,
      numerator: 1,
      denominator: 4,
    });
  });

  it("membershipsDecided3Days: requests whose three days ran out in the month", () => {
    expect(figures.get(a)!.membershipsDecided3Days).toEqual({
      value: 2 / 4,
      numerator: 2,
      denominator: 4,
    });
  });

  it("meetings held per 1,000 residents, and seats of more than one kind", () => {
    expect(figures.get(a)!.meetingsPer1000).toEqual({ value: 400, numerator: 2, denominator: 5 });
    expect(figures.get(a)!.mixedSeats).toEqual({ value: 1 / 2, numerator: 1, denominator: 2 });
  });

  it("commitmentsOnTime: done by the end of the due day in China; dropped before it leaves", () => {
    expect(figures.get(a)!.commitmentsOnTime).toEqual({
      value: 1 / 4,
      numerator: 1,
      denominator: 4,
    });
  });

  it("recountableVotes: closed in the month, ballots published (paper box settled)", () => {
    expect(figures.get(a)!.recountableVotes).toEqual({
      value: 2 / 3,
      numerator: 2,
      denominator: 3,
    });
  });

  it("projects completed per 1,000, their ratings in the month, and organisations' share", () => {
    expect(figures.get(a)!.projectsCompleted).toEqual({ value: 200, numerator: 1, denominator: 5 });
    expect(figures.get(a)!.projectSatisfaction).toEqual({
      value: 4.5,
      numerator: 9,
      denominator: 2,
    });
    expect(figures.get(a)!.orgProposedProjects).toEqual({
      value: 1 / 2,
      numerator: 1,
      denominator: 2,
    });
  });

  it("activeOrganisations: verified by the month's end and serving the community", () => {
    expect(figures.get(a)!.activeOrganisations).toEqual({
      value: 1,
      numerator: 1,
      denominator: null,
    });
  });

  it("needs: accepted, closed on time, median days, satisfaction, re-handled", () => {
    const f = figures.get(a)!;
    expect(f.needsAccepted).toEqual({ value: 3 / 4, numerator: 3, denominator: 4 });
    expect(f.needsClosedOnTime).toEqual({ value: 2 / 3, numerator: 2, denominator: 3 });
    expect(f.needsMedianDays).toEqual({ value: 15, numerator: null, denominator: 3 });
    expect(f.needSatisfaction).toEqual({ value: 2 / 3, numerator: 2, denominator: 3 });
    expect(f.needsRehandled).toEqual({ value: 1 / 3, numerator: 1, denominator: 3 });
  });

  it("moves with the month: July sees r4's message and the sixth resident", async () => {
    const july = (await rawFigures(getDb(), "2026-07", [a])).get(a)!;
    expect(july.participation).toEqual({ value: 1 / 6, numerator: 1, denominator: 6 });
    expect(july.projectSatisfaction.value).toBe(2);
  });
});

describe("rawFigures, communities with nothing to count", () => {
  it("an empty community (no verified resident yet): every measure is no data, its organisations too", () => {
    const f = figures.get(b)!;
    for (const m of MEASURES) {
      expect(f[m], m).toEqual({ value: null, numerator: null, denominator: null });
    }
  });

  it("residents and nothing else: zero where there was something to count, null elsewhere", () => {
    const f = figures.get(c)!;
    expect(f.participation).toEqual({ value: 0, numerator: 0, denominator: 2 });
    expect(f.meetingsPer1000.value).toBe(0);
    expect(f.projectsCompleted.value).toBe(0);
    expect(f.activeOrganisations.value).toBe(1);
    for (const m of MEASURES) {
      if (
        ["participation", "meetingsPer1000", "projectsCompleted", "activeOrganisations"].includes(m)
      )
        continue;
      expect(f[m].value, m).toBeNull();
    }
  });

  it("a month with no rows at all, and the communities asked for only", async () => {
    const all = await rawFigures(getDb(), "2020-01", [a, c]);
    expect([...all.keys()]).toEqual([a, c]);
    for (const f of all.values()) {
      for (const m of MEASURES) {
        if (m === "activeOrganisations") continue;
        expect(f[m].value === null || Number.isFinite(f[m].value), m).toBe(true);
        expect(f[m].value, m).toBeNull();
      }
    }
    expect((await rawFigures(getDb(), MONTH, [])).size).toBe(0);
    // A street is no community.
    expect((await rawFigures(getDb(), MONTH, [street])).size).toBe(0);
  });

  it("refuses a malformed month", async () => {
    for (const bad of ["2026-13", "June", "2026-6"]) {
      await expect(rawFigures(getDb(), bad)).rejects.toMatchObject({
        status: 400,
        key: "index:errors.measureBadMonth",
      });
    }
  });
});

describe("measureRecords", () => {
  it("lists the commitments due, which were kept and why the others were not", async () => {
    const { total, records } = await measureRecords(getDb(), "commitmentsOnTime", a, MONTH);
    expect(total).toBe(5);
    expect(records.map((x) => [x.title, x.counts, x.note])).toEqual([
      ["到期后放弃", false, "index:records.notes.notDoneByDue"],
      ["修好路灯", true, "index:records.notes.doneByDue"],
      ["清理楼道", false, "index:records.notes.notDoneByDue"],
      ["不再需要", false, "index:records.notes.droppedBeforeDue"],
      ["尚未完成", false, "index:records.notes.notDoneByDue"],
    ]);
    expect(records.every((x) => x.kind === "commitment")).toBe(true);
  });

  it("agrees with the figures: the counted records are the numerator", async () => {
    for (const m of MEASURES) {
      const { records } = await measureRecords(getDb(), m, a, MONTH, 1000);
      const f = figures.get(a)![m];
      if (
        [
          "participation",
          "inclusiveParticipation",
          "needsMedianDays",
          "needSatisfaction",
          "projectSatisfaction",
          "meetingsPer1000",
          "projectsCompleted",
        ].includes(m)
      )
        continue;
      expect(records.filter((x) => x.counts).length, m).toBe(f.numerator);
    }
    const held = await measureRecords(getDb(), "meetingsPer1000", a, MONTH);
    expect(held.records.map((x) => [x.title, x.counts, x.note])).toEqual([
      ["停车难题", true, "index:records.notes.held"],
      ["垃圾分类", true, "index:records.notes.held"],
      ["从未召开", false, "index:records.notes.notHeld"],
      ["取消的会", false, "index:records.notes.cancelled"],
    ]);
    const votes = await measureRecords(getDb(), "recountableVotes", a, MONTH);
    expect(votes.records.map((x) => [x.kind, x.title, x.counts])).toEqual([
      ["poll", "健身角选址", true],
      ["poll", "纸票未清点", false],
      ["round", "微实事预算", true],
    ]);
  });

  it("lists what residents took part in, and at the window", async () => {
    const all = await measureRecords(getDb(), "participation", a, MONTH);
    expect(all.records.map((x) => `${x.kind}:${x.title}`).sort()).toEqual(
      [
        "meeting:停车难题",
        "meeting:垃圾分类",
        "need:路灯坏了很久没有人修",
        "poll:健身角选址",
        "project:楼道扶手",
      ].sort(),
    );
    const window = await measureRecords(getDb(), "inclusiveParticipation", a, MONTH);
    expect(window.records.map((x) => `${x.kind}:${x.title}`)).toEqual(["project:长者食堂"]);
  });

  it("names nobody: no resident's name, no membership id, no private need's text", async () => {
    const every = await Promise.all(
      MEASURES.map((m) => measureRecords(getDb(), m, a, MONTH, 1000)),
    );
    const text = JSON.stringify(every);
    // Every note is a key of the index namespace, in both languages.
    const notes = new Set(
      every.flatMap((e) => e.records.map((x) => x.note!.replace("index:records.notes.", ""))),
    );
    expect(notes.size).toBeGreaterThan(10);
    for (const lng of [zh, en])
      for (const key of notes) expect(lng.records.notes, key).toHaveProperty(key);
    expect(text).not.toContain(RESIDENT_NAME);
    expect(text).not.toContain(PRIVATE_TEXT);
    const members = await measureRecords(getDb(), "membershipsDecided3Days", a, MONTH);
    expect(members.records.map((x) => [x.id, x.title, x.counts])).toEqual([
      [null, "", true],
      [null, "", true],
      [null, "", false],
      [null, "", false],
    ]);
    const accepted = await measureRecords(getDb(), "needsAccepted", a, MONTH);
    expect(accepted.records.find((x) => !x.counts)).toMatchObject({ kind: "need", title: "" });
  });

  it("keeps to the limit and still says how many there are", async () => {
    const { total, records } = await measureRecords(getDb(), "commitmentsOnTime", a, MONTH, 2);
    expect(total).toBe(5);
    expect(records).toHaveLength(2);
    expect((await measureRecords(getDb(), "needsClosedOnTime", b, MONTH)).total).toBe(0);
  });

  it("refuses an unknown measure, month or community", async () => {
    const refusal = (p: Promise<unknown>) =>
      p.then(
        () => null,
        (e: unknown) => e,
      );
    const unknown = await refusal(measureRecords(getDb(), "happiness" as MeasureId, a, MONTH));
    expect(unknown).toBeInstanceOf(DomainError);
    expect(unknown).toMatchObject({ status: 404, key: "index:errors.measureUnknown" });
    expect(await refusal(measureRecords(getDb(), "mixedSeats", a, "2026-6"))).toMatchObject({
      status: 400,
      key: "index:errors.measureBadMonth",
    });
    expect(await refusal(measureRecords(getDb(), "mixedSeats", street, MONTH))).toMatchObject({
      status: 404,
      key: "index:errors.measureNoCommunity",
    });
  });
});
