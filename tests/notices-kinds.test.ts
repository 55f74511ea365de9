/**
 * Notices of issue 16, item 2, the second slice: invitations to a seat and to an organisation, an
 * organisation's verification, published minutes, a supported project's steps and replies to
 * one's comment. For each: who is told and who is not, and that nothing hidden or private (an
 * unverified organisation, a removed member, a hidden reply) leaks through a notice.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { getDb } from "../db/client.server";
import { parseLoginId } from "~/domain/accounts/schemas";
import { noticeLink, noticeMessage, type NoticeDraft } from "~/domain/notices/kinds";
import { transaction } from "../db/portable";
import type { Actor } from "~/domain/permissions/policy";
import { commentSchema } from "~/domain/projects/schemas";
import { inviteToSeat, moveMeeting } from "~/services/meetings/commands.server";
import { writeMinutes } from "~/services/meetings/minutes.server";
import {
  DELIVERY_CHUNK,
  deliverOutbox,
  writeOutbox,
  deliverPending,
  deliveriesSettled,
  setImmediateDelivery,
} from "~/services/notices/delivery.server";
import {
  declineOrganisation,
  inviteMember,
  removeMember,
  verifyOrganisation,
} from "~/services/organisations/commands.server";
import { proposeProject, takeStep } from "~/services/projects/commands.server";
import {
  addComment,
  flagComment,
  hideComment,
  restoreComment,
  supportProject,
} from "~/services/projects/participation.server";
import { run } from "~/services/runner/command.server";
import { onEvent, type DomainEvent } from "~/services/events.server";
import { FLAGS_TO_HIDE } from "~/domain/projects/rules";
import { voteRound } from "~/services/voting/ballots.server";
import { createRound } from "~/services/voting/commands.server";
import { ensureTallied } from "~/services/voting/queries.server";
import { roundSchema } from "~/domain/voting/schemas";
import {
  actorFor,
  chinaLocal,
  setVoteWindow,
  inviteSeat,
  makeCommitteeMember,
  makeCommunity,
  makeCouncil,
  makeMeetingAt,
  makeOrganisation,
  makeProject,
  makeResident,
  makeUser,
  makeUsers,
  projectInput,
  tableCounts,
} from "./support/factories";
import { refusal } from "./support/refusal";

const HOUR = 3_600_000;

let community: number;
let committee: Actor;

async function noticesOf(who: Actor | number) {
  const userId = typeof who === "number" ? who : who.userId!;
  return getDb()
    .selectFrom("notices")
    .select(["kind", "subjectType", "subjectId", "params"])
    .where("userId", "=", userId)
    .orderBy("id")
    .execute();
}

const kindsOf = async (who: Actor | number) => (await noticesOf(who)).map((n) => n.kind);

async function delivered<T>(p: Promise<T>): Promise<T> {
  const r = await p;
  await deliveriesSettled();
  return r;
}

async function switchOff(userId: number, kind: string) {
  await getDb()
    .insertInto("noticePreferences")
    .values({ userId, kind: kind as never, enabled: 0, updatedAt: new Date().toISOString() })
    .execute();
}

/** A user who signs in as `username`, with that login as the invitation forms name it. */
let logins = 0;
async function withLogin() {
  const username = `kinds${++logins}x${Date.now() % 100_000}`;
  const id = await makeUser({ username, displayName: username });
  return { id, login: parseLoginId(username)! };
}

beforeEach(async () => {
  setImmediateDelivery(true);
  community = await makeCommunity("here");
  committee = await makeCommitteeMember(community);
});

afterEach(() => setImmediateDelivery(true));

describe("seat.invited", () => {
  it("tells the invitee, naming the topic and the seat; nobody else; a refusal tells no one", async () => {
    const council = await makeCouncil(community, "圆桌会");
    const meetingId = await makeMeetingAt(council, "加装电梯", "scheduled", 24, 26, {
      isPublic: false,
    });
    const signedUp = await makeResident(community);
    await inviteSeat(meetingId, signedUp.userId!);
    const guest = await withLogin();
    await delivered(
      run(inviteToSeat, committee, { meetingId, login: guest.login, kind: "expert" }),
    );

    const [n, ...more] = await noticesOf(guest.id);
    expect(more).toEqual([]);
    expect(n).toMatchObject({ kind: "seat.invited", subjectType: "meeting", subjectId: meetingId });
    expect(noticeMessage(n!, "zh-CN")).toEqual({
      key: "notice:kinds.seatInvited.expert",
      params: { topic: "加装电梯" },
      reason: null,
    });
    expect(noticeLink(n!)).toBe(`/meetings/${meetingId}`);
    // Those already concerned by the meeting are not told of someone else's seat.
    expect(await noticesOf(signedUp)).toEqual([]);
    expect(await noticesOf(committee)).toEqual([]);

    const [resident, other] = [await makeResident(community), await withLogin()];
    const before = await tableCounts();
    await refusal(run(inviteToSeat, committee, { meetingId, login: guest.login, kind: "media" }));
    await refusal(run(inviteToSeat, resident, { meetingId, login: other.login, kind: "expert" }));
    expect(await tableCounts()).toEqual(before);
  });
});

describe("organisation.invited", () => {
  it("tells the invitee, with a link to the page where they answer, even while it is unverified", async () => {
    const admin = await makeUser();
    const member = await makeUser();
    const org = await makeOrganisation({
      communities: [community],
      members: [admin, member],
      status: "pending",
      name: "夕阳红助老队",
    });
    const invitee = await withLogin();
    await delivered(
      run(inviteMember, await actorFor(admin), { id: org, login: invitee.login, role: "admin" }),
    );
    const [n, ...more] = await noticesOf(invitee.id);
    expect(more).toEqual([]);
    expect(n).toMatchObject({ kind: "organisation.invited", subjectType: "organisation" });
    expect(noticeMessage(n!, "en")).toEqual({
      key: "notice:kinds.organisationInvited.admin",
      params: { name: "夕阳红助老队" },
      reason: null,
    });
    expect(noticeLink(n!)).toBe(`/orgs/${org}`);
    for (const other of [admin, member, committee.userId!]) {
      expect(await noticesOf(other)).toEqual([]);
    }
  });

  for (const status of ["pending", "verified"] as const) {
    it(`is not delivered once the invitation was withdrawn (a ${status} organisation)`, async () => {
      const admin = await makeUser();
      const org = await makeOrganisation({ communities: [community], members: [admin], status });
      const [invitee, other] = [await withLogin(), await withLogin()];
      // The process dies after the commit; the admin withdraws one invitation before the job runs.
      setImmediateDelivery(false);
      const asAdmin = await actorFor(admin);
      for (const who of [invitee, other]) {
        await run(inviteMember, asAdmin, { id: org, login: who.login, role: "member" });
      }
      await run(removeMember, asAdmin, { id: org, userId: invitee.id });
      await deliverPending();
      expect(await noticesOf(invitee.id)).toEqual([]);
      expect(await kindsOf(other.id)).toEqual(["organisation.invited"]);
    });
  }
});

describe("organisation.decided", () => {
  it("tells the active members of a declined organisation, with the reason, even switched off", async () => {
    const [admin, member, removed] = [await makeUser(), await makeUser(), await makeUser()];
    const org = await makeOrganisation({
      communities: [community],
      members: [admin, member, removed],
      status: "pending",
      name: "楼道互助会",
    });
    const invited = await withLogin();
    await run(inviteMember, await actorFor(admin), {
      id: org,
      login: invited.login,
      role: "member",
    });
    await deliveriesSettled();
    await switchOff(member, "organisation.decided");
    const stranger = await makeResident(community);
    const colleague = await makeCommitteeMember(community);

    // A member removed between the decision's commit and its delivery is not told.
    setImmediateDelivery(false);
    await run(declineOrganisation, committee, { id: org, reason: "缺少登记证明" });
    await getDb()
      .deleteFrom("organisationMembers")
      .where("organisationId", "=", org)
      .where("userId", "=", removed)
      .execute();
    await deliverPending();

    for (const who of [admin, member]) {
      const [n, ...more] = await noticesOf(who);
      expect(more).toEqual([]);
      expect(n).toMatchObject({
        kind: "organisation.decided",
        subjectType: "organisation",
        subjectId: org,
      });
      expect(noticeMessage(n!, "zh-CN")).toEqual({
        key: "notice:kinds.organisationDeclined",
        params: { name: "楼道互助会" },
        reason: "缺少登记证明",
      });
      expect(noticeLink(n!)).toBe(`/orgs/${org}`);
    }
    expect(await kindsOf(invited.id)).toEqual(["organisation.invited"]);
    for (const who of [removed, stranger.userId!, colleague.userId!, committee.userId!]) {
      expect(await noticesOf(who)).toEqual([]);
    }
  });

  it("tells them it was verified; a second decision is refused and tells nobody", async () => {
    const admin = await makeUser();
    const org = await makeOrganisation({
      communities: [community],
      members: [admin],
      status: "pending",
    });
    await delivered(run(verifyOrganisation, committee, { id: org, reason: "" }));
    const [n] = await noticesOf(admin);
    expect(noticeMessage(n!, "en")).toMatchObject({
      key: "notice:kinds.organisationVerified",
      reason: null,
    });
    const elsewhere = await makeCommitteeMember(await makeCommunity("there"));
    const before = await tableCounts();
    await refusal(run(declineOrganisation, committee, { id: org, reason: "晚了" }));
    await refusal(run(verifyOrganisation, elsewhere, { id: org, reason: "" }));
    expect(await tableCounts()).toEqual(before);
    expect(await noticesOf(admin)).toHaveLength(1);
  });
});

describe("an organisation as a notice's subject", () => {
  it("is seen, while unverified, by its applicant, its active members and its invitees only", async () => {
    const [applicant, member, invited] = [await makeUser(), await makeUser(), await makeUser()];
    const org = await makeOrganisation({
      communities: [community],
      members: [applicant, member],
      status: "declined",
    });
    await getDb()
      .insertInto("organisationMembers")
      .values({
        organisationId: org,
        userId: invited,
        role: "member",
        status: "invited",
        invitedBy: applicant,
        invitedAt: new Date().toISOString(),
        joinedAt: null,
      })
      .execute();
    const stranger = (await makeResident(community)).userId!;
    const everyone = [applicant, member, invited, stranger];
    const draft = (id: number): NoticeDraft => ({
      kind: "organisation.decided",
      subject: { type: "organisation", id },
      params: { name: "x", status: "declined", reason: "y" },
      recipients: { users: everyone },
    });
    const verified = await makeOrganisation({ communities: [community], status: "verified" });
    setImmediateDelivery(false);
    const ids = await transaction(getDb(), (trx) =>
      writeOutbox(
        trx,
        [draft(org), draft(verified), draft(987_654)],
        null,
        new Date().toISOString(),
      ),
    );
    await deliverOutbox(ids);
    for (const who of [applicant, member, invited]) {
      expect((await noticesOf(who)).map((n) => n.subjectId)).toEqual([org, verified]);
    }
    // A stranger sees the verified listing only; an organisation that does not exist, nobody.
    expect((await noticesOf(stranger)).map((n) => n.subjectId)).toEqual([verified]);
  });
});

describe("minutes.published", () => {
  async function closedMeeting() {
    const council = await makeCouncil(community, "圆桌会");
    const meetingId = await makeMeetingAt(council, "垃圾分类", "closed", -3, -1);
    const { id: itemId } = await getDb()
      .insertInto("agendaItems")
      .values({ meetingId, position: 1, title: "现状", minutes: 20 })
      .returning("id")
      .executeTakeFirstOrThrow();
    return { meetingId, itemId };
  }

  it("tells the signed-up and the invited once, when published; not on drafts nor later edits", async () => {
    const { meetingId, itemId } = await closedMeeting();
    const signedUp = await makeResident(community);
    const invited = await makeResident(community);
    const bystander = await makeResident(community);
    await getDb()
      .insertInto("rsvps")
      .values({
        meetingId,
        userId: signedUp.userId!,
        kind: "resident",
        createdAt: new Date().toISOString(),
      })
      .execute();
    await inviteSeat(meetingId, invited.userId!);
    const minutes = (summary: string) => ({
      meetingId,
      agendaItemId: itemId,
      summary,
      decisions: "",
    });

    await delivered(run(writeMinutes, committee, minutes("草稿")));
    expect(await noticesOf(signedUp)).toEqual([]);
    await delivered(run(moveMeeting, committee, { meetingId, to: "published" }));
    await delivered(run(writeMinutes, committee, minutes("改正一个错字")));
    await refusal(run(moveMeeting, committee, { meetingId, to: "published" }));
    await deliveriesSettled();

    for (const who of [signedUp, invited]) {
      const [n, ...more] = await noticesOf(who);
      expect(more).toEqual([]);
      expect(n).toMatchObject({ kind: "minutes.published", subjectId: meetingId });
      expect(noticeMessage(n!, "zh-CN")).toEqual({
        key: "notice:kinds.minutesPublished",
        params: { topic: "垃圾分类" },
        reason: null,
      });
      expect(noticeLink(n!)).toBe(`/meetings/${meetingId}`);
    }
    expect(await noticesOf(bystander)).toEqual([]);
    expect(await noticesOf(committee)).toEqual([]);
  });

  it("tells nobody when nothing was written down", async () => {
    const { meetingId } = await closedMeeting();
    const signedUp = await makeResident(community);
    await inviteSeat(meetingId, signedUp.userId!);
    await delivered(run(moveMeeting, committee, { meetingId, to: "published" }));
    expect(await noticesOf(signedUp)).toEqual([]);
  });
});

describe("project.supported", () => {
  async function supported(supporters: Actor[]) {
    const proposer = await makeResident(community);
    const id = await run(proposeProject, proposer, { ...projectInput(community), photo: null });
    await run(takeStep, proposer, { id, step: "submit" });
    for (const s of supporters) await run(supportProject, s, { id });
    // The proposer supports their own project too: told once, as its proposer.
    await run(supportProject, proposer, { id });
    await delivered(run(takeStep, committee, { id, step: "startReview" }));
    return { id, proposer };
  }

  it("tells its supporters it was accepted and completed, not the proposer nor others", async () => {
    const [a, b] = [await makeResident(community), await makeResident(community)];
    const neighbour = await makeResident(community);
    const { id, proposer } = await supported([a, b]);
    await switchOff(b.userId!, "project.supported");
    await delivered(run(takeStep, committee, { id, step: "accept" }));
    await delivered(run(takeStep, committee, { id, step: "select" }));
    await delivered(run(takeStep, committee, { id, step: "start" }));

    const got = await noticesOf(a);
    expect(got.map((n) => noticeMessage(n, "en").key)).toEqual([
      "notice:kinds.projectSupported.accept",
      "notice:kinds.projectSupported.select",
    ]);
    expect(noticeMessage(got[0]!, "zh-CN").params).toEqual({ title: "三幢楼道扶手" });
    expect(noticeLink(got[0]!)).toBe(`/projects/${id}`);
    // Switched off: it protects nobody.
    expect(await noticesOf(b)).toEqual([]);
    expect(await kindsOf(proposer)).toEqual([
      "project.stepped",
      "project.stepped",
      "project.stepped",
      "project.stepped",
    ]);
    expect(await noticesOf(neighbour)).toEqual([]);
    expect(await noticesOf(committee)).toEqual([]);
  });

  it("tells them, and the proposer, when the residents' budget vote selects it", async () => {
    const a = await makeResident(community);
    const { id, proposer } = await supported([a]);
    await run(takeStep, committee, { id, step: "accept" });
    const round = await run(createRound, committee, {
      ...roundSchema.parse({
        title: "微实事预算",
        budget: "5000",
        method: "greedy",
        minProjects: "",
        maxProjects: "",
        project: [String(id), String(await makeProject(community, { cost: 100 }))],
        opensAt: chinaLocal(Date.now() + HOUR),
        closesAt: chinaLocal(Date.now() + 2 * HOUR),
      }),
      communityId: community,
    });
    await setVoteWindow("round", round, -HOUR, HOUR);
    await run(voteRound, a, { id: round, choice: [id] });
    await setVoteWindow("round", round, -2 * HOUR, -HOUR);
    await delivered(ensureTallied(round));
    const status = await getDb()
      .selectFrom("projects")
      .select("status")
      .where("id", "=", id)
      .executeTakeFirstOrThrow();
    expect(status.status).toBe("selected");
    expect((await noticesOf(a)).map((n) => JSON.parse(n.params).step)).toEqual([
      "accept",
      "select",
    ]);
    expect((await noticesOf(proposer)).map((n) => JSON.parse(n.params).step)).toEqual([
      "startReview",
      "accept",
      "select",
    ]);
  });

  it("tells nobody of a rejection or a return (the proposer is told, with the reason)", async () => {
    const a = await makeResident(community);
    const { id, proposer } = await supported([a]);
    await delivered(run(takeStep, committee, { id, step: "return", reason: "写细一些" }));
    expect(await noticesOf(a)).toEqual([]);
    expect(await kindsOf(proposer)).toEqual(["project.stepped", "project.stepped"]);
  });

  it("reaches many supporters from one outbox row, a chunk at a time", async () => {
    const db = getDb();
    const { id, proposer } = await supported([]);
    const n = DELIVERY_CHUNK + 3;
    const at = new Date().toISOString();
    const users = await makeUsers(n, `sup${id}x`);
    await db
      .insertInto("projectSupports")
      .values(users.map((userId) => ({ projectId: id, userId, at })))
      .execute();
    const outbox = () => db.selectFrom("noticeOutbox").select("id").execute();
    const rows = (await outbox()).length;
    const told: number[][] = [];
    const stop = onEvent((e) => e.type === "notice.created" && told.push(e.userIds));
    await delivered(run(takeStep, committee, { id, step: "accept" }));
    stop();
    // One row for the proposer, one for every supporter; the supporters are told in two chunks.
    expect((await outbox()).length).toBe(rows + 2);
    expect(told.map((ids) => ids.length).sort((x, y) => x - y)).toEqual([1, 3, DELIVERY_CHUNK]);
    const supporters = await db
      .selectFrom("notices")
      .select("userId")
      .where("kind", "=", "project.supported")
      .where("subjectId", "=", id)
      .execute();
    expect(supporters).toHaveLength(n);
    expect(supporters.map((t) => t.userId)).not.toContain(proposer.userId);
  });
});

describe("comment.replied", () => {
  const body = (s: string) => commentSchema.parse({ body: s }).body;

  async function commented() {
    const proposer = await makeResident(community);
    const id = await run(proposeProject, proposer, { ...projectInput(community), photo: null });
    await run(takeStep, proposer, { id, step: "submit" });
    const author = await makeResident(community);
    const top = await run(addComment, author, {
      id,
      body: body("扶手用什么材料？"),
      parentId: null,
    });
    await deliveriesSettled();
    return { id, proposer, author, top };
  }

  it("tells the comment's author, linking to the reply, without its words; not others", async () => {
    const { id, proposer, author, top } = await commented();
    const other = await makeResident(community);
    await delivered(run(addComment, other, { id, body: body("不锈钢的"), parentId: top }));
    const reply = await getDb()
      .selectFrom("projectComments")
      .select("id")
      .where("parentId", "=", top)
      .executeTakeFirstOrThrow();
    const [n, ...more] = await noticesOf(author);
    expect(more).toEqual([]);
    expect(n).toMatchObject({ kind: "comment.replied", subjectType: "project", subjectId: id });
    expect(n!.params).not.toContain("不锈钢");
    expect(noticeMessage(n!, "zh-CN")).toEqual({
      key: "notice:kinds.commentReplied",
      params: { title: "三幢楼道扶手" },
      reason: null,
    });
    expect(noticeLink(n!)).toBe(`/projects/${id}#comment-${reply.id}`);
    // A top-level comment tells nobody; neither does one's reply to oneself.
    expect(await noticesOf(proposer)).toEqual([]);
    expect(await noticesOf(other)).toEqual([]);
    const rows = (await getDb().selectFrom("noticeOutbox").select("id").execute()).length;
    await delivered(run(addComment, author, { id, body: body("谢谢"), parentId: top }));
    expect((await getDb().selectFrom("noticeOutbox").select("id").execute()).length).toBe(rows);
    expect(await noticesOf(author)).toHaveLength(1);
  });

  it("does not announce a reply hidden before its notice went out", async () => {
    const { id, author, top } = await commented();
    const rude = await makeResident(community);
    setImmediateDelivery(false);
    const reply = await run(addComment, rude, { id, body: body("不礼貌的话"), parentId: top });
    await run(hideComment, committee, { commentId: reply, reason: "不文明" });
    await deliverPending();
    expect(await noticesOf(author)).toEqual([]);
  });

  it("withdraws the notice of a reply hidden later, by the committee or by residents' reports", async () => {
    const { id, author, top } = await commented();
    const [kind, rude, blunt] = [
      await makeResident(community),
      await makeResident(community),
      await makeResident(community),
    ];
    const reply = (who: Actor, text: string) =>
      delivered(run(addComment, who, { id, body: body(text), parentId: top }));
    const [kept, hidden, flagged] = [
      await reply(kind, "好主意"),
      await reply(rude, "不礼貌的话"),
      await reply(blunt, "难听的话"),
    ];
    const links = async () => (await noticesOf(author)).map((n) => noticeLink(n));
    expect(await links()).toHaveLength(3);

    const events: DomainEvent[] = [];
    const stop = onEvent((e) => events.push(e));
    await run(hideComment, committee, { commentId: hidden, reason: "不文明" });
    stop();
    expect(events).toContainEqual({ type: "notice.read", userId: author.userId });
    expect(await links()).toEqual([
      `/projects/${id}#comment-${kept}`,
      `/projects/${id}#comment-${flagged}`,
    ]);
    for (let i = 0; i < FLAGS_TO_HIDE; i++) {
      await run(flagComment, await makeResident(community), {
        commentId: flagged,
        reason: "辱骂他人",
      });
    }
    expect(await links()).toEqual([`/projects/${id}#comment-${kept}`]);
    // Restored, it is not announced again.
    await delivered(run(restoreComment, committee, { commentId: hidden }));
    expect(await links()).toEqual([`/projects/${id}#comment-${kept}`]);
  });

  it("tells no author who deleted their account", async () => {
    const { id, author, top } = await commented();
    await getDb()
      .updateTable("users")
      .set({ deletedAt: new Date().toISOString() })
      .where("id", "=", author.userId!)
      .execute();
    await delivered(
      run(addComment, await makeResident(community), { id, body: body("好"), parentId: top }),
    );
    expect(await noticesOf(author)).toEqual([]);
  });

  it("a refused reply (a reply to a reply) writes nothing", async () => {
    const { id, top } = await commented();
    const replier = await makeResident(community);
    const reply = await delivered(
      run(addComment, replier, { id, body: body("好"), parentId: top }),
    );
    const before = await tableCounts();
    await refusal(run(addComment, replier, { id, body: body("再回"), parentId: reply }));
    await refusal(run(addComment, replier, { id, body: body("再回"), parentId: 987_654 }));
    expect(await tableCounts()).toEqual(before);
  });
});
