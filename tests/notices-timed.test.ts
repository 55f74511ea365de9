/**
 * Timed notices (issue 16): a meeting's reminder the day before, a vote that opened, closes within
 * a day while one has not voted, or published its results. Each: who gets it and who does not,
 * sent once across two job runs, across a "restart" (the job's modules loaded afresh) and across
 * two processes at once; cancelled things send nothing.
 */
import { createRequestHandler } from "@remix-run/node";
import { beforeEach, describe, expect, it, vi } from "vitest";
import en from "../public/locales/en/notice.json";
import zh from "../public/locales/zh-CN/notice.json";
import { getDb } from "../db/client.server";
import * as root from "~/root";
import * as notificationsRoute from "~/routes/notifications";
import { formatDateTime } from "~/utils/format";
import { transaction } from "../db/portable";
import { noticeLink, noticeMessage, type NoticeDraft } from "~/domain/notices/kinds";
import type { Actor } from "~/domain/permissions/policy";
import { commitmentSchema, meetingSchema } from "~/domain/meetings/schemas";
import { chinaToday } from "~/domain/time";
import { roundSchema } from "~/domain/voting/schemas";
import { runDueJobs } from "~/services/jobs.server";
import { cancelMeeting, editMeeting } from "~/services/meetings/changes.server";
import { rsvp } from "~/services/meetings/commands.server";
import { addCommitment } from "~/services/meetings/minutes.server";
import {
  deliverPending,
  deliveriesSettled,
  setImmediateDelivery,
  writeOutbox,
} from "~/services/notices/delivery.server";
import { noticesTick } from "~/services/notices/timed.server";
import { run } from "~/services/runner/command.server";
import { participate } from "~/services/voting/ballots.server";
import { votePoll } from "~/services/voting/ballots.server";
import {
  cancelPoll,
  cancelRound,
  createPoll,
  createRound,
} from "~/services/voting/commands.server";
import {
  chinaLocal,
  firstOptionOf,
  inviteSeat,
  makeCommitteeMember,
  makeCommunity,
  makeCouncil,
  makeMeetingAt,
  makeMembership,
  makeProject,
  makeResident,
  makeUser,
  cookieFor,
  dbSnapshot,
  pollInput,
  setVoteWindow,
} from "./support/factories";
import { routesBuild } from "./support/builds";
import { refusal } from "./support/refusal";

const MINUTE = 60_000;
const seats = { seats: { resident: 5 } };
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

let community: number;
let committee: Actor;
let council: number;

async function kindsOf(who: Actor | number) {
  const userId = typeof who === "number" ? who : who.userId!;
  const rows = await getDb()
    .selectFrom("notices")
    .select("kind")
    .where("userId", "=", userId)
    .orderBy("id")
    .execute();
  return rows.map((r) => r.kind);
}

async function lastOf(who: Actor, kind: string) {
  return getDb()
    .selectFrom("notices")
    .select(["kind", "subjectType", "subjectId", "params"])
    .where("userId", "=", who.userId!)
    .where("kind", "=", kind as never)
    .orderBy("id", "desc")
    .executeTakeFirstOrThrow();
}

/** One run of the job's work in this process, its deliveries awaited. */
async function tick(now = new Date()) {
  await noticesTick(getDb(), now);
  await deliveriesSettled();
}

/**
 * A process started afresh (a restart, or another process): the job's modules loaded anew, with
 * no state of this one's (its delivery queue, anything it might remember), on the same database.
 */
async function freshProcess() {
  vi.resetModules();
  const timed = await import("~/services/notices/timed.server");
  const delivery = await import("~/services/notices/delivery.server");
  return async (now = new Date()) => {
    await timed.noticesTick(getDb(), now);
    await delivery.deliveriesSettled();
  };
}

/** A verified resident, an applicant not yet verified, and a verified resident of elsewhere. */
async function people() {
  const resident = await makeResident(community);
  const applicant = await makeUser();
  await makeMembership(applicant, community, "pending");
  const elsewhere = await makeResident(await makeCommunity("there"));
  return { resident, applicant, elsewhere };
}

beforeEach(async () => {
  setImmediateDelivery(true);
  community = await makeCommunity("here");
  committee = await makeCommitteeMember(community);
  council = await makeCouncil(community, "圆桌会");
});

describe("the sentences", () => {
  it("exist in both languages, and name only what the notice carries", () => {
    const params = { topic: "t", startsAt: "s", place: "p", title: "t", closesAt: "c" };
    for (const [kind, subject] of [
      ["meeting.reminder", "meeting"],
      ["vote.opened", "poll"],
      ["vote.closing", "round"],
      ["vote.results", "poll"],
    ] as const) {
      const stored = { kind, subjectType: subject, subjectId: 1, params: JSON.stringify(params) };
      const m = noticeMessage(stored, "en");
      const name = m.key.replace("notice:kinds.", "") as keyof typeof en.kinds;
      for (const sentence of [en.kinds[name], zh.kinds[name]]) {
        expect(typeof sentence, kind).toBe("string");
        const named = [...(sentence as string).matchAll(/{{(\w+)}}/g)].map((x) => x[1]!);
        for (const p of named) expect(Object.keys(m.params), `${kind}: ${p}`).toContain(p);
      }
    }
  });
});

describe("the inbox", () => {
  const handler = createRequestHandler(
    routesBuild({
      root: ["", undefined, root],
      "routes/notifications": ["notifications", "root", notificationsRoute],
    }),
  );

  it("says when a vote closes and when a meeting begins in the reader's words, in 长辈版 too", async () => {
    const resident = await makeResident(community);
    const meetingId = await makeMeetingAt(council, "停车", "scheduled", 20, 22, seats);
    await run(rsvp, resident, { meetingId });
    const id = await openPoll();
    await setVoteWindow("poll", id, -2 * DAY, 12 * HOUR);
    await tick();
    const [meeting, poll] = await Promise.all([
      getDb()
        .selectFrom("meetings")
        .select("startsAt")
        .where("id", "=", meetingId)
        .executeTakeFirstOrThrow(),
      getDb().selectFrom("polls").select("closesAt").where("id", "=", id).executeTakeFirstOrThrow(),
    ]);
    for (const lng of ["zh-CN", "en"] as const) {
      const cookie = [`lng=${lng}`, "mode=lite", await cookieFor(resident.userId!)].join("; ");
      const res = await handler(
        new Request("http://localhost/notifications", { headers: { Cookie: cookie } }),
      );
      const html = await res.text();
      expect(html).toContain(formatDateTime(poll.closesAt, lng));
      expect(html).toContain(formatDateTime(meeting.startsAt, lng));
      expect(html).not.toContain(poll.closesAt);
      expect(html).toContain(`href="/polls/${id}"`);
      expect(html).toContain(`href="/meetings/${meetingId}"`);
      expect(html).not.toContain("<script");
    }
  });
});

describe("the once-key of the outbox", () => {
  it("writes a keyed notice once, and notices without a key as often as they come", async () => {
    const resident = await makeResident(community);
    const draft = (once?: string): NoticeDraft => ({
      kind: "vote.results",
      subject: { type: "poll", id: 1 },
      params: { title: "t" },
      recipients: { users: [resident.userId!] },
      ...(once ? { once } : {}),
    });
    const write = (d: NoticeDraft) =>
      transaction(getDb(), (trx) => writeOutbox(trx, [d], null, new Date().toISOString()));
    expect(await write(draft("k:1"))).toHaveLength(1);
    expect(await write(draft("k:1"))).toEqual([]);
    expect(await write(draft())).toHaveLength(1);
    expect(await write(draft())).toHaveLength(1);
    const keys = await getDb().selectFrom("noticeOutbox").select("onceKey").execute();
    expect(keys.filter((k) => k.onceKey === "k:1")).toHaveLength(1);
    expect(keys.filter((k) => k.onceKey === null).length).toBeGreaterThanOrEqual(2);
  });
});

describe("a meeting's reminder the day before", () => {
  it("reminds the signed-up and the invited once, across runs, a restart and two processes", async () => {
    const meetingId = await makeMeetingAt(council, "停车", "scheduled", 20, 22, {
      seats: { resident: 5 },
    });
    const signedUp = await makeResident(community);
    const invited = await makeResident(community);
    const bystander = await makeResident(community);
    await run(rsvp, signedUp, { meetingId });
    await inviteSeat(meetingId, invited.userId!);

    await tick();
    await tick();
    const other = await freshProcess();
    await other();
    await Promise.all([tick(), other()]);
    for (const who of [signedUp, invited]) expect(await kindsOf(who)).toEqual(["meeting.reminder"]);
    expect(await kindsOf(bystander)).toEqual([]);
    expect(await kindsOf(committee)).toEqual([]);
    const n = await lastOf(signedUp, "meeting.reminder");
    expect(noticeMessage(n, "zh-CN")).toMatchObject({
      key: "notice:kinds.meetingReminder",
      params: { topic: "停车", place: "议事厅" },
    });
    expect(noticeLink(n)).toBe(`/meetings/${meetingId}`);
  });

  it("does not remind more than a day ahead, nor of a meeting that is cancelled", async () => {
    const later = await makeMeetingAt(council, "绿化", "scheduled", 30, 32, seats);
    const cancelled = await makeMeetingAt(council, "垃圾分类", "scheduled", 5, 6, seats);
    const resident = await makeResident(community);
    await run(rsvp, resident, { meetingId: later });
    await run(rsvp, resident, { meetingId: cancelled });
    await run(cancelMeeting, committee, { meetingId: cancelled, reason: "场地维修" });
    await tick();
    expect(await kindsOf(resident)).toEqual(["meeting.cancelled"]);
    // A day later the first is within a day: reminded then.
    await tick(new Date(Date.now() + 7 * HOUR));
    expect(await kindsOf(resident)).toEqual(["meeting.cancelled", "meeting.reminder"]);
  });

  it("reminds again, of the new time, when the meeting moved", async () => {
    const meetingId = await makeMeetingAt(council, "停车", "scheduled", 20, 22, {
      seats: { resident: 5 },
    });
    const signedUp = await makeResident(community);
    await run(rsvp, signedUp, { meetingId });
    await tick();
    const startsAt = chinaLocal(Date.now() + 10 * HOUR);
    await run(editMeeting, committee, {
      ...meetingSchema.parse({
        topic: "停车",
        description: "停车的说明",
        startsAt,
        endsAt: chinaLocal(Date.now() + 11 * HOUR),
        place: "议事厅",
        isPublic: "yes",
        agenda0: "现状",
        agendaMinutes0: "20",
        seats_resident: "5",
      }),
      meetingId,
    });
    await tick();
    await tick();
    expect(await kindsOf(signedUp)).toEqual([
      "meeting.reminder",
      "meeting.changed",
      "meeting.reminder",
    ]);
    const n = noticeMessage(await lastOf(signedUp, "meeting.reminder"), "en");
    expect(chinaLocal(new Date(n.params.startsAt!))).toBe(startsAt);
  });
});

function openPoll(change: Record<string, unknown> = {}) {
  return run(createPoll, committee, {
    ...pollInput(change),
    communityId: community,
    meetingId: null,
  });
}

function round(opensInMs: number, closesInMs: number) {
  return async () =>
    run(createRound, committee, {
      ...roundSchema.parse({
        title: "微实事预算",
        budget: "1000",
        method: "greedy",
        minProjects: "",
        maxProjects: "",
        project: [
          String(await makeProject(community, { cost: 100 })),
          String(await makeProject(community, { cost: 200 })),
        ],
        opensAt: chinaLocal(Date.now() + opensInMs),
        closesAt: chinaLocal(Date.now() + closesInMs),
      }),
      communityId: community,
    });
}

describe("a vote that opened", () => {
  it("tells the verified residents when it opens at once, once; not applicants, not others", async () => {
    const { resident, applicant, elsewhere } = await people();
    const id = await openPoll();
    await deliveriesSettled();
    await tick();
    await (
      await freshProcess()
    )();
    expect(await kindsOf(resident)).toEqual(["vote.opened"]);
    expect(await kindsOf(applicant)).toEqual([]);
    expect(await kindsOf(elsewhere)).toEqual([]);
    expect(await kindsOf(committee)).toEqual([]);
    const n = await lastOf(resident, "vote.opened");
    expect(noticeMessage(n, "zh-CN")).toMatchObject({
      key: "notice:kinds.voteOpened",
      params: { title: "三幢门前空地改作什么" },
    });
    expect(noticeLink(n)).toBe(`/polls/${id}`);
  });

  it("tells them when its opening time comes, by the job, once; a cancelled one never", async () => {
    const { resident } = await people();
    await openPoll({
      opensAt: chinaLocal(Date.now() + HOUR),
      closesAt: chinaLocal(Date.now() + 3 * HOUR),
    });
    const cancelled = await openPoll({
      opensAt: chinaLocal(Date.now() + HOUR),
      closesAt: chinaLocal(Date.now() + 3 * HOUR),
    });
    await run(cancelPoll, committee, { id: cancelled, reason: "问题有误" });
    await tick();
    expect(await kindsOf(resident)).toEqual(["vote.cancelled"]);
    const later = new Date(Date.now() + HOUR + MINUTE);
    await tick(later);
    await tick(later);
    await (
      await freshProcess()
    )(later);
    expect(await kindsOf(resident)).toEqual(["vote.cancelled", "vote.opened"]);
  });

  it("tells a seat holders' poll's invited seat holders only; a round's link is its page", async () => {
    const { resident } = await people();
    const seated = await makeResident(community);
    const meetingId = await makeMeetingAt(council, "停车", "scheduled", 48, 50);
    await inviteSeat(meetingId, seated.userId!);
    await run(createPoll, committee, {
      ...pollInput({ electorate: "seatHolders" }),
      communityId: community,
      meetingId,
    });
    await deliveriesSettled();
    expect(await kindsOf(seated)).toEqual(["vote.opened"]);
    expect(await kindsOf(resident)).toEqual([]);

    const id = await round(-MINUTE, DAY / 2)();
    await deliveriesSettled();
    const n = await lastOf(resident, "vote.opened");
    expect(n).toMatchObject({ subjectType: "round", subjectId: id });
    expect(noticeLink(n)).toBe(`/budgets/${id}`);
  });
});

describe("a vote closing within a day", () => {
  it("tells the verified residents who have not voted, once; not voters, applicants, others", async () => {
    const { resident, applicant, elsewhere } = await people();
    const voter = await makeResident(community);
    const id = await openPoll();
    await setVoteWindow("poll", id, -2 * DAY, 12 * HOUR);
    await run(votePoll, voter, { id, choice: [await firstOptionOf(id)] });
    await tick();
    await tick();
    await (
      await freshProcess()
    )();
    expect(await kindsOf(resident)).toEqual(["vote.opened", "vote.closing"]);
    expect(await kindsOf(voter)).toEqual(["vote.opened"]);
    expect(await kindsOf(applicant)).toEqual([]);
    expect(await kindsOf(elsewhere)).toEqual([]);
    const n = noticeMessage(await lastOf(resident, "vote.closing"), "en");
    expect(n.key).toBe("notice:kinds.voteClosing");
  });

  it("reads the voter roll when delivered: who voted meanwhile (online or on paper) is not told", async () => {
    const online = await makeResident(community);
    const paper = await makeResident(community);
    const someone = await makeResident(community);
    const id = await round(-MINUTE, 12 * HOUR)();
    await deliveriesSettled();
    await setVoteWindow("round", id, -2 * DAY, 12 * HOUR);
    setImmediateDelivery(false);
    await tick();
    await transaction(getDb(), async (trx) => {
      await participate(trx, "round", id, online.userId!, new Date().toISOString());
      await participate(
        trx,
        "round",
        id,
        paper.userId!,
        new Date().toISOString(),
        committee.userId,
      );
    });
    setImmediateDelivery(true);
    await deliverPending();
    expect(await kindsOf(online)).toEqual(["vote.opened"]);
    expect(await kindsOf(paper)).toEqual(["vote.opened"]);
    expect(await kindsOf(someone)).toEqual(["vote.opened", "vote.closing"]);
  });

  it("says nothing of a vote shorter than a day (just announced), nor of a cancelled one", async () => {
    const { resident } = await people();
    await openPoll(); // an hour ago to an hour from now
    const cancelled = await openPoll();
    await setVoteWindow("poll", cancelled, -2 * DAY, 12 * HOUR);
    await run(cancelPoll, committee, { id: cancelled, reason: "问题有误" });
    await tick();
    expect(await kindsOf(resident)).toEqual(["vote.opened", "vote.opened", "vote.cancelled"]);
  });
});

describe("a vote's results", () => {
  it("tells the verified residents once a poll closed, once; not others", async () => {
    const { resident, applicant, elsewhere } = await people();
    const id = await openPoll();
    await setVoteWindow("poll", id, -2 * HOUR, -MINUTE);
    await tick();
    await tick();
    await (
      await freshProcess()
    )();
    expect(await kindsOf(resident)).toEqual(["vote.opened", "vote.results"]);
    expect(await kindsOf(applicant)).toEqual([]);
    expect(await kindsOf(elsewhere)).toEqual([]);
    const n = await lastOf(resident, "vote.results");
    expect(noticeMessage(n, "zh-CN").key).toBe("notice:kinds.voteResults");
    expect(noticeLink(n)).toBe(`/polls/${id}`);
  });

  it("waits for the paper box to be counted; says nothing of a vote that closed days ago", async () => {
    const { resident } = await people();
    const boxed = await openPoll();
    await transaction(getDb(), (trx) =>
      participate(trx, "poll", boxed, resident.userId!, new Date().toISOString(), committee.userId),
    );
    await setVoteWindow("poll", boxed, -2 * HOUR, -MINUTE);
    const old = await openPoll();
    await setVoteWindow("poll", old, -5 * DAY, -3 * DAY);
    await tick();
    expect(await kindsOf(resident)).toEqual(["vote.opened", "vote.opened"]);
  });

  it("tallies a closed round and tells its residents, once; a cancelled round never", async () => {
    const { resident } = await people();
    const id = await round(-MINUTE, HOUR)();
    const gone = await round(-MINUTE, HOUR)();
    await run(cancelRound, committee, { id: gone, reason: "预算调整" });
    await deliveriesSettled();
    await setVoteWindow("round", id, -2 * HOUR, -MINUTE);
    await setVoteWindow("round", gone, -2 * HOUR, -MINUTE);
    await tick();
    await tick();
    const tallied = await getDb()
      .selectFrom("budgetRounds")
      .select("talliedAt")
      .where("id", "=", id)
      .executeTakeFirstOrThrow();
    expect(tallied.talliedAt).not.toBeNull();
    expect(await kindsOf(resident)).toEqual([
      "vote.opened",
      "vote.opened",
      "vote.cancelled",
      "vote.results",
    ]);
    expect(await lastOf(resident, "vote.results")).toMatchObject({ subjectId: id });
  });
});

describe("the job", () => {
  it("runs the timed notices once across processes", async () => {
    const meetingId = await makeMeetingAt(council, "停车", "scheduled", 3, 4, seats);
    const signedUp = await makeResident(community);
    await run(rsvp, signedUp, { meetingId });
    const now = new Date();
    const [a, b] = await Promise.all([
      runDueJobs(getDb(), "process-a", now),
      runDueJobs(getDb(), "process-b", now),
    ]);
    expect([...a, ...b].filter((j) => j === "notices.timed")).toEqual(["notices.timed"]);
    await deliveriesSettled();
    expect(await kindsOf(signedUp)).toEqual(["meeting.reminder"]);
  });
});

describe("a commitment one answers for", () => {
  /** A meeting that has ended, whose minutes the committee writes. */
  const ended = () => makeMeetingAt(council, "整改", "closed", -26, -24, seats);

  async function commit(meetingId: number, fields: Record<string, string>) {
    return run(addCommitment, committee, {
      ...commitmentSchema.parse({
        what: "修好楼道灯",
        ownerKind: "person",
        ownerName: "王师傅",
        ...fields,
      }),
      meetingId,
    });
  }

  it("tells its owner 3 days ahead and the day after, once each; not the undone, the far, the nameless", async () => {
    const meetingId = await ended();
    const ownerId = await makeUser({ username: "wang-shifu" });
    const other = await makeUser({ username: "li-shifu" });
    const now = new Date();
    const inDays = (d: number) => chinaToday(new Date(now.getTime() + d * DAY));
    const soon = await commit(meetingId, { ownerLogin: "wang-shifu", dueDate: inDays(2) });
    await commit(meetingId, { ownerLogin: "li-shifu", dueDate: inDays(10) });
    const done = await commit(meetingId, { ownerLogin: "li-shifu", dueDate: inDays(1) });
    await getDb()
      .updateTable("commitments")
      .set({ status: "done" })
      .where("id", "=", done)
      .execute();
    await commit(meetingId, { ownerLogin: "", dueDate: inDays(1) });

    await tick(now);
    await tick(now);
    await (
      await freshProcess()
    )(now);
    expect(await kindsOf(ownerId)).toEqual(["commitment.due"]);
    expect(await kindsOf(other)).toEqual([]);
    const n = await lastOf({ userId: ownerId } as Actor, "commitment.due");
    expect(noticeLink(n)).toBe(`/meetings/${meetingId}`);
    expect(noticeMessage(n, "zh-CN")).toEqual({
      key: "notice:kinds.commitmentDue",
      params: { what: "修好楼道灯", due: inDays(2) },
      reason: null,
    });

    // The day after its date, still not done: overdue, once; a week later, nothing more.
    const after = new Date(now.getTime() + 3 * DAY);
    await tick(after);
    await tick(after);
    await tick(new Date(now.getTime() + 9 * DAY));
    expect(await kindsOf(ownerId)).toEqual(["commitment.due", "commitment.overdue"]);

    // A later date reminds again, for that date.
    await getDb()
      .updateTable("commitments")
      .set({ dueDate: inDays(12) })
      .where("id", "=", soon)
      .execute();
    await tick(new Date(now.getTime() + 10 * DAY));
    expect(await kindsOf(ownerId)).toEqual([
      "commitment.due",
      "commitment.overdue",
      "commitment.due",
    ]);
  });

  it("refuses an owner's account that does not exist, or is not a login, writing nothing", async () => {
    const meetingId = await ended();
    const before = await dbSnapshot();
    const missing = await refusal(
      commit(meetingId, { ownerLogin: "nobody-here", dueDate: chinaToday() }),
    );
    expect([missing.status, missing.key, missing.field]).toEqual([
      404,
      "meeting:errors.ownerNotFound",
      "ownerLogin",
    ]);
    expect(() =>
      commitmentSchema.parse({
        what: "x",
        ownerKind: "person",
        ownerName: "x",
        ownerLogin: "no spaces allowed!",
        dueDate: chinaToday(),
      }),
    ).toThrow("account:errors.loginFormat");
    expect(await dbSnapshot()).toEqual(before);
  });
});
