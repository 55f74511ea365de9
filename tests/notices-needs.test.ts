/**
 * 民情 in the notices (issue 16, item 2): every step of a need's loop tells its reporter and its
 * "me too" residents (with what was done or why, where its page shows them that); the grid's
 * workers, the street's command room and the unit hear what is now theirs to do (current staff
 * only); an overdue need is told to the level it was raised to, once per level. A private need's
 * notices reach only those who may read its details and carry neither its description nor its
 * place. Needs from another channel or the service window: the reporter the need records.
 */
import { beforeEach, describe, expect, it } from "vitest";
import type { z } from "zod";
import { getDb } from "../db/client.server";
import { transaction } from "../db/portable";
import { intakeSchema } from "~/domain/needs/intake";
import {
  noticeLink,
  noticeMessage,
  type NoticeDraft,
  type NoticeKind,
} from "~/domain/notices/kinds";
import type { Action, Actor } from "~/domain/permissions/policy";
import { meToo } from "~/services/needs/commands.server";
import { intakeNeed, issueIntakeKey } from "~/services/needs/intake.server";
import { intakeActor } from "~/services/needs/open311.server";
import {
  addUnitMember,
  appointCommandRoom,
  appointGridWorker,
  createUnit,
  endStaff,
} from "~/services/needs/staff.server";
import { needsTick } from "~/services/needs/timed.server";
import {
  deliveriesSettled,
  deliverPending,
  scheduleDelivery,
  setImmediateDelivery,
  writeOutbox,
} from "~/services/notices/delivery.server";
import { run, type Command } from "~/services/runner/command.server";
import { inboxPage } from "./support/inbox";
import {
  actorFor,
  assistedBy,
  gridsOf,
  makeArea,
  makeCommittee,
  makeCommunity,
  makeResident,
  makeUser,
} from "./support/factories";
import {
  later,
  MONDAY,
  reportIn,
  send as sendAt,
  stepOf,
  streetOf,
  username,
} from "./support/needs";

/** A command as its form runs it, and the notices it wrote delivered. */
async function send<S extends z.ZodTypeAny, L, R, A extends Action, P>(
  cmd: Command<S, L, R, A, P>,
  actor: Actor,
  raw: Record<string, unknown>,
  now = MONDAY,
): Promise<R> {
  const r = await sendAt(cmd, actor, raw, now);
  await deliveriesSettled();
  return r;
}

let community: number;
let street: number;
let grid: number;
let otherGrid: number;
let unit: number;
let reporter: Actor;
let neighbour: Actor;
let bystander: Actor;
let stranger: Actor;
let gridWorker: Actor;
let otherGridWorker: Actor;
let formerGridWorker: Actor;
let commandRoom: Actor;
let unitMember: Actor;
let otherUnitMember: Actor;
let committee: Actor;
let admin: Actor;

beforeEach(async () => {
  setImmediateDelivery(true);
  community = await makeCommunity("needs");
  const otherCommunity = await makeCommunity("elsewhere");
  street = await streetOf(community);
  grid = (await gridsOf(community))[0]!;
  otherGrid = await makeArea("grid", community);
  reporter = await makeResident(community);
  neighbour = await makeResident(community);
  bystander = await makeResident(community);
  stranger = await makeResident(otherCommunity);
  const committeeId = await makeUser();
  await makeCommittee(committeeId, community);
  committee = await actorFor(committeeId);
  admin = await actorFor(await makeUser({ isAdmin: true }));
  const [gw, gw2, former, cr, um, um2] = await Promise.all(
    Array.from({ length: 6 }, () => makeUser()),
  );
  await send(appointGridWorker, committee, { areaId: grid, login: await username(gw!) });
  await send(appointGridWorker, committee, { areaId: otherGrid, login: await username(gw2!) });
  await send(appointGridWorker, committee, { areaId: grid, login: await username(former!) });
  const ended = await getDb()
    .selectFrom("needStaff")
    .select("id")
    .where("userId", "=", former!)
    .executeTakeFirstOrThrow();
  await send(endStaff, committee, { staffId: String(ended.id) });
  await send(appointCommandRoom, admin, { areaId: street, login: await username(cr!) });
  unit = await send(createUnit, admin, { streetId: street, platform: "service", name: "便民服务" });
  const otherUnit = await send(createUnit, admin, {
    streetId: street,
    platform: "market",
    name: "市场监管",
  });
  await send(addUnitMember, admin, { unitId: unit, login: await username(um!) });
  await send(addUnitMember, admin, { unitId: otherUnit, login: await username(um2!) });
  [gridWorker, otherGridWorker, formerGridWorker, commandRoom, unitMember, otherUnitMember] =
    (await Promise.all([gw!, gw2!, former!, cr!, um!, um2!].map((id) => actorFor(id)))) as [
      Actor,
      Actor,
      Actor,
      Actor,
      Actor,
      Actor,
    ];
  // Appointing staff tells nobody anything: each test starts with empty inboxes. The file's
  // earlier needs stay in its database: off the clock, so that a tick here raises only this
  // test's to the admins (every admin reads every desk).
  await getDb().deleteFrom("notices").execute();
  await getDb().updateTable("needs").set({ deadlineAt: null }).execute();
});

const report = async (over: Record<string, unknown> = {}, who = reporter, now = MONDAY) => {
  const id = await reportIn({ community, grid }, who, over, now);
  await deliveriesSettled();
  return id;
};

const step = async (...args: Parameters<typeof stepOf>) => {
  const r = await stepOf(...args);
  await deliveriesSettled();
  return r;
};

interface Seen {
  kind: string;
  subjectType: string;
  subjectId: number | null;
  params: string;
}

async function inbox(who: Actor): Promise<Seen[]> {
  return getDb()
    .selectFrom("notices")
    .select(["kind", "subjectType", "subjectId", "params"])
    .where("userId", "=", who.userId!)
    .orderBy("id")
    .execute();
}

/** What each notice says, as `kind/step` (the step, or the overdue level). */
async function told(who: Actor): Promise<string[]> {
  return (await inbox(who)).map((n) => {
    const p = JSON.parse(n.params) as { step?: string; level?: number };
    return `${n.kind}/${p.step ?? p.level}`;
  });
}

async function clearInboxes() {
  await getDb().deleteFrom("notices").execute();
}

/** Everybody set up above, by name. */
const cast = () => ({
  reporter,
  neighbour,
  bystander,
  stranger,
  gridWorker,
  otherGridWorker,
  formerGridWorker,
  commandRoom,
  unitMember,
  otherUnitMember,
  committee,
  admin,
});

/** Everybody set up above, by name, with what they were told. */
async function everyone() {
  const out: Record<string, string[]> = {};
  for (const [name, who] of Object.entries(cast())) {
    const seen = await told(who);
    if (seen.length > 0) out[name] = seen;
  }
  return out;
}

describe("the loop, step by step", () => {
  it("tells the residents every step and the staff what is now theirs; nobody else, nobody of their own act", async () => {
    const id = await report();
    expect(await everyone()).toEqual({ gridWorker: ["need.assigned/report"] });
    await send(meToo, neighbour, { needId: String(id) });
    expect(await everyone()).toEqual({ gridWorker: ["need.assigned/report"] });
    await clearInboxes();

    await step(id, gridWorker, "accept");
    expect(await everyone()).toEqual({
      reporter: ["need.stepped/accept"],
      neighbour: ["need.stepped/accept"],
    });
    await clearInboxes();
    await step(id, gridWorker, "escalate");
    expect(await everyone()).toEqual({
      reporter: ["need.stepped/escalate"],
      neighbour: ["need.stepped/escalate"],
      commandRoom: ["need.assigned/escalate"],
    });
    await clearInboxes();
    await step(id, commandRoom, "dispatch", { unitId: String(unit) });
    expect(await everyone()).toEqual({
      reporter: ["need.stepped/dispatch"],
      neighbour: ["need.stepped/dispatch"],
      unitMember: ["need.assigned/dispatch"],
    });
    await clearInboxes();
    await step(id, unitMember, "resolve", { note: "已更换灯泡" }, later(1));
    expect(await everyone()).toEqual({
      reporter: ["need.stepped/resolve"],
      neighbour: ["need.stepped/resolve"],
      gridWorker: ["need.assigned/resolve"],
    });
    await clearInboxes();
    await step(id, gridWorker, "check", {}, later(1));
    expect(await everyone()).toEqual({
      reporter: ["need.stepped/check"],
      neighbour: ["need.stepped/check"],
    });
    await clearInboxes();
    // A "me too" answer is recorded but moves nothing: nobody is told.
    await step(id, neighbour, "answerNotSatisfied", {}, later(2));
    expect(await everyone()).toEqual({});
    // The reporter's "not satisfied" sends it back to the unit.
    await step(id, reporter, "answerNotSatisfied", { note: "灯还是不亮" }, later(2));
    expect(await everyone()).toEqual({
      neighbour: ["need.stepped/answerNotSatisfied"],
      unitMember: ["need.assigned/answerNotSatisfied"],
    });
    await clearInboxes();
    await step(id, unitMember, "resolve", { note: "换了线路" }, later(3));
    await step(id, gridWorker, "check", {}, later(3));
    await clearInboxes();
    await step(id, reporter, "answerSatisfied", {}, later(3));
    expect(await everyone()).toEqual({ neighbour: ["need.stepped/answerSatisfied"] });
    await clearInboxes();
    await step(id, neighbour, "reopen", { note: "又坏了" }, later(4));
    expect(await everyone()).toEqual({
      reporter: ["need.stepped/reopen"],
      unitMember: ["need.assigned/reopen"],
    });
  });

  it("says what was done, why, and when the residents are asked to answer; links to the need", async () => {
    const id = await report();
    await send(meToo, neighbour, { needId: String(id) });
    await step(id, gridWorker, "accept", { note: "明天上门" });
    await step(id, gridWorker, "escalate");
    await step(id, commandRoom, "dispatch", { unitId: String(unit) });
    await step(id, unitMember, "askExtension", { note: "零件要订货", deadline: "2026-06-30" });
    await step(id, unitMember, "returnToRoom", { note: "不归我们单位" });
    await step(id, commandRoom, "dispatch", { unitId: String(unit) });
    await step(id, unitMember, "resolve", { note: "已更换灯泡" });
    await step(id, gridWorker, "check");
    const messages = (await inbox(reporter)).map((n) => {
      expect(noticeLink(n)).toBe(`/needs/${id}`);
      const m = noticeMessage(n, "zh-CN");
      return [m.key.replace("notice:kinds.", ""), m.params.done, m.reason];
    });
    expect(messages).toEqual([
      // The accept's note is the grid worker's remark, not a reason: not carried.
      ["needStepped.accept", "", null],
      ["needStepped.escalate", "", null],
      ["needStepped.dispatch", "", null],
      ["needStepped.askExtension", "", "零件要订货"],
      ["needStepped.returnToRoom", "", "不归我们单位"],
      ["needStepped.dispatch", "", null],
      ["needStepped.resolve", "已更换灯泡", null],
      ["needStepped.check", "", null],
    ]);
    expect(noticeMessage((await inbox(reporter))[0]!, "en").params).toMatchObject({
      id: String(id),
      category: "repairsFacilities",
    });
    expect(await told(commandRoom)).toEqual([
      "need.assigned/escalate",
      "need.assigned/returnToRoom",
    ]);
  });

  it("tells the residents a need solved on the spot (to answer), sent back to the grid worker, turned away or merged", async () => {
    const spot = await report();
    await step(spot, gridWorker, "resolveOnSpot", { note: "当场修好" });
    await step(spot, reporter, "answerNotSatisfied", { note: "还是坏的" });
    expect(await told(gridWorker)).toEqual([
      "need.assigned/report",
      "need.assigned/answerNotSatisfied",
    ]);
    const [onSpot] = await inbox(reporter);
    expect(noticeMessage(onSpot!, "zh-CN")).toMatchObject({
      key: "notice:kinds.needStepped.resolveOnSpot",
      params: { done: "当场修好" },
    });

    const away = await report();
    await step(away, committee, "markNotForPlatform", { note: "请拨打12345转物业" });
    const duplicate = await report({}, neighbour);
    await step(duplicate, committee, "merge", { into: String(spot) });
    const all = await inbox(reporter);
    const turned = noticeMessage(
      all.find((n) => n.subjectId === away)!,
      "en",
    );
    expect(turned).toMatchObject({
      key: "notice:kinds.needStepped.markNotForPlatform",
      reason: "请拨打12345转物业",
    });
    const [merged] = await inbox(neighbour);
    expect(merged?.subjectId).toBe(duplicate);
    expect(noticeMessage(merged!, "zh-CN")).toMatchObject({
      key: "notice:kinds.needStepped.merge",
      params: { into: String(spot) },
      reason: null,
    });
  });

  it("keeps a reporter's notices when they switch the kind off, but not a 'me too' resident's", async () => {
    const id = await report();
    await send(meToo, neighbour, { needId: String(id) });
    const at = new Date().toISOString();
    await getDb()
      .insertInto("noticePreferences")
      .values(
        [reporter, neighbour, gridWorker].map((who) => ({
          userId: who.userId!,
          kind: (who === gridWorker ? "need.assigned" : "need.stepped") as NoticeKind,
          enabled: 0,
          updatedAt: at,
        })),
      )
      .execute();
    await clearInboxes();
    await step(id, gridWorker, "accept");
    await step(id, gridWorker, "escalate");
    expect(await everyone()).toEqual({
      reporter: ["need.stepped/accept", "need.stepped/escalate"],
      commandRoom: ["need.assigned/escalate"],
    });
  });
});

describe("a private need", () => {
  const PRIVATE = {
    category: "neighbourDispute",
    place: "5幢502室",
    description: "楼上502的邻居每晚噪音到凌晨。",
  };

  it("is told only to those who may read its details, and no notice carries its words", async () => {
    const id = await report(PRIVATE);
    await send(meToo, neighbour, { needId: String(id) });
    await step(id, gridWorker, "accept");
    await step(id, gridWorker, "escalate");
    await step(id, commandRoom, "dispatch", { unitId: String(unit) });
    await needsTick(getDb(), later(30));
    await deliveriesSettled();
    expect(await everyone()).toEqual({
      reporter: ["need.stepped/accept", "need.stepped/escalate", "need.stepped/dispatch"],
      neighbour: ["need.stepped/accept", "need.stepped/escalate", "need.stepped/dispatch"],
      gridWorker: ["need.assigned/report"],
      commandRoom: ["need.assigned/escalate", "need.overdue/1"],
      unitMember: ["need.assigned/dispatch"],
      // The admins read every desk: told it is late, by number and category only.
      admin: ["need.overdue/2"],
    });
    const params = [
      ...(await getDb().selectFrom("notices").select("params").execute()),
      ...(await getDb().selectFrom("noticeOutbox").select("params").execute()),
    ].map((r) => r.params);
    expect(params.length).toBeGreaterThan(0);
    for (const p of params) {
      for (const secret of ["502", "噪音", "5幢"]) expect(p).not.toContain(secret);
    }
  });

  it("never reaches a resident, a former grid worker, another unit or an admin who may not read it, whoever the outbox names", async () => {
    const privateNeed = await report(PRIVATE);
    const publicNeed = await report();
    await clearInboxes();
    const everybody = Object.values(cast()).map((a) => a.userId!);
    const draft = (kind: "need.stepped" | "need.overdue", needId: number): NoticeDraft =>
      kind === "need.stepped"
        ? {
            kind,
            subject: { type: "need", id: needId },
            params: {
              category: "neighbourDispute",
              step: "resolve",
              reason: null,
              done: "已调解",
              into: null,
            },
            recipients: { users: everybody },
          }
        : {
            kind,
            subject: { type: "need", id: needId },
            params: { category: "neighbourDispute", level: 2, reason: null },
            recipients: { users: everybody },
          };
    const ids = await transaction(getDb(), (trx) =>
      writeOutbox(
        trx,
        [draft("need.stepped", privateNeed), draft("need.overdue", privateNeed)],
        null,
        new Date().toISOString(),
      ),
    );
    scheduleDelivery(ids);
    await deliveriesSettled();
    expect(await everyone()).toEqual({
      reporter: ["need.stepped/resolve", "need.overdue/2"],
      gridWorker: ["need.stepped/resolve", "need.overdue/2"],
      commandRoom: ["need.stepped/resolve", "need.overdue/2"],
      committee: ["need.stepped/resolve", "need.overdue/2"],
      // A note is for readers of the details; a notice without one, for the desk too.
      admin: ["need.overdue/2"],
    });
    await clearInboxes();
    // The unit it is dispatched to may read it; another unit may not.
    await step(privateNeed, gridWorker, "accept");
    await step(privateNeed, gridWorker, "escalate");
    await step(privateNeed, commandRoom, "dispatch", { unitId: String(unit) });
    const again = await transaction(getDb(), (trx) =>
      writeOutbox(trx, [draft("need.stepped", privateNeed)], null, new Date().toISOString()),
    );
    scheduleDelivery(again);
    await deliveriesSettled();
    expect(await told(unitMember)).toContain("need.stepped/resolve");
    expect(await told(otherUnitMember)).toEqual([]);
    expect(await told(bystander)).toEqual([]);
    // A public need is everyone's to read.
    await clearInboxes();
    const open = await transaction(getDb(), (trx) =>
      writeOutbox(trx, [draft("need.stepped", publicNeed)], null, new Date().toISOString()),
    );
    scheduleDelivery(open);
    await deliveriesSettled();
    expect(await told(bystander)).toEqual(["need.stepped/resolve"]);
    expect(await told(stranger)).toEqual(["need.stepped/resolve"]);
  });
});

describe("staff", () => {
  it("are told only while in post: an ended grid worker, command room or unit member gets nothing", async () => {
    const id = await report();
    expect(await told(gridWorker)).toEqual(["need.assigned/report"]);
    expect(await told(formerGridWorker)).toEqual([]);
    expect(await told(otherGridWorker)).toEqual([]);
    // A second command room and unit member come; the first ones leave.
    const [room2, member2] = await Promise.all([makeUser(), makeUser()]);
    await send(appointCommandRoom, admin, { areaId: street, login: await username(room2) });
    await send(addUnitMember, admin, { unitId: unit, login: await username(member2) });
    const posts = await getDb()
      .selectFrom("needStaff")
      .select("id")
      .where("userId", "in", [commandRoom.userId!, unitMember.userId!])
      .execute();
    for (const p of posts) await send(endStaff, admin, { staffId: String(p.id) });
    await clearInboxes();
    const [newRoom, newMember] = await Promise.all([actorFor(room2), actorFor(member2)]);
    await step(id, gridWorker, "accept");
    await step(id, gridWorker, "escalate");
    await step(id, newRoom, "dispatch", { unitId: String(unit) });
    expect(await told(commandRoom)).toEqual([]);
    expect(await told(unitMember)).toEqual([]);
    expect(await told(newRoom)).toEqual(["need.assigned/escalate"]);
    expect(await told(newMember)).toEqual(["need.assigned/dispatch"]);
  });

  it("are told a need from another channel is theirs, which tells no resident", async () => {
    const { key } = await send(issueIntakeKey, admin, { channel: "12345", label: "市长热线" });
    const channel = (await intakeActor(key))!;
    const code = (
      await getDb()
        .selectFrom("areas")
        .select("code")
        .where("id", "=", grid)
        .executeTakeFirstOrThrow()
    ).code;
    const { needId } = await run(
      intakeNeed,
      channel,
      intakeSchema.parse({
        api_key: key,
        service_code: "trafficParking",
        description: "小区门口违停严重，救护车进不来。",
        address_id: code,
      }),
      { now: MONDAY },
    );
    await deliveriesSettled();
    expect(await everyone()).toEqual({ gridWorker: ["need.assigned/report"] });
    await clearInboxes();
    const before = await getDb().selectFrom("noticeOutbox").select("id").execute();
    await step(needId, gridWorker, "accept");
    // No resident with an account is behind it: no notice for nobody is even written.
    expect(await getDb().selectFrom("noticeOutbox").select("id").execute()).toEqual(before);
    await send(meToo, neighbour, { needId: String(needId) });
    await step(needId, gridWorker, "escalate");
    expect(await everyone()).toEqual({
      neighbour: ["need.stepped/escalate"],
      commandRoom: ["need.assigned/escalate"],
    });
  });

  it("tell the resident a helper reported for at the window, not the helper", async () => {
    const assisted = await assistedBy(reporter, committee.userId!, community);
    const id = await report({}, assisted);
    await step(id, gridWorker, "accept");
    expect(await told(reporter)).toEqual(["need.stepped/accept"]);
    expect(await told(committee)).toEqual([]);
  });
});

describe("overdue", () => {
  it("tells the command room, then the admins, each once across job runs and a restart", async () => {
    const id = await report();
    await clearInboxes();
    await needsTick(getDb(), later(1));
    await deliveriesSettled();
    expect(await everyone()).toEqual({});
    for (const run of [1, 2]) {
      await needsTick(getDb(), later(2));
      await deliveriesSettled();
      expect(await everyone(), `run ${run}`).toEqual({ commandRoom: ["need.overdue/1"] });
    }
    // The process dies after the tick's commit: the job's delivery sends it, once.
    setImmediateDelivery(false);
    await needsTick(getDb(), later(3));
    await needsTick(getDb(), later(3));
    setImmediateDelivery(true);
    expect(await told(admin)).toEqual([]);
    await deliverPending(getDb());
    await deliverPending(getDb());
    expect(await everyone()).toEqual({
      commandRoom: ["need.overdue/1"],
      admin: ["need.overdue/2"],
    });
    const [n] = await inbox(admin);
    expect(noticeLink(n!)).toBe(`/needs/${id}`);
    expect(noticeMessage(n!, "zh-CN").key).toBe("notice:kinds.needOverdue.admins");
    // A step starts a new stretch: late again, told again (the command room's own: the admins).
    await step(id, gridWorker, "accept", {}, later(3));
    await step(id, gridWorker, "escalate", {}, later(3));
    await clearInboxes();
    await needsTick(getDb(), later(5));
    await deliveriesSettled();
    expect(await everyone()).toEqual({ admin: ["need.overdue/2"] });
  });

  it("goes straight to the admins when the command room is late, and tells both levels when it jumped", async () => {
    const stuck = await report();
    await step(stuck, gridWorker, "accept");
    await step(stuck, gridWorker, "escalate");
    await clearInboxes();
    await needsTick(getDb(), later(2));
    await deliveriesSettled();
    expect(await everyone()).toEqual({ admin: ["need.overdue/2"] });
    await clearInboxes();
    await report();
    await clearInboxes();
    // Unseen for days (no job ran): raised from 0 to 2 at once, both levels are told.
    await needsTick(getDb(), later(10));
    await deliveriesSettled();
    expect(await everyone()).toEqual({
      commandRoom: ["need.overdue/1"],
      admin: ["need.overdue/2"],
    });
  });

  it("tells the residents a need nobody answered closed by itself, once", async () => {
    const id = await report();
    await send(meToo, neighbour, { needId: String(id) });
    await step(id, gridWorker, "resolveOnSpot", { note: "修好了" });
    await clearInboxes();
    for (const day of [15, 16]) {
      await needsTick(getDb(), later(day));
      await deliveriesSettled();
    }
    expect(await everyone()).toEqual({
      reporter: ["need.stepped/autoClose"],
      neighbour: ["need.stepped/autoClose"],
    });
  });
});

describe("/notifications", () => {
  const page = (lng: string, mode: string, who: Actor) => inboxPage(lng, mode, who.userId!);

  let id: number;
  beforeEach(async () => {
    id = await report();
    await step(id, gridWorker, "accept");
    await step(id, gridWorker, "escalate");
    await step(id, commandRoom, "dispatch", { unitId: String(unit) });
    await step(id, unitMember, "returnToRoom", { note: "不归我们单位" });
    await step(id, commandRoom, "dispatch", { unitId: String(unit) });
    await step(id, unitMember, "resolve", { note: "已更换灯泡" });
    await step(id, gridWorker, "check");
    await getDb()
      .updateTable("needs")
      .set({ deadlineAt: later(-5).toISOString() })
      .execute();
    await needsTick(getDb(), later(0));
    await deliveriesSettled();
  });

  const WORDS = {
    "zh-CN": {
      reporter: [
        `你反映的问题 #ID（维修与设施）已由网格员受理。`,
        `你反映的问题 #ID（维修与设施）被处置单位退回，指挥室将重新派单。`,
        `原因：不归我们单位`,
        `你反映的问题 #ID（维修与设施）处置单位已处理完毕，网格员会去核查。处理情况：已更换灯泡`,
        `你反映的问题 #ID（维修与设施）网格员已核查，请到页面上说说是否满意。`,
      ],
      gridWorker: [`你的网格有新的民情 #ID（维修与设施），请及时受理。`],
      unitMember: [`民情 #ID（维修与设施）已派给你们单位，请按时处置。`],
      admin: [`民情 #ID（维修与设施）超时未办，已提交给管理员，请督办。`],
    },
    en: {
      reporter: [
        `The grid worker has taken up the problem you reported, #ID (Repairs and facilities).`,
        `The unit sent back the problem you reported, #ID (Repairs and facilities); the command room will send it out again.`,
        `Reason: 不归我们单位`,
        `What was done: 已更换灯泡`,
        `Please say on its page whether you are satisfied.`,
      ],
      gridWorker: [
        `A new need in your grid, #ID (Repairs and facilities). Please take it up in time.`,
      ],
      unitMember: [
        `Need #ID (Repairs and facilities) was sent to your unit. Please deal with it in time.`,
      ],
      admin: [
        `Need #ID (Repairs and facilities) is overdue and has been raised to the admins. Please see that it is dealt with.`,
      ],
    },
  } as const;

  for (const lng of ["zh-CN", "en"] as const) {
    for (const mode of ["full", "lite"] as const) {
      it(`${lng} ${mode}: each notice says what happened to which need, and links to it`, async () => {
        const people = { reporter, gridWorker, unitMember, admin };
        for (const [name, words] of Object.entries(WORDS[lng])) {
          const html = await page(lng, mode, people[name as keyof typeof people]);
          for (const w of words) {
            expect(html.replaceAll("&#x27;", "'"), `${name}: ${w}`).toContain(
              w.replace("ID", String(id)),
            );
          }
          expect(html).toContain(`href="/needs/${id}"`);
          if (mode === "lite") expect(html).not.toContain("<script");
        }
      });
    }
  }
});
