/**
 * 意见征集 (conversations), the reads: a conversation's page, the next statement to answer,
 * near-duplicates while writing, a council's and a meeting's conversations, and the statements
 * attached to a meeting's agenda. Writes are commands (`./commands.server.ts`).
 *
 * Nothing here names a participant: totals are counts, the map is the stored one (x, y, group),
 * and a person sees only their own answers.
 */
import { sql } from "kysely";
import { getDb } from "../../../db/client.server";
import type { RowsOf } from "../../../db/portable";
import {
  VOTE_CHOICES,
  VOTE_VALUE,
  windowState,
  type VoteChoice,
  type WindowState,
} from "~/domain/conversations/rules";
import { pickNextStatement, separationOf, type Candidate } from "~/domain/conversations/next";
import { can, type Actor } from "~/domain/permissions/policy";
import { keyWords, matchExpression } from "~/domain/search/segment";
import { orNull } from "../rows.server";
import type { Db } from "../runner/command.server";
import { matchingIds, rankExpression } from "../search.server";
import { storedMap, type StoredMap } from "./map.server";
import { committeeTarget, loadConversation, participationTarget } from "./shared.server";

const choiceOf = (vote: number): VoteChoice =>
  VOTE_CHOICES.find((c) => VOTE_VALUE[c] === vote) ?? "pass";

export interface StatementTotals {
  agree: number;
  disagree: number;
  pass: number;
}

/** A conversation's figures: each statement's answers, and the people and votes on accepted ones. */
interface Figures {
  totals: Map<number, StatementTotals>;
  participants: number;
  votes: number;
}

/**
 * Figures are aggregates over every vote of the conversation (up to millions of rows), read by
 * every page view and every next statement: each process keeps them for FIGURES_TTL_MS. A count a
 * second or two old is fine on a page that says how many answered; a person's own answers are
 * always read fresh.
 */
const FIGURES_TTL_MS = 2_000;
const FIGURES_KEPT = 200;
const g = globalThis as unknown as {
  __liuheConversationFigures?: Map<number, { at: number; figures: Figures }>;
};
const figuresCache = (g.__liuheConversationFigures ??= new Map());

async function figuresOf(conversationId: number): Promise<Figures> {
  const hit = figuresCache.get(conversationId);
  if (hit && Date.now() - hit.at < FIGURES_TTL_MS) return hit.figures;
  const db = getDb();
  const [rows, people] = await Promise.all([
    db
      .selectFrom("statementVotes")
      .select([
        "statementId",
        sql<number>`sum(case when vote = 1 then 1 else 0 end)`.as("agree"),
        sql<number>`sum(case when vote = -1 then 1 else 0 end)`.as("disagree"),
        sql<number>`sum(case when vote = 0 then 1 else 0 end)`.as("pass"),
      ])
      .where("conversationId", "=", conversationId)
      .groupBy("statementId")
      .execute(),
    db
      .selectFrom("statementVotes")
      .innerJoin("statements", "statements.id", "statementVotes.statementId")
      .select([
        (eb) => eb.fn.count<number | string>("statementVotes.userId").distinct().as("participants"),
        (eb) => eb.fn.countAll<number | string>().as("votes"),
      ])
      .where("statementVotes.conversationId", "=", conversationId)
      .where("statements.status", "=", "accepted")
      .executeTakeFirstOrThrow(),
  ]);
  const figures: Figures = {
    totals: new Map(
      rows.map((r) => [
        r.statementId,
        { agree: Number(r.agree), disagree: Number(r.disagree), pass: Number(r.pass) },
      ]),
    ),
    participants: Number(people.participants),
    votes: Number(people.votes),
  };
  // Bounded: only existing conversations get here, but there may be many of them.
  if (figuresCache.size >= FIGURES_KEPT) figuresCache.delete(figuresCache.keys().next().value!);
  figuresCache.set(conversationId, { at: Date.now(), figures });
  return figures;
}

/** The map as a page shows it: none yet, too few to draw (and why), or the map. */
export type MapView = { status: "none" } | ({ computedAt: string; stale: boolean } & StoredMap);

async function mapView(conversationId: number, lite: boolean): Promise<MapView> {
  const stored = await storedMap(conversationId);
  if (!stored) return { status: "none" };
  // 长辈版 shows tables, no scatter: the points would only weigh on the page.
  const map = lite ? { ...stored.map, points: [] } : stored.map;
  return { ...map, computedAt: stored.computedAt, stale: stored.stale };
}

/** A conversation's page; null when there is none (the route answers 404). */
export async function conversationPage(
  actor: Actor,
  conversationId: number,
  { lite = false, now = new Date() }: { lite?: boolean; now?: Date } = {},
) {
  const db = getDb();
  const c = await orNull(loadConversation(db, conversationId));
  if (!c) return null;
  const state = windowState(c, now);
  const participation = participationTarget(c, actor);
  const committee = committeeTarget(c);
  const canModerate = can(actor, "statement.moderate", committee);
  const canAttach = can(actor, "agenda.attachStatements", committee);
  const [area, meeting, statements, figures, mine, map] = await Promise.all([
    db
      .selectFrom("areas")
      .select(["id", "nameZh", "nameEn", "level"])
      .where("id", "=", c.areaId)
      .executeTakeFirstOrThrow(),
    c.meetingId === null
      ? null
      : db
          .selectFrom("meetings")
          .select(["id", "topic", "startsAt", "status"])
          .where("id", "=", c.meetingId)
          .executeTakeFirst(),
    db
      .selectFrom("statements")
      .select(["id", "body", "isSeed", "status", "rejectReason", "createdAt", "authorId"])
      .where("conversationId", "=", c.id)
      .orderBy("id")
      .execute(),
    figuresOf(c.id),
    actor.userId === null
      ? []
      : db
          .selectFrom("statementVotes")
          .innerJoin("statements", "statements.id", "statementVotes.statementId")
          .select(["statements.id", "statements.body", "statementVotes.vote", "votedAt"])
          .where("statementVotes.conversationId", "=", c.id)
          .where("statementVotes.userId", "=", actor.userId)
          .where("statements.status", "=", "accepted")
          .orderBy("votedAt", "desc")
          .execute(),
    mapView(c.id, lite),
  ]);
  const accepted = statements.filter((s) => s.status === "accepted");
  const agendaItems = canAttach ? await attachableItems(c) : [];
  return {
    conversation: {
      id: c.id,
      question: c.question,
      description: c.description,
      opensAt: c.opensAt,
      closesAt: c.closesAt,
      closedAt: c.closedAt,
      eligibility: c.eligibility,
      premoderation: c.premoderation,
      state,
      council: { id: c.councilId, name: c.councilName },
      community: area,
      meeting: meeting ?? null,
    },
    can: {
      vote: state === "open" && can(actor, "statement.vote", participation),
      submit: state === "open" && can(actor, "statement.submit", participation),
      moderate: canModerate,
      attach: canAttach && agendaItems.length > 0,
      close: state !== "closed" && can(actor, "conversation.close", committee),
    },
    counts: {
      participants: figures.participants,
      statements: accepted.length,
      votes: figures.votes,
    },
    myVoteCount: mine.length,
    myVotes: mine.map((v) => ({ statementId: v.id, body: v.body, vote: choiceOf(v.vote) })),
    pending: canModerate
      ? statements
          .filter((s) => s.status === "pending")
          .map((s) => ({ id: s.id, body: s.body, createdAt: s.createdAt }))
      : [],
    // The author's own statements that are not (or not yet) among the accepted: a statement
    // waiting for the committee, or turned away with its reason, is told to the one who wrote it.
    myStatements:
      actor.userId === null
        ? []
        : statements
            .filter((s) => s.authorId === actor.userId && s.status !== "accepted")
            .map((s) => ({
              id: s.id,
              body: s.body,
              status: s.status,
              reason: s.status === "rejected" ? (s.rejectReason ?? "") : null,
            })),
    rejected: canModerate
      ? statements
          .filter((s) => s.status === "rejected")
          .map((s) => ({ id: s.id, body: s.body, reason: s.rejectReason ?? "" }))
      : [],
    statements: accepted.map((s) => ({
      id: s.id,
      body: s.body,
      isSeed: s.isSeed === 1,
      ...(figures.totals.get(s.id) ?? { agree: 0, disagree: 0, pass: 0 }),
    })),
    map,
    agendaItems,
  };
}

/**
 * Agenda items the committee may attach statements to: the conversation's meeting's, or for a
 * conversation of the whole council, those of its meetings still to be held or under way.
 */
async function attachableItems(c: { councilId: number; meetingId: number | null }) {
  let q = getDb()
    .selectFrom("agendaItems")
    .innerJoin("meetings", "meetings.id", "agendaItems.meetingId")
    .select([
      "agendaItems.id",
      "agendaItems.title",
      "agendaItems.meetingId",
      "meetings.topic as meetingTopic",
    ])
    .where("meetings.councilId", "=", c.councilId)
    .orderBy("meetings.startsAt")
    .orderBy("agendaItems.position");
  q =
    c.meetingId === null
      ? q
          .where("meetings.status", "in", ["scheduled", "live"])
          .where("meetings.cancelledAt", "is", null)
      : q.where("meetings.id", "=", c.meetingId);
  const items = await q.execute();
  if (items.length === 0) return [];
  const attached = await getDb()
    .selectFrom("agendaStatements")
    .select(["agendaItemId", "statementId", "kind"])
    .where(
      "agendaItemId",
      "in",
      items.map((i) => i.id),
    )
    .execute();
  return items.map((i) => ({
    ...i,
    attached: attached
      .filter((a) => a.agendaItemId === i.id)
      .map((a) => ({ statementId: a.statementId, kind: a.kind })),
  }));
}

/** Every statement's number of answers (briefly kept: the next-statement choice needs no exact count). */
async function voteCounts(conversationId: number): Promise<Map<number, number>> {
  const { totals } = await figuresOf(conversationId);
  return new Map([...totals].map(([id, t]) => [id, t.agree + t.disagree + t.pass]));
}

/**
 * The next statement for this person (the rule: app/domain/conversations/next.ts), how many they
 * have left, and how many they answered. Null when they answered every accepted statement.
 */
export async function nextStatement(actor: Actor, conversationId: number) {
  const db = getDb();
  const [statements, mine, counts, stored] = await Promise.all([
    db
      .selectFrom("statements")
      .select(["id", "body"])
      .where("conversationId", "=", conversationId)
      .where("status", "=", "accepted")
      .execute(),
    actor.userId === null
      ? []
      : db
          .selectFrom("statementVotes")
          .select("statementId")
          .where("conversationId", "=", conversationId)
          .where("userId", "=", actor.userId)
          .execute(),
    voteCounts(conversationId),
    storedMap(conversationId),
  ]);
  const separation = new Map<number, number>();
  if (stored?.map.status === "ok") {
    for (const s of stored.map.stats) separation.set(s.statement, separationOf(s.perGroup));
  }
  const candidates: Candidate[] = statements.map((s) => ({
    id: s.id,
    body: s.body,
    votes: counts.get(s.id) ?? 0,
    separation: separation.get(s.id) ?? 0,
  }));
  const accepted = new Set(statements.map((s) => s.id));
  const voted = new Set(mine.map((m) => m.statementId).filter((id) => accepted.has(id)));
  const pick = pickNextStatement(actor.userId ?? 0, candidates, voted);
  return {
    statement: pick ? { id: pick.id, body: pick.body } : null,
    remaining: statements.length - voted.size,
    myVotes: voted.size,
  };
}

/**
 * Accepted statements of the conversation that look like `words` (the same search as projects),
 * best first: shown while someone writes, so that they vote on it instead of repeating it.
 */
export async function similarStatements(conversationId: number, words: string, limit = 5) {
  const expression = matchExpression(words);
  if (!expression) return [];
  const accepted = () =>
    getDb()
      .selectFrom("statements")
      .select(["id", "body"])
      .where("conversationId", "=", conversationId)
      .where("status", "=", "accepted");
  // First the statements holding every word typed, best match first: what the projects' search
  // finds.
  const whole = await accepted()
    .where("statements.id", "in", matchingIds("statement", expression))
    .orderBy(rankExpression("statement", expression, "statements.id"))
    .orderBy("id")
    .limit(limit)
    .execute();
  if (whole.length >= limit) return whole;
  // A whole sentence is seldom all in another one ("我觉得消防通道上不能停车" is not in
  // "消防通道上绝不能停车"), so then the statements that share enough of its words: at least two
  // and a third of them, the most shared first. One query per word, at most eight.
  const keys = keyWords(words);
  const shared = new Map<number, { id: number; body: string; n: number }>();
  for (const key of keys) {
    const e = matchExpression(key);
    if (!e) continue;
    for (const row of await accepted()
      .where("statements.id", "in", matchingIds("statement", e))
      .execute()) {
      const hit = shared.get(row.id) ?? { ...row, n: 0 };
      hit.n++;
      shared.set(row.id, hit);
    }
  }
  const enough = Math.max(2, Math.ceil(keys.length / 3));
  const found = new Set(whole.map((w) => w.id));
  const more = [...shared.values()]
    .filter((h) => h.n >= enough && !found.has(h.id))
    .sort((a, b) => b.n - a.n || a.id - b.id)
    .slice(0, limit - whole.length)
    .map(({ id, body }) => ({ id, body }));
  return [...whole, ...more];
}

/** The list entries of conversations as a query (for `readTogether`): question, window, size. */
function listedRows(db: Db, where: { councilId?: number; meetingId?: number }) {
  let q = db
    .selectFrom("conversations")
    .select((eb) => [
      "conversations.id",
      "conversations.question",
      "conversations.meetingId",
      "conversations.opensAt",
      "conversations.closesAt",
      "conversations.closedAt",
      "conversations.eligibility",
      eb
        .selectFrom("statements")
        .select((e) => e.fn.countAll<number | string>().as("n"))
        .whereRef("statements.conversationId", "=", "conversations.id")
        .where("statements.status", "=", "accepted")
        .as("statements"),
      eb
        .selectFrom("statementVotes")
        .select((e) => e.fn.count<number | string>("statementVotes.userId").distinct().as("n"))
        .whereRef("statementVotes.conversationId", "=", "conversations.id")
        .as("participants"),
    ])
    .orderBy("conversations.opensAt", "desc")
    .orderBy("conversations.id", "desc");
  if (where.councilId !== undefined) q = q.where("conversations.councilId", "=", where.councilId);
  if (where.meetingId !== undefined) q = q.where("conversations.meetingId", "=", where.meetingId);
  return q;
}

/** A list entry of a conversation, from its row of `listedRows`, in its state at `now`. */
function listedEntry(r: RowsOf<ReturnType<typeof listedRows>>[number], now: Date) {
  return {
    id: r.id,
    question: r.question,
    meetingId: r.meetingId,
    opensAt: r.opensAt,
    closesAt: r.closesAt,
    closedAt: r.closedAt,
    eligibility: r.eligibility,
    state: windowState(r, now) satisfies WindowState,
    statements: Number(r.statements ?? 0),
    participants: Number(r.participants ?? 0),
  };
}

async function listed(where: { councilId?: number; meetingId?: number }, now: Date) {
  return (await listedRows(getDb(), where).execute()).map((r) => listedEntry(r, now));
}

/** A council's conversations, newest first (its own and its meetings'). */
export function councilConversations(councilId: number, now: Date = new Date()) {
  return listed({ councilId }, now);
}

/** A meeting's conversations, newest first. */
export function meetingConversations(meetingId: number, now: Date = new Date()) {
  return listed({ meetingId }, now);
}

/**
 * A meeting's conversations as a query (for `readTogether`), and the list made from its rows.
 */
export const meetingConversationRows = (db: Db, meetingId: number) => listedRows(db, { meetingId });
export const meetingConversationsOf = (
  rows: RowsOf<ReturnType<typeof listedRows>>,
  now: Date = new Date(),
) => rows.map((r) => listedEntry(r, now));

/** The statements attached to a meeting's agenda items, as a query (for `readTogether`). */
export function agendaStatementRows(db: Db, meetingId: number) {
  return db
    .selectFrom("agendaStatements")
    .innerJoin("agendaItems", "agendaItems.id", "agendaStatements.agendaItemId")
    .innerJoin("statements", "statements.id", "agendaStatements.statementId")
    .select([
      "agendaItems.id as agendaItemId",
      "agendaItems.position",
      "agendaItems.title",
      "statements.id",
      "statements.body",
      "statements.conversationId",
      "agendaStatements.kind",
    ])
    .where("agendaItems.meetingId", "=", meetingId)
    .orderBy("agendaItems.position")
    .orderBy("agendaStatements.kind")
    .orderBy("statements.id");
}

/**
 * Per agenda item of a meeting, the statements the committee attached, with their kind and the
 * map's figures: the answers so far, each group's, and the consensus or divisive score when the
 * last map has one. Items without statements are left out.
 */
export async function agendaStatements(meetingId: number) {
  return agendaStatementsOf(await agendaStatementRows(getDb(), meetingId).execute());
}

/** `agendaStatements` from the rows of `agendaStatementRows`. */
export async function agendaStatementsOf(rows: RowsOf<ReturnType<typeof agendaStatementRows>>) {
  const conversations = [...new Set(rows.map((r) => r.conversationId))];
  const figures = new Map<
    number,
    { totals: Map<number, StatementTotals>; map: StoredMap | null }
  >();
  for (const id of conversations) {
    figures.set(id, {
      totals: (await figuresOf(id)).totals,
      map: (await storedMap(id))?.map ?? null,
    });
  }
  const items = new Map<number, { agendaItemId: number; title: string; statements: unknown[] }>();
  const out: Array<{
    agendaItemId: number;
    title: string;
    statements: Array<{
      id: number;
      body: string;
      conversationId: number;
      kind: "consensus" | "divisive";
      agree: number;
      disagree: number;
      pass: number;
      perGroup: { group: number; agree: number; disagree: number; pass: number; seen: number }[];
      consensus: number | null;
      divisive: number | null;
    }>;
  }> = [];
  for (const r of rows) {
    let item = items.get(r.agendaItemId);
    if (!item) {
      item = { agendaItemId: r.agendaItemId, title: r.title, statements: [] };
      items.set(r.agendaItemId, item);
      out.push(item as (typeof out)[number]);
    }
    const f = figures.get(r.conversationId)!;
    const ok = f.map?.status === "ok" ? f.map : null;
    (item as (typeof out)[number]).statements.push({
      id: r.id,
      body: r.body,
      conversationId: r.conversationId,
      kind: r.kind,
      ...(f.totals.get(r.id) ?? { agree: 0, disagree: 0, pass: 0 }),
      perGroup: ok?.stats.find((s) => s.statement === r.id)?.perGroup ?? [],
      consensus: ok?.consensus.find((s) => s.statement === r.id)?.score ?? null,
      divisive: ok?.divisive.find((s) => s.statement === r.id)?.score ?? null,
    });
  }
  return out;
}
