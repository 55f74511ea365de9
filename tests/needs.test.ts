/**
 * 民情 (needs): reporting, "me too", every step of the loop through the command runner with the
 * roles of the policy, deadlines and the timed work with an injected clock, merging, privacy on
 * the boards and the page, and the refusals (each writes nothing).
 */
import type { KyselyPlugin, PluginTransformQueryArgs, PluginTransformResultArgs } from "kysely";
import { createElement as h } from "react";
import { renderToString } from "react-dom/server";
import { I18nextProvider } from "react-i18next";
import sharp from "sharp";
import { beforeEach, describe, expect, it } from "vitest";
import { meetingLists } from "~/services/meetings/queries.server";
import { getDb } from "../db/client.server";
import { isPostgres } from "../db/portable";
import enNeed from "../public/locales/en/need.json";
import zhNeed from "../public/locales/zh-CN/need.json";
import { ErrorSummary } from "~/components/forms";
import type { DomainError } from "~/domain/errors";
import { i18nFor } from "~/i18n/i18next.server";
import { runDueJobs } from "~/services/jobs.server";
import { policy, type Actor } from "~/domain/permissions/policy";
import { limitsFormSchema, reportSchema, stepSchema } from "~/domain/needs/schemas";
import {
  linkNeed,
  meToo,
  reportNeed,
  STEP_ACTION,
  takeNeedStep,
} from "~/services/needs/commands.server";
import { policyRoleOf } from "~/services/needs/shared.server";
import { ROLE_TABLE, STEP_NAMES, type NeedStep } from "~/domain/needs/machine";
import {
  linkedNeeds,
  listNeeds,
  needPage,
  needPhoto,
  similarNeeds,
} from "~/services/needs/queries.server";
import {
  addUnitMember,
  appointCommandRoom,
  appointGridWorker,
  createUnit,
  endStaff,
  setStreetLimits,
} from "~/services/needs/staff.server";
import { needsTick } from "~/services/needs/timed.server";
import { run } from "~/services/runner/command.server";
import {
  actorFor,
  gridsOf,
  makeCommittee,
  makeCommunity,
  makeMeeting,
  makeProject,
  makeResident,
  makeUser,
  wholeDbSnapshot,
} from "./support/factories";
import { later, MONDAY, reportIn, send, stepOf, streetOf, username } from "./support/needs";
import { refusal } from "./support/refusal";

let community: number;
let street: number;
let grid: number;
let otherCommunity: number;
let otherGrid: number;
let reporter: Actor;
let neighbour: Actor;
let stranger: Actor;
let gridWorker: Actor;
let commandRoom: Actor;
let unitMember: Actor;
let otherUnitMember: Actor;
let committee: Actor;
let admin: Actor;
let unit: number;
let otherStreetUnit: number;

beforeEach(async () => {
  community = await makeCommunity("needs");
  otherCommunity = await makeCommunity("elsewhere");
  street = await streetOf(community);
  grid = (await gridsOf(community))[0]!;
  otherGrid = (await gridsOf(otherCommunity))[0]!;
  reporter = await makeResident(community);
  neighbour = await makeResident(community);
  stranger = await makeResident(otherCommunity);
  const committeeId = await makeUser();
  await makeCommittee(committeeId, community);
  committee = await actorFor(committeeId);
  admin = await actorFor(await makeUser({ isAdmin: true }));
  const gw = await makeUser();
  const cr = await makeUser();
  const um = await makeUser();
  const um2 = await makeUser();
  await send(appointGridWorker, committee, { areaId: grid, login: await username(gw) });
  await send(appointCommandRoom, admin, { areaId: street, login: await username(cr) });
  unit = await send(createUnit, admin, {
    streetId: street,
    platform: "service",
    name: "便民服务平台",
  });
  const otherStreet = (
    await getDb()
      .selectFrom("areas")
      .select("parentId")
      .where("id", "=", otherCommunity)
      .executeTakeFirstOrThrow()
  ).parentId!;
  otherStreetUnit = (await send(createUnit, admin, {
    streetId: otherStreet,
    name: "城管中队",
  })) as number;
  await send(addUnitMember, admin, { unitId: unit, login: await username(um) });
  await send(addUnitMember, admin, { unitId: otherStreetUnit, login: await username(um2) });
  [gridWorker, commandRoom, unitMember, otherUnitMember] = (await Promise.all(
    [gw, cr, um, um2].map((id) => actorFor(id)),
  )) as [Actor, Actor, Actor, Actor];
});

const report = (over: Record<string, unknown> = {}, who = reporter, now = MONDAY) =>
  reportIn({ community, grid }, who, over, now);

const step = stepOf;

const needRow = (id: number) =>
  getDb().selectFrom("needs").selectAll().where("id", "=", id).executeTakeFirstOrThrow();

describe("staff", () => {
  it("gives each appointed person the role for their own place only", () => {
    expect(gridWorker.gridWorkerOf).toEqual([grid]);
    expect(commandRoom.commandRoomOf).toEqual([street]);
    expect(unitMember.unitOf).toEqual([unit]);
    expect(reporter.gridWorkerOf).toEqual([]);
  });

  it("refuses a committee appointing a grid worker in another community, and a second appointment", async () => {
    const someone = await makeUser();
    const before = await wholeDbSnapshot();
    expect(
      (
        await refusal(
          send(appointGridWorker, committee, {
            areaId: otherGrid,
            login: await username(someone),
          }),
        )
      ).status,
    ).toBe(403);
    expect(
      (
        await refusal(
          send(appointGridWorker, committee, {
            areaId: grid,
            login: await username(gridWorker.userId!),
          }),
        )
      ).key,
    ).toBe("need:errors.alreadyAppointed");
    expect(
      (
        await refusal(
          send(appointCommandRoom, committee, { areaId: street, login: await username(someone) }),
        )
      ).status,
    ).toBe(403);
    expect(
      (
        await refusal(
          send(createUnit, admin, { streetId: street, platform: "service", name: "又一个" }),
        )
      ).key,
    ).toBe("need:errors.platformExists");
    expect(await wholeDbSnapshot()).toEqual(before);
  });

  it("ends an appointment: the role is gone", async () => {
    const row = await getDb()
      .selectFrom("needStaff")
      .select("id")
      .where("userId", "=", gridWorker.userId!)
      .executeTakeFirstOrThrow();
    expect((await refusal(send(endStaff, stranger, { staffId: String(row.id) }))).status).toBe(403);
    await send(endStaff, committee, { staffId: String(row.id) });
    expect((await actorFor(gridWorker.userId!)).gridWorkerOf).toEqual([]);
    expect((await refusal(send(endStaff, committee, { staffId: String(row.id) }))).key).toBe(
      "need:errors.staffEnded",
    );
  });
});

describe("reporting", () => {
  it("records the need, its reporter, the first step and the accept deadline (1 working day)", async () => {
    const id = await report();
    const n = await needRow(id);
    expect(n).toMatchObject({
      status: "reported",
      streetId: street,
      isPublic: 1,
      intensity: 1,
      channel: "web",
    });
    // Monday 10:00 China → end of Tuesday, China time.
    expect(n.deadlineAt).toBe("2026-06-09T15:59:59.999Z");
    const steps = await getDb()
      .selectFrom("needSteps")
      .selectAll()
      .where("needId", "=", id)
      .execute();
    expect(steps.map((s) => [s.step, s.role, s.toStatus])).toEqual([
      ["report", "reporter", "reported"],
    ]);
  });

  it("makes a neighbour dispute private by default, and honours an explicit choice", async () => {
    const dispute = await report({ category: "neighbourDispute" });
    expect((await needRow(dispute)).isPublic).toBe(0);
    const open = await report({ category: "neighbourDispute", visibility: "public" });
    expect((await needRow(open)).isPublic).toBe(1);
    const closed = await report({ visibility: "private" });
    expect((await needRow(closed)).isPublic).toBe(0);
  });

  it("refuses an unknown category, a grid outside the community, a stranger, and writes nothing", async () => {
    const before = await wholeDbSnapshot();
    expect(() =>
      reportSchema.parse({
        communityId: "1",
        gridId: "1",
        category: "aliens",
        description: "一二三四五",
      }),
    ).toThrow("need:errors.unknownCategory");
    expect((await refusal(report({ gridId: String(otherGrid) }))).key).toBe("need:errors.badGrid");
    expect((await refusal(report({ communityId: String(otherGrid) }))).key).toBe(
      "need:errors.badCommunity",
    );
    expect((await refusal(report({}, stranger))).status).toBe(403);
    expect(await wholeDbSnapshot()).toEqual(before);
  });
});

describe("me too", () => {
  it("adds a resident once, raising the intensity; refuses twice, the reporter, and strangers", async () => {
    const id = await report();
    await send(meToo, neighbour, { needId: String(id) });
    expect((await needRow(id)).intensity).toBe(2);
    expect((await refusal(send(meToo, neighbour, { needId: String(id) }))).key).toBe(
      "need:errors.alreadyBehind",
    );
    expect((await refusal(send(meToo, reporter, { needId: String(id) }))).key).toBe(
      "need:errors.alreadyBehind",
    );
    expect((await refusal(send(meToo, stranger, { needId: String(id) }))).status).toBe(403);
    expect((await needRow(id)).intensity).toBe(2);
  });

  it("finds similar open needs of the same grid and category, those matching the words first", async () => {
    const lamp = await report();
    const bench = await report({ description: "小区长椅坏了，老人没处坐。" });
    await report({ category: "trafficParking", description: "楼道灯前面乱停车。" });
    const found = await similarNeeds(neighbour, grid, "repairsFacilities", "楼道灯");
    expect(found.map((f) => f.id)).toEqual([lamp, bench]);
    expect(found.map((f) => f.similar)).toEqual([true, false]);
    // A private need is never matched by its words (that would tell what it says).
    const secret = await report({ description: "楼道灯下有人吵架。", visibility: "private" });
    const again = await similarNeeds(neighbour, grid, "repairsFacilities", "吵架");
    expect(again.find((f) => f.id === secret)).toMatchObject({ similar: false, description: null });
  });
});

describe("the loop", () => {
  it("goes round: accept, escalate, dispatch, resolve, check, satisfied — each by its role, each on the timeline", async () => {
    const id = await report();
    await send(meToo, neighbour, { needId: String(id) });
    expect((await step(id, gridWorker, "accept")).status).toBe("accepted");
    expect((await step(id, gridWorker, "escalate")).status).toBe("escalated");
    expect((await needRow(id)).deadlineAt).toBe("2026-06-09T15:59:59.999Z");
    expect((await step(id, commandRoom, "dispatch", { unitId: String(unit) })).status).toBe(
      "dispatched",
    );
    // Resolve within 5 working days: Monday → the end of the next Monday.
    expect((await needRow(id)).deadlineAt).toBe("2026-06-15T15:59:59.999Z");
    expect((await step(id, unitMember, "resolve", { note: "已更换灯泡" }, later(1))).status).toBe(
      "resolved",
    );
    expect((await step(id, gridWorker, "check", {}, later(2))).status).toBe("checked");
    // A "me too" answer is recorded, but the reporter's decides.
    expect((await step(id, neighbour, "answerNotSatisfied", {}, later(3))).status).toBe("checked");
    expect((await step(id, reporter, "answerSatisfied", {}, later(3))).status).toBe("closed");
    const n = await needRow(id);
    expect(n).toMatchObject({
      status: "closed",
      answer: "satisfied",
      rehandled: 0,
      unitId: unit,
      dispatched: 1,
    });
    const timeline = await getDb()
      .selectFrom("needSteps")
      .select(["step", "role"])
      .where("needId", "=", id)
      .orderBy("id")
      .execute();
    expect(timeline.map((t) => `${t.step}/${t.role}`)).toEqual([
      "report/reporter",
      "meToo/meToo",
      "accept/gridWorker",
      "escalate/gridWorker",
      "dispatch/commandRoom",
      "resolve/unit",
      "check/gridWorker",
      "answerNotSatisfied/meToo",
      "answerSatisfied/reporter",
    ]);
    const audit = await getDb()
      .selectFrom("auditLog")
      .select("action")
      .where("subjectType", "=", "need")
      .orderBy("id")
      .execute();
    expect(audit.map((a) => a.action)).toEqual([
      "need.accept",
      "need.escalate",
      "need.dispatch",
      "need.resolve",
      "need.check",
    ]);
  });

  it("sends a 'not satisfied' back to the unit, counted as re-handling, with a new deadline", async () => {
    const id = await report();
    await step(id, gridWorker, "accept");
    await step(id, gridWorker, "escalate");
    await step(id, commandRoom, "dispatch", { unitId: String(unit) });
    await step(id, unitMember, "resolve", { note: "已处理" });
    await step(id, gridWorker, "check");
    expect((await step(id, reporter, "answerNotSatisfied", {}, later(1))).status).toBe(
      "dispatched",
    );
    const n = await needRow(id);
    expect(n).toMatchObject({ rehandled: 1, unitId: unit, checkedAt: null });
    expect(n.deadlineAt).toBe("2026-06-16T15:59:59.999Z");
  });

  it("resolved on the spot goes to the residents' answer, and 'not satisfied' back to the grid worker", async () => {
    const id = await report();
    expect((await refusal(step(id, gridWorker, "resolveOnSpot"))).key).toBe(
      "need:errors.noteRequired",
    );
    expect((await step(id, gridWorker, "resolveOnSpot", { note: "当场修好" })).status).toBe(
      "checked",
    );
    expect((await step(id, reporter, "answerNotSatisfied")).status).toBe("accepted");
  });

  it("lets the unit return a need with a reason, and ask once for a later deadline", async () => {
    const id = await report();
    await step(id, gridWorker, "accept");
    await step(id, gridWorker, "escalate");
    await step(id, commandRoom, "dispatch", { unitId: String(unit) });
    expect(
      (
        await refusal(
          step(id, unitMember, "askExtension", { note: "缺配件", deadline: "2026-06-10" }),
        )
      ).key,
    ).toBe("need:errors.extensionNotLater");
    await step(id, unitMember, "askExtension", { note: "缺配件", deadline: "2026-06-30" });
    expect((await needRow(id)).deadlineAt).toBe("2026-06-30T15:59:59.999Z");
    expect(
      (
        await refusal(
          step(id, unitMember, "askExtension", { note: "还缺", deadline: "2026-07-30" }),
        )
      ).key,
    ).toBe("need:errors.extensionUsed");
    expect((await step(id, unitMember, "returnToRoom", { note: "不属于本平台职责" })).status).toBe(
      "returnedToRoom",
    );
    expect((await needRow(id)).unitId).toBeNull();
    expect((await step(id, commandRoom, "dispatch", { unitId: String(unit) })).status).toBe(
      "dispatched",
    );
  });

  it("refuses steps out of order, by the wrong role, a unit of another street, a deadline in the past — writing nothing", async () => {
    const id = await report();
    const before = await wholeDbSnapshot();
    expect((await refusal(step(id, gridWorker, "escalate"))).key).toBe(
      "need:errors.stepNotAllowed",
    );
    expect((await refusal(step(id, reporter, "accept"))).status).toBe(403);
    expect((await refusal(step(id, commandRoom, "accept"))).status).toBe(403);
    expect((await refusal(step(id, unitMember, "resolve", { note: "x" }))).status).toBe(403);
    expect((await refusal(step(id, stranger, "answerSatisfied"))).status).toBe(403);
    expect(await wholeDbSnapshot()).toEqual(before);
    await step(id, gridWorker, "accept");
    await step(id, gridWorker, "escalate");
    const mid = await wholeDbSnapshot();
    expect(
      (await refusal(step(id, commandRoom, "dispatch", { unitId: String(otherStreetUnit) }))).key,
    ).toBe("need:errors.badUnit");
    expect(
      (
        await refusal(
          step(id, commandRoom, "dispatch", { unitId: String(unit), deadline: "2026-06-01" }),
        )
      ).key,
    ).toBe("need:errors.deadlineInPast");
    expect((await refusal(step(id, commandRoom, "dispatch"))).key).toBe("need:errors.unitRequired");
    await step(id, commandRoom, "dispatch", { unitId: String(unit) });
    // Dispatched to one unit: another street's unit may not resolve it.
    expect((await refusal(step(id, otherUnitMember, "resolve", { note: "x" }))).status).toBe(403);
    expect(mid).not.toEqual(before);
  });

  it("reopens a closed need within 14 days, and refuses after", async () => {
    const id = await report();
    await step(id, gridWorker, "resolveOnSpot", { note: "修好了" });
    await step(id, reporter, "answerPartly");
    expect((await refusal(step(id, reporter, "reopen", { note: "又坏了" }, later(15)))).key).toBe(
      "need:errors.reopenExpired",
    );
    expect((await step(id, reporter, "reopen", { note: "又坏了" }, later(10))).status).toBe(
      "accepted",
    );
    expect((await needRow(id)).rehandled).toBe(1);
  });

  it("lets the committee merge a duplicate (residents move, counted once) and turn one away with a reason", async () => {
    const first = await report();
    const dup = await report({}, neighbour);
    await send(meToo, reporter, { needId: String(dup) });
    expect((await refusal(step(dup, gridWorker, "merge", { into: String(first) }))).status).toBe(
      403,
    );
    expect((await refusal(step(dup, committee, "merge", { into: String(dup) }))).key).toBe(
      "need:errors.badMergeTarget",
    );
    await step(dup, committee, "merge", { into: String(first) });
    expect(await needRow(dup)).toMatchObject({ status: "merged", mergedInto: first });
    // The neighbour joins; the reporter was already behind the first.
    expect((await needRow(first)).intensity).toBe(2);
    const away = await report();
    expect((await refusal(step(away, committee, "markNotForPlatform"))).key).toBe(
      "need:errors.noteRequired",
    );
    await step(away, committee, "markNotForPlatform", { note: "请拨打 12345 反映物业收费问题" });
    expect(await needRow(away)).toMatchObject({
      status: "notForPlatform",
      statusNote: "请拨打 12345 反映物业收费问题",
    });
  });
});

describe("timed work", () => {
  it("closes a need nobody answered 14 days after the check, once", async () => {
    const id = await report();
    await step(id, gridWorker, "resolveOnSpot", { note: "修好了" });
    expect(await needsTick(getDb(), later(13))).toMatchObject({ closed: 0 });
    expect(await needsTick(getDb(), later(15))).toMatchObject({ closed: 1 });
    expect(await needRow(id)).toMatchObject({ status: "closed", answer: "none" });
    expect(await needsTick(getDb(), later(16))).toMatchObject({ closed: 0 });
    const last = await getDb()
      .selectFrom("needSteps")
      .select(["step", "role"])
      .where("needId", "=", id)
      .orderBy("id", "desc")
      .executeTakeFirstOrThrow();
    expect(last).toEqual({ step: "autoClose", role: "system" });
  });

  it("raises an overdue need to the command room, then the admins; the command room's own lateness goes to the admins", async () => {
    const late = await report();
    await needsTick(getDb(), later(1));
    expect((await needRow(late)).raised).toBe(0);
    await needsTick(getDb(), later(2));
    expect((await needRow(late)).raised).toBe(1);
    await needsTick(getDb(), later(3));
    expect((await needRow(late)).raised).toBe(2);
    const stuck = await report();
    await step(stuck, gridWorker, "accept");
    await step(stuck, gridWorker, "escalate");
    await needsTick(getDb(), later(2));
    expect((await needRow(stuck)).raised).toBe(2);
    // Taking the step clears the raise: the next stretch starts on time.
    await step(stuck, commandRoom, "dispatch", { unitId: String(unit) }, later(2));
    expect((await needRow(stuck)).raised).toBe(0);
    await step(late, gridWorker, "accept", {}, later(3));
    expect((await needRow(late)).raised).toBe(0);
  });

  it("runs as a job once across processes", async () => {
    const ran = await runDueJobs(getDb(), "a", MONDAY);
    expect(ran).toContain("needs.tick");
    expect(await runDueJobs(getDb(), "b", MONDAY)).not.toContain("needs.tick");
  });
});

describe("reading", () => {
  it("keeps a private need's details to the reporter and the people handling it", async () => {
    const id = await report({
      category: "neighbourDispute",
      description: "楼上邻居每晚噪音到凌晨。",
    });
    const anonymous = await needPage(await actorFor(stranger.userId!), id);
    expect(anonymous?.details).toBe(false);
    expect(anonymous?.need.description).toBeNull();
    for (const who of [reporter, gridWorker, committee]) {
      expect((await needPage(who, id))?.need.description).toBe("楼上邻居每晚噪音到凌晨。");
    }
    const board = await listNeeds(neighbour, { communityId: community });
    expect(board.items.find((i) => i.id === id)?.description).toBeNull();
    expect(
      (await listNeeds(gridWorker, { communityId: community })).items.find((i) => i.id === id)
        ?.description,
    ).toBe("楼上邻居每晚噪音到凌晨。");
  });

  it("offers each viewer the steps their role may take now", async () => {
    const id = await report();
    expect((await needPage(gridWorker, id))?.viewer.steps).toEqual(["accept", "resolveOnSpot"]);
    expect((await needPage(reporter, id))?.viewer.steps).toEqual([]);
    expect((await needPage(committee, id))?.viewer.steps).toEqual(["merge", "markNotForPlatform"]);
    expect((await needPage(neighbour, id))?.viewer.canMeToo).toBe(true);
    expect((await needPage(reporter, id))?.viewer.canMeToo).toBe(false);
  });

  it("filters the board: mine, overdue, closed, by grid and category; sorts by intensity", async () => {
    const a = await report();
    const b = await report(
      { category: "trafficParking", description: "消防通道被占用，车开不进来。" },
      neighbour,
    );
    await send(meToo, reporter, { needId: String(b) });
    expect(
      (await listNeeds(reporter, { communityId: community, mine: true })).items
        .map((i) => i.id)
        .sort(),
    ).toEqual([a, b].sort());
    expect(
      (await listNeeds(reporter, { communityId: community, category: "trafficParking" })).items.map(
        (i) => i.id,
      ),
    ).toEqual([b]);
    expect((await listNeeds(reporter, { streetId: street, sort: "intensity" })).items[0]?.id).toBe(
      b,
    );
    expect(
      (await listNeeds(reporter, { communityId: community, overdue: true }, later(3))).total,
    ).toBe(2);
    expect((await listNeeds(reporter, { communityId: community, status: "done" })).total).toBe(0);
    expect((await listNeeds(reporter, { unitId: unit })).total).toBe(0);
  });

  it("counts up to its cap, then says there are more", async () => {
    for (let i = 0; i < 3; i++) await report();
    expect(await listNeeds(reporter, { communityId: community }, MONDAY, 2)).toMatchObject({
      total: 2,
      more: true,
    });
    const all = await listNeeds(reporter, { communityId: community }, MONDAY, 3);
    expect(all).toMatchObject({ total: 3, more: false });
    expect(all.items).toHaveLength(3);
  });
});

describe("the policy and the loop's role table", () => {
  it("grant each step to exactly the roles the machine names", () => {
    for (const [step, action] of Object.entries(STEP_ACTION)) {
      const expected = ROLE_TABLE[step as NeedStep].map(policyRoleOf);
      expect([...policy[action].allow].sort(), step).toEqual([...expected].sort());
    }
    // Every step but the timed one is some action's.
    expect(Object.keys(STEP_ACTION).sort()).toEqual(
      STEP_NAMES.filter((s) => s !== "autoClose").sort(),
    );
  });
});

describe("from needs to deliberation", () => {
  it("lets the committee put a need on a meeting's agenda and name a project that answers it", async () => {
    const id = await report();
    const { meetingId } = await makeMeeting(community, { status: "scheduled" });
    const { meetingId: over } = await makeMeeting(community, { status: "published" });
    const { meetingId: elsewhere } = await makeMeeting(otherCommunity, { status: "scheduled" });
    const project = await makeProject(community);
    const link = (who: Actor, kind: string, targetId: number) =>
      send(linkNeed, who, { needId: String(id), kind, targetId: String(targetId) });
    const before = await wholeDbSnapshot();
    expect((await refusal(link(reporter, "meeting", meetingId))).status).toBe(403);
    expect((await refusal(link(committee, "meeting", elsewhere))).key).toBe(
      "need:errors.badLinkTarget",
    );
    expect((await refusal(link(committee, "meeting", over))).key).toBe("need:errors.badLinkTarget");
    expect(await wholeDbSnapshot()).toEqual(before);
    await link(committee, "meeting", meetingId);
    await link(committee, "project", project);
    expect((await refusal(link(committee, "project", project))).key).toBe(
      "need:errors.alreadyLinked",
    );
    expect((await linkedNeeds("meeting", meetingId)).map((n) => n.id)).toEqual([id]);
    // The meeting's page reads them with its other lists, in one statement.
    expect((await meetingLists(meetingId, community)).needs).toEqual(
      await linkedNeeds("meeting", meetingId),
    );
    expect((await linkedNeeds("project", project)).map((n) => n.id)).toEqual([id]);
    const page = await needPage(reporter, id);
    expect(page?.links.map((l) => l.kind)).toEqual(["meeting", "project"]);
    expect(page?.timeline.filter((e) => e.step === "link").map((e) => e.note)).toEqual([
      `meeting:${meetingId}`,
      `project:${project}`,
    ]);
  });
});

describe("a street's own time limits", () => {
  it("are set by admins only, refused when not whole days from 1, and used by the next deadline", async () => {
    const form = (over: Record<string, string> = {}) => ({ streetId: String(street), ...over });
    const before = await wholeDbSnapshot();
    expect(
      (await refusal(send(setStreetLimits, committee, form({ acceptDays: "3" })))).status,
    ).toBe(403);
    expect(() => limitsFormSchema.parse(form({ acceptDays: "0" }))).toThrow("need:errors.badLimit");
    expect(() => limitsFormSchema.parse(form({ resolveDays: "0x10" }))).toThrow(
      "need:errors.badLimit",
    );
    expect(await wholeDbSnapshot()).toEqual(before);
    await send(
      setStreetLimits,
      admin,
      form({ acceptDays: "3", resolveDays: "10", resolveUnit: "calendarDays" }),
    );
    const id = await report();
    // Monday 10:00 → the end of the third working day after: Thursday.
    expect((await needRow(id)).deadlineAt).toBe("2026-06-11T15:59:59.999Z");
    await step(id, gridWorker, "accept");
    await step(id, gridWorker, "escalate");
    await step(id, commandRoom, "dispatch", { unitId: String(unit) });
    // Ten calendar days, as exact days from the dispatch.
    expect((await needRow(id)).deadlineAt).toBe(later(10).toISOString());
  });
});

describe("photos", () => {
  it("keeps the reporter's photo and the unit's photo of what was done, for readers of the details", async () => {
    const png = new Uint8Array(
      await sharp({ create: { width: 40, height: 30, channels: 3, background: "#396" } })
        .png()
        .toBuffer(),
    );
    const id = (await run(
      reportNeed,
      reporter,
      {
        ...reportSchema.parse({
          communityId: String(community),
          gridId: String(grid),
          category: "neighbourDispute",
          description: "楼上漏水到我家天花板。",
        }),
        photo: png,
      },
      { now: MONDAY },
    )) as number;
    await step(id, gridWorker, "accept");
    await step(id, gridWorker, "escalate");
    await step(id, commandRoom, "dispatch", { unitId: String(unit) });
    await run(
      takeNeedStep,
      unitMember,
      {
        ...stepSchema.parse({ needId: String(id), step: "resolve", note: "已修好管道" }),
        photo: png,
      },
      { now: MONDAY },
    );
    const resolved = await getDb()
      .selectFrom("needSteps")
      .select(["id", "photo"])
      .where("needId", "=", id)
      .where("step", "=", "resolve")
      .executeTakeFirstOrThrow();
    expect(resolved.photo).toMatch(/^[0-9a-f]{32}\.webp$/);
    // A private need: the reporter and the unit see both photos, a neighbour neither.
    expect(await needPhoto(reporter, id)).toMatch(/\.webp$/);
    expect(await needPhoto(unitMember, id, resolved.id)).toBe(resolved.photo);
    expect(await needPhoto(neighbour, id)).toBeNull();
    expect(await needPhoto(neighbour, id, resolved.id)).toBeNull();
  });
});

/** The page's words for a refusal: the form's error summary, rendered in each language. */
function expectShownInBothLanguages(e: DomainError) {
  const name = e.key.replace(/^need:errors\./, "");
  for (const [lng, texts] of [
    ["zh-CN", zhNeed.errors],
    ["en", enNeed.errors],
  ] as const) {
    const text = (texts as Record<string, string>)[name];
    expect(text, `${lng}: ${e.key}`).toBeTypeOf("string");
    const html = renderToString(
      h(
        I18nextProvider,
        { i18n: i18nFor(lng) },
        h(ErrorSummary, { errors: { [e.field ?? "_form"]: { key: e.key, params: e.params } } }),
      ),
    );
    expect(html, lng).toContain(renderToString(h("span", null, text)).slice(6, -7));
    expect(html, lng).not.toContain(e.key);
  }
}

/** Refuses `p` and checks the refusal's key, status and words, and that the database is as it was. */
async function expectRefused(p: () => Promise<unknown>, key: string, status: number) {
  const before = await wholeDbSnapshot();
  const e = await refusal(p());
  expect([e.key, e.status]).toEqual([key, status]);
  expectShownInBothLanguages(e);
  expect(await wholeDbSnapshot()).toEqual(before);
  return e;
}

describe("refusals, each in both languages and writing nothing", () => {
  it("refuses 'me too' on a closed need and on a merged one", async () => {
    const closed = await report();
    await step(closed, gridWorker, "resolveOnSpot", { note: "修好了" });
    await step(closed, reporter, "answerSatisfied");
    await expectRefused(
      () => send(meToo, neighbour, { needId: String(closed) }),
      "need:errors.notOpen",
      409,
    );
    const first = await report();
    const dup = await report({}, neighbour);
    await step(dup, committee, "merge", { into: String(first) });
    await expectRefused(
      () => send(meToo, reporter, { needId: String(dup) }),
      "need:errors.notOpen",
      409,
    );
  });

  it("refuses asking for more time without the new deadline, on its field", async () => {
    const id = await report();
    await step(id, gridWorker, "accept");
    await step(id, gridWorker, "escalate");
    await step(id, commandRoom, "dispatch", { unitId: String(unit) });
    const e = await expectRefused(
      () => step(id, unitMember, "askExtension", { note: "缺配件", deadline: "" }),
      "need:errors.deadlineRequired",
      400,
    );
    expect(e.field).toBe("deadline");
  });

  it("refuses a merge that names no need to merge into, on its field", async () => {
    await report();
    const dup = await report({}, neighbour);
    const e = await expectRefused(
      () => step(dup, committee, "merge", { into: "" }),
      "need:errors.mergeTargetRequired",
      400,
    );
    expect(e.field).toBe("into");
  });

  it("refuses ending an appointment that does not exist", async () => {
    const { max } = await getDb()
      .selectFrom("needStaff")
      .select((eb) => eb.fn.max("id").as("max"))
      .executeTakeFirstOrThrow();
    await expectRefused(
      () => send(endStaff, admin, { staffId: String(Number(max) + 1) }),
      "need:errors.staffNotFound",
      404,
    );
  });

  it("refuses a command room, a unit or time limits for a place that is not a street", async () => {
    const someone = await username(await makeUser());
    for (const notStreet of [community, grid]) {
      const e = await expectRefused(
        () => send(appointCommandRoom, admin, { areaId: String(notStreet), login: someone }),
        "need:errors.badStreet",
        400,
      );
      expect(e.field).toBe("areaId");
      // The unit's and the limits' forms name the street `streetId`: the refusal is on that field.
      const unitRefused = await expectRefused(
        () => send(createUnit, admin, { streetId: String(notStreet), name: "城管中队" }),
        "need:errors.badStreet",
        400,
      );
      const limitsRefused = await expectRefused(
        () => send(setStreetLimits, admin, { streetId: String(notStreet), acceptDays: "3" }),
        "need:errors.badStreet",
        400,
      );
      expect([unitRefused.field, limitsRefused.field]).toEqual(["streetId", "streetId"]);
    }
  });
});

/**
 * Holds a command's transaction right after its first read of `table` and runs `meanwhile` there
 * (once): a second person's request arriving between this one's read and its write.
 */
function pauseAfterFirstRead(table: string, meanwhile: () => Promise<void>): KyselyPlugin {
  const reads = new WeakSet<object>();
  let done = false;
  return {
    transformQuery(args: PluginTransformQueryArgs) {
      const node = args.node as { kind: string; from?: { froms: unknown[] } };
      const tables = JSON.stringify(node.from?.froms ?? []);
      if (node.kind === "SelectQueryNode" && tables.includes(`"name":"${table}"`)) {
        reads.add(args.queryId);
      }
      return args.node;
    },
    async transformResult(args: PluginTransformResultArgs) {
      if (!done && reads.has(args.queryId)) {
        done = true;
        await meanwhile();
      }
      return args.result;
    },
  };
}

describe("two staff at the same moment", () => {
  it("take one step: the other, who read the need before it moved, is refused by the loop and writes nothing", async () => {
    const gw2 = await makeUser();
    await send(appointGridWorker, committee, { areaId: grid, login: await username(gw2) });
    const secondWorker = await actorFor(gw2);
    const id = await report();
    const settle = (p: Promise<unknown>) =>
      p.then(
        (r) => ({ ok: true as const, r }),
        (e: unknown) => ({ ok: false as const, e }),
      );
    let theirs: ReturnType<typeof settle> | undefined;
    const db = getDb().withPlugin(
      pauseAfterFirstRead("needs", async () => {
        theirs = settle(step(id, secondWorker, "accept"));
        // PostgreSQL runs both at once: theirs commits while ours holds what it read. SQLite's one
        // writer makes theirs wait for ours to end (awaiting it here would wait for ever).
        if (isPostgres(getDb())) await theirs;
      }),
    );
    const ours = await settle(
      run(takeNeedStep, gridWorker, stepSchema.parse({ needId: String(id), step: "accept" }), {
        now: MONDAY,
        db,
      }),
    );
    expect(theirs).toBeDefined();
    const outcomes = [ours, await theirs!];
    expect(outcomes.filter((o) => o.ok).map((o) => o.r)).toEqual([
      { needId: id, status: "accepted" },
    ]);
    const refused = outcomes.find((o) => !o.ok)!.e as DomainError;
    expect([refused.key, refused.status]).toEqual(["need:errors.stepNotAllowed", 409]);
    expectShownInBothLanguages(refused);
    const steps = await getDb()
      .selectFrom("needSteps")
      .select("step")
      .where("needId", "=", id)
      .orderBy("id")
      .execute();
    expect(steps.map((s) => s.step)).toEqual(["report", "accept"]);
    const audited = await getDb()
      .selectFrom("auditLog")
      .select("action")
      .where("subjectType", "=", "need")
      .where("subjectId", "=", id)
      .execute();
    expect(audited.map((a) => a.action)).toEqual(["need.accept"]);
  });
});
