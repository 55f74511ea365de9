/**
 * The council and meeting pages' forms as Remix calls them: each posts one command, refusals come
 * back as the form's answer (with what was typed), and page-set fields that were tampered with
 * are the form's error, not a field's.
 */
import { beforeEach, describe, expect, it } from "vitest";
import { getDb } from "../db/client.server";
import { action as communityAction } from "~/routes/communities.$id._index";
import { action as councilAction } from "~/routes/councils.$id._index";
import { action as newMeetingAction } from "~/routes/councils.$id.meetings.new";
import { action as meetingAction } from "~/routes/meetings.$id._index";
import type { Refusal } from "~/utils/forms.server";
import {
  cookieFor,
  dbSnapshot,
  makeCommittee,
  makeCommunity,
  makeMeeting,
  makeMembership,
  makeUser,
} from "./support/factories";
import { body, formRequest, run } from "./support/remix";

let community: number;
let committeeCookie: string;
let residentCookie: string;

beforeEach(async () => {
  community = await makeCommunity();
  const committeeId = await makeUser();
  await makeCommittee(committeeId, community);
  committeeCookie = await cookieFor(committeeId);
  const residentId = await makeUser();
  await makeMembership(residentId, community, "verified");
  residentCookie = await cookieFor(residentId);
});

const post = (
  handler: typeof meetingAction,
  path: string,
  id: number,
  fields: Record<string, string>,
  cookie: string,
) => run(handler, formRequest(path, fields, { Cookie: cookie }), { id: String(id) });

async function refused(res: Response, status: number) {
  expect(res.status).toBe(status);
  return body<Refusal>(res);
}

async function councilOf(meetingId: number) {
  const m = await getDb()
    .selectFrom("meetings")
    .select("councilId")
    .where("id", "=", meetingId)
    .executeTakeFirstOrThrow();
  return m.councilId;
}

describe("the community page's council form", () => {
  it("sets up a council and goes to it; a missing name keeps what was typed", async () => {
    const path = `/communities/${community}`;
    const res = await post(
      communityAction,
      path,
      community,
      { intent: "createCouncil", name: "圆桌会", purpose: "议事" },
      committeeCookie,
    );
    expect(res.headers.get("Location")).toMatch(/^\/councils\/\d+$/);
    const before = await dbSnapshot();
    const data = await refused(
      await post(
        communityAction,
        path,
        community,
        { intent: "createCouncil", name: " ", purpose: "议事" },
        committeeCookie,
      ),
      400,
    );
    expect(data.errors.name?.key).toBe("errors.required");
    expect(data.values.purpose).toBe("议事");
    expect(await dbSnapshot()).toEqual(before);
  });
});

describe("the council page", () => {
  it("saves an edit, and names members by login only to its committee", async () => {
    const { meetingId } = await makeMeeting(community);
    const councilId = await councilOf(meetingId);
    const path = `/councils/${councilId}`;
    const edit = await post(
      councilAction,
      path,
      councilId,
      { intent: "edit", name: "新名字", purpose: "议事" },
      committeeCookie,
    );
    expect(edit.headers.get("Location")).toBe(`${path}?done=saved`);
    const malformed = await refused(
      await post(
        councilAction,
        path,
        councilId,
        { intent: "addMember", login: "坏 名字" },
        committeeCookie,
      ),
      400,
    );
    expect(malformed.errors.login?.key).toBe("account:errors.loginFormat");
    const unknown = await refused(
      await post(
        councilAction,
        path,
        councilId,
        { intent: "addMember", login: "nobody-here" },
        committeeCookie,
      ),
      404,
    );
    expect(unknown.errors.login?.key).toBe("community:errors.userNotFound");
    // A resident learns only that this is not theirs to do, not whether the login exists.
    await refused(
      await post(
        councilAction,
        path,
        councilId,
        { intent: "addMember", login: "nobody-here" },
        residentCookie,
      ),
      403,
    );
    const tampered = await refused(
      await post(
        councilAction,
        path,
        councilId,
        { intent: "removeMember", userId: "x" },
        committeeCookie,
      ),
      400,
    );
    expect(tampered.errors._form?.key).toBe("errors.badForm");
    const noIntent = await refused(
      await post(councilAction, path, councilId, { name: "x", purpose: "y" }, committeeCookie),
      400,
    );
    expect(noIntent.errors._form?.key).toBe("errors.badForm");
  });

  it("schedules a meeting from the new-meeting form", async () => {
    const { meetingId } = await makeMeeting(community);
    const councilId = await councilOf(meetingId);
    const res = await post(
      newMeetingAction,
      `/councils/${councilId}/meetings/new`,
      councilId,
      {
        topic: "加装电梯",
        description: "意见征集",
        startsAt: "2026-12-05T14:30",
        endsAt: "2026-12-05T16:30",
        place: "议事厅",
        agenda0: "意见征集",
      },
      committeeCookie,
    );
    expect(res.headers.get("Location")).toMatch(/^\/meetings\/\d+\?done=scheduled$/);
  });
});

describe("the meeting page's forms", () => {
  it("moves the status, refusing a tampered step as the form's error", async () => {
    const { meetingId } = await makeMeeting(community, { status: "scheduled" });
    const path = `/meetings/${meetingId}`;
    const tampered = await refused(
      await post(meetingAction, path, meetingId, { intent: "move", to: "gone" }, committeeCookie),
      400,
    );
    expect(tampered.errors._form?.key).toBe("errors.badForm");
    const moved = await post(
      meetingAction,
      path,
      meetingId,
      { intent: "move", to: "live" },
      committeeCookie,
    );
    expect(moved.headers.get("Location")).toBe(`${path}?done=moved-live`);
  });

  it("invites to a seat, writes minutes and commitments, and updates a commitment", async () => {
    const { meetingId, items } = await makeMeeting(community, { status: "live" });
    await makeUser({ username: "expertwang" });
    const path = `/meetings/${meetingId}`;
    const act = (fields: Record<string, string>) =>
      post(meetingAction, path, meetingId, fields, committeeCookie);
    const badLogin = await refused(
      await act({ intent: "invite", login: "坏 名字", kind: "expert" }),
      400,
    );
    expect(badLogin.errors.login?.key).toBe("account:errors.loginFormat");
    expect((await act({ intent: "invite", login: "expertwang", kind: "expert" })).status).toBe(302);
    const badItem = await refused(
      await act({ intent: "minutes", agendaItemId: "x", summary: "要点", decisions: "" }),
      400,
    );
    expect(badItem.errors._form?.key).toBe("errors.badForm");
    const minutes = await act({
      intent: "minutes",
      agendaItemId: String(items[0]),
      summary: "要点",
      decisions: "",
    });
    expect(minutes.headers.get("Location")).toBe(`${path}?done=minutes`);
    const added = await act({
      intent: "commitment",
      what: "公示费用",
      ownerKind: "department",
      ownerName: "城管科",
      dueDate: "2026-12-31",
    });
    expect(added.headers.get("Location")).toBe(`${path}?done=commitment`);
    // An owner's account that is not there: the field's own message, what was typed kept.
    const noOwner = await refused(
      await act({
        intent: "commitment",
        what: "修灯",
        ownerKind: "person",
        ownerName: "王师傅",
        ownerLogin: "nobody-here",
        dueDate: "2026-12-31",
      }),
      404,
    );
    expect(noOwner.errors.ownerLogin?.key).toBe("meeting:errors.ownerNotFound");
    expect(noOwner.values.what).toBe("修灯");
    const owned = await act({
      intent: "commitment",
      what: "修灯",
      ownerKind: "person",
      ownerName: "王师傅",
      ownerLogin: "expertwang",
      dueDate: "2026-12-31",
    });
    expect(owned.headers.get("Location")).toBe(`${path}?done=commitment`);
    const [first, withOwner] = await getDb()
      .selectFrom("commitments")
      .select(["id", "ownerUserId"])
      .where("meetingId", "=", meetingId)
      .orderBy("id")
      .execute();
    expect(withOwner!.ownerUserId).toEqual(expect.any(Number));
    const commitmentId = first!.id;
    const badId = await refused(
      await act({ intent: "commitmentUpdate", commitmentId: "x", status: "done", note: "好" }),
      400,
    );
    expect(badId.errors._form?.key).toBe("errors.badForm");
    const updated = await act({
      intent: "commitmentUpdate",
      commitmentId: String(commitmentId),
      status: "in_progress",
      note: "已联系",
    });
    expect(updated.headers.get("Location")).toBe(`${path}?done=commitmentUpdated`);
    const audited = await getDb()
      .selectFrom("auditLog")
      .select("action")
      .where("areaId", "=", community)
      .orderBy("id")
      .execute();
    expect(audited.map((a) => a.action)).toEqual([
      "meeting.manage",
      "minutes.write",
      "minutes.write",
      "minutes.write",
      "commitment.update",
    ]);
  });

  it("signs up and takes the sign-up back; a sign-up that is not there is the form's 404", async () => {
    const { meetingId } = await makeMeeting(community);
    const path = `/meetings/${meetingId}`;
    const act = (intent: string) =>
      post(meetingAction, path, meetingId, { intent }, residentCookie);
    const none = await refused(await act("cancelRsvp"), 404);
    expect(none.errors._form?.key).toBe("meeting:errors.noRsvp");
    expect((await act("rsvp")).headers.get("Location")).toBe(`${path}?done=rsvped`);
    expect((await act("cancelRsvp")).headers.get("Location")).toBe(`${path}?done=cancelled`);
  });
});
