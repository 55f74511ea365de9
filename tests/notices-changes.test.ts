/**
 * Notices of changes (issue 16, items 2 and 5): a meeting that moves or is cancelled tells everyone
 * signed up for it and everyone invited to a seat, and nobody else; a cancelled poll or budget
 * round tells those who could vote in it. The sentence carries what the reader needs (the new time
 * and place, the reason), and the link leads to the meeting or the vote.
 */
import { beforeEach, describe, expect, it } from "vitest";
import { getDb } from "../db/client.server";
import { noticeLink, noticeMessage } from "~/domain/notices/kinds";
import type { Actor } from "~/domain/permissions/policy";
import { meetingSchema } from "~/domain/meetings/schemas";
import { cancelMeeting, editMeeting } from "~/services/meetings/changes.server";
import { rsvp } from "~/services/meetings/commands.server";
import { deliveriesSettled, setImmediateDelivery } from "~/services/notices/delivery.server";
import { run } from "~/services/runner/command.server";
import { votePoll } from "~/services/voting/ballots.server";
import {
  cancelPoll,
  cancelRound,
  createPoll,
  createRound,
} from "~/services/voting/commands.server";
import { roundSchema } from "~/domain/voting/schemas";
import {
  chinaLocal,
  firstOptionOf,
  inviteSeat,
  makeCommitteeMember,
  makeCommunity,
  makeCouncil,
  makeMeetingAt,
  makeProject,
  makeResident,
  pollInput,
  setVoteWindow,
} from "./support/factories";

const HOUR = 3_600_000;

let community: number;
let committee: Actor;
let meetingId: number;

async function noticesOf(actor: Actor) {
  return getDb()
    .selectFrom("notices")
    .select(["kind", "subjectType", "subjectId", "params"])
    .where("userId", "=", actor.userId!)
    .orderBy("id")
    .execute();
}

/** The notices of a cancelled vote (a vote that opens at once also announces its opening). */
async function cancelledOf(actor: Actor) {
  return (await noticesOf(actor)).filter((n) => n.kind === "vote.cancelled");
}

async function delivered<T>(p: Promise<T>): Promise<T> {
  const r = await p;
  await deliveriesSettled();
  return r;
}

beforeEach(async () => {
  setImmediateDelivery(true);
  community = await makeCommunity("here");
  committee = await makeCommitteeMember(community);
  const council = await makeCouncil(community, "圆桌会");
  meetingId = await makeMeetingAt(council, "停车", "scheduled", 24, 26, {
    seats: { resident: 5 },
  });
});

function moved(change: Record<string, string> = {}) {
  return {
    ...meetingSchema.parse({
      topic: "停车",
      description: "夜间停车怎么安排",
      startsAt: chinaLocal(Date.now() + 48 * HOUR),
      endsAt: chinaLocal(Date.now() + 50 * HOUR),
      place: "三楼会议室",
      isPublic: "yes",
      agenda0: "现状",
      agendaMinutes0: "20",
      seats_resident: "5",
      ...change,
    }),
    meetingId,
  };
}

describe("a meeting that changes", () => {
  it("tells the signed-up and the invited its new time and place; not the committee, not others", async () => {
    const signedUp = await makeResident(community);
    const invited = await makeResident(community);
    const bystander = await makeResident(community);
    await run(rsvp, signedUp, { meetingId });
    await inviteSeat(meetingId, invited.userId!);

    await delivered(run(editMeeting, committee, moved()));

    for (const who of [signedUp, invited]) {
      const [n, ...more] = await noticesOf(who);
      expect(more).toEqual([]);
      expect(n).toMatchObject({
        kind: "meeting.changed",
        subjectType: "meeting",
        subjectId: meetingId,
      });
      const m = noticeMessage(n!, "zh-CN");
      expect(m.key).toBe("notice:kinds.meetingMoved");
      expect(m.params).toMatchObject({ topic: "停车", place: "三楼会议室" });
      expect(new Date(m.params.startsAt!).getTime()).toBeGreaterThan(Date.now() + 47 * HOUR);
      expect(noticeLink(n!)).toBe(`/meetings/${meetingId}`);
    }
    expect(await noticesOf(bystander)).toEqual([]);
    expect(await noticesOf(committee)).toEqual([]);
    // The sign-up stands.
    const rsvps = await getDb().selectFrom("rsvps").select("userId").execute();
    expect(rsvps.map((r) => r.userId)).toEqual([signedUp.userId]);
  });

  it("says 'changed' without a time when only the agenda moved, and tells nobody when nothing did", async () => {
    const signedUp = await makeResident(community);
    await run(rsvp, signedUp, { meetingId });
    const same = moved();
    await delivered(run(editMeeting, committee, same));
    await delivered(run(editMeeting, committee, same)); // nothing changed: no notice
    await delivered(
      run(editMeeting, committee, {
        ...same,
        ...moved({ agendaMinutes0: "30" }),
        startsAt: same.startsAt,
        endsAt: same.endsAt,
      }),
    );
    const list = await noticesOf(signedUp);
    expect(list.map((n) => noticeMessage(n, "en").key)).toEqual([
      "notice:kinds.meetingMoved",
      "notice:kinds.meetingChanged",
    ]);
  });

  it("tells the signed-up and the invited that it is cancelled, with the reason", async () => {
    const signedUp = await makeResident(community);
    const bystander = await makeResident(community);
    await run(rsvp, signedUp, { meetingId });
    await delivered(run(cancelMeeting, committee, { meetingId, reason: "场地维修" }));
    const [n] = await noticesOf(signedUp);
    expect(noticeMessage(n!, "zh-CN")).toEqual({
      key: "notice:kinds.meetingCancelled",
      params: { topic: "停车" },
      reason: "场地维修",
    });
    expect(await noticesOf(bystander)).toEqual([]);
  });

  it("writes no outbox row when nobody signed up or was invited", async () => {
    const rows = () => getDb().selectFrom("noticeOutbox").select("id").execute();
    const before = await rows();
    await delivered(run(cancelMeeting, committee, { meetingId, reason: "场地维修" }));
    expect(await rows()).toEqual(before);
  });
});

describe("a vote that is cancelled", () => {
  it("tells the community's verified residents, voters included, with the reason", async () => {
    const voter = await makeResident(community);
    const other = await makeResident(community);
    const elsewhere = await makeResident(await makeCommunity("there"));
    const id = await run(createPoll, committee, {
      ...pollInput(),
      communityId: community,
      meetingId: null,
    });
    await setVoteWindow("poll", id, -HOUR, HOUR);
    await run(votePoll, voter, { id, choice: [await firstOptionOf(id)] });
    await delivered(run(cancelPoll, committee, { id, reason: "问题有误" }));
    for (const who of [voter, other]) {
      const [n, ...more] = await cancelledOf(who);
      expect(more).toEqual([]);
      expect(n).toMatchObject({ kind: "vote.cancelled", subjectType: "poll", subjectId: id });
      expect(noticeMessage(n!, "en").reason).toBe("问题有误");
      expect(noticeLink(n!)).toBe(`/polls/${id}`);
    }
    expect(await noticesOf(elsewhere)).toEqual([]);
    expect(await noticesOf(committee)).toEqual([]);
  });

  it("tells a seat holders' poll's invited seat holders and voters, not the other residents", async () => {
    const seated = await makeResident(community);
    const resident = await makeResident(community);
    await inviteSeat(meetingId, seated.userId!);
    const id = await run(createPoll, committee, {
      ...pollInput({ electorate: "seatHolders" }),
      communityId: community,
      meetingId,
    });
    await delivered(run(cancelPoll, committee, { id, reason: "会议改期" }));
    expect((await cancelledOf(seated)).map((n) => n.kind)).toEqual(["vote.cancelled"]);
    expect(await noticesOf(resident)).toEqual([]);
  });

  it("withdraws a cancelled meeting's open seat holders' polls, with its reason, and leaves the rest", async () => {
    const seated = await makeResident(community);
    await inviteSeat(meetingId, seated.userId!);
    const poll = (electorate: "seatHolders" | "residents") =>
      run(createPoll, committee, {
        ...pollInput({ electorate }),
        communityId: community,
        meetingId,
      });
    const open = await poll("seatHolders");
    await setVoteWindow("poll", open, -HOUR, HOUR);
    await run(votePoll, seated, { id: open, choice: [await firstOptionOf(open)] });
    const closed = await poll("seatHolders");
    await setVoteWindow("poll", closed, -2 * HOUR, -HOUR);
    const residents = await poll("residents");
    await delivered(run(cancelMeeting, committee, { meetingId, reason: "场地不能用" }));

    const polls = await getDb()
      .selectFrom("polls")
      .select(["id", "cancelReason", "ballotsDiscarded"])
      .where("meetingId", "=", meetingId)
      .orderBy("id")
      .execute();
    expect(polls).toEqual([
      { id: open, cancelReason: "场地不能用", ballotsDiscarded: 1 },
      { id: closed, cancelReason: null, ballotsDiscarded: null },
      { id: residents, cancelReason: null, ballotsDiscarded: null },
    ]);
    const ballots = await getDb()
      .selectFrom("ballots")
      .select("receipt")
      .where("pollId", "=", open)
      .execute();
    expect(ballots).toEqual([]);
    // (Each poll, open at once, also announced its opening.)
    const told = (await noticesOf(seated)).filter((n) => n.kind !== "vote.opened");
    expect(told.map((n) => [n.kind, n.subjectId])).toEqual(
      expect.arrayContaining([
        ["meeting.cancelled", meetingId],
        ["vote.cancelled", open],
      ]),
    );
    expect(told).toHaveLength(2);
    const entry = await getDb()
      .selectFrom("auditLog")
      .select("details")
      .where("subjectType", "=", "meeting")
      .where("subjectId", "=", meetingId)
      .orderBy("id", "desc")
      .executeTakeFirstOrThrow();
    expect(JSON.parse(entry.details)).toMatchObject({ pollsCancelled: [open] });
  });

  it("links a cancelled budget round to its page", async () => {
    const resident = await makeResident(community);
    const projects = [
      await makeProject(community, { cost: 100 }),
      await makeProject(community, { cost: 200 }),
    ];
    const id = await run(createRound, committee, {
      ...roundSchema.parse({
        title: "微实事预算",
        budget: "1000",
        method: "greedy",
        minProjects: "",
        maxProjects: "",
        project: projects.map(String),
        opensAt: chinaLocal(Date.now() + HOUR),
        closesAt: chinaLocal(Date.now() + 2 * HOUR),
      }),
      communityId: community,
    });
    await delivered(run(cancelRound, committee, { id, reason: "预算调整" }));
    const [n] = await noticesOf(resident);
    expect(n).toMatchObject({ kind: "vote.cancelled", subjectType: "round", subjectId: id });
    expect(noticeLink(n!)).toBe(`/budgets/${id}`);
  });
});
