/**
 * How the community, council and meeting pages lead (issue 14: "what it must become" 2 and 3, and
 * "what a newcomer met" 5). The community page lists its councils' live meetings first, with the
 * room as the way in, then the upcoming ones with their times; its polls and budget rounds stand
 * apart, each saying whether the viewer has voted and when it closes. A council page lists a live
 * meeting as live, not as upcoming. A live meeting's page has "进入讨论室" as its main button, first
 * after the title. The queries are the services' (both engines); the pages are the routes' own
 * loaders, and whole pages rendered by Remix in both languages and in 长辈版.
 */
import { createRequestHandler } from "@remix-run/node";
import { beforeAll, describe, expect, it } from "vitest";
import { getDb } from "../db/client.server";
import type { MeetingStatus } from "../db/schema";
import { ANONYMOUS, type Actor } from "~/domain/permissions/policy";
import { roundSchema } from "~/domain/voting/schemas";
import * as root from "~/root";
import * as communityRoute from "~/routes/communities.$id._index";
import * as councilRoute from "~/routes/councils.$id._index";
import * as meetingRoute from "~/routes/meetings.$id._index";
import { councilPage } from "~/services/meetings/queries.server";
import { run } from "~/services/runner/command.server";
import { votePoll, voteRound } from "~/services/voting/ballots.server";
import { recordPaperVoter } from "~/services/voting/box.server";
import { createPoll, createRound } from "~/services/voting/commands.server";
import { routesBuild } from "./support/builds";
import {
  actorFor,
  chinaLocal,
  cookieFor,
  inviteSeat,
  makeCommitteeMember,
  makeCommunity,
  firstOptionOf as optionOf,
  makeCouncil,
  makeMeetingAt,
  makeProject,
  makeResident,
  makeUser,
  pollInput,
  setVoteWindow,
} from "./support/factories";
import { body, run as runRoute } from "./support/remix";
import { meetingsAheadOf, communityVotesOf } from "./support/community";

const HOUR = 3_600_000;

let here: number;
let there: number;
let councilA: number;
let councilB: number;
/** Meetings of `here`, by what they are. */
const m = {
  livePublic: 0,
  livePrivate: 0,
  soon: 0,
  later: 0,
  neverHeld: 0,
  closed: 0,
  published: 0,
  elsewhere: 0,
};
/** Votes of `here`, by what they are. */
const v = {
  pollSoon: 0,
  pollLater: 0,
  pollNotYet: 0,
  pollClosedRecent: 0,
  pollClosedOld: 0,
  pollSeats: 0,
  pollElsewhere: 0,
  roundOpen: 0,
  roundClosed: 0,
};
let committee: Actor;
/** A verified resident who voted in some polls and in the open round. */
let voter: Actor;
/** A verified resident who voted in nothing. */
let nonVoter: Actor;
/** A verified resident whose paper vote the committee recorded at the service window. */
let paperVoter: Actor;
/** Signed in, not a resident of `here`: holds an invited seat at the private live meeting. */
let guest: Actor;
/** Signed in, not a resident, no seat anywhere. */
let outsider: Actor;

const council = makeCouncil;

/** A meeting of the council, from `startsInH` to `endsInH` hours from now. */
const meeting = (
  councilId: number,
  topic: string,
  status: MeetingStatus,
  startsInH: number,
  endsInH: number,
  isPublic = true,
) => makeMeetingAt(councilId, topic, status, startsInH, endsInH, { isPublic });

/** A poll of `here` (or another community), then its window moved to the hours given. */
async function poll(
  question: string,
  opensInH: number,
  closesInH: number,
  over: { communityId?: number; meetingId?: number; electorate?: string; by?: Actor } = {},
) {
  const id = await run(createPoll, over.by ?? committee, {
    ...pollInput({ question, electorate: over.electorate ?? "residents" }),
    communityId: over.communityId ?? here,
    meetingId: over.meetingId ?? null,
  });
  await setVoteWindow("poll", id, opensInH * HOUR, closesInH * HOUR);
  return id;
}

async function round(title: string) {
  // A round stands at least two projects.
  const project = await makeProject(here, { cost: 1000 });
  const other = await makeProject(here, { cost: 2000 });
  const id = await run(createRound, committee, {
    ...roundSchema.parse({
      title,
      budget: "10000",
      method: "greedy",
      minProjects: "",
      maxProjects: "",
      project: [String(project), String(other)],
      opensAt: chinaLocal(Date.now() - HOUR),
      closesAt: chinaLocal(Date.now() + HOUR),
    }),
    communityId: here,
  });
  return { id, project };
}

beforeAll(async () => {
  here = await makeCommunity("here");
  there = await makeCommunity("there");
  committee = await makeCommitteeMember(here);
  const committeeThere = await makeCommitteeMember(there);
  voter = await makeResident(here, { displayName: "投过票的居民" });
  nonVoter = await makeResident(here, { displayName: "没投票的居民" });
  paperVoter = await makeResident(here, { displayName: "投纸质票的居民" });
  guest = await actorFor(await makeUser({ displayName: "受邀专家" }));
  outsider = await actorFor(await makeUser({ displayName: "路过的人" }));

  councilA = await council(here, "东坡圆桌会");
  councilB = await council(here, "楼道议事会");
  // Two councils, so that the community's list is of all of them, in time order.
  m.livePublic = await meeting(councilA, "夜间停车", "live", -1, 1);
  m.livePrivate = await meeting(councilB, "楼道堆物", "live", -0.5, 1.5, false);
  m.later = await meeting(councilA, "垃圾分类", "scheduled", 24, 26);
  m.soon = await meeting(councilB, "加装电梯", "scheduled", 2, 3);
  m.neverHeld = await meeting(councilA, "过期未开", "scheduled", -3, -2);
  m.closed = await meeting(councilA, "已经结束", "closed", -5, -4);
  m.published = await meeting(councilB, "纪要公布", "published", -50, -48);
  m.elsewhere = await meeting(await council(there, "别处议事会"), "别处会议", "live", -1, 1);
  await inviteSeat(m.livePrivate, guest.userId!);

  // Votes: made open, voted in, then moved to where the test wants them.
  v.pollSoon = await poll("停车位划线", -1, 1);
  v.pollLater = await poll("健身角选址", -1, 5);
  v.pollNotYet = await poll("明年议题", 2, 3);
  v.pollClosedRecent = await poll("充电棚位置", -1, 1);
  v.pollClosedOld = await poll("花坛改造", -1, 1);
  v.pollSeats = await poll("堆物清理方案", -1, 4, {
    meetingId: m.livePrivate,
    electorate: "seatHolders",
  });
  v.pollElsewhere = await poll("别处投票", -1, 1, { communityId: there, by: committeeThere });
  for (const id of [v.pollSoon, v.pollClosedRecent]) {
    await run(votePoll, voter, { id, choice: [await optionOf(id)] });
  }
  await run(votePoll, guest, { id: v.pollSeats, choice: [await optionOf(v.pollSeats)] });
  await run(recordPaperVoter, committee, {
    kind: "poll",
    id: v.pollLater,
    voter: paperVoter.userId!,
  });
  await setVoteWindow("poll", v.pollClosedRecent, -3 * HOUR, -1 * HOUR);
  await setVoteWindow("poll", v.pollClosedOld, -30 * HOUR, -20 * HOUR);

  const open = await round("2027年微实事预算");
  const closed = await round("2026年微实事预算");
  v.roundOpen = open.id;
  v.roundClosed = closed.id;
  await run(voteRound, voter, { id: open.id, choice: [open.project] });
  await setVoteWindow("round", closed.id, -30 * HOUR, -20 * HOUR);
}, 60_000);

describe("meetingsAhead: a community's live and upcoming meetings", () => {
  it("lists the live ones of all its councils first and the scheduled ones soonest first", async () => {
    const got = await meetingsAheadOf(ANONYMOUS, here);
    expect(got.live.map((x) => x.id)).toEqual([m.livePublic, m.livePrivate]);
    expect(got.upcoming.map((x) => x.id)).toEqual([m.soon, m.later]);
    expect(got.more).toBe(false);
    // Each says which council it is of, and when it starts and ends.
    expect(got.upcoming[0]).toMatchObject({
      topic: "加装电梯",
      councilId: councilB,
      councilName: "楼道议事会",
      status: "scheduled",
      place: "议事厅",
    });
    expect(got.upcoming[0]!.endsAt > got.upcoming[0]!.startsAt).toBe(true);
  });

  it("leaves out what is over, what never took place and other communities' meetings", async () => {
    const got = await meetingsAheadOf(ANONYMOUS, here);
    const ids = [...got.live, ...got.upcoming].map((x) => x.id);
    for (const gone of [m.neverHeld, m.closed, m.published, m.elsewhere]) {
      expect(ids).not.toContain(gone);
    }
    const elsewhere = await meetingsAheadOf(ANONYMOUS, there);
    expect(elsewhere.live.map((x) => x.id)).toEqual([m.elsewhere]);
    expect(elsewhere.upcoming).toEqual([]);
  });

  it("keeps to the number of upcoming meetings asked for, and says there are more", async () => {
    const got = await meetingsAheadOf(ANONYMOUS, here, 1);
    expect(got.upcoming.map((x) => x.id)).toEqual([m.soon]);
    expect(got.more).toBe(true);
    // Live meetings are never cut.
    expect(got.live).toHaveLength(2);
  });

  it("opens a private room to residents and its seat holders only, a public one to anyone", async () => {
    const rooms = async (actor: Actor) =>
      (await meetingsAheadOf(actor, here)).live.map((x) => [x.id, x.canEnterRoom]);
    const publicOnly = [
      [m.livePublic, true],
      [m.livePrivate, false],
    ];
    const both = [
      [m.livePublic, true],
      [m.livePrivate, true],
    ];
    expect(await rooms(ANONYMOUS)).toEqual(publicOnly);
    expect(await rooms(outsider)).toEqual(publicOnly);
    expect(await rooms(nonVoter)).toEqual(both);
    expect(await rooms(committee)).toEqual(both);
    expect(await rooms(guest)).toEqual(both);
  });

  it("answers an unknown community with nothing", async () => {
    expect(await meetingsAheadOf(ANONYMOUS, 999_999)).toEqual({
      live: [],
      upcoming: [],
      more: false,
    });
  });
});

describe("the council page's lists", () => {
  it("puts a live meeting under live, not under upcoming", async () => {
    const a = (await councilPage(councilA))!;
    expect(a.live.map((x) => x.id)).toEqual([m.livePublic]);
    expect(a.upcoming.map((x) => x.id)).toEqual([m.later]);
    expect(a.past.map((x) => x.id).sort()).toEqual([m.neverHeld, m.closed].sort());
    const b = (await councilPage(councilB))!;
    expect(b.live.map((x) => x.id)).toEqual([m.livePrivate]);
    expect(b.upcoming.map((x) => x.id)).toEqual([m.soon]);
    expect(b.past.map((x) => x.id)).toEqual([m.published]);
  });
});

describe("communityVotes: a community's polls and rounds, apart", () => {
  it("orders them open (closing soonest first), not open yet, then closed (latest first)", async () => {
    const got = await communityVotesOf(ANONYMOUS, here);
    expect(got.polls.map((p) => p.id)).toEqual([
      v.pollSoon,
      v.pollSeats,
      v.pollLater,
      v.pollNotYet,
      v.pollClosedRecent,
      v.pollClosedOld,
    ]);
    expect(got.polls.map((p) => p.phase)).toEqual([
      "open",
      "open",
      "open",
      "upcoming",
      "closed",
      "closed",
    ]);
    expect(got.rounds.map((r) => [r.id, r.phase])).toEqual([
      [v.roundOpen, "open"],
      [v.roundClosed, "closed"],
    ]);
    expect(got.polls[0]).toMatchObject({ question: "停车位划线" });
    expect(got.rounds[0]).toMatchObject({ title: "2027年微实事预算" });
    // Another community's poll is not among them.
    expect(got.polls.map((p) => p.id)).not.toContain(v.pollElsewhere);
  });

  it("keeps to the number asked for, cutting the closed ones first", async () => {
    const got = await communityVotesOf(ANONYMOUS, here, 3);
    expect(got.polls.map((p) => p.id)).toEqual([v.pollSoon, v.pollSeats, v.pollLater]);
    expect(got.rounds.map((r) => r.id)).toEqual([v.roundOpen, v.roundClosed]);
  });

  it("tells a visitor nothing about voting", async () => {
    const got = await communityVotesOf(ANONYMOUS, here);
    for (const x of [...got.polls, ...got.rounds]) {
      expect([x.voted, x.mayVote]).toEqual([null, null]);
    }
  });

  it("tells a resident who voted which ones they voted in, and only those", async () => {
    const got = await communityVotesOf(voter, here);
    const voted = (list: Array<{ id: number; voted: boolean | null }>) =>
      list.filter((x) => x.voted).map((x) => x.id);
    expect(voted(got.polls)).toEqual([v.pollSoon, v.pollClosedRecent]);
    expect(voted(got.rounds)).toEqual([v.roundOpen]);
    expect(got.polls.find((p) => p.id === v.pollLater)).toMatchObject({
      voted: false,
      mayVote: true,
    });
    // A seat holders' poll is not a resident's.
    expect(got.polls.find((p) => p.id === v.pollSeats)).toMatchObject({
      voted: false,
      mayVote: false,
    });
  });

  it("tells a resident who did not vote that they have not, though others have", async () => {
    const got = await communityVotesOf(nonVoter, here);
    for (const x of [...got.polls, ...got.rounds]) expect(x.voted).toBe(false);
    expect(got.polls.find((p) => p.id === v.pollSoon)!.mayVote).toBe(true);
    expect(got.rounds.find((r) => r.id === v.roundOpen)!.mayVote).toBe(true);
  });

  it("counts a paper vote recorded at the window as voting", async () => {
    const got = await communityVotesOf(paperVoter, here);
    expect(got.polls.filter((p) => p.voted).map((p) => p.id)).toEqual([v.pollLater]);
    expect(got.rounds.some((r) => r.voted)).toBe(false);
  });

  it("lets a seat holder vote in their meeting's poll only", async () => {
    const got = await communityVotesOf(guest, here);
    expect(got.polls.find((p) => p.id === v.pollSeats)).toMatchObject({
      voted: true,
      mayVote: true,
    });
    expect(got.polls.find((p) => p.id === v.pollSoon)).toMatchObject({
      voted: false,
      mayVote: false,
    });
    expect(got.rounds.find((r) => r.id === v.roundOpen)!.mayVote).toBe(false);
  });
});

/** The community page's loader data, as a visitor (no cookie) or a signed-in person sees it. */
async function communityData(who: Actor | null) {
  const cookie = who ? await cookieFor(who.userId!) : null;
  const res = await runRoute(
    communityRoute.loader,
    new Request(`http://localhost/communities/${here}`, {
      headers: cookie ? { Cookie: cookie } : {},
    }),
    { id: String(here) },
  );
  expect(res.status).toBe(200);
  return body<{
    meetings: {
      live: Array<{ id: number; canEnterRoom: boolean }>;
      upcoming: Array<{ id: number }>;
    };
    votes: {
      polls: Array<{ id: number; voted: boolean | null }>;
      rounds: Array<{ id: number; voted: boolean | null }>;
    };
  }>(res);
}

describe("the community page's loader", () => {
  it("gives a visitor the meetings and the votes, with nothing about voting", async () => {
    const data = await communityData(null);
    expect(data.meetings.live.map((x) => [x.id, x.canEnterRoom])).toEqual([
      [m.livePublic, true],
      [m.livePrivate, false],
    ]);
    expect(data.meetings.upcoming.map((x) => x.id)).toEqual([m.soon, m.later]);
    expect(data.votes.polls.map((p) => p.voted)).toEqual(data.votes.polls.map(() => null));
    expect(data.votes.rounds.map((r) => r.id)).toEqual([v.roundOpen, v.roundClosed]);
  });

  it("tells a resident who voted, and one who did not, what they did", async () => {
    const yes = await communityData(voter);
    expect(yes.votes.polls.filter((p) => p.voted).map((p) => p.id)).toEqual([
      v.pollSoon,
      v.pollClosedRecent,
    ]);
    expect(yes.votes.rounds.map((r) => [r.id, r.voted])).toEqual([
      [v.roundOpen, true],
      [v.roundClosed, false],
    ]);
    const no = await communityData(nonVoter);
    expect(no.votes.polls.some((p) => p.voted)).toBe(false);
    expect(no.votes.rounds.map((r) => r.voted)).toEqual([false, false]);
    expect(no.meetings.live.map((x) => x.canEnterRoom)).toEqual([true, true]);
  });
});

// Whole pages, as Remix renders them with the app's root and entry.
const handler = createRequestHandler(
  routesBuild({
    root: ["", undefined, root],
    "routes/communities.$id._index": ["communities/:id", "root", communityRoute],
    "routes/councils.$id._index": ["councils/:id", "root", councilRoute],
    "routes/meetings.$id._index": ["meetings/:id", "root", meetingRoute],
  }),
);

const MODES = [
  { lng: "zh-CN", mode: "full" },
  { lng: "zh-CN", mode: "lite" },
  { lng: "en", mode: "full" },
  { lng: "en", mode: "lite" },
] as const;

const WORDS = {
  "zh-CN": {
    live: "正在进行",
    upcoming: "即将召开",
    room: "进入讨论室",
    polls: "投票",
    rounds: "微实事预算轮",
    voted: "您已投票",
    notYet: "您还没有投票",
    closes: "截止",
    calendar: "加入我的日历",
    signedUp: "您已报名",
  },
  en: {
    live: "Live now",
    upcoming: "Coming up",
    room: "Enter the discussion room",
    polls: "Polls",
    rounds: "Budget rounds",
    voted: "You have voted",
    notYet: "You have not voted yet",
    closes: "Voting is open until",
    calendar: "Add to my calendar",
    signedUp: "You are signed up",
  },
} as const;

async function html(path: string, lng: string, mode: string, who: Actor | null = null) {
  const cookie = [`lng=${lng}`, `mode=${mode}`];
  if (who) cookie.push(await cookieFor(who.userId!));
  const res = await handler(
    new Request(`http://localhost${path}`, { headers: { Cookie: cookie.join("; ") } }),
  );
  expect(res.status, path).toBe(200);
  return res.text();
}

/** The text of an element's inside, tags dropped. */
const text = (s: string) =>
  s
    .replace(/<[^>]+>/g, "")
    .replace(/&#x27;/g, "'")
    .replace(/&amp;/g, "&");

/** The section whose heading has this id, as HTML. */
function section(page: string, headingId: string): string {
  const start = page.indexOf(`aria-labelledby="${headingId}"`);
  expect(start, headingId).toBeGreaterThan(-1);
  return page.slice(start, page.indexOf("</section>", start));
}

/** The links and buttons of a piece of HTML, in order, with their classes and text. */
function controls(piece: string) {
  return [...piece.matchAll(/<(a|button)\b([^>]*)>(.*?)<\/\1>/gs)].map((c) => ({
    href: /href="([^"]*)"/.exec(c[2]!)?.[1] ?? null,
    cls: /class="([^"]*)"/.exec(c[2]!)?.[1] ?? "",
    text: text(c[3]!),
  }));
}

describe("the community page as rendered", () => {
  for (const { lng, mode } of MODES) {
    const w = WORDS[lng];
    it(`${lng} ${mode}: the live meetings first with their rooms, then the upcoming ones`, async () => {
      const page = await html(`/communities/${here}`, lng, mode);
      const live = section(page, "live-title");
      expect(text(live)).toContain(w.live);
      // The public room is the way in, a main button; a private one is not offered to a visitor.
      expect(controls(live).filter((c) => c.text === w.room)).toEqual([
        { href: `/meetings/${m.livePublic}/room`, cls: "button primary big", text: w.room },
      ]);
      expect(live).toContain(`href="/meetings/${m.livePrivate}"`);
      const upcoming = section(page, "upcoming-title");
      expect(text(upcoming)).toContain(w.upcoming);
      expect(upcoming.indexOf(`/meetings/${m.soon}"`)).toBeGreaterThan(-1);
      expect(upcoming.indexOf(`/meetings/${m.soon}"`)).toBeLessThan(
        upcoming.indexOf(`/meetings/${m.later}"`),
      );
      expect(upcoming).not.toContain(`/meetings/${m.livePublic}"`);
      // Live comes before everything else the page says about the community.
      expect(page.indexOf('id="live-title"')).toBeLessThan(page.indexOf('id="me-title"'));
    });

    it(`${lng} ${mode}: an upcoming meeting says whether this resident signed up`, async () => {
      await getDb()
        .insertInto("rsvps")
        .values({
          meetingId: m.soon,
          userId: voter.userId!,
          kind: "resident",
          createdAt: "2026-12-01",
        })
        .onConflict((oc) => oc.doNothing())
        .execute();
      const entry = (page: string, id: number) => {
        const upcoming = section(page, "upcoming-title");
        const at = upcoming.indexOf(`href="/meetings/${id}"`);
        return text(upcoming.slice(at, upcoming.indexOf("</li>", at)));
      };
      const mine = await html(`/communities/${here}`, lng, mode, voter);
      expect(entry(mine, m.soon)).toContain(w.signedUp);
      expect(entry(mine, m.later)).not.toContain(w.signedUp);
      const visitor = await html(`/communities/${here}`, lng, mode);
      expect(entry(visitor, m.soon)).not.toContain(w.signedUp);
    });

    it(`${lng} ${mode}: polls and rounds apart, with whether this resident voted`, async () => {
      const page = await html(`/communities/${here}`, lng, mode, voter);
      const votes = section(page, "votes-title");
      const polls = votes.slice(
        votes.indexOf('id="polls-title"'),
        votes.indexOf('id="rounds-title"'),
      );
      const rounds = votes.slice(votes.indexOf('id="rounds-title"'));
      expect(text(polls)).toContain(w.polls);
      expect(text(rounds)).toContain(w.rounds);
      expect(polls).toContain(`href="/polls/${v.pollSoon}"`);
      expect(polls).not.toContain("/budgets/");
      expect(rounds).toContain(`href="/budgets/${v.roundOpen}"`);
      expect(rounds).not.toContain("/polls/");
      const entry = (piece: string, href: string) => {
        const at = piece.indexOf(`href="${href}"`);
        return text(piece.slice(at, piece.indexOf("</li>", at)));
      };
      expect(entry(polls, `/polls/${v.pollSoon}`)).toContain(w.voted);
      expect(entry(polls, `/polls/${v.pollSoon}`)).toContain(w.closes);
      expect(entry(polls, `/polls/${v.pollLater}`)).toContain(w.notYet);
      expect(entry(rounds, `/budgets/${v.roundOpen}`)).toContain(w.voted);
    });
  }

  it("tells a resident who has not voted so, and a visitor nothing", async () => {
    const mine = section(
      await html(`/communities/${here}`, "zh-CN", "full", nonVoter),
      "votes-title",
    );
    expect(text(mine)).not.toContain("您已投票");
    expect(text(mine)).toContain("您还没有投票");
    const visitor = section(await html(`/communities/${here}`, "zh-CN", "full"), "votes-title");
    expect(text(visitor)).not.toMatch(/您已投票|您还没有投票|您没有投票|投票人之列/);
  });
});

describe("the council page as rendered", () => {
  it("shows a live meeting under 正在进行, not under 即将召开", async () => {
    const page = await html(`/councils/${councilA}`, "zh-CN", "full");
    expect(text(section(page, "live-title"))).toContain("正在进行");
    expect(section(page, "live-title")).toContain(`href="/meetings/${m.livePublic}"`);
    expect(section(page, "upcoming-title")).not.toContain(`href="/meetings/${m.livePublic}"`);
    expect(section(page, "upcoming-title")).toContain(`href="/meetings/${m.later}"`);
  });
});

describe("the meeting page as rendered", () => {
  /** The links and buttons after the page's title, in order. */
  const afterTitle = (page: string) => {
    const h1 = page.indexOf('id="meeting-title"');
    expect(h1).toBeGreaterThan(-1);
    return controls(page.slice(page.indexOf("</h1>", h1)));
  };

  for (const { lng, mode } of MODES) {
    const w = WORDS[lng];
    it(`${lng} ${mode}: a live meeting's room is the main button, first after the title`, async () => {
      const after = afterTitle(await html(`/meetings/${m.livePublic}`, lng, mode));
      expect(after[0]).toEqual({
        href: `/meetings/${m.livePublic}/room`,
        cls: "button primary big",
        text: w.room,
      });
      // Once: not again as a small link among the facts.
      expect(after.filter((c) => c.text === w.room)).toHaveLength(1);
      // The calendar and the agenda to print are secondary.
      const calendar = after.find((c) => c.text === w.calendar)!;
      expect(calendar.cls).not.toContain("primary");
    });
  }

  it("for a resident too, in a private room; not for a visitor who may not enter it", async () => {
    const resident = afterTitle(
      await html(`/meetings/${m.livePrivate}`, "zh-CN", "full", nonVoter),
    );
    expect(resident[0]).toMatchObject({
      href: `/meetings/${m.livePrivate}/room`,
      text: "进入讨论室",
    });
    const visitor = await html(`/meetings/${m.livePrivate}`, "zh-CN", "full");
    expect(visitor).not.toContain(`href="/meetings/${m.livePrivate}/room"`);
    expect(text(visitor)).toContain("登录后可以进入讨论室");
  });

  it("does not make the room the main button before the meeting is live", async () => {
    const after = afterTitle(await html(`/meetings/${m.soon}`, "zh-CN", "full"));
    const room = after.find((c) => c.href === `/meetings/${m.soon}/room`);
    expect(room).toBeDefined();
    expect(room!.cls).not.toContain("primary");
  });
});
