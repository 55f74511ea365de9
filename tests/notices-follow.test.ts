/**
 * Following (关注; issue 16, item 3): who may follow what (as its page decides), refusals that write
 * nothing, unfollowing, and the delivery to followers — a meeting's and its council's followers, a
 * project's — deduplicated with the people a notice is addressed to and filtered like them.
 */
import { beforeEach, describe, expect, it } from "vitest";
import { getDb } from "../db/client.server";
import { transaction } from "../db/portable";
import type { Actor } from "~/domain/permissions/policy";
import { ANONYMOUS } from "~/domain/permissions/policy";
import { followedThrough } from "~/domain/notices/follows";
import { KINDS, NOTICE_KINDS, noticeMessage, type NoticeDraft } from "~/domain/notices/kinds";
import { reportSchema } from "~/domain/needs/schemas";
import { deleteAccount } from "~/services/accounts/commands.server";
import { exportMyData } from "~/services/accounts/mydata.server";
import { cancelMeeting } from "~/services/meetings/changes.server";
import { rsvp } from "~/services/meetings/commands.server";
import { reportNeed } from "~/services/needs/commands.server";
import {
  deliveriesSettled,
  deliverOutbox,
  setImmediateDelivery,
  writeOutbox,
} from "~/services/notices/delivery.server";
import { myFollows } from "~/services/notices/follow-queries.server";
import { follow, unfollow } from "~/services/notices/follows.server";
import { proposeProject, takeStep } from "~/services/projects/commands.server";
import { run } from "~/services/runner/command.server";
import {
  gridsOf,
  makeCommitteeMember,
  makeCommunity,
  makeCouncil,
  makeMeetingAt,
  makeProject,
  makeResident,
  projectInput,
  tableCounts,
  TEST_PASSWORD,
} from "./support/factories";
import { refusal } from "./support/refusal";

let community: number;
let committee: Actor;
let councilId: number;
let meetingId: number;

beforeEach(async () => {
  setImmediateDelivery(true);
  community = await makeCommunity("here");
  committee = await makeCommitteeMember(community);
  councilId = await makeCouncil(community, "圆桌会");
  meetingId = await makeMeetingAt(councilId, "停车", "scheduled", 24, 26, {
    seats: { resident: 5 },
  });
});

async function noticesOf(actor: Actor) {
  return getDb()
    .selectFrom("notices")
    .select(["kind", "subjectType", "subjectId", "params", "via"])
    .where("userId", "=", actor.userId!)
    .orderBy("id")
    .execute();
}

async function delivered<T>(p: Promise<T>): Promise<T> {
  const r = await p;
  await deliveriesSettled();
  return r;
}

const follows = (who: Actor) =>
  getDb()
    .selectFrom("follows")
    .select(["subjectType", "subjectId"])
    .where("userId", "=", who.userId!)
    .orderBy("subjectType")
    .execute();

async function needOf(reporter: Actor, visibility: "public" | "private") {
  const [grid] = await gridsOf(community);
  return run(reportNeed, reporter, {
    ...reportSchema.parse({
      communityId: String(community),
      gridId: String(grid),
      category: "repairsFacilities",
      description: "楼道灯坏了一个多月，晚上上下楼很危险。",
      visibility,
    }),
    photo: null,
  });
}

describe("follow and unfollow", () => {
  it("follows a council, a meeting, a public project and a public need; twice is once", async () => {
    const resident = await makeResident(community);
    const project = await makeProject(community);
    const need = await needOf(await makeResident(community), "public");
    await run(follow, resident, { subjectType: "council", subjectId: councilId });
    await run(follow, resident, { subjectType: "meeting", subjectId: meetingId });
    await run(follow, resident, { subjectType: "project", subjectId: project });
    await run(follow, resident, { subjectType: "need", subjectId: need });
    expect(await run(follow, resident, { subjectType: "council", subjectId: councilId })).toBe(
      false,
    );
    expect(await follows(resident)).toEqual([
      { subjectType: "council", subjectId: councilId },
      { subjectType: "meeting", subjectId: meetingId },
      { subjectType: "need", subjectId: need },
      { subjectType: "project", subjectId: project },
    ]);
    const listed = await myFollows(resident);
    expect(listed.map((f) => [f.subjectType, f.name])).toEqual(
      expect.arrayContaining([
        ["council", "圆桌会"],
        ["meeting", "停车"],
        ["need", `#${need}`],
      ]),
    );
  });

  it("refuses, as not found and writing nothing, what the person may not see or what is not there", async () => {
    const resident = await makeResident(community);
    const proposer = await makeResident(community);
    const draft = await run(proposeProject, proposer, { ...projectInput(community), photo: null });
    const privateNeed = await needOf(await makeResident(community), "private");
    const before = await tableCounts();
    for (const [subjectType, subjectId] of [
      ["project", draft],
      ["need", privateNeed],
      ["council", 999_999],
      ["meeting", 999_999],
      ["project", 999_999],
      ["need", 999_999],
    ] as const) {
      const e = await refusal(run(follow, resident, { subjectType, subjectId }));
      expect([e.status, e.key]).toEqual([404, "notice:errors.followNotFound"]);
    }
    expect(await tableCounts()).toEqual(before);
    // Those who may see them may follow them: the proposer their draft, the reporter their need.
    await run(follow, proposer, { subjectType: "project", subjectId: draft });
    expect(await follows(proposer)).toEqual([{ subjectType: "project", subjectId: draft }]);
  });

  it("asks a visitor to sign in, and refuses a forged subject type", async () => {
    const before = await tableCounts();
    const e = await refusal(
      run(follow, ANONYMOUS, { subjectType: "council", subjectId: councilId }),
    );
    expect(e.status).toBe(401);
    const resident = await makeResident(community);
    const { parseInput } = await import("~/services/runner/form.server");
    const parsed = parseInput(follow.input, { subjectType: "community", subjectId: "1" });
    expect(parsed.ok).toBe(false);
    expect(await follows(resident)).toEqual([]);
    expect(await tableCounts()).toEqual({
      ...before,
      users: before.users! + 1,
      memberships: before.memberships! + 1,
    });
  });

  it("unfollows one's own follow, even of what one may no longer see; not following is not found", async () => {
    const resident = await makeResident(community);
    const project = await makeProject(community);
    await run(follow, resident, { subjectType: "project", subjectId: project });
    await getDb()
      .updateTable("projects")
      .set({ status: "draft" })
      .where("id", "=", project)
      .execute();
    expect((await myFollows(resident)).map((f) => f.name)).toEqual([null]);
    await run(unfollow, resident, { subjectType: "project", subjectId: project });
    expect(await follows(resident)).toEqual([]);
    const before = await tableCounts();
    const e = await refusal(
      run(unfollow, resident, { subjectType: "project", subjectId: project }),
    );
    expect([e.status, e.key]).toEqual([404, "notice:errors.notFollowing"]);
    expect(await tableCounts()).toEqual(before);
  });
});

describe("notices to followers", () => {
  it("tells a meeting's followers and its council's that it is cancelled, each once", async () => {
    const ofMeeting = await makeResident(community);
    const ofCouncil = await makeResident(community);
    const both = await makeResident(community);
    const signedUpAndFollowing = await makeResident(community);
    const bystander = await makeResident(community);
    const otherCouncil = await makeCouncil(community, "另一个议事会");
    const elsewhere = await makeResident(community);
    await run(follow, ofMeeting, { subjectType: "meeting", subjectId: meetingId });
    await run(follow, ofCouncil, { subjectType: "council", subjectId: councilId });
    await run(follow, both, { subjectType: "meeting", subjectId: meetingId });
    await run(follow, both, { subjectType: "council", subjectId: councilId });
    await run(follow, elsewhere, { subjectType: "council", subjectId: otherCouncil });
    await run(rsvp, signedUpAndFollowing, { meetingId });
    await run(follow, signedUpAndFollowing, { subjectType: "meeting", subjectId: meetingId });
    // The committee member who cancels follows it too: nobody is told of their own act.
    await run(follow, committee, { subjectType: "meeting", subjectId: meetingId });
    await delivered(run(cancelMeeting, committee, { meetingId, reason: "场地维修" }));
    for (const who of [ofMeeting, ofCouncil, both]) {
      const got = await noticesOf(who);
      expect(got).toHaveLength(1);
      expect(got[0]).toMatchObject({
        kind: "meeting.cancelled",
        subjectId: meetingId,
        via: "follow",
      });
    }
    // Signed up and following: told once, as signed up.
    expect((await noticesOf(signedUpAndFollowing)).map((n) => n.via)).toEqual([null]);
    for (const who of [bystander, elsewhere, committee]) expect(await noticesOf(who)).toEqual([]);
  });

  it("goes out to followers even when nobody signed up; with no followers, no row at all", async () => {
    const follower = await makeResident(community);
    const rows = () => getDb().selectFrom("noticeOutbox").select("id").execute();
    const other = await makeMeetingAt(councilId, "绿化", "scheduled", 24, 26);
    const before = (await rows()).length;
    await delivered(run(cancelMeeting, committee, { meetingId: other, reason: "下雨" }));
    expect(await rows()).toHaveLength(before);
    await run(follow, follower, { subjectType: "council", subjectId: councilId });
    await delivered(run(cancelMeeting, committee, { meetingId, reason: "场地维修" }));
    expect((await noticesOf(follower)).map((n) => n.kind)).toEqual(["meeting.cancelled"]);
  });

  it("drops followers who switched the kind off, deleted accounts, and those who may not see it", async () => {
    const switchedOff = await makeResident(community);
    const gone = await makeResident(community);
    const stillHere = await makeResident(community);
    for (const who of [switchedOff, gone, stillHere]) {
      await run(follow, who, { subjectType: "meeting", subjectId: meetingId });
    }
    await getDb()
      .insertInto("noticePreferences")
      .values({
        userId: switchedOff.userId!,
        kind: "meeting.cancelled",
        enabled: 0,
        updatedAt: new Date().toISOString(),
      })
      .execute();
    await run(deleteAccount, gone, { password: TEST_PASSWORD });
    await delivered(run(cancelMeeting, committee, { meetingId, reason: "场地维修" }));
    expect(await noticesOf(switchedOff)).toEqual([]);
    expect(await noticesOf(gone)).toEqual([]);
    expect(await noticesOf(stillHere)).toHaveLength(1);
  });

  it("tells a project's followers of its steps as followers (not 'your project'), switchable", async () => {
    const proposer = await makeResident(community);
    const follower = await makeResident(community);
    const switchedOff = await makeResident(community);
    const id = await run(proposeProject, proposer, { ...projectInput(community), photo: null });
    await delivered(run(takeStep, proposer, { id, step: "submit" }));
    await run(follow, follower, { subjectType: "project", subjectId: id });
    await run(follow, switchedOff, { subjectType: "project", subjectId: id });
    // Protected for the proposer; for a follower it is only news, and may be switched off.
    await getDb()
      .insertInto("noticePreferences")
      .values({
        userId: switchedOff.userId!,
        kind: "project.stepped",
        enabled: 0,
        updatedAt: new Date().toISOString(),
      })
      .execute();
    await delivered(run(takeStep, committee, { id, step: "startReview" }));
    const [n, ...more] = await noticesOf(follower);
    expect(more).toEqual([]);
    expect(n).toMatchObject({ kind: "project.stepped", via: "follow" });
    expect(noticeMessage(n!, "zh-CN").key).toBe("notice:kinds.projectFollowed");
    const [own] = await noticesOf(proposer);
    expect(noticeMessage(own!, "zh-CN").key).toBe("notice:kinds.projectStepped.startReview");
    expect(await noticesOf(switchedOff)).toEqual([]);
  });

  it("tells a need's followers of its steps as followers, without the note meant for its residents", async () => {
    const reporter = await makeResident(community);
    const follower = await makeResident(community);
    const needId = await needOf(reporter, "public");
    await run(follow, follower, { subjectType: "need", subjectId: needId });
    const draft: NoticeDraft = {
      kind: "need.stepped",
      subject: { type: "need", id: needId },
      params: {
        category: "repairsFacilities",
        step: "returnToRoom",
        reason: "不归本单位",
        done: null,
        into: null,
      },
      recipients: { users: [reporter.userId!] },
    };
    await deliveriesSettled();
    const ids = await transaction(getDb(), (trx) =>
      writeOutbox(trx, [draft], null, new Date().toISOString()),
    );
    expect(await deliverOutbox(ids)).toBe(2);
    const [theirs] = (await noticesOf(follower)).filter((n) => n.kind === "need.stepped");
    expect(theirs).toMatchObject({ via: "follow" });
    expect(noticeMessage(theirs!, "zh-CN")).toEqual({
      key: "notice:kinds.needFollowed",
      params: { id: String(needId), category: "repairsFacilities" },
      reason: null,
    });
    const [own] = (await noticesOf(reporter)).filter((n) => n.kind === "need.stepped");
    expect(noticeMessage(own!, "zh-CN")).toMatchObject({
      key: "notice:kinds.needStepped.returnToRoom",
      reason: "不归本单位",
    });
  });

  it("never tells a follower about a project they may no longer see (back in draft)", async () => {
    const follower = await makeResident(community);
    const project = await makeProject(community);
    await run(follow, follower, { subjectType: "project", subjectId: project });
    await getDb()
      .updateTable("projects")
      .set({ status: "draft" })
      .where("id", "=", project)
      .execute();
    const draft: NoticeDraft = {
      kind: "project.stepped",
      subject: { type: "project", id: project },
      params: { title: "x", step: "other", reason: null },
      recipients: { users: [] },
    };
    setImmediateDelivery(false);
    const ids = await transaction(getDb(), (trx) =>
      writeOutbox(trx, [draft], null, new Date().toISOString()),
    );
    setImmediateDelivery(true);
    expect(ids).toHaveLength(1);
    expect(await deliverOutbox(ids)).toBe(0);
    expect(await noticesOf(follower)).toEqual([]);
  });

  it("reaches followers in chunks, each once", async () => {
    const many: Actor[] = [];
    for (let i = 0; i < 7; i++) many.push(await makeResident(community));
    for (const who of many)
      await run(follow, who, { subjectType: "council", subjectId: councilId });
    const { followersOf } = await import("~/services/notices/followers.server");
    const chunks: number[][] = [];
    for await (const c of followersOf(getDb(), "meeting", meetingId, 3)) chunks.push(c);
    expect(chunks.map((c) => c.length)).toEqual([3, 3, 1]);
    expect(chunks.flat()).toEqual(many.map((m) => m.userId).sort((a, b) => a! - b!));
  });

  it("only kinds about a followable subject reach followers; personal ones never", () => {
    for (const kind of NOTICE_KINDS) {
      if (KINDS[kind].followers) expect(followedThrough(KINDS[kind].subject)).not.toEqual([]);
    }
    expect(KINDS["membership.decided"].followers).toBeFalsy();
    expect(KINDS["membership.asked"].followers).toBeFalsy();
  });
});

describe("one's data", () => {
  it("lists what one follows in /me/data, and deleting the account removes it", async () => {
    const resident = await makeResident(community);
    await run(follow, resident, { subjectType: "meeting", subjectId: meetingId });
    await getDb()
      .insertInto("noticeQuiet")
      .values({ userId: resident.userId!, since: new Date().toISOString() })
      .execute();
    const data = await exportMyData(resident);
    expect(data.follows.map((f) => [f.subjectType, f.subjectId])).toEqual([["meeting", meetingId]]);
    expect(data.noticeQuiet).toHaveLength(1);
    await run(deleteAccount, resident, { password: TEST_PASSWORD });
    expect(await follows(resident)).toEqual([]);
    const quiet = await getDb()
      .selectFrom("noticeQuiet")
      .select("userId")
      .where("userId", "=", resident.userId!)
      .execute();
    expect(quiet).toEqual([]);
  });
});
