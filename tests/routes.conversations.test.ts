/**
 * The 意见征集 pages as Remix calls them, against a real database: the committee starts a
 * conversation (and is refused with what it typed kept); residents vote one statement at a time
 * (plain POST and the fetcher's answer), change a vote, write statements with near-duplicates
 * pointed out; the committee moderates, attaches statements to an agenda item, which the meeting
 * page, its printed agenda and the minutes then carry; the map section says "too few" plainly or
 * draws the scatter with its tables; the export; and the whole pages in both languages and modes.
 */
import { gzipSync } from "node:zlib";
import { createRequestHandler } from "@remix-run/node";
import { beforeAll, describe, expect, it } from "vitest";
import { getDb } from "../db/client.server";
import en from "../public/locales/en/conversations.json";
import zh from "../public/locales/zh-CN/conversations.json";
import * as root from "~/root";
import * as conversationRoute from "~/routes/conversations.$id._index";
import * as exportRoute from "~/routes/conversations.$id.export.$file";
import * as similarRoute from "~/routes/conversations.$id.similar";
import * as councilRoute from "~/routes/councils.$id._index";
import * as newRoute from "~/routes/councils.$id.conversations.new";
import * as meetingRoute from "~/routes/meetings.$id._index";
import * as printRoute from "~/routes/meetings.$id.print";
import { mapsSettled } from "~/services/conversations/map.server";
import { chinaDateTimeLocal } from "~/domain/time";
import { routesBuild } from "./support/builds";
import {
  cookieFor,
  makeCommittee,
  makeCommunity,
  makeMeeting,
  makeMeetingAt,
  makeMembership,
  makeUser,
} from "./support/factories";
import { body, formRequest, run } from "./support/remix";

let community: number;
let councilId: number;
let meetingId: number;
let items: number[];
let committee: string;
let residents: string[];
let outsider: string;
let conversationId: number;
let seedIds: number[];

const HOUR = 3_600_000;
const SEEDS = ["小区应该增设电动车充电桩", "夜间停车应该收费", "绿地不应该改成停车位"];

const get = (path: string, cookie?: string) =>
  new Request(`http://localhost${path}`, { headers: cookie ? { Cookie: cookie } : {} });
const post = (path: string, fields: Record<string, string | string[]>, cookie: string) =>
  formRequest(path, fields, { Cookie: cookie });

/** Text as React writes it into HTML. */
const escaped = (s: string) => s.replaceAll("'", "&#x27;").replaceAll('"', "&quot;");

interface Refused {
  values: Record<string, string>;
  errors: Record<string, { key: string }>;
}

function conversationForm(over: Record<string, string> = {}) {
  return {
    question: "小区停车怎么管？",
    description: "下月圆桌会讨论停车，先听听大家的看法。",
    meetingId: String(meetingId),
    opensAt: chinaDateTimeLocal(new Date(Date.now() - HOUR)),
    closesAt: chinaDateTimeLocal(new Date(Date.now() + 14 * 24 * HOUR)),
    eligibility: "residents",
    seeds: SEEDS.join("\n"),
    ...over,
  };
}

async function startConversation(over: Record<string, string> = {}) {
  const res = await run(
    newRoute.action,
    post(`/councils/${councilId}/conversations/new`, conversationForm(over), committee),
    { id: String(councilId) },
  );
  expect(res.status).toBe(302);
  const m = /^\/conversations\/(\d+)\?done=created$/.exec(res.headers.get("Location") ?? "");
  expect(m).not.toBeNull();
  return Number(m![1]);
}

const page = (id: number, cookie?: string, query = "") =>
  run(conversationRoute.loader, get(`/conversations/${id}${query}`, cookie), { id: String(id) });
const act = (id: number, fields: Record<string, string | string[]>, cookie: string) =>
  run(conversationRoute.action, post(`/conversations/${id}?index`, fields, cookie), {
    id: String(id),
  });

async function countRows(table: "conversations" | "statements" | "statementVotes") {
  const r = await getDb()
    .selectFrom(table)
    .select((eb) => eb.fn.countAll<number | string>().as("n"))
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

beforeAll(async () => {
  community = await makeCommunity("东坡路");
  ({ councilId, meetingId, items } = await makeMeeting(community, { status: "live" }));
  const c = await makeUser({ displayName: "居委会 陈" });
  await makeCommittee(c, community);
  committee = await cookieFor(c);
  residents = [];
  for (let i = 0; i < 3; i++) {
    const u = await makeUser({ displayName: `居民 ${i}` });
    await makeMembership(u, community, "verified");
    residents.push(await cookieFor(u));
  }
  outsider = await cookieFor(await makeUser({ displayName: "外人" }));
  conversationId = await startConversation();
  const rows = await getDb()
    .selectFrom("statements")
    .select(["id", "body"])
    .where("conversationId", "=", conversationId)
    .orderBy("id")
    .execute();
  expect(rows.map((r) => r.body)).toEqual(SEEDS);
  seedIds = rows.map((r) => r.id);
});

describe("/councils/:id/conversations/new", () => {
  it("is the committee's: a resident is refused, the committee sees the council's meetings", async () => {
    const refused = await run(
      newRoute.loader,
      get(`/councils/${councilId}/conversations/new`, residents[0]),
      { id: String(councilId) },
    );
    expect(refused.status).toBe(403);
    const ok = await body<{ meetings: Array<{ id: number }>; initial: { meetingId: string } }>(
      await run(
        newRoute.loader,
        get(`/councils/${councilId}/conversations/new?meeting=${meetingId}`, committee),
        { id: String(councilId) },
      ),
    );
    expect(ok.meetings.map((m) => m.id)).toContain(meetingId);
    expect(ok.initial.meetingId).toBe(String(meetingId));
  });

  it("offers no cancelled meeting, and refuses one posted all the same", async () => {
    const cancelled = await makeMeetingAt(councilId, "取消了的议事", "scheduled", 48, 50);
    await getDb()
      .updateTable("meetings")
      .set({ cancelledAt: new Date().toISOString(), cancelReason: "暴雨" })
      .where("id", "=", cancelled)
      .execute();
    const page = await body<{ meetings: Array<{ id: number }> }>(
      await run(newRoute.loader, get(`/councils/${councilId}/conversations/new`, committee), {
        id: String(councilId),
      }),
    );
    expect(page.meetings.map((m) => m.id)).toContain(meetingId);
    expect(page.meetings.map((m) => m.id)).not.toContain(cancelled);
    const before = await countRows("conversations");
    const res = await run(
      newRoute.action,
      post(
        `/councils/${councilId}/conversations/new`,
        conversationForm({ meetingId: String(cancelled) }),
        committee,
      ),
      { id: String(councilId) },
    );
    expect(res.status).toBe(409);
    const r = await body<Refused>(res);
    expect(r.errors.meetingId?.key).toBe("conversations:errors.meetingCancelled");
    expect(r.values.question).toBe("小区停车怎么管？");
    expect(await countRows("conversations")).toBe(before);
  });

  it("refuses a closing time before the opening, keeps what was typed, writes nothing", async () => {
    const before = await countRows("conversations");
    const res = await run(
      newRoute.action,
      post(
        `/councils/${councilId}/conversations/new`,
        conversationForm({
          question: "晚上几点以后禁止鸣笛？",
          closesAt: chinaDateTimeLocal(new Date(Date.now() - 2 * HOUR)),
        }),
        committee,
      ),
      { id: String(councilId) },
    );
    expect(res.status).toBe(400);
    const r = await body<Refused>(res);
    expect(r.values.question).toBe("晚上几点以后禁止鸣笛？");
    expect(r.errors.closesAt?.key).toBe("conversations:errors.closesBeforeOpens");
    expect(await countRows("conversations")).toBe(before);
  });
});

describe("/conversations/:id", () => {
  it("shows anyone the question and the statements; voting is for residents", async () => {
    const data = await body<{
      conversation: { question: string; state: string };
      can: { vote: boolean };
      next: unknown;
      statements: Array<{ body: string }>;
      map: { status: string };
      signedIn: boolean;
    }>(await page(conversationId));
    expect(data.conversation.question).toBe("小区停车怎么管？");
    expect(data.conversation.state).toBe("open");
    expect(data.can.vote).toBe(false);
    expect(data.next).toBeNull();
    expect(data.signedIn).toBe(false);
    expect(data.statements.map((s) => s.body)).toEqual(SEEDS);
    expect(data.map.status).toBe("none");
    const outside = await body<{ can: { vote: boolean } }>(await page(conversationId, outsider));
    expect(outside.can.vote).toBe(false);
  });

  it("answers 404 for a conversation that does not exist", async () => {
    const res = await page(999_999);
    expect(res.status).toBe(404);
  });

  it("takes a vote by plain POST, then by the fetcher, and the next statement is a new one", async () => {
    type Next = {
      next: {
        statement: { id: number } | null;
        remaining: number;
        myVotes: Array<{ id: number; vote: string }>;
      };
    };
    const first = (await body<Next>(await page(conversationId, residents[0]))).next;
    expect(first.remaining).toBe(3);
    const plain = await act(
      conversationId,
      { intent: "vote", statementId: String(first.statement!.id), vote: "agree" },
      residents[0]!,
    );
    expect(plain.status).toBe(302);
    expect(plain.headers.get("Location")).toBe(`/conversations/${conversationId}?done=voted#vote`);
    const second = (await body<Next>(await page(conversationId, residents[0]))).next;
    expect(second.statement!.id).not.toBe(first.statement!.id);
    expect(second.remaining).toBe(2);
    const fetched = await act(
      conversationId,
      { intent: "vote", statementId: String(second.statement!.id), vote: "pass", via: "fetcher" },
      residents[0]!,
    );
    expect(fetched.status).toBe(200);
    expect(await body(fetched)).toEqual({ voted: true });
    const third = (await body<Next>(await page(conversationId, residents[0]))).next;
    expect(third.myVotes).toHaveLength(2);
    expect(third.statement!.id).not.toBe(first.statement!.id);
    expect(third.statement!.id).not.toBe(second.statement!.id);
  });

  it("changes a vote: the same row, the new answer", async () => {
    const before = await countRows("statementVotes");
    const res = await act(
      conversationId,
      { intent: "vote", statementId: String(seedIds[0]), vote: "disagree" },
      residents[1]!,
    );
    expect(res.status).toBe(302);
    const again = await act(
      conversationId,
      { intent: "vote", statementId: String(seedIds[0]), vote: "agree" },
      residents[1]!,
    );
    expect(again.status).toBe(302);
    expect(await countRows("statementVotes")).toBe(before + 1);
    const data = await body<{ next: { myVotes: Array<{ id: number; vote: string }> } }>(
      await page(conversationId, residents[1]),
    );
    expect(data.next.myVotes).toEqual([expect.objectContaining({ id: seedIds[0], vote: "agree" })]);
  });

  it("refuses a vote on another conversation's statement, an unknown answer, an outsider", async () => {
    const other = await startConversation({ question: "垃圾分类点放哪里？", seeds: "放在北门" });
    const [foreign] = await getDb()
      .selectFrom("statements")
      .select("id")
      .where("conversationId", "=", other)
      .execute();
    const before = await countRows("statementVotes");
    const wrong = await act(
      conversationId,
      { intent: "vote", statementId: String(foreign!.id), vote: "agree", via: "fetcher" },
      residents[2]!,
    );
    expect(wrong.status).toBeGreaterThanOrEqual(400);
    expect(wrong.status).toBeLessThan(500);
    const w = await body<Refused>(wrong);
    expect(Object.values(w.errors)[0]!.key).toMatch(/^conversations:errors\./);
    const maybe = await act(
      conversationId,
      { intent: "vote", statementId: String(seedIds[0]), vote: "maybe" },
      residents[2]!,
    );
    expect(maybe.status).toBe(400);
    // Only a forged form sends another answer than the three buttons.
    expect((await body<Refused>(maybe)).errors._form?.key).toBe("errors.badForm");
    const stranger = await act(
      conversationId,
      { intent: "vote", statementId: String(seedIds[0]), vote: "agree" },
      outsider,
    );
    expect(stranger.status).toBe(403);
    expect(await countRows("statementVotes")).toBe(before);
  });

  it("points out near-duplicates before taking a statement; confirmed, it is taken", async () => {
    const before = await countRows("statements");
    const empty = await act(conversationId, { intent: "statement", body: "   " }, residents[2]!);
    expect(empty.status).toBe(400);
    expect((await body<Refused>(empty)).errors.body).toBeDefined();
    const long = "停".repeat(141);
    const tooLong = await act(
      conversationId,
      { intent: "statement", body: long, confirm: "1" },
      residents[2]!,
    );
    expect(tooLong.status).toBe(400);
    const kept = await body<Refused>(tooLong);
    expect(kept.values.body).toBe(long);
    expect(kept.errors.body).toBeDefined();

    // The search is the projects' one: every word typed must be in the statement found.
    const text = "增设电动车充电桩";
    const check = await act(conversationId, { intent: "statement", body: text }, residents[2]!);
    expect(check.status).toBe(200);
    const answer = await body<{ similar: Array<{ id: number }>; values: { body: string } }>(check);
    expect(answer.similar.map((s) => s.id)).toContain(seedIds[0]);
    expect(answer.values.body).toBe(text);
    expect(await countRows("statements")).toBe(before);

    const resource = await body<{ q: string; similar: Array<{ id: number }> }>(
      await run(
        similarRoute.loader,
        get(`/conversations/${conversationId}/similar?q=${encodeURIComponent("充电桩")}`),
        { id: String(conversationId) },
      ),
    );
    expect(resource.similar.map((s) => s.id)).toContain(seedIds[0]);

    const taken = await act(
      conversationId,
      { intent: "statement", body: text, confirm: "1" },
      residents[2]!,
    );
    expect(taken.status).toBe(302);
    expect(taken.headers.get("Location")).toContain("done=submitted");
    expect(await countRows("statements")).toBe(before + 1);
  });

  it("premoderated: the statement waits; rejecting needs a reason, kept when refused", async () => {
    const moderated = await startConversation({
      question: "快递柜放在哪里？",
      premoderation: "yes",
      seeds: "",
    });
    const sent = await act(
      moderated,
      { intent: "statement", body: "快递柜放在物业旁边", confirm: "1" },
      residents[0]!,
    );
    expect(sent.headers.get("Location")).toContain("done=pending");
    const queue = await body<{ pending: Array<{ id: number; body: string }> }>(
      await page(moderated, committee),
    );
    expect(queue.pending.map((p) => p.body)).toEqual(["快递柜放在物业旁边"]);
    const residentView = await body<{
      pending: unknown[];
      statements: unknown[];
      myStatements: unknown[];
    }>(await page(moderated, residents[1]));
    expect(residentView.pending).toEqual([]);
    expect(residentView.statements).toEqual([]);
    expect(residentView.myStatements).toEqual([]);
    // Its author is told it waits.
    const authorView = await body<{ myStatements: unknown[] }>(await page(moderated, residents[0]));
    expect(authorView.myStatements).toEqual([
      expect.objectContaining({ body: "快递柜放在物业旁边", status: "pending", reason: null }),
    ]);
    const statementId = String(queue.pending[0]!.id);
    const noReason = await act(
      moderated,
      { intent: "moderate", statementId, decision: "reject", reason: "" },
      committee,
    );
    expect(noReason.status).toBe(400);
    expect((await body<Refused>(noReason)).errors.reason?.key).toBe(
      "conversations:errors.reasonRequired",
    );
    const byResident = await act(
      moderated,
      { intent: "moderate", statementId, decision: "accept" },
      residents[0]!,
    );
    expect(byResident.status).toBe(403);
    const accepted = await act(
      moderated,
      { intent: "moderate", statementId, decision: "accept" },
      committee,
    );
    expect(accepted.headers.get("Location")).toContain("done=moderated");
    const after = await body<{ pending: unknown[]; statements: Array<{ body: string }> }>(
      await page(moderated, committee),
    );
    expect(after.pending).toEqual([]);
    expect(after.statements.map((s) => s.body)).toEqual(["快递柜放在物业旁边"]);

    // Rejected with its reason: the committee's page keeps both; nobody else sees them.
    await act(
      moderated,
      { intent: "statement", body: "快递柜太贵了，谁赚钱谁出钱", confirm: "1" },
      residents[1]!,
    );
    const next = await body<{ pending: Array<{ id: number }> }>(await page(moderated, committee));
    const rejected = await act(
      moderated,
      {
        intent: "moderate",
        statementId: String(next.pending[0]!.id),
        decision: "reject",
        reason: "没有具体建议",
      },
      committee,
    );
    expect(rejected.headers.get("Location")).toContain("done=moderated");
    const kept = await body<{ rejected: Array<{ body: string; reason: string }> }>(
      await page(moderated, committee),
    );
    expect(kept.rejected).toEqual([
      expect.objectContaining({ body: "快递柜太贵了，谁赚钱谁出钱", reason: "没有具体建议" }),
    ]);
    const seenByResident = await body<{ rejected: unknown[]; statements: unknown[] }>(
      await page(moderated, residents[1]),
    );
    expect(seenByResident.rejected).toEqual([]);
    expect(seenByResident.statements).toHaveLength(1);
    // Its author (and only its author) reads that it was not accepted, and why, in the page.
    const authorPage = await page(moderated, residents[1]);
    expect((await body<{ myStatements: unknown[] }>(authorPage)).myStatements).toEqual([
      expect.objectContaining({ status: "rejected", reason: "没有具体建议" }),
    ]);
    expect(
      (await body<{ myStatements: unknown[] }>(await page(moderated, residents[0]))).myStatements,
    ).toEqual([]);
  });
});

/** A stored map, as the recompute writes it (points carry x, y and group only). */
async function storeMap(id: number, result: Record<string, unknown>) {
  const db = getDb();
  await mapsSettled();
  const row = {
    computedAt: new Date().toISOString(),
    result: JSON.stringify(result),
    votesSeen: 42,
  };
  const done = await db
    .updateTable("opinionMaps")
    .set(row)
    .where("conversationId", "=", id)
    .executeTakeFirst();
  if (Number(done.numUpdatedRows) === 0) {
    await db
      .insertInto("opinionMaps")
      .values({
        conversationId: id,
        ...row,
        assignments: null,
        claimedBy: null,
        claimedUntil: null,
      })
      .execute();
  }
}

function okMap(s: number[]) {
  const perGroup = (a: number, d: number) => [
    { group: 0, agree: a, disagree: d, pass: 0, seen: a + d },
    { group: 1, agree: d, disagree: a, pass: 0, seen: a + d },
  ];
  return {
    status: "ok",
    participantsVoting: 12,
    participantsInMap: 10,
    statements: 3,
    votes: 30,
    k: 2,
    silhouette: 0.61,
    explained: [0.5, 0.2],
    points: [
      ...Array.from({ length: 6 }, (_, i) => ({ x: -1 - i / 10, y: i / 10, group: 0 })),
      ...Array.from({ length: 4 }, (_, i) => ({ x: 1 + i / 10, y: -i / 10, group: 1 })),
    ],
    groups: [
      {
        id: 0,
        size: 6,
        representative: [
          {
            statement: s[1],
            direction: "agree",
            probability: 0.86,
            restProbability: 0.17,
            ratio: 5,
            z: 3.1,
            count: 5,
            seen: 6,
          },
        ],
      },
      {
        id: 1,
        size: 4,
        representative: [
          {
            statement: s[1],
            direction: "disagree",
            probability: 0.83,
            restProbability: 0.13,
            ratio: 6,
            z: 2.9,
            count: 4,
            seen: 4,
          },
        ],
      },
    ],
    consensus: [{ statement: s[0], score: 0.72, perGroup: perGroup(5, 1) }],
    divisive: [{ statement: s[1], score: 0.64, perGroup: perGroup(5, 1) }],
    stats: [],
  };
}

describe("the map, attaching to the agenda, the meeting, the export", () => {
  const handler = createRequestHandler(
    routesBuild({
      root: ["", undefined, root],
      "routes/conversations.$id._index": ["conversations/:id", "root", conversationRoute],
      "routes/meetings.$id._index": ["meetings/:id", "root", meetingRoute],
      "routes/meetings.$id.print": ["meetings/:id/print", "root", printRoute],
    }),
  );
  async function whole(url: string, lng: string, mode: string, cookie = "") {
    const res = await handler(
      new Request(`http://localhost${url}`, {
        headers: { Cookie: `lng=${lng}; mode=${mode}${cookie ? `; ${cookie}` : ""}` },
      }),
    );
    const bytes = new Uint8Array(await res.arrayBuffer());
    return { status: res.status, html: new TextDecoder().decode(bytes), bytes };
  }
  const words = { "zh-CN": zh, en } as const;

  it("says plainly that there are too few votes, and draws nothing", async () => {
    await storeMap(conversationId, {
      status: "tooFew",
      reason: "participants",
      participantsVoting: 3,
      participantsInMap: 0,
      statements: 4,
      votes: 5,
      k: 0,
      silhouette: null,
      explained: null,
      points: [],
      groups: [],
      consensus: [],
      divisive: [],
      stats: [],
    });
    for (const lng of ["zh-CN", "en"] as const) {
      const { status, html } = await whole(`/conversations/${conversationId}`, lng, "full");
      expect(status).toBe(200);
      expect(html).toContain(words[lng].map.tooFew);
      expect(html).not.toContain("<svg");
    }
  });

  it("draws the scatter with its tables; 长辈版 has the tables alone, small, without script", async () => {
    await storeMap(conversationId, okMap(seedIds));
    for (const lng of ["zh-CN", "en"] as const) {
      const w = words[lng];
      for (const mode of ["full", "lite"] as const) {
        for (const who of ["", residents[2]!, committee]) {
          const { status, html, bytes } = await whole(
            `/conversations/${conversationId}`,
            lng,
            mode,
            who,
          );
          const label = `${lng} ${mode} ${who ? "signed in" : "anonymous"}`;
          expect(status, label).toBe(200);
          expect(html.includes("\0"), label).toBe(false);
          expect(html, label).not.toMatch(/\{\{|conversations:/);
          expect(html, label).toContain(w.map.consensus);
          expect(html, label).toContain(SEEDS[0]);
          expect(html, label).toContain("86%");
          if (mode === "full") {
            expect(html.match(/<svg role="img"/g), label).toHaveLength(1);
            expect(html).toMatch(/<title id="opinion-map-title">[^<]+<\/title>/);
            expect(html).not.toContain("<style");
            // Nobody is named: the page's data carries no point ids, the chart no tooltip.
            expect(html).not.toMatch(/"participant"\s*:/);
          } else {
            expect(html, label).not.toContain("<script");
            expect(html, label).not.toContain("<svg");
            expect(gzipSync(bytes).length, label).toBeLessThanOrEqual(14 * 1024);
          }
          if (who === residents[2]) {
            expect(html, label).toContain(w.vote.agree);
            expect(html, label).toContain(w.vote.disagree);
            expect(html, label).toContain(w.vote.pass);
          }
          if (who === committee) expect(html, label).toContain(escaped(w.attach.title));
        }
      }
    }
  });

  it("attaches statements to an agenda item: the meeting page, the print and the minutes carry them", async () => {
    const committeePage = await body<{
      attach: { items: Array<{ id: number }>; consensus: Array<{ id: number }> };
    }>(await page(conversationId, committee));
    expect(committeePage.attach.items.map((i) => i.id)).toEqual(items);
    expect(committeePage.attach.consensus.map((s) => s.id)).toEqual([seedIds[0]]);

    const none = await act(
      conversationId,
      { intent: "attach", agendaItemId: String(items[0]), kind: "consensus" },
      committee,
    );
    expect(none.status).toBe(400);
    expect((await body<Refused>(none)).errors.statementIds?.key).toBe(
      "conversations:errors.noStatementsPicked",
    );
    const byResident = await act(
      conversationId,
      {
        intent: "attach",
        agendaItemId: String(items[0]),
        kind: "consensus",
        statementIds: [String(seedIds[0])],
      },
      residents[0]!,
    );
    expect(byResident.status).toBe(403);
    const ok = await act(
      conversationId,
      {
        intent: "attach",
        agendaItemId: String(items[0]),
        kind: "consensus",
        statementIds: [String(seedIds[0])],
      },
      committee,
    );
    expect(ok.headers.get("Location")).toContain("done=attached");

    const meeting = await body<{
      attached: Array<{ agendaItemId: number; statementId: number; kind: string }>;
      conversations: Array<{ id: number }>;
    }>(await run(meetingRoute.loader, get(`/meetings/${meetingId}`), { id: String(meetingId) }));
    expect(meeting.attached).toEqual([
      expect.objectContaining({
        agendaItemId: items[0],
        statementId: seedIds[0],
        kind: "consensus",
      }),
    ]);
    expect(meeting.conversations.map((c) => c.id)).toContain(conversationId);
    for (const url of [`/meetings/${meetingId}`, `/meetings/${meetingId}/print`]) {
      for (const mode of ["full", "lite"]) {
        const { status, html } = await whole(url, "zh-CN", mode);
        expect(status, url).toBe(200);
        expect(html, url).toContain(`观点 #${seedIds[0]}（共识）：${SEEDS[0]}`);
      }
    }

    // The minutes cite it: the line goes into the summary as text.
    const minutes = await run(
      meetingRoute.action,
      post(
        `/meetings/${meetingId}?index`,
        {
          intent: "minutes",
          agendaItemId: String(items[0]),
          summary: "大家同意增设充电桩。",
          decisions: "",
          cite: [String(seedIds[0]), "999999"],
        },
        committee,
      ),
      { id: String(meetingId) },
    );
    expect(minutes.status).toBe(302);
    const written = await getDb()
      .selectFrom("minutes")
      .select("summary")
      .where("agendaItemId", "=", items[0]!)
      .executeTakeFirstOrThrow();
    expect(written.summary).toBe(`大家同意增设充电桩。\n观点 #${seedIds[0]}：${SEEDS[0]}`);

    // Removed from the meeting page, it is gone from the agenda.
    const detached = await run(
      meetingRoute.action,
      post(
        `/meetings/${meetingId}?index`,
        {
          intent: "detachStatement",
          agendaItemId: String(items[0]),
          statementId: String(seedIds[0]),
        },
        committee,
      ),
      { id: String(meetingId) },
    );
    expect(detached.headers.get("Location")).toContain("done=detached");
    const after = await body<{ attached: unknown[] }>(
      await run(meetingRoute.loader, get(`/meetings/${meetingId}`), { id: String(meetingId) }),
    );
    expect(after.attached).toEqual([]);
  });

  it("lists the council's conversations, and offers the committee a new one", async () => {
    const data = await body<{ conversations: Array<{ id: number }>; canConverse: boolean }>(
      await run(councilRoute.loader, get(`/councils/${councilId}`, committee), {
        id: String(councilId),
      }),
    );
    expect(data.conversations.map((c) => c.id)).toContain(conversationId);
    expect(data.canConverse).toBe(true);
    const resident = await body<{ canConverse: boolean }>(
      await run(councilRoute.loader, get(`/councils/${councilId}`, residents[0]), {
        id: String(councilId),
      }),
    );
    expect(resident.canConverse).toBe(false);
  });

  it("exports the Polis files with the licence; an unknown file is a 404", async () => {
    const res = await run(
      exportRoute.loader,
      get(`/conversations/${conversationId}/export/comments.csv`),
      { id: String(conversationId), file: "comments.csv" },
    );
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toMatch(/^text\/csv/);
    expect(res.headers.get("Link")).toContain('rel="license"');
    const text = await res.text();
    expect(text.split("\n")[0]).toContain("comment-id");
    expect(text).toContain(SEEDS[0]);
    const missing = await run(
      exportRoute.loader,
      get(`/conversations/${conversationId}/export/secrets.csv`),
      { id: String(conversationId), file: "secrets.csv" },
    );
    expect(missing.status).toBe(404);
  });

  it("closes early: no more votes, the page says so", async () => {
    const closed = await act(conversationId, { intent: "close" }, committee);
    expect(closed.headers.get("Location")).toContain("done=closed");
    const late = await act(
      conversationId,
      { intent: "vote", statementId: String(seedIds[2]), vote: "agree" },
      residents[2]!,
    );
    expect(late.status).toBe(409);
    const data = await body<{ conversation: { state: string }; can: { vote: boolean } }>(
      await page(conversationId, residents[2]),
    );
    expect(data.conversation.state).toBe("closed");
    expect(data.can.vote).toBe(false);
  });
});
