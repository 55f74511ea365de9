/**
 * Changing and cancelling a scheduled meeting (issue 16, item 5): the committee's edit keeps
 * everyone's sign-up, each change counts in the calendar's SEQUENCE, a cancelled meeting says so
 * everywhere it is listed and can no longer be signed up for, opened or moved on; and every
 * refusal writes nothing.
 */
import { beforeEach, describe, expect, it } from "vitest";
import { getDb } from "../db/client.server";
import { cancelSchema } from "~/domain/cancel-schema";
import { CANCEL_REASON_MAX } from "~/domain/cancel";
import type { Actor } from "~/domain/permissions/policy";
import { meetingSchema } from "~/domain/meetings/schemas";
import { cancelMeeting, editMeeting } from "~/services/meetings/changes.server";
import { moveMeeting, rsvp, inviteToSeat } from "~/services/meetings/commands.server";
import { councilPage, meetingPage } from "~/services/meetings/queries.server";
import { reopenRoom } from "~/services/room/moderation.server";
import { homeFor } from "~/services/home/queries.server";
import { run } from "~/services/runner/command.server";
import { onEvent, type DomainEvent } from "~/services/events.server";
import { loader as meetingCalendar } from "~/routes/meetings.$id.calendar[.ics]";
import { loader as councilCalendar } from "~/routes/councils.$id.calendar[.ics]";
import { action as editAction, loader as editLoader } from "~/routes/meetings.$id.edit";
import { loader as meetingLoader } from "~/routes/meetings.$id._index";
import { loader as printLoader } from "~/routes/meetings.$id.print";
import type { Refusal } from "~/utils/forms.server";
import { parseLoginId } from "~/domain/accounts/schemas";
import {
  actorFor,
  chinaLocal,
  cookieFor,
  dbSnapshot,
  inviteSeat,
  makeCommittee,
  makeCommunity,
  makeCouncil,
  makeMeetingAt,
  makeResident,
  makeUser,
} from "./support/factories";
import { refusal } from "./support/refusal";
import { body, formRequest, run as runRoute } from "./support/remix";
import { meetingsAheadOf } from "./support/community";

const HOUR = 3_600_000;

let community: number;
let committee: Actor;
let councilId: number;
let meetingId: number;

beforeEach(async () => {
  community = await makeCommunity();
  const committeeId = await makeUser({ displayName: "李主任" });
  await makeCommittee(committeeId, community);
  committee = await actorFor(committeeId);
  councilId = await makeCouncil(community, "圆桌会");
  meetingId = await makeMeetingAt(councilId, "停车", "scheduled", 24, 26, {
    seats: { resident: 3 },
  });
  await getDb()
    .insertInto("agendaItems")
    .values([
      { meetingId, position: 1, title: "现状", minutes: 20 },
      { meetingId, position: 2, title: "方案", minutes: 20 },
    ])
    .execute();
});

/** The edit form as the page posts it, parsed, with the meeting's id. */
function edit(change: Record<string, string> = {}) {
  return {
    ...meetingSchema.parse({
      topic: "夜间停车",
      description: "夜间停车的说明",
      startsAt: chinaLocal(Date.now() + 48 * HOUR),
      endsAt: chinaLocal(Date.now() + 50 * HOUR),
      place: "三楼会议室",
      isPublic: "yes",
      agenda0: "现状",
      agendaMinutes0: "20",
      agenda1: "方案",
      agendaMinutes1: "20",
      agenda2: "表决",
      agendaMinutes2: "10",
      seats_resident: "5",
      ...change,
    }),
    meetingId,
  };
}

async function meetingRow(id = meetingId) {
  return getDb().selectFrom("meetings").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
}

async function auditOf(id = meetingId) {
  const rows = await getDb()
    .selectFrom("auditLog")
    .select(["action", "details"])
    .where("subjectType", "=", "meeting")
    .where("subjectId", "=", id)
    .orderBy("id")
    .execute();
  return rows.map((r) => ({
    action: r.action,
    details: JSON.parse(r.details) as Record<string, unknown>,
  }));
}

async function ics(id = meetingId) {
  const res = await runRoute(
    meetingCalendar,
    new Request(`http://localhost/meetings/${id}/calendar.ics`),
    {
      id: String(id),
    },
  );
  return res.text();
}

function collectEvents() {
  const seen: DomainEvent[] = [];
  const off = onEvent((e) => void seen.push(e));
  return { seen, off };
}

describe("editing a meeting", () => {
  it("changes topic, time, place, agenda and seats; the signed-up keep their seats", async () => {
    const resident = await makeResident(community);
    await run(rsvp, resident, { meetingId });
    const { seen, off } = collectEvents();
    const result = await run(editMeeting, committee, edit());
    off();
    expect(result.changed).toEqual(
      expect.arrayContaining(["topic", "description", "time", "place", "agenda", "seats"]),
    );
    const page = await meetingPage(meetingId, resident);
    expect(page.meeting.topic).toBe("夜间停车");
    expect(page.meeting.place).toBe("三楼会议室");
    expect(page.agenda.map((a) => [a.position, a.title, a.minutes])).toEqual([
      [1, "现状", 20],
      [2, "方案", 20],
      [3, "表决", 10],
    ]);
    expect(page.seats).toEqual([
      expect.objectContaining({ kind: "resident", capacity: 5, taken: 1 }),
    ]);
    expect(page.myRsvp).toEqual(expect.objectContaining({ kind: "resident" }));
    expect(page.meeting.sequence).toBe(1);
    expect(seen).toContainEqual({ type: "meeting.changed", communityId: community, meetingId });
    const [entry] = await auditOf();
    expect(entry!.action).toBe("meeting.manage");
    expect(entry!.details).toEqual(
      expect.objectContaining({ change: "edited", place: { from: "议事厅", to: "三楼会议室" } }),
    );
    // The calendar file carries the new time and a higher SEQUENCE, so phones replace their copy.
    const text = await ics();
    expect(text).toContain("SEQUENCE:1\r\n");
    expect(text).toContain("STATUS:CONFIRMED\r\n");
    expect(text).toContain("LOCATION:三楼会议室\r\n");
  });

  it("keeps agenda items' ids by position and drops the ones beyond the new list", async () => {
    const before = await getDb()
      .selectFrom("agendaItems")
      .select("id")
      .where("meetingId", "=", meetingId)
      .orderBy("position")
      .execute();
    await run(editMeeting, committee, edit({ agenda1: "", agenda2: "", agenda0: "新议题" }));
    const after = await getDb()
      .selectFrom("agendaItems")
      .select(["id", "title"])
      .where("meetingId", "=", meetingId)
      .execute();
    expect(after).toEqual([{ id: before[0]!.id, title: "新议题" }]);
  });

  it("writes nothing and counts no change when nothing changed", async () => {
    const m = await meetingRow();
    const same = {
      ...meetingSchema.parse({
        topic: m.topic,
        description: m.description,
        startsAt: chinaLocal(new Date(m.startsAt)),
        endsAt: chinaLocal(new Date(m.endsAt)),
        place: m.place,
        isPublic: "yes",
        agenda0: "现状",
        agendaMinutes0: "20",
        agenda1: "方案",
        agendaMinutes1: "20",
        seats_resident: "3",
      }),
      meetingId,
    };
    // The factory's times have seconds; the form's have none: align them first.
    await getDb()
      .updateTable("meetings")
      .set({ startsAt: same.startsAt, endsAt: same.endsAt })
      .where("id", "=", meetingId)
      .execute();
    const before = await dbSnapshot();
    expect((await run(editMeeting, committee, same)).changed).toEqual([]);
    expect(await dbSnapshot()).toEqual(before);
  });
});

describe("cancelling a meeting", () => {
  it("says so with the reason on its page, the council, the community and the calendars", async () => {
    const resident = await makeResident(community);
    await run(rsvp, resident, { meetingId });
    const { seen, off } = collectEvents();
    await run(cancelMeeting, committee, { meetingId, reason: "台风预警，改期另行通知" });
    off();
    expect(seen).toContainEqual({ type: "meeting.changed", communityId: community, meetingId });

    const page = await meetingPage(meetingId, resident);
    expect(page.meeting.cancelledAt).not.toBeNull();
    expect(page.meeting.cancelReason).toBe("台风预警，改期另行通知");
    expect(page.can.rsvp).toBe(false);
    expect(page.can.change).toBe(false);
    // Who was coming is kept: they are the ones to tell.
    expect(page.myRsvp).not.toBeNull();

    const council = await councilPage(councilId);
    expect(council!.upcoming).toEqual([
      expect.objectContaining({ id: meetingId, cancelReason: "台风预警，改期另行通知" }),
    ]);
    const ahead = await meetingsAheadOf(resident, community);
    expect(ahead.upcoming).toEqual([
      expect.objectContaining({ id: meetingId, cancelledAt: expect.any(String) }),
    ]);

    const text = await ics();
    expect(text).toContain("STATUS:CANCELLED\r\n");
    expect(text).toContain("SEQUENCE:1\r\n");
    expect(text).toContain("台风预警");
    const all = await (
      await runRoute(
        councilCalendar,
        new Request(`http://localhost/councils/${councilId}/calendar.ics`),
        {
          id: String(councilId),
        },
      )
    ).text();
    expect(all).toContain("STATUS:CANCELLED\r\n");
    // The paper sheet for the notice board says it too.
    const sheet = await body<{ meeting: { cancelReason: string | null } }>(
      await runRoute(printLoader, new Request(`http://localhost/meetings/${meetingId}/print`), {
        id: String(meetingId),
      }),
    );
    expect(sheet.meeting.cancelReason).toBe("台风预警，改期另行通知");

    expect((await auditOf()).at(-1)!.details).toEqual({
      change: "cancelled",
      reason: "台风预警，改期另行通知",
      signedUp: 1,
      pollsCancelled: [],
    });
  });

  it("is no longer offered on the home page, for signing up or as an invitation", async () => {
    const resident = await makeResident(community);
    const invitee = await makeResident(community);
    await inviteSeat(meetingId, invitee.userId!);
    const offered = async (actor: Actor & { userId: number }) => {
      const home = await homeFor(actor, null);
      const block = home.communities.find((c) => c.communityId === community)!;
      return {
        open: block.open.meetings.map((m) => m.id),
        invited: block.waiting.invitations.map((m) => m.id),
      };
    };
    const signedIn = (a: Actor) => a as Actor & { userId: number };
    expect((await offered(signedIn(resident))).open).toEqual([meetingId]);
    expect((await offered(signedIn(invitee))).invited).toEqual([meetingId]);
    await run(cancelMeeting, committee, { meetingId, reason: "场地不能用" });
    expect((await offered(signedIn(resident))).open).toEqual([]);
    expect((await offered(signedIn(invitee))).invited).toEqual([]);
  });

  it("counts every change in SEQUENCE: an edit, then the cancelling", async () => {
    await run(editMeeting, committee, edit());
    await run(cancelMeeting, committee, { meetingId, reason: "场地不能用" });
    expect((await meetingRow()).sequence).toBe(2);
    expect(await ics()).toContain("SEQUENCE:2\r\n");
  });

  it("can no longer be signed up for, invited to, started, or have its room opened", async () => {
    await run(cancelMeeting, committee, { meetingId, reason: "场地不能用" });
    const resident = await makeResident(community);
    const invitee = await makeUser({ username: "expert1" });
    const before = await dbSnapshot();
    for (const attempt of [
      () => run(rsvp, resident, { meetingId }),
      () => run(moveMeeting, committee, { meetingId, to: "live" }),
      () => run(reopenRoom, committee, { meetingId }),
      () =>
        run(inviteToSeat, committee, {
          meetingId,
          login: parseLoginId("expert1")!,
          kind: "expert",
        }),
    ]) {
      const e = await refusal(attempt());
      expect([e.status, e.key]).toEqual([409, "meeting:errors.cancelled"]);
    }
    expect(invitee).toBeGreaterThan(0);
    expect(await dbSnapshot()).toEqual(before);
    expect((await meetingRow()).roomOpen).toBe(0);
  });
});

describe("refusals write nothing", () => {
  async function refusedWith(
    attempt: () => Promise<unknown>,
    status: number,
    key: string,
    field?: string,
  ) {
    const before = await dbSnapshot();
    const e = await refusal(attempt());
    expect([e.status, e.key]).toEqual([status, key]);
    if (field !== undefined) expect(e.field).toBe(field);
    expect(await dbSnapshot()).toEqual(before);
  }

  it("a meeting that has ended, is under way, or was closed", async () => {
    const ended = await makeMeetingAt(councilId, "已过", "scheduled", -3, -1);
    const live = await makeMeetingAt(councilId, "进行", "live", -1, 1);
    const closed = await makeMeetingAt(councilId, "结束", "closed", -3, -1);
    for (const id of [ended, live, closed]) {
      await refusedWith(
        () => run(editMeeting, committee, { ...edit(), meetingId: id }),
        409,
        "meeting:errors.tooLateToChange",
      );
      await refusedWith(
        () => run(cancelMeeting, committee, { meetingId: id, reason: "晚了" }),
        409,
        "meeting:errors.tooLateToChange",
      );
    }
  });

  it("a meeting already cancelled", async () => {
    await run(cancelMeeting, committee, { meetingId, reason: "场地不能用" });
    await refusedWith(
      () => run(editMeeting, committee, edit()),
      409,
      "meeting:errors.alreadyCancelled",
    );
    await refusedWith(
      () => run(cancelMeeting, committee, { meetingId, reason: "再取消" }),
      409,
      "meeting:errors.alreadyCancelled",
    );
  });

  it("a new time in the past, or an end before the start", async () => {
    await refusedWith(
      () => run(editMeeting, committee, edit({ startsAt: chinaLocal(Date.now() - 2 * HOUR) })),
      400,
      "meeting:errors.startInPast",
      "startsAt",
    );
    const backwards = { ...edit(), endsAt: new Date(Date.now() + 47 * HOUR).toISOString() };
    await refusedWith(
      () => run(editMeeting, committee, backwards),
      400,
      "meeting:errors.endBeforeStart",
      "endsAt",
    );
    // The form refuses it before any command runs.
    const parsed = meetingSchema.safeParse({
      topic: "x",
      description: "y",
      place: "z",
      agenda0: "a",
      startsAt: chinaLocal(Date.now() + 48 * HOUR),
      endsAt: chinaLocal(Date.now() + 47 * HOUR),
    });
    expect(parsed.success).toBe(false);
  });

  it("seats someone holds cannot be removed or cut below the signed-up", async () => {
    const a = await makeResident(community);
    const b = await makeResident(community);
    await run(rsvp, a, { meetingId });
    await run(rsvp, b, { meetingId });
    await refusedWith(
      () => run(editMeeting, committee, edit({ seats_resident: "1" })),
      409,
      "meeting:errors.belowTaken",
      "seats_resident",
    );
    // Resident seats cannot be left out (an empty box means no limit); an invited kind can.
    await makeUser({ username: "expert2" });
    await run(inviteToSeat, committee, {
      meetingId,
      login: parseLoginId("expert2")!,
      kind: "expert",
    });
    await refusedWith(
      () => run(editMeeting, committee, edit({ seats_expert: "" })),
      409,
      "meeting:errors.seatsInUse",
      "seats_expert",
    );
    expect((await run(editMeeting, committee, edit({ seats_expert: "*" }))).changed).toContain(
      "time",
    );
  });

  it("an empty or over-long reason", () => {
    const issues = (reason: string) => {
      const r = cancelSchema.safeParse({ reason });
      return r.success ? null : r.error.issues.map((i) => i.message);
    };
    expect(issues("  ")).toEqual(["errors.required"]);
    expect(issues("长".repeat(CANCEL_REASON_MAX + 1))).toEqual(["errors.tooLong"]);
    expect(issues("长".repeat(CANCEL_REASON_MAX))).toBeNull();
  });

  it("someone not on the committee, or on another community's", async () => {
    const resident = await makeResident(community);
    await refusedWith(() => run(editMeeting, resident, edit()), 403, "errors.forbidden");
    await refusedWith(
      () => run(cancelMeeting, resident, { meetingId, reason: "我说取消" }),
      403,
      "errors.forbidden",
    );
    const elsewhere = await makeCommunity("other");
    const otherId = await makeUser();
    await makeCommittee(otherId, elsewhere);
    const other = await actorFor(otherId);
    await refusedWith(() => run(editMeeting, other, edit()), 403, "errors.forbidden");
    await refusedWith(
      () => run(cancelMeeting, other, { meetingId, reason: "越权" }),
      403,
      "errors.forbidden",
    );
  });
});

describe("the edit page's forms", () => {
  const post = (fields: Record<string, string>, cookie: string, query = "") =>
    runRoute(
      editAction,
      formRequest(`/meetings/${meetingId}/edit${query}`, fields, { Cookie: cookie }),
      { id: String(meetingId) },
    );
  const form = (change: Record<string, string> = {}) => ({
    intent: "edit",
    topic: "夜间停车",
    description: "夜间停车的说明",
    startsAt: chinaLocal(Date.now() + 48 * HOUR),
    endsAt: chinaLocal(Date.now() + 50 * HOUR),
    place: "三楼会议室",
    isPublic: "yes",
    agenda0: "现状",
    agendaMinutes0: "20",
    seats_resident: "*",
    ...change,
  });

  it("is the committee's, filled with what the meeting holds, in 长辈版 too", async () => {
    const cookie = `${await cookieFor(committee.userId!)}; mode=lite`;
    const res = await runRoute(
      editLoader,
      new Request(`http://localhost/meetings/${meetingId}/edit?mode=lite`, {
        headers: { Cookie: cookie },
      }),
      { id: String(meetingId) },
    );
    expect(res.status).toBe(200);
    const data = await body<{ initial: Record<string, string>; closedBecause: string | null }>(res);
    expect(data.closedBecause).toBeNull();
    expect(data.initial).toEqual(
      expect.objectContaining({
        topic: "停车",
        agenda0: "现状",
        agenda1: "方案",
        seats_resident: "3",
      }),
    );
    const resident = await makeResident(community);
    const refused = await runRoute(
      editLoader,
      new Request(`http://localhost/meetings/${meetingId}/edit`, {
        headers: { Cookie: await cookieFor(resident.userId!) },
      }),
      { id: String(meetingId) },
    );
    expect(refused.status).toBe(403);
  });

  it("saves an edit and cancels by plain form posts (no JavaScript)", async () => {
    const cookie = `${await cookieFor(committee.userId!)}; mode=lite`;
    const saved = await post(form(), cookie, "?mode=lite");
    expect(saved.status).toBe(302);
    expect(saved.headers.get("Location")).toBe(`/meetings/${meetingId}?done=edited`);
    expect((await meetingRow()).place).toBe("三楼会议室");
    const cancelled = await post({ intent: "cancel", reason: "台风预警" }, cookie);
    expect(cancelled.headers.get("Location")).toBe(`/meetings/${meetingId}?done=meetingCancelled`);
    const page = await runRoute(
      meetingLoader,
      new Request(`http://localhost/meetings/${meetingId}?mode=lite`),
      { id: String(meetingId) },
    );
    const data = await body<{ meeting: { cancelReason: string; cancelledAt: string | null } }>(
      page,
    );
    expect(data.meeting).toEqual(
      expect.objectContaining({ cancelReason: "台风预警", cancelledAt: expect.any(String) }),
    );
  });

  it("answers a refused form with its errors and what was typed, writing nothing", async () => {
    const cookie = await cookieFor(committee.userId!);
    const before = await dbSnapshot();
    const past = await post(form({ startsAt: chinaLocal(Date.now() - HOUR) }), cookie);
    expect(past.status).toBe(400);
    const pastData = await body<Refusal>(past);
    expect(pastData.errors.startsAt?.key).toBe("meeting:errors.startInPast");
    expect(pastData.values.place).toBe("三楼会议室");
    const backwards = await post(form({ endsAt: chinaLocal(Date.now() + 47 * HOUR) }), cookie);
    expect((await body<Refusal>(backwards)).errors.endsAt?.key).toBe(
      "meeting:errors.endBeforeStart",
    );
    for (const [reason, key] of [
      ["", "errors.required"],
      ["长".repeat(CANCEL_REASON_MAX + 1), "errors.tooLong"],
    ] as const) {
      const res = await post({ intent: "cancel", reason }, cookie);
      expect(res.status).toBe(400);
      const data = await body<Refusal>(res);
      expect(data.errors.reason?.key).toBe(key);
      expect(data.values.reason).toBe(reason);
    }
    expect(await dbSnapshot()).toEqual(before);
  });
});
