/**
 * The home page leads (issue 14, "what it must become" 1). Signed in: per community, what is
 * happening now (a live meeting with its room as the large button), what is open to me (votes I
 * have not cast with their closing time, meetings with a seat for me, projects I have not
 * supported), what waits for me (my returned proposals, seat invitations, and for the committee
 * its queues), then what is new since my last visit. Each item leaves the lists once done. A
 * visitor sees what is live and open across the communities, and how to join. The queries run on
 * both engines; the page is the route's own loader rendered by Remix, in both languages and modes.
 */
import { createRequestHandler } from "@remix-run/node";
import { beforeAll, describe, expect, it } from "vitest";
import { getDb } from "../db/client.server";
import type { MeetingStatus } from "../db/schema";
import type { Actor } from "~/domain/permissions/policy";
import * as root from "~/root";
import * as homeRoute from "~/routes/_index";
import { assistedActor } from "~/services/assistance/actor";
import { homeFor, publicHome } from "~/services/home/queries.server";
import { rsvp } from "~/services/meetings/commands.server";
import { supportProject } from "~/services/projects/participation.server";
import { run } from "~/services/runner/command.server";
import { votePoll } from "~/services/voting/ballots.server";
import { createPoll } from "~/services/voting/commands.server";
import { readVisit, VISIT_COOKIE, VISIT_GAP_MS } from "~/utils/visit.server";
import { routesBuild } from "./support/builds";
import {
  actorFor,
  cookieFor,
  makeCommitteeMember,
  makeCommunity,
  firstOptionOf as optionOf,
  makeCouncil,
  makeMeetingAt,
  makeMembership,
  makeOrganisation,
  makeProject,
  makeResident,
  makeUser,
  pollInput,
  setVoteWindow,
} from "./support/factories";

const HOUR = 3_600_000;

let here: number;
let there: number;
let committee: Actor & { userId: number };
let resident: Actor & { userId: number };
let newcomer: Actor & { userId: number };
const m = { live: 0, livePrivate: 0, ahead: 0, full: 0, invited: 0, elsewhere: 0, past: 0 };
const p = { open: 0, closed: 0, seats: 0 };
const proj = { supportable: 0, own: 0, returned: 0, rejected: 0 };

const signed = (a: Actor) => a as Actor & { userId: number };

const council = makeCouncil;

/** A meeting with resident seats (no limit unless given, none for "none") and two expert seats. */
const meeting = (
  councilId: number,
  topic: string,
  status: MeetingStatus,
  startsInH: number,
  endsInH: number,
  opts: { isPublic?: boolean; residentSeats?: number | null | "none" } = {},
) =>
  makeMeetingAt(councilId, topic, status, startsInH, endsInH, {
    isPublic: opts.isPublic,
    seats: {
      ...(opts.residentSeats === "none" ? {} : { resident: opts.residentSeats ?? null }),
      expert: 2,
    },
  });

async function poll(question: string, opensInH: number, closesInH: number) {
  const id = await run(createPoll, committee, {
    ...pollInput({ question, electorate: "residents" }),
    communityId: here,
    meetingId: null,
  });
  await setVoteWindow("poll", id, opensInH * HOUR, closesInH * HOUR);
  return id;
}

beforeAll(async () => {
  here = await makeCommunity("here");
  there = await makeCommunity("there");
  committee = signed(await makeCommitteeMember(here));
  resident = signed(await makeResident(here, { displayName: "王阿姨" }));
  const pendingId = await makeUser({ displayName: "新来的" });
  await makeMembership(pendingId, here, "pending");
  newcomer = signed(await actorFor(pendingId));

  const a = await council(here, "东坡圆桌会");
  m.live = await meeting(a, "夜间停车", "live", -1, 1);
  m.livePrivate = await meeting(a, "楼道堆物", "live", -1, 1, { isPublic: false });
  m.ahead = await meeting(a, "加装电梯", "scheduled", 24, 26);
  m.full = await meeting(a, "名额已满", "scheduled", 30, 32, { residentSeats: 0 });
  m.invited = await meeting(a, "专家论证", "scheduled", 48, 50, { residentSeats: "none" });
  m.past = await meeting(a, "过期未开", "scheduled", -5, -4);
  m.elsewhere = await meeting(await council(there, "别处议事会"), "别处会议", "live", -1, 1);
  await getDb()
    .insertInto("seatInvites")
    .values({
      meetingId: m.invited,
      userId: resident.userId,
      kind: "expert",
      invitedBy: committee.userId,
      invitedAt: new Date().toISOString(),
    })
    .execute();

  p.open = await poll("停车位划线", -1, 5);
  p.closed = await poll("花坛改造", -5, -1);

  proj.supportable = await makeProject(here, { title: "楼道灯改造", status: "submitted" });
  proj.own = await makeProject(here, { title: "自己的提议", status: "submitted" });
  proj.rejected = await makeProject(here, { title: "被否的提议", status: "rejected" });
  proj.returned = await makeProject(here, { title: "退回的提议", status: "submitted" });
  await getDb()
    .updateTable("projects")
    .set({ proposerId: resident.userId })
    .where("id", "in", [proj.own, proj.returned])
    .execute();
  await getDb()
    .updateTable("projects")
    .set({ status: "returned", statusReason: "预算要细化" })
    .where("id", "=", proj.returned)
    .execute();
});

describe("homeFor: the signed-in home's lists", () => {
  it("happening now: the community's live meetings, each with its room (a resident may read a private one)", async () => {
    const home = await homeFor(resident, null);
    expect(home.communities.map((c) => c.communityId)).toEqual([here]);
    const now = home.communities[0]!.now;
    expect(now.map((x) => [x.id, x.canEnterRoom])).toEqual([
      [m.live, true],
      [m.livePrivate, true],
    ]);
  });

  it("open to me: the vote I have not cast, the meeting with a seat, the project to support", async () => {
    const { open } = (await homeFor(resident, null)).communities[0]!;
    expect(open.votes.map((v) => [v.kind, v.id])).toEqual([["poll", p.open]]);
    expect(open.votes[0]!.closesAt).toBeTruthy();
    // Not the full one, not the one without resident seats (an invitation, below), not the past.
    expect(open.meetings.map((x) => x.id)).toEqual([m.ahead]);
    // Not my own, not a rejected one, not a returned one.
    expect(open.projects.map((x) => x.id)).toEqual([proj.supportable]);
  });

  it("waiting for me: my returned proposal with its reason, the seat I was invited to", async () => {
    const { waiting } = (await homeFor(resident, null)).communities[0]!;
    expect(waiting.returned.map((x) => [x.id, x.statusReason])).toEqual([
      [proj.returned, "预算要细化"],
    ]);
    expect(waiting.invitations.map((x) => [x.id, x.kind])).toEqual([[m.invited, "expert"]]);
    expect(waiting.committee).toBeNull();
  });

  it("waiting for me: my organisation's returned proposal too, but not while a helper acts for me", async () => {
    const org = await makeOrganisation({ members: [resident.userId], communities: [here] });
    const theirs = await makeProject(here, { title: "组织退回的提议", status: "submitted" });
    await getDb()
      .updateTable("projects")
      .set({ organisationId: org, status: "returned", statusReason: "请补充预算" })
      .where("id", "=", theirs)
      .execute();
    const member = signed(await actorFor(resident.userId));
    const returnedTo = async (a: Actor & { userId: number }) =>
      (await homeFor(a, null)).communities[0]!.waiting.returned.map((x) => x.id).sort();
    expect(await returnedTo(member)).toEqual([proj.returned, theirs].sort());
    // At the service window the resident acts without their organisations' powers.
    const assisted = signed(
      assistedActor(member, {
        sittingId: 1,
        communityId: here,
        endsAt: new Date(Date.now() + HOUR).toISOString(),
        helper: { id: committee.userId, displayName: "委员" },
        resident: {
          id: resident.userId,
          displayName: "王阿姨",
          username: null,
          phone: null,
          isAdmin: false,
        },
      }),
    );
    expect(await returnedTo(assisted)).toEqual([proj.returned]);
  });

  it("a person not yet verified is shown nothing to vote in or support, and no seat", async () => {
    const { open, myStatus } = (await homeFor(newcomer, null)).communities[0]!;
    expect(myStatus).toBe("pending");
    expect(open).toMatchObject({ votes: [], meetings: [], projects: [] });
  });

  it("the committee's queues: requests, reviews, reports and a paper count to confirm", async () => {
    const db = getDb();
    const at = new Date().toISOString();
    // A reported room message and a reported comment, both unreviewed.
    const { id: messageId } = await db
      .insertInto("roomMessages")
      .values({
        meetingId: m.live,
        userId: resident.userId,
        body: "一条被举报的发言",
        agendaItemId: null,
        createdAt: at,
        hiddenAt: null,
        hiddenBy: null,
        hiddenReason: null,
        pinnedAt: null,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await db
      .insertInto("messageFlags")
      .values({ messageId, userId: newcomer.userId, createdAt: at, reviewedAt: null })
      .execute();
    await db
      .insertInto("projectComments")
      .values({
        projectId: proj.supportable,
        parentId: null,
        authorId: resident.userId,
        body: "一条被举报的评论",
        createdAt: at,
        hiddenAt: null,
        hiddenBy: null,
        hiddenReason: null,
        flagCount: 1,
        reviewedAt: null,
      })
      .execute();
    const other = await makeCommitteeMember(here);
    await db
      .insertInto("paperCounts")
      .values({
        pollId: p.closed,
        roundId: null,
        submittedBy: other.userId,
        submittedAt: at,
        confirmedBy: null,
        confirmedAt: null,
        createdAt: at,
      })
      .execute();

    const q = (await homeFor(committee, null)).communities[0]!.waiting.committee!;
    expect(q.requests).toBe(1);
    // The two submitted projects (the supportable one and my own); not the returned one.
    expect(q.reviews).toBe(2);
    expect(q.roomFlags).toEqual([{ meetingId: m.live, topic: "夜间停车", count: 1 }]);
    expect(q.commentFlags).toEqual([
      { projectId: proj.supportable, title: "楼道灯改造", count: 1 },
    ]);
    expect(q.paperCounts).toEqual([{ href: `/polls/${p.closed}`, title: "花坛改造", mine: false }]);
    // Another community's committee sees none of it.
    const elsewhere = signed(await makeCommitteeMember(there));
    const theirs = (await homeFor(elsewhere, null)).communities[0]!;
    expect(theirs.communityId).toBe(there);
    expect(theirs.waiting.committee).toMatchObject({ requests: 0, reviews: 0, roomFlags: [] });
  });

  it("new since my last visit: what came after it, and nothing from before", async () => {
    const before = await homeFor(resident, null);
    const kinds = before.communities[0]!.news.map((n) => n.kind);
    expect(before.since).toBeNull();
    // The week before: the proposals, the meetings scheduled, the polls opened and closed.
    expect(kinds).toEqual(expect.arrayContaining(["project", "meeting", "residents"]));
    expect(before.communities[0]!.news.some((n) => n.href === `/projects/${proj.returned}`)).toBe(
      false,
    );

    const visit = new Date().toISOString();
    expect((await homeFor(resident, visit)).communities[0]!.news).toEqual([]);
    await new Promise((r) => setTimeout(r, 5));
    const fresh = await makeProject(here, { title: "新的微实事", status: "submitted" });
    const after = await homeFor(resident, visit);
    expect(after.since).toBe(visit);
    expect(after.communities[0]!.news.map((n) => [n.kind, n.href])).toEqual([
      ["project", `/projects/${fresh}`],
    ]);
  });

  it("each open item leaves the list once done: voted, signed up, supported", async () => {
    const voter = signed(await makeResident(here));
    const before = (await homeFor(voter, null)).communities[0]!.open;
    expect(before.votes.map((v) => v.id)).toContain(p.open);
    expect(before.meetings.map((x) => x.id)).toContain(m.ahead);
    expect(before.projects.map((x) => x.id)).toContain(proj.supportable);

    await run(votePoll, voter, { id: p.open, choice: [await optionOf(p.open)] });
    await run(rsvp, voter, { meetingId: m.ahead });
    await run(supportProject, voter, { id: proj.supportable });

    const after = (await homeFor(voter, null)).communities[0]!.open;
    expect(after.votes.map((v) => v.id)).not.toContain(p.open);
    expect(after.meetings.map((x) => x.id)).not.toContain(m.ahead);
    expect(after.projects.map((x) => x.id)).not.toContain(proj.supportable);
  });
});

describe("publicHome: a visitor's home", () => {
  it("live meetings of every community, a private room not offered; open votes; projects", async () => {
    const home = await publicHome();
    expect(home.now.map((x) => [x.id, x.canEnterRoom])).toEqual(
      expect.arrayContaining([
        [m.live, true],
        [m.livePrivate, false],
        [m.elsewhere, true],
      ]),
    );
    expect(home.votes.map((v) => v.id)).toEqual([p.open]);
    expect(home.meetings.map((x) => x.id)).not.toContain(m.past);
    expect(home.projects.map((x) => x.id)).toContain(proj.supportable);
    expect(home.projects.map((x) => x.id)).not.toContain(proj.rejected);
  });
});

describe("readVisit: the last visit, kept by this device", () => {
  const T = Date.parse("2026-12-01T10:00:00Z");
  const req = (cookie?: string) =>
    new Request("http://localhost/", { headers: cookie ? { Cookie: cookie } : {} });
  const value = (setCookie: string) => setCookie.split(";")[0]!.split("=")[1]!;

  it("without a cookie: no last visit, and this view remembered", () => {
    const v = readVisit(req(), 7, new Date(T));
    expect(v.since).toBeNull();
    expect(value(v.setCookie)).toBe(`7.${T}.-`);
    expect(v.setCookie).toContain("HttpOnly");
  });

  it("within the same visit the news stays; after the gap the last visit becomes 'since'", () => {
    const first = value(readVisit(req(), 7, new Date(T)).setCookie);
    const soon = readVisit(req(`${VISIT_COOKIE}=${first}`), 7, new Date(T + 60_000));
    expect(soon.since).toBeNull();
    const later = T + 60_000 + VISIT_GAP_MS + 1;
    const next = readVisit(req(`${VISIT_COOKIE}=${value(soon.setCookie)}`), 7, new Date(later));
    expect(next.since).toBe(new Date(T + 60_000).toISOString());
    // Reloading within that visit keeps the same "since".
    const again = readVisit(
      req(`${VISIT_COOKIE}=${value(next.setCookie)}`),
      7,
      new Date(later + 1),
    );
    expect(again.since).toBe(new Date(T + 60_000).toISOString());
  });

  it("another person's cookie, a malformed one or a time ahead of the clock counts as none", () => {
    for (const bad of [
      `8.${T - 2 * VISIT_GAP_MS}.-`,
      "7.abc.-",
      `7.${T + 5 * HOUR}.-`,
      "7..",
      "%%",
    ]) {
      expect(readVisit(req(`${VISIT_COOKIE}=${bad}`), 7, new Date(T)).since, bad).toBeNull();
    }
  });
});

const handler = createRequestHandler(
  routesBuild({ root: ["", undefined, root], "routes/_index": [undefined, "root", homeRoute] }),
);

async function page(lng: string, mode: string, who: Actor | null) {
  const cookie = [`lng=${lng}`, `mode=${mode}`];
  if (who) cookie.push(await cookieFor(who.userId!));
  const res = await handler(
    new Request("http://localhost/", { headers: { Cookie: cookie.join("; ") } }),
  );
  expect(res.status).toBe(200);
  return { html: await res.text(), setCookie: res.headers.get("Set-Cookie") ?? "" };
}

const WORDS = {
  "zh-CN": {
    room: "进入讨论室",
    now: "正在进行",
    open: "等您参与",
    waiting: "等您处理",
    join: "怎样参与",
  },
  en: {
    room: "Enter the discussion room",
    now: "Happening now",
    open: "Open to you",
    waiting: "Waiting for you",
    join: "How to take part",
  },
} as const;

describe("the home page as rendered", () => {
  it("a committee member who is not a resident is not told to wait for verification", async () => {
    const { html } = await page("zh-CN", "lite", committee);
    expect(html).toContain("目前没有等您参与的投票、会议报名或项目支持。");
    expect(html).not.toContain("核实您的居民身份后");
    expect(html).toContain(`href="/communities/${here}#pending-title"`);
    const pending = await page("zh-CN", "lite", newcomer);
    expect(pending.html).toContain("核实您的居民身份后");
  });

  for (const lng of ["zh-CN", "en"] as const) {
    for (const mode of ["full", "lite"] as const) {
      const w = WORDS[lng];
      it(`${lng} ${mode}: signed in, the live room first, then open, then waiting`, async () => {
        const { html, setCookie } = await page(lng, mode, resident);
        const at = (s: string) => html.indexOf(s);
        expect(at(w.now)).toBeGreaterThan(-1);
        expect(at(`href="/meetings/${m.live}/room"`)).toBeGreaterThan(at(w.now));
        expect(at(w.open)).toBeGreaterThan(at(`href="/meetings/${m.live}/room"`));
        expect(at(w.waiting)).toBeGreaterThan(at(w.open));
        expect(html).toContain(`href="/polls/${p.open}"`);
        expect(html).toContain(`href="/projects/${proj.returned}/edit"`);
        // The room is the large main button; a private room is not offered.
        expect(html).toMatch(
          new RegExp(
            `class="button primary big"[^>]* href="/meetings/${m.live}/room"[^>]*>${w.room}<`,
          ),
        );
        expect(setCookie).toContain(`${VISIT_COOKIE}=${resident.userId}.`);
        if (mode === "lite") expect(html).not.toContain("<script");
      });

      it(`${lng} ${mode}: a visitor sees what is live and open, and how to join`, async () => {
        const { html, setCookie } = await page(lng, mode, null);
        expect(html).toContain(`href="/meetings/${m.live}/room"`);
        // A private room is for residents and seat holders: the visitor is not offered it.
        expect(html).toContain(`href="/meetings/${m.livePrivate}"`);
        expect(html).not.toContain(`href="/meetings/${m.livePrivate}/room"`);
        expect(html).toContain(`href="/polls/${p.open}"`);
        expect(html).toContain(w.join);
        expect(html).toContain('href="/join"');
        expect(setCookie).not.toContain(VISIT_COOKIE);
      });
    }
  }
});
