/**
 * The service window: assisted registration, acting for a resident for one sitting, and the
 * record of everything done in a sitting. Refusals write nothing.
 */
import { appointSchema, stepSchema } from "~/domain/needs/schemas";
import { meToo, reportNeed, takeNeedStep } from "~/services/needs/commands.server";
import { appointGridWorker } from "~/services/needs/staff.server";
import { beforeAll, describe, expect, it } from "vitest";
import { getDb } from "../db/client.server";
import { actions, ANONYMOUS, decide, policy, type Actor } from "~/domain/permissions/policy";
import { pollSchema } from "~/domain/voting/schemas";
import { login, logout } from "~/services/accounts/commands.server";
import { exportMyData } from "~/services/accounts/mydata.server";
import {
  endSitting,
  endSittingsIn,
  registerResident,
  reissueSlip,
  startSitting,
} from "~/services/assistance/commands.server";
import { assistanceHistory, findResidents } from "~/services/assistance/queries.server";
import { cancelRsvp, rsvp } from "~/services/meetings/commands.server";
import { meetingPage } from "~/services/meetings/queries.server";
import { applyOrganisation } from "~/services/organisations/commands.server";
import { editProject, proposeProject, takeStep } from "~/services/projects/commands.server";
import {
  addComment,
  flagComment,
  rateProject,
  supportProject,
  withdrawSupport,
} from "~/services/projects/participation.server";
import { projectPage } from "~/services/projects/queries.server";
import { run } from "~/services/runner/command.server";
import { markAllNoticesRead, markNoticeRead } from "~/services/notices/commands.server";
import { listNotices, unreadCount } from "~/services/notices/queries.server";
import { flagMessage, lowerHand, postMessage, raiseHand } from "~/services/room/commands.server";
import { votePoll } from "~/services/voting/ballots.server";
import { createPoll } from "~/services/voting/commands.server";
import { pollPage } from "~/services/voting/queries.server";
import { currentFromCookie } from "~/utils/session.server";
import {
  actorFor,
  gridsOf,
  chinaLocal,
  cookieFor,
  makeCommittee,
  makeCommitteeMember,
  makeCommunity,
  makeMeeting,
  makeMembership,
  makeProject,
  makeResident,
  makeUser,
  projectInput,
  wholeDbSnapshot,
} from "./support/factories";
import { refusal } from "./support/refusal";

let here: number;
let elsewhere: number;
let helper: Actor;
let resident: Actor;

beforeAll(async () => {
  here = await makeCommunity("assist-here");
  elsewhere = await makeCommunity("assist-elsewhere");
  helper = await makeCommitteeMember(here);
  resident = await makeResident(here, { displayName: "张阿姨" });
  // The resident also lives (verified) elsewhere: a sitting must not reach there.
  await makeMembership(resident.userId!, elsewhere, "verified");
});

/** The helper's session id (hashed, as stored) for a cookie. */
async function sessionIdOf(cookie: string): Promise<string> {
  const current = await currentFromCookie(cookie);
  return current.session!.sessionId;
}

/** A fresh helper session with a sitting for `who`; returns the cookie and the acting actor. */
async function sitting(who: Actor = resident, by: Actor = helper) {
  const cookie = await cookieFor(by.userId!);
  await run(startSitting, by, {
    residentId: who.userId!,
    consent: "signed",
    sessionId: await sessionIdOf(cookie),
  });
  const current = await currentFromCookie(cookie);
  return { cookie, current, actor: current.actor };
}

const proposal = (over: Record<string, unknown> = {}) => projectInput(here, over);

async function recorded(sittingId: number) {
  return getDb()
    .selectFrom("assistedActions")
    .select(["action", "subjectType", "subjectId"])
    .where("sittingId", "=", sittingId)
    .orderBy("id")
    .execute();
}

describe("assisted registration", () => {
  it("makes a verified resident with a generated login and password that work, consent audited", async () => {
    const slip = await run(registerResident, helper, { displayName: "李大伯", consent: "spoken" });
    expect(slip.username).toMatch(/^lh\d{6}$/);
    expect(slip.password).toMatch(/^[2-9a-z]{8}$/);
    const db = getDb();
    const user = await db
      .selectFrom("users")
      .selectAll()
      .where("id", "=", slip.userId)
      .executeTakeFirstOrThrow();
    expect(user).toMatchObject({ displayName: "李大伯", username: slip.username, phone: null });
    const membership = await db
      .selectFrom("memberships")
      .selectAll()
      .where("userId", "=", slip.userId)
      .executeTakeFirstOrThrow();
    expect(membership).toMatchObject({
      communityId: here,
      status: "verified",
      decidedBy: helper.userId,
    });
    const audit = await db
      .selectFrom("auditLog")
      .selectAll()
      .where("action", "=", "assist.register")
      .where("subjectId", "=", slip.userId)
      .executeTakeFirstOrThrow();
    expect(audit.actorId).toBe(helper.userId);
    expect(JSON.parse(audit.details)).toMatchObject({ consent: "spoken" });
    const signedIn = await run(login, ANONYMOUS, {
      login: { kind: "username", value: slip.username },
      password: slip.password,
      clientIp: "10.0.0.1",
      userAgent: null,
    });
    expect(signedIn.userId).toBe(slip.userId);
    const history = await assistanceHistory(await actorFor(slip.userId));
    expect(history.registration).toMatchObject({ consent: "spoken" });
    expect(history.registration!.helperName).toBeTruthy();
  });

  it("is refused to anyone but a committee member, writing nothing", async () => {
    const stranger = await actorFor(await makeUser());
    const before = await wholeDbSnapshot();
    for (const who of [resident, stranger]) {
      const e = await refusal(
        run(registerResident, who, { displayName: "王阿姨", consent: "signed" }),
      );
      expect(e.status).toBe(403);
    }
    expect(await wholeDbSnapshot()).toEqual(before);
  });

  it("reissues a slip: the new password works, the old one and old sessions do not", async () => {
    const slip = await run(registerResident, helper, { displayName: "赵奶奶", consent: "signed" });
    const oldCookie = await cookieFor(slip.userId);
    const again = await run(reissueSlip, helper, { residentId: slip.userId });
    expect(again.username).toBe(slip.username);
    expect(again.password).not.toBe(slip.password);
    expect((await currentFromCookie(oldCookie)).session).toBeNull();
    const ctx = { clientIp: "10.0.0.2", userAgent: null };
    const id = { kind: "username" as const, value: slip.username };
    const signIn = (password: string) => run(login, ANONYMOUS, { login: id, password, ...ctx });
    expect((await refusal(signIn(slip.password))).status).toBe(401);
    expect((await signIn(again.password)).userId).toBe(slip.userId);
  });

  it("reissues only for people the window registered in the helper's own community", async () => {
    const slip = await run(registerResident, helper, { displayName: "钱阿姨", consent: "signed" });
    const other = await makeCommitteeMember(elsewhere);
    const before = await wholeDbSnapshot();
    expect((await refusal(run(reissueSlip, other, { residentId: slip.userId }))).status).toBe(404);
    expect((await refusal(run(reissueSlip, helper, { residentId: resident.userId! }))).status).toBe(
      404,
    );
    expect((await refusal(run(reissueSlip, resident, { residentId: slip.userId }))).status).toBe(
      403,
    );
    expect(await wholeDbSnapshot()).toEqual(before);
  });
});

describe("a sitting", () => {
  it("makes the helper's session the resident's, limited to the community, with a banner's data", async () => {
    const { current, actor } = await sitting();
    expect(current.session!.user.id).toBe(resident.userId);
    expect(current.assistance).toMatchObject({
      helper: { id: helper.userId },
      resident: { id: resident.userId, displayName: "张阿姨" },
      communityId: here,
    });
    expect(actor).toMatchObject({
      userId: resident.userId,
      committeeOf: null,
      isAdmin: false,
      verifiedIn: [here],
      assistedBy: { helperId: helper.userId },
    });
  });

  it("is refused for a resident of another community, oneself, a non-member, or a second one", async () => {
    const cookie = await cookieFor(helper.userId!);
    const sid = await sessionIdOf(cookie);
    const outsider = await makeResident(elsewhere);
    const stranger = await makeUser();
    const before = await wholeDbSnapshot();
    const start = (residentId: number, by: Actor = helper) =>
      refusal(run(startSitting, by, { residentId, consent: "signed", sessionId: sid }));
    expect((await start(outsider.userId!)).key).toBe("assist:errors.noSuchResident");
    expect((await start(stranger)).status).toBe(404);
    expect((await start(helper.userId!)).key).toBe("assist:errors.notYourself");
    expect((await start(resident.userId!, resident)).status).toBe(403);
    expect(await wholeDbSnapshot()).toEqual(before);
    await run(startSitting, helper, {
      residentId: resident.userId!,
      consent: "spoken",
      sessionId: sid,
    });
    const second = await makeResident(here);
    const mid = await wholeDbSnapshot();
    expect((await start(second.userId!)).key).toBe("assist:errors.alreadyActing");
    expect(await wholeDbSnapshot()).toEqual(mid);
  });

  it("is refused for someone only asking to join here, even when verified elsewhere", async () => {
    const cookie = await cookieFor(helper.userId!);
    const sid = await sessionIdOf(cookie);
    // Verified in another community, pending in this one.
    const asking = await makeResident(elsewhere);
    await makeMembership(asking.userId!, here, "pending");
    const before = await wholeDbSnapshot();
    const e = await refusal(
      run(startSitting, helper, { residentId: asking.userId!, consent: "signed", sessionId: sid }),
    );
    expect([e.status, e.key]).toEqual([404, "assist:errors.noSuchResident"]);
    expect(await wholeDbSnapshot()).toEqual(before);
  });

  it("keeps everything it does inside its community, the resident's own drafts elsewhere too", async () => {
    // Verified here and there: a draft of theirs in the other community is out of the sitting's reach.
    const both = await makeResident(here);
    await makeMembership(both.userId!, elsewhere, "verified");
    const bothActor = await actorFor(both.userId!);
    const draftThere = await run(proposeProject, bothActor, {
      ...projectInput(elsewhere),
      photo: null,
    });
    const { actor } = await sitting(both);
    const before = await wholeDbSnapshot();
    const e = await refusal(
      run(editProject, actor, {
        ...projectInput(elsewhere, { title: "代办改写" }),
        photo: null,
        removePhoto: false,
        id: draftThere,
      }),
    );
    // Out of the sitting's sight: as if it were not there (the resident alone still sees it).
    expect([e.status, e.key]).toEqual([404, "project:errors.notFound"]);
    expect(
      decide(actor, "project.viewDraft", { communityId: elsewhere, ownerId: both.userId! }),
    ).toEqual({ ok: false, reason: "outsideSitting" });
    expect(await wholeDbSnapshot()).toEqual(before);
    // Their draft here is the sitting's to help with.
    const draftHere = await run(proposeProject, actor, { ...projectInput(here), photo: null });
    await run(editProject, actor, {
      ...projectInput(here, { title: "代办修改" }),
      photo: null,
      removePhoto: false,
      id: draftHere,
    });
  });

  it("ends on request, on sign-out and when its time is up; starting and ending are audited", async () => {
    const a = await sitting();
    await run(endSitting, a.actor, { sessionId: await sessionIdOf(a.cookie) });
    const after = await currentFromCookie(a.cookie);
    expect(after.assistance).toBeNull();
    expect(after.session!.user.id).toBe(helper.userId);
    expect(after.actor.committeeOf).toBe(here);

    const b = await sitting();
    await run(logout, b.actor, { sessionId: b.current.session!.sessionId });
    const ended = await getDb()
      .selectFrom("assistanceSittings")
      .select("endedAt")
      .where("id", "=", b.actor.assistedBy!.sittingId)
      .executeTakeFirstOrThrow();
    expect(ended.endedAt).not.toBeNull();

    const c = await sitting();
    await getDb()
      .updateTable("assistanceSittings")
      .set({ endsAt: new Date(Date.now() - 1000).toISOString() })
      .where("id", "=", c.actor.assistedBy!.sittingId)
      .execute();
    expect((await currentFromCookie(c.cookie)).assistance).toBeNull();

    const audit = await getDb()
      .selectFrom("auditLog")
      .select(["action", "actorId", "subjectId"])
      .where("action", "in", ["assist.start", "assist.end"])
      .where("details", "like", `%"sitting":${a.actor.assistedBy!.sittingId}}%`)
      .orderBy("id")
      .execute();
    expect(audit).toEqual([
      { action: "assist.start", actorId: helper.userId, subjectId: resident.userId },
      { action: "assist.end", actorId: helper.userId, subjectId: resident.userId },
    ]);
  });

  it("ends inside another command's transaction (signing out), audited with the helper's name", async () => {
    const a = await sitting();
    const sittingId = a.actor.assistedBy!.sittingId;
    const sid = await sessionIdOf(a.cookie);
    await getDb()
      .transaction()
      .execute((trx) => endSittingsIn(trx, a.actor, sid, new Date()));
    expect((await currentFromCookie(a.cookie)).assistance).toBeNull();
    const audit = await getDb()
      .selectFrom("auditLog")
      .select(["action", "actorId", "subjectId"])
      .where("action", "=", "assist.end")
      .where("details", "like", `%"sitting":${sittingId}}%`)
      .execute();
    expect(audit).toEqual([
      { action: "assist.end", actorId: helper.userId, subjectId: resident.userId },
    ]);
    // Nothing of the helper's is recorded as the resident's deed.
    expect(await recorded(sittingId)).toEqual([]);
  });

  it("finds residents of the helper's community by name, not others", async () => {
    await makeResident(elsewhere, { displayName: "张阿姨的邻居" });
    const found = await findResidents(helper, "张阿");
    expect(found.map((f) => f.id)).toContain(resident.userId);
    expect(found.every((f) => f.displayName.includes("张阿"))).toBe(true);
    expect(found.some((f) => f.displayName === "张阿姨的邻居")).toBe(false);
    expect(await findResidents(helper, "%")).toEqual([]);
    expect(await findResidents(helper, "_")).toEqual([]);
    expect(await findResidents(helper, "  ")).toEqual([]);
    expect((await refusal(findResidents(resident, "张"))).status).toBe(403);
  });
});

describe("what a helper does in a sitting", () => {
  /**
   * Every assistable action that writes, and how the test below takes it. Reading actions are
   * the others; a new assistable write must be added here, or this test fails.
   */
  const WRITES = [
    "meeting.rsvp",
    "room.post",
    "room.flag",
    "queue.raise",
    "project.propose",
    "project.edit",
    "project.submit",
    "project.support",
    "project.rate",
    "project.comment",
    "project.flagComment",
    "need.report",
    "need.meToo",
    "need.answer",
    "need.reopen",
    "notice.read",
    "notice.readAll",
    "assist.end",
  ];
  const READS = [
    "community.view",
    "permissions.view",
    "realtime.readPublic",
    "realtime.readOwn",
    "settings.change",
    "account.logout",
    "council.view",
    "meeting.view",
    "room.read",
    "organisation.view",
    "project.view",
    "organisation.viewUnverified",
    "project.viewDraft",
    "poll.view",
    "budget.view",
    "assist.viewOwn",
    "need.view",
    "need.viewDetails",
    "notice.view",
    "conversation.view",
    "conversation.export",
  ];

  it("reports a need, says 'me too', answers and reopens in a sitting: the window's, recorded", async () => {
    const { actor } = await sitting();
    const sittingId = actor.assistedBy!.sittingId;
    const grid = (await gridsOf(here))[0]!;
    const gw = await makeUser();
    const { username } = await getDb()
      .selectFrom("users")
      .select("username")
      .where("id", "=", gw)
      .executeTakeFirstOrThrow();
    await run(
      appointGridWorker,
      helper,
      appointSchema.parse({ areaId: String(grid), login: username }),
    );
    const gridWorker = await actorFor(gw);
    const report = (description: string) => ({
      communityId: here,
      gridId: grid,
      category: "repairsFacilities" as const,
      place: "",
      description,
      visibility: "auto" as const,
      photo: null,
    });
    const mine = await run(reportNeed, actor, report("楼道灯坏了好几天了。"));
    const theirs = await run(reportNeed, await makeResident(here), report("小区路灯不亮。"));
    await run(meToo, actor, { needId: theirs });
    const step = (who: Actor, fields: Record<string, string>) =>
      run(takeNeedStep, who, stepSchema.parse({ needId: String(mine), ...fields }));
    await step(gridWorker, { step: "resolveOnSpot", note: "已修好" });
    await step(actor, { step: "answerPartly" });
    await step(actor, { step: "reopen", note: "又坏了" });
    expect((await recorded(sittingId)).map((r) => `${r.action} ${r.subjectType}`)).toEqual([
      "need.report need",
      "need.meToo need",
      "need.answer need",
      "need.reopen need",
    ]);
    const need = await getDb()
      .selectFrom("needs")
      .select(["channel", "reporterId"])
      .where("id", "=", mine)
      .executeTakeFirstOrThrow();
    expect(need).toEqual({ channel: "window", reporterId: resident.userId });
    const reported = await getDb()
      .selectFrom("needSteps")
      .select(["role", "assistedBy"])
      .where("needId", "=", mine)
      .where("step", "=", "report")
      .executeTakeFirstOrThrow();
    expect(reported).toEqual({ role: "reporter", assistedBy: helper.userId });
  });

  it("shows the resident's notices in a sitting, not the helper's, and marks them read there, recorded", async () => {
    // A resident of their own: the shared one is told of the steps of the need reported above.
    const { actor } = await sitting(await makeResident(here));
    const sittingId = actor.assistedBy!.sittingId;
    const at = new Date().toISOString();
    const notice = (userId: number, outboxId: number) => ({
      userId,
      outboxId,
      kind: "membership.decided" as const,
      subjectType: "community",
      subjectId: here,
      params: "{}",
      createdAt: at,
    });
    const [first, second] = await getDb()
      .insertInto("notices")
      .values([
        notice(actor.userId!, 900_001),
        notice(actor.userId!, 900_002),
        notice(helper.userId!, 900_003),
      ])
      .returning("id")
      .execute();
    const shown = await listNotices(actor);
    expect(shown.notices.map((n) => n.id).sort()).toEqual([first!.id, second!.id].sort());
    expect(await unreadCount(actor)).toBe(2);
    await run(markNoticeRead, actor, { noticeId: first!.id });
    await run(markAllNoticesRead, actor, {});
    expect(await unreadCount(actor)).toBe(0);
    expect(await unreadCount(helper)).toBe(1);
    expect((await recorded(sittingId)).map((r) => r.action)).toEqual([
      "notice.read",
      "notice.readAll",
    ]);
  });

  it("lists every assistable action as a write this file exercises or as a read", () => {
    const assistable = actions.filter((a) => (policy[a] as { assistable?: boolean }).assistable);
    expect([...assistable].sort()).toEqual([...WRITES, ...READS].sort());
  });

  it("records each write with both names, marks public ones 'with assistance', and shows them to the resident", async () => {
    const { actor } = await sitting();
    const sittingId = actor.assistedBy!.sittingId;
    const db = getDb();
    const supported = await makeProject(here, { status: "accepted", title: "楼道扶手" });
    const completed = await makeProject(here, { status: "accepted", title: "屋顶花园" });
    await db
      .updateTable("projects")
      .set({ status: "completed" })
      .where("id", "=", completed)
      .execute();
    const { meetingId } = await makeMeeting(here, { status: "live" });
    const neighbour = await makeResident(here);

    await run(supportProject, actor, { id: supported });
    await run(withdrawSupport, actor, { id: supported });
    await run(supportProject, actor, { id: supported });
    await run(rateProject, actor, { id: completed, score: 5 });
    const commentId = await run(addComment, actor, {
      id: supported,
      body: "扶手要装在两边",
      parentId: null,
    });
    const theirs = await run(addComment, neighbour, {
      id: supported,
      body: "同意",
      parentId: null,
    });
    await run(flagComment, actor, { commentId: theirs, reason: "跑题" });
    await run(rsvp, actor, { meetingId });
    await run(cancelRsvp, actor, { meetingId });
    await run(rsvp, actor, { meetingId });
    const message = await run(postMessage, actor, { meetingId, body: "我代张阿姨说一句" });
    const other = await run(postMessage, neighbour, { meetingId, body: "欢迎" });
    await run(flagMessage, actor, { messageId: other.id });
    await run(raiseHand, actor, { meetingId });
    await run(lowerHand, actor, { meetingId });
    // A proposal written with the helper: drafted, corrected, submitted in the resident's name.
    const draft = await run(proposeProject, actor, { ...proposal(), photo: null });
    await run(editProject, actor, {
      ...proposal({ title: "三幢楼道扶手（两侧）" }),
      id: draft,
      photo: null,
      removePhoto: false,
    });
    await run(takeStep, actor, { id: draft, step: "submit" });

    expect((await recorded(sittingId)).map((r) => `${r.action} ${r.subjectType}`)).toEqual([
      "project.support project",
      "project.support project",
      "project.support project",
      "project.rate project",
      "project.comment project",
      "project.flagComment project",
      "meeting.rsvp meeting",
      "meeting.rsvp meeting",
      "meeting.rsvp meeting",
      "room.post meeting",
      "room.flag meeting",
      "queue.raise meeting",
      "queue.raise meeting",
      "project.propose project",
      "project.edit project",
      "project.submit project",
    ]);
    const proposed = await projectPage(resident, draft);
    expect(proposed!.project.proposerId).toBe(resident.userId);
    expect(proposed!.events.map((e) => [e.step, e.assisted])).toEqual([
      ["create", true],
      ["edit", true],
      ["submit", true],
    ]);
    // The deeds are the resident's; the public record says a helper entered them.
    const page = await projectPage(resident, supported);
    expect(page!.viewer.supported).toBe(true);
    expect(page!.project.assistedSupports).toBe(1);
    expect(page!.comments.find((c) => c.id === commentId)).toMatchObject({
      authorId: resident.userId,
      assisted: true,
    });
    expect(page!.comments.find((c) => c.id === theirs)!.assisted).toBe(false);
    const meeting = await meetingPage(meetingId, resident);
    expect(meeting.myRsvp).toMatchObject({ assisted: true });
    expect(meeting.seats.find((s) => s.kind === "resident")!.assisted).toBe(1);
    expect(message).toMatchObject({ userId: resident.userId, assisted: true });
    expect(other.assisted).toBe(false);

    const history = await assistanceHistory(resident);
    const mine = history.sittings.find((s) => s.sittingId === sittingId)!;
    expect(mine.consent).toBe("signed");
    expect(mine.actions).toHaveLength(16);
    expect(mine.actions[0]).toMatchObject({ action: "project.support", subjectTitle: "楼道扶手" });
    expect((await exportMyData(resident)).assistance.sittings.map((s) => s.sittingId)).toContain(
      sittingId,
    );
  });

  it("refuses what must not be done for someone (a vote, data, an application, another community), writing nothing", async () => {
    const { actor } = await sitting();
    const committee = await makeCommitteeMember(here);
    const HOUR = 3_600_000;
    const pollId = await run(createPoll, committee, {
      ...pollSchema.parse({
        question: "门前空地改作什么",
        method: "single",
        option: ["停车位", "小花园"],
        maxChoices: "",
        electorate: "residents",
        results: "live",
        opensAt: chinaLocal(Date.now() - HOUR),
        closesAt: chinaLocal(Date.now() + HOUR),
      }),
      communityId: here,
      meetingId: null,
    });
    const option = await getDb()
      .selectFrom("pollOptions")
      .select("id")
      .where("pollId", "=", pollId)
      .executeTakeFirstOrThrow();
    const thereProject = await makeProject(elsewhere, { status: "accepted" });
    // The page says why: not "not eligible" but "not on someone's behalf".
    expect((await pollPage(actor, pollId))!.viewer).toMatchObject({
      canVote: false,
      refusal: "notAssistable",
    });
    expect((await pollPage(resident, pollId))!.viewer.refusal).toBeNull();
    const before = await wholeDbSnapshot();
    const refused = [
      await refusal(run(votePoll, actor, { id: pollId, choice: [option.id] })),
      await refusal(exportMyData(actor)),
      await refusal(
        run(applyOrganisation, actor, {
          name: "代办测试组织",
          tier: "filed",
          registrationNumber: null,
          services: ["elderly"],
          communities: [here],
          description: "测试",
          contact: null,
        } as never),
      ),
    ];
    for (const e of refused) expect(e).toMatchObject({ status: 403, key: "errors.notAssistable" });
    // The resident is verified there too, but the sitting belongs to this community.
    expect((await refusal(run(supportProject, actor, { id: thereProject }))).status).toBe(403);
    expect(await wholeDbSnapshot()).toEqual(before);
  });

  it("never lends the helper's committee powers to the sitting", async () => {
    const boss = await makeUser();
    await makeCommittee(boss, here);
    await makeMembership(boss, here, "verified");
    const bossActor = await actorFor(boss);
    const helperOfBoss = await makeCommitteeMember(here);
    const { actor } = await sitting(bossActor, helperOfBoss);
    expect(actor.committeeOf).toBeNull();
  });
});
