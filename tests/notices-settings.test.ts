/**
 * One's notice settings (issue 16, item 4): a switch per kind (protected kinds not switchable),
 * refusals that write nothing, every kind labelled; and the quiet digest — held notices are neither
 * counted, listed nor pushed, protected ones arrive at once, the daily job gathers them into ONE
 * notice however often it runs, and switching quiet off hands over what it held.
 */
import fs from "node:fs";
import path from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import { getDb } from "../db/client.server";
import { DIGEST_KIND, digestCut, groupedKinds, kindNameKey } from "~/domain/notices/follows";
import { NOTICE_KINDS, noticeLink, noticeMessage } from "~/domain/notices/kinds";
import type { Actor } from "~/domain/permissions/policy";
import { decideMembership, requestMembership } from "~/services/communities/commands.server";
import { onEvent, type DomainEvent } from "~/services/events.server";
import { runDueJobs } from "~/services/jobs.server";
import { cancelMeeting } from "~/services/meetings/changes.server";
import { deliveriesSettled, setImmediateDelivery } from "~/services/notices/delivery.server";
import { makeDigests } from "~/services/notices/digest.server";
import { noticeSettings } from "~/services/notices/follow-queries.server";
import { follow, saveNoticeSettings } from "~/services/notices/follows.server";
import { markAllNoticesRead } from "~/services/notices/commands.server";
import { digestNotices, listNotices, unreadCount } from "~/services/notices/queries.server";
import { run } from "~/services/runner/command.server";
import { parseInput } from "~/services/runner/form.server";
import {
  makeCommitteeMember,
  makeCommunity,
  makeCouncil,
  makeMeetingAt,
  makeResident,
  tableCounts,
} from "./support/factories";
import { refusal } from "./support/refusal";

const DAY = 24 * 3_600_000;

let community: number;
let committee: Actor;
let councilId: number;

beforeEach(async () => {
  setImmediateDelivery(true);
  community = await makeCommunity("here");
  committee = await makeCommitteeMember(community);
  councilId = await makeCouncil(community, "圆桌会");
});

const prefsOf = (who: Actor) =>
  getDb()
    .selectFrom("noticePreferences")
    .select(["kind", "enabled"])
    .where("userId", "=", who.userId!)
    .orderBy("kind")
    .execute();

/** The settings form as the page posts it, parsed by the command's own schema. */
function form(fields: Record<string, string | string[]>) {
  const parsed = parseInput(saveNoticeSettings.input, fields);
  if (!parsed.ok) throw new Error("the form did not parse");
  return parsed.input;
}

describe("switches per kind", () => {
  it("switches off the shown kinds left unticked, keeps the ticked on, leaves the others alone", async () => {
    const resident = await makeResident(community);
    await run(
      saveNoticeSettings,
      resident,
      form({ kinds: ["meeting.changed", "meeting.cancelled"], on: "meeting.changed" }),
    );
    expect(await prefsOf(resident)).toEqual([
      { kind: "meeting.cancelled", enabled: 0 },
      { kind: "meeting.changed", enabled: 1 },
    ]);
    await run(
      saveNoticeSettings,
      resident,
      form({ kinds: "meeting.cancelled", on: "meeting.cancelled" }),
    );
    expect(await prefsOf(resident)).toEqual([
      { kind: "meeting.cancelled", enabled: 1 },
      { kind: "meeting.changed", enabled: 1 },
    ]);
    const shown = await noticeSettings(resident);
    expect(shown.kinds.map((k) => k.kind)).toEqual([...NOTICE_KINDS]);
    expect(shown.kinds.find((k) => k.kind === "membership.decided")).toEqual({
      kind: "membership.decided",
      protected: true,
      on: true,
    });
    expect(shown.quiet).toBe(false);
  });

  it("refuses a kind that does not exist, a protected kind and a forged tick, writing nothing", async () => {
    const resident = await makeResident(community);
    const before = await tableCounts();
    const cases: Array<[Record<string, string | string[]>, string]> = [
      [
        { kinds: ["meeting.changed", "no.such"], on: "meeting.changed" },
        "notice:errors.unknownKind",
      ],
      [
        { kinds: "meeting.changed", on: ["meeting.changed", "no.such"] },
        "notice:errors.unknownKind",
      ],
      [{ kinds: ["meeting.changed", "membership.decided"] }, "notice:errors.protectedKind"],
      [{ kinds: "project.stepped", on: "project.stepped" }, "notice:errors.protectedKind"],
      [{ kinds: "meeting.changed", on: "meeting.cancelled" }, "errors.badForm"],
    ];
    for (const [fields, key] of cases) {
      const e = await refusal(run(saveNoticeSettings, resident, form(fields)));
      expect([e.status, e.key]).toEqual([400, key]);
    }
    expect(await tableCounts()).toEqual(before);
  });

  it("labels every kind and every group, in both languages (kinds others add included)", () => {
    const OTHERS = [
      "seat.invited",
      "organisation.invited",
      "organisation.decided",
      "minutes.published",
      "project.supported",
      "comment.replied",
      "meeting.reminder",
      "vote.opened",
      "vote.closing",
      "vote.results",
      "commitment.due",
      "commitment.overdue",
      "need.stepped",
      "need.assigned",
      "need.overdue",
    ];
    for (const lng of ["zh-CN", "en"]) {
      const file = path.join(process.cwd(), "public/locales", lng, "notice.json");
      const locale = JSON.parse(fs.readFileSync(file, "utf8")) as {
        kindNames: Record<string, string>;
        groups: Record<string, string>;
      };
      for (const kind of [...NOTICE_KINDS, ...OTHERS]) {
        const key = kindNameKey(kind).replace("notice:kindNames.", "");
        expect(locale.kindNames[key], `${lng} ${kind}`).toBeTruthy();
      }
      for (const g of groupedKinds([...NOTICE_KINDS])) {
        expect(locale.groups[g.group], `${lng} ${g.group}`).toBeTruthy();
      }
    }
    expect(kindNameKey("commitment.overdue")).toBe("notice:kindNames.commitmentOverdue");
  });
});

describe("the quiet digest", () => {
  let meetingId: number;
  let quiet: Actor;
  let events: DomainEvent[];

  beforeEach(async () => {
    meetingId = await makeMeetingAt(councilId, "停车", "scheduled", 24, 26);
    quiet = await makeResident(community);
    await run(saveNoticeSettings, quiet, form({ quiet: "on" }));
    await run(follow, quiet, { subjectType: "meeting", subjectId: meetingId });
    events = [];
    onEvent((e) => events.push(e));
  });

  const told = (who: Actor) =>
    events.some((e) => e.type === "notice.created" && e.userIds.includes(who.userId!));

  async function cancelIt() {
    await run(cancelMeeting, committee, { meetingId, reason: "场地维修" });
    await deliveriesSettled();
  }

  it("holds a non-protected notice: not counted, not listed, not pushed, not marked read", async () => {
    const loud = await makeResident(community);
    await run(follow, loud, { subjectType: "meeting", subjectId: meetingId });
    await cancelIt();
    expect(await unreadCount(loud)).toBe(1);
    expect(told(loud)).toBe(true);
    expect(await unreadCount(quiet)).toBe(0);
    expect((await listNotices(quiet)).notices).toEqual([]);
    expect(told(quiet)).toBe(false);
    await run(markAllNoticesRead, quiet, {});
    const [held] = await getDb()
      .selectFrom("notices")
      .select(["heldAt", "readAt"])
      .where("userId", "=", quiet.userId!)
      .execute();
    expect(held!.heldAt).not.toBeNull();
    expect(held!.readAt).toBeNull();
  });

  it("does not hold what protects the person", async () => {
    const there = await makeCommunity("there");
    const committeeThere = await makeCommitteeMember(there);
    const id = await run(requestMembership, quiet, { communityId: there });
    await run(decideMembership, committeeThere, {
      membershipId: id,
      decision: "decline",
      reason: "地址不符",
    });
    await deliveriesSettled();
    expect(await unreadCount(quiet)).toBe(1);
    expect((await listNotices(quiet)).notices.map((n) => n.kind)).toEqual(["membership.decided"]);
    expect(told(quiet)).toBe(true);
  });

  it("gathers the day's held notices into one digest, once however often the job runs", async () => {
    await cancelIt();
    const heldAt = Date.now();
    // Before the day's cut: nothing is due yet.
    expect(await makeDigests(getDb(), new Date(heldAt + 1000))).toBe(0);
    const at = new Date(heldAt + DAY);
    // (Earlier tests' quiet people are in the same database: at least this one.)
    expect(await makeDigests(getDb(), at)).toBeGreaterThanOrEqual(1);
    expect(await makeDigests(getDb(), at)).toBe(0);
    expect(await makeDigests(getDb(), new Date(at.getTime() + 3_600_000))).toBe(0);
    expect(told(quiet)).toBe(true);
    const page = await listNotices(quiet);
    expect(page.notices.map((n) => n.kind)).toEqual([DIGEST_KIND]);
    expect(page.unread).toBe(1);
    const digest = page.notices[0]!;
    expect(noticeMessage(digest, "zh-CN")).toEqual({
      key: "notice:kinds.digest",
      params: { count: "1" },
      reason: null,
    });
    expect(noticeLink(digest)).toBe(`/notifications?digest=${digest.subjectId}`);
    const gathered = await digestNotices(quiet, digest.subjectId!);
    expect(gathered!.map((n) => [n.kind, n.subjectId])).toEqual([["meeting.cancelled", meetingId]]);
    // Someone else's digest is none of theirs.
    const other = await makeResident(community);
    expect(await digestNotices(other, digest.subjectId!)).toBeNull();
  });

  it("runs as a job once across processes, and a second run makes no second digest", async () => {
    await cancelIt();
    const at = new Date(Date.now() + DAY);
    expect(await runDueJobs(getDb(), "one", at)).toContain("notices.digest");
    expect(await runDueJobs(getDb(), "two", at)).not.toContain("notices.digest");
    expect(await runDueJobs(getDb(), "two", new Date(at.getTime() + 3_600_000))).toContain(
      "notices.digest",
    );
    const digests = await getDb()
      .selectFrom("notices")
      .select("id")
      .where("userId", "=", quiet.userId!)
      .where("kind", "=", DIGEST_KIND as never)
      .execute();
    expect(digests).toHaveLength(1);
  });

  it("switching quiet off hands over what it held, at once", async () => {
    await cancelIt();
    events = [];
    expect(await unreadCount(quiet)).toBe(0);
    await run(saveNoticeSettings, quiet, form({}));
    expect(await unreadCount(quiet)).toBe(1);
    expect((await listNotices(quiet)).notices.map((n) => n.kind)).toEqual(["meeting.cancelled"]);
    expect(told(quiet)).toBe(true);
    expect((await noticeSettings(quiet)).quiet).toBe(false);
    expect(await makeDigests(getDb(), new Date(Date.now() + DAY))).toBe(0);
  });

  it("cuts at 18:00 China time", () => {
    expect(digestCut(new Date("2026-12-02T09:59:00Z")).toISOString()).toBe(
      "2026-12-01T10:00:00.000Z",
    );
    expect(digestCut(new Date("2026-12-02T10:00:00Z")).toISOString()).toBe(
      "2026-12-02T10:00:00.000Z",
    );
    expect(digestCut(new Date("2026-12-02T17:00:00Z")).toISOString()).toBe(
      "2026-12-02T10:00:00.000Z",
    );
  });
});
