/** Councils, meetings, seats and RSVPs, status moves, minutes and commitments, calendars. */
import { beforeEach, describe, expect, it } from "vitest";
import { ANONYMOUS, type Actor } from "~/domain/permissions/policy";
import { parseLoginId } from "~/domain/accounts/schemas";
import { meetingSchema } from "~/domain/meetings/schemas";
import {
  cancelRsvp,
  createMeeting,
  inviteToSeat,
  moveMeeting,
  rsvp,
} from "~/services/meetings/commands.server";
import {
  addCouncilMember,
  createCouncil,
  removeCouncilMember,
} from "~/services/meetings/councils.server";
import { addCommitment, updateCommitment, writeMinutes } from "~/services/meetings/minutes.server";
import { commitmentsOf, councilPage, meetingPage } from "~/services/meetings/queries.server";
import { run } from "~/services/runner/command.server";
import { postMessage } from "~/services/room/commands.server";
import { loader as meetingCalendar } from "~/routes/meetings.$id.calendar[.ics]";
import { loader as councilCalendar } from "~/routes/councils.$id.calendar[.ics]";
import { action as meetingAction } from "~/routes/meetings.$id._index";
import { action as roomAction, loader as roomLoader } from "~/routes/meetings.$id.room";
import type { Refusal } from "~/utils/forms.server";
import {
  actorFor,
  cookieFor,
  dbSnapshot,
  makeCommittee,
  makeCommunity,
  makeMeeting,
  makeResident,
  makeUser,
} from "./support/factories";
import { refusal } from "./support/refusal";
import { body, formRequest, run as runRoute } from "./support/remix";

let community: number;
let committee: Actor;
let committeeId: number;

beforeEach(async () => {
  community = await makeCommunity();
  committeeId = await makeUser({ displayName: "李主任" });
  await makeCommittee(committeeId, community);
  committee = await actorFor(committeeId);
});

const form = {
  topic: "加装电梯",
  description: "三幢加装电梯意见征集",
  startsAt: "2036-12-05T14:30",
  endsAt: "2036-12-05T16:30",
  place: "议事厅",
  isPublic: "yes",
  agenda0: "意见征集",
  agendaMinutes0: "30",
  agenda1: "费用分摊",
  agendaMinutes1: "",
  seats_resident: "2",
  seats_expert: "*",
};

describe("scheduling", () => {
  it("reads the form in China time, with an agenda and seats", async () => {
    const parsed = meetingSchema.parse(form);
    expect(parsed.startsAt).toBe("2036-12-05T06:30:00.000Z");
    expect(parsed.agenda).toEqual([
      { title: "意见征集", minutes: 30 },
      { title: "费用分摊", minutes: 15 },
    ]);
    expect(parsed.seats).toEqual({ resident: 2, expert: null });
    const councilId = await run(createCouncil, committee, {
      areaId: community,
      name: "圆桌会",
      purpose: "议事",
    });
    const id = await run(createMeeting, committee, { ...parsed, councilId });
    const page = await meetingPage(id, ANONYMOUS);
    expect(page.agenda.map((a) => a.title)).toEqual(["意见征集", "费用分摊"]);
    expect(page.seats.map((s) => [s.kind, s.capacity])).toEqual([
      ["resident", 2],
      ["expert", null],
    ]);
    expect((await councilPage(councilId))!.upcoming.map((m) => m.id)).toEqual([id]);
  });

  it("refuses a form without agenda, with the end before the start, or a bad time box", () => {
    const errors = (v: Record<string, string>) => {
      const r = meetingSchema.safeParse({ ...form, ...v });
      return r.success ? null : r.error.issues.map((i) => [i.path.join("."), i.message]);
    };
    expect(errors({ agenda0: "", agenda1: "" })).toEqual([
      ["agenda0", "meeting:errors.agendaRequired"],
    ]);
    expect(errors({ endsAt: "2036-12-05T13:00" })).toEqual([
      ["endsAt", "meeting:errors.endBeforeStart"],
    ]);
    expect(errors({ agendaMinutes0: "999" })).toEqual([
      ["agendaMinutes0", "meeting:errors.badTimeBox"],
    ]);
    expect(errors({ startsAt: "tomorrow" })).toEqual([["startsAt", "meeting:errors.badDateTime"]]);
    expect(errors({ seats_resident: "-1" })).toEqual([
      ["seats_resident", "meeting:errors.badCapacity"],
    ]);
  });

  it("lets only the community's committee schedule and set up councils", async () => {
    const resident = await makeResident(community);
    expect(
      (await refusal(run(createCouncil, resident, { areaId: community, name: "x", purpose: "y" })))
        .status,
    ).toBe(403);
    const councilId = await run(createCouncil, committee, {
      areaId: community,
      name: "圆桌会",
      purpose: "议事",
    });
    const before = await dbSnapshot();
    expect(
      (await refusal(run(createMeeting, resident, { ...meetingSchema.parse(form), councilId })))
        .status,
    ).toBe(403);
    expect(await dbSnapshot()).toEqual(before);
  });
});

describe("council members", () => {
  it("are added and removed by the committee, with audit entries; residents may not", async () => {
    const councilId = await run(createCouncil, committee, {
      areaId: community,
      name: "圆桌会",
      purpose: "议事",
    });
    const memberId = await makeUser({ username: "councilmember", displayName: "陈阿姨" });
    const login = parseLoginId("councilmember")!;
    await run(addCouncilMember, committee, { councilId, login });
    expect((await councilPage(councilId))!.members.map((m) => m.displayName)).toEqual(["陈阿姨"]);
    expect((await refusal(run(addCouncilMember, committee, { councilId, login }))).key).toBe(
      "meeting:errors.alreadyMember",
    );
    const resident = await makeResident(community);
    const before = await dbSnapshot();
    expect(
      (await refusal(run(removeCouncilMember, resident, { councilId, userId: memberId }))).status,
    ).toBe(403);
    expect(await dbSnapshot()).toEqual(before);
    await run(removeCouncilMember, committee, { councilId, userId: memberId });
    expect((await councilPage(councilId))!.members).toEqual([]);
    const changes = ((await dbSnapshot()).auditLog as Array<{ action: string; details: string }>)
      .filter((a) => a.action === "council.manage")
      .map((a) => (JSON.parse(a.details) as { change: string }).change);
    expect(changes.slice(-3)).toEqual(["created", "memberAdded", "memberRemoved"]);
  });
});

describe("status", () => {
  it("moves one step at a time, closing the room when the meeting ends", async () => {
    const { meetingId } = await makeMeeting(community, { status: "scheduled" });
    expect((await refusal(run(moveMeeting, committee, { meetingId, to: "closed" }))).key).toBe(
      "meeting:errors.badStatusMove",
    );
    await run(moveMeeting, committee, { meetingId, to: "live" });
    await run(moveMeeting, committee, { meetingId, to: "closed" });
    const page = await meetingPage(meetingId, ANONYMOUS);
    expect(page.meeting).toMatchObject({ status: "closed", roomOpen: false });
    expect(
      (
        await refusal(
          run(moveMeeting, await makeResident(community), { meetingId, to: "published" }),
        )
      ).status,
    ).toBe(403);
    await run(moveMeeting, committee, { meetingId, to: "published" });
  });
});

describe("RSVP", () => {
  it("lets verified residents sign up within capacity, even when many try at once", async () => {
    const { meetingId } = await makeMeeting(community, { residentSeats: 3 });
    const residents = await Promise.all(Array.from({ length: 8 }, () => makeResident(community)));
    const results = await Promise.allSettled(residents.map((r) => run(rsvp, r, { meetingId })));
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(3);
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
    expect(refused.every((r) => (r.reason as { key: string }).key === "meeting:errors.full")).toBe(
      true,
    );
    const page = await meetingPage(meetingId, ANONYMOUS);
    expect(page.seats.find((s) => s.kind === "resident")?.taken).toBe(3);
    // Cancelling frees a seat.
    const winner = residents[results.findIndex((r) => r.status === "fulfilled")]!;
    await run(cancelRsvp, winner, { meetingId });
    await run(rsvp, residents[results.findIndex((r) => r.status === "rejected")]!, { meetingId });
  });

  it("refuses people who are not verified, twice, and after the meeting", async () => {
    const { meetingId } = await makeMeeting(community);
    const stranger = await actorFor(await makeUser());
    const before = await dbSnapshot();
    expect((await refusal(run(rsvp, stranger, { meetingId }))).status).toBe(403);
    expect((await refusal(run(rsvp, ANONYMOUS, { meetingId }))).status).toBe(401);
    expect(await dbSnapshot()).toEqual(before);
    const resident = await makeResident(community);
    await run(rsvp, resident, { meetingId });
    expect((await refusal(run(rsvp, resident, { meetingId }))).key).toBe(
      "meeting:errors.alreadyRsvped",
    );
    await run(moveMeeting, committee, { meetingId, to: "closed" });
    expect((await refusal(run(rsvp, await makeResident(community), { meetingId }))).key).toBe(
      "meeting:errors.meetingOver",
    );
  });

  it("seats invited guests, who may then sign up and speak", async () => {
    const { meetingId } = await makeMeeting(community, { isPublic: false });
    const guestId = await makeUser({ username: "expertwang", displayName: "王教授" });
    const guest = await actorFor(guestId);
    expect((await refusal(run(postMessage, guest, { meetingId, body: "你好" }))).status).toBe(403);
    const login = parseLoginId("expertwang")!;
    await run(inviteToSeat, committee, { meetingId, login, kind: "expert" });
    await run(rsvp, guest, { meetingId });
    await run(postMessage, guest, { meetingId, body: "从规划角度看……" });
    const page = await meetingPage(meetingId, guest);
    expect(page.seats.find((s) => s.kind === "expert")).toMatchObject({
      taken: 1,
      invited: [{ displayName: "王教授" }],
    });
    expect(
      (await refusal(run(inviteToSeat, committee, { meetingId, login, kind: "media" }))).key,
    ).toBe("meeting:errors.alreadyInvited");
  });
});

describe("minutes and commitments", () => {
  it("records minutes per agenda item and moves commitments forward only", async () => {
    const { meetingId, items } = await makeMeeting(community, { status: "closed" });
    await run(writeMinutes, committee, {
      meetingId,
      agendaItemId: items[0]!,
      summary: "要点",
      decisions: "先试点",
    });
    await run(writeMinutes, committee, {
      meetingId,
      agendaItemId: items[0]!,
      summary: "要点（修订）",
      decisions: "先试点",
    });
    const page = await meetingPage(meetingId, ANONYMOUS);
    expect(page.minutes.map((m) => m.summary)).toEqual(["要点（修订）"]);

    const id = await run(addCommitment, committee, {
      meetingId,
      ownerLogin: null,
      what: "公示费用",
      ownerKind: "department",
      ownerName: "街道城管科",
      dueDate: "2000-01-01",
      agendaItemId: items[1]!,
    });
    const [listed] = await commitmentsOf({ areaId: community }, true);
    expect(listed).toMatchObject({ id, status: "open", overdue: true });
    const update = (by: Actor, status: "open" | "in_progress" | "done", note: string) =>
      run(updateCommitment, by, { commitmentId: id, status, note });
    await update(committee, "in_progress", "已联系");
    expect((await refusal(update(committee, "open", "退回"))).key).toBe(
      "meeting:errors.badCommitmentMove",
    );
    await update(committee, "done", "已公示");
    expect(await commitmentsOf({ areaId: community }, true)).toEqual([]);
    expect((await refusal(update(committee, "done", "再次"))).key).toBe(
      "meeting:errors.commitmentFinished",
    );
    expect((await refusal(update(await makeResident(community), "done", "x"))).status).toBe(403);
  });

  it("waits for the meeting to start before minutes", async () => {
    const { meetingId, items } = await makeMeeting(community, { status: "scheduled" });
    expect(
      (
        await refusal(
          run(writeMinutes, committee, {
            meetingId,
            agendaItemId: items[0]!,
            summary: "x",
            decisions: "",
          }),
        )
      ).key,
    ).toBe("meeting:errors.minutesTooEarly");
  });
});

describe("pages without JavaScript", () => {
  it("posts to the room through a plain form, and refuses an overlong message keeping the text", async () => {
    const { meetingId } = await makeMeeting(community);
    const residentId = await makeUser({ displayName: "林晓" });
    await (await import("./support/factories")).makeMembership(residentId, community, "verified");
    const cookie = await cookieFor(residentId);
    const ok = await runRoute(
      roomAction,
      formRequest(
        `/meetings/${meetingId}/room`,
        { intent: "post", body: "夜里车太多" },
        { Cookie: cookie },
      ),
      {
        id: String(meetingId),
      },
    );
    expect(ok.headers.get("Location")).toBe(`/meetings/${meetingId}/room?done=posted`);
    const before = await dbSnapshot();
    const long = "长".repeat(2001);
    const refused = await runRoute(
      roomAction,
      formRequest(
        `/meetings/${meetingId}/room`,
        { intent: "post", body: long },
        { Cookie: cookie },
      ),
      {
        id: String(meetingId),
      },
    );
    expect(refused.status).toBe(400);
    const data = await body<Refusal>(refused);
    expect(data.errors.body?.key).toBe("errors.tooLong");
    expect(data.values.body).toBe(long);
    expect(await dbSnapshot()).toEqual(before);

    const page = await runRoute(
      roomLoader,
      new Request(`http://localhost/meetings/${meetingId}/room`),
      {
        id: String(meetingId),
      },
    );
    const view = await body<{ messages: Array<{ body: string }>; canPost: boolean }>(page);
    expect(view.messages.map((m) => m.body)).toEqual(["夜里车太多"]);
    expect(view.canPost).toBe(false);
  });

  it("refuses an RSVP beyond capacity through the meeting page", async () => {
    const { meetingId } = await makeMeeting(community, { residentSeats: 0 });
    const userId = await makeUser();
    await (await import("./support/factories")).makeMembership(userId, community, "verified");
    const before = await dbSnapshot();
    const res = await runRoute(
      meetingAction,
      formRequest(
        `/meetings/${meetingId}`,
        { intent: "rsvp" },
        { Cookie: await cookieFor(userId) },
      ),
      {
        id: String(meetingId),
      },
    );
    expect(res.status).toBe(409);
    expect((await body<Refusal>(res)).errors._form?.key).toBe("meeting:errors.full");
    expect(await dbSnapshot()).toEqual(before);
  });

  it("serves a valid calendar for a meeting", async () => {
    const { meetingId } = await makeMeeting(community);
    const res = await runRoute(
      meetingCalendar,
      new Request(`http://localhost/meetings/${meetingId}/calendar.ics`),
      {
        id: String(meetingId),
      },
    );
    expect(res.headers.get("Content-Type")).toMatch(/^text\/calendar/);
    const text = await res.text();
    expect(text).toMatch(/^BEGIN:VCALENDAR\r\n/);
    expect(text).toContain(`UID:meeting-${meetingId}@liuhe`);
    // No PUBLIC_ORIGIN here: no URL line, rather than one built from the request's Host.
    expect(text).not.toContain("URL:");
  });

  it("keeps a description's line breaks inside it in both calendars (a lone CR too)", async () => {
    // A lone CR passes the form (descriptions are multi-line) and reached the feed raw, where a
    // calendar reads it as the end of the line: the rest became properties of their own.
    const description = "说明\rURL:http://evil.example/\rX-INJ:1";
    const parsed = meetingSchema.parse({ ...form, description });
    expect(parsed.description).toBe(description);
    const councilId = await run(createCouncil, committee, {
      areaId: community,
      name: "圆桌会",
      purpose: "议事",
    });
    const id = await run(createMeeting, committee, { ...parsed, councilId });
    const feeds = [
      await runRoute(meetingCalendar, new Request(`http://localhost/meetings/${id}/calendar.ics`), {
        id: String(id),
      }),
      await runRoute(
        councilCalendar,
        new Request(`http://localhost/councils/${councilId}/calendar.ics`),
        { id: String(councilId) },
      ),
    ];
    for (const res of feeds) {
      const text = await res.text();
      const lines = text.replace(/\r\n /g, "").split("\r\n");
      expect(lines.filter((l) => /[\r\n]/.test(l))).toEqual([]);
      // Without PUBLIC_ORIGIN an entry carries no link of ours (never one from the Host header).
      expect(lines.filter((l) => l.startsWith("URL:"))).toEqual([]);
      expect(lines.filter((l) => l.startsWith("X-INJ"))).toEqual([]);
      expect(lines).toContain("DESCRIPTION:说明\\nURL:http://evil.example/\\nX-INJ:1");
    }
  });
});
