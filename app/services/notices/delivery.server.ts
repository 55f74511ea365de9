/**
 * Notices, the outbox and its delivery (issue 16; the Decision of 2026-12-02 in the README).
 *
 * A command announces something with `ctx.notify(draft)`: the runner writes ONE `notice_outbox`
 * row in the command's own transaction (`writeOutbox`), whoever it is for — one resident or a
 * community of 20,000. Once the transaction commits, the row is handed to this process's delivery
 * queue (`scheduleDelivery`), which the request does not wait for: the committee's answer goes out
 * at once, and delivery follows, one outbox row after another, in order, errors logged.
 *
 * Delivering a row: claim it (no other process holds it; SKIP LOCKED on PostgreSQL), expand its
 * recipients in chunks, drop the actor, people who deleted their account, people who switched
 * the kind off (unless it is protected) and people who may not see its subject (the policy
 * decides, as for a page), insert one `notices` row per person, tell each chunk's people
 * (`notice.created`, forwarded to their own channels), and mark the row delivered.
 *
 * A crash between commit and delivery (or during it) loses nothing: the row stays undelivered and
 * the `notices.deliver` job (../jobs.server.ts) delivers it once its claim has run out. Delivering
 * twice adds nobody twice: (outbox_id, user_id) is unique and inserts skip what is there.
 */
import type { DB } from "../../../db/client.server";
import { getDb } from "../../../db/client.server";
import { claimingRowsOf } from "../../../db/portable";
import {
  KINDS,
  isNoticeKind,
  isProtected,
  type NoticeDraft,
  type NoticeRecipients,
} from "~/domain/notices/kinds";
import { ANONYMOUS, can, type Actor } from "~/domain/permissions/policy";
import { isPublicStatus, projectTarget } from "~/domain/projects/rules";
import { emitEvent } from "../events.server";
import { followersOf, hasFollowers } from "./followers.server";
import type { Trx } from "../runner/command.server";

/** People per insert (and per `notice.created` event): well under both engines' parameter limits. */
export const DELIVERY_CHUNK = 500;
/** How long a claimed outbox row is left to its process before another may deliver it. */
export const CLAIM_MS = 5 * 60_000;

/** Writes a command's notices to the outbox, inside its transaction; returns the rows' ids. */
export async function writeOutbox(
  trx: Trx,
  drafts: readonly NoticeDraft[],
  actorId: number | null,
  at: string,
): Promise<number[]> {
  // A notice for nobody (a meeting no one signed up for moved) is no row at all, unless its
  // subject has followers who get it too.
  const some: NoticeDraft[] = [];
  for (const d of drafts) {
    if (!("users" in d.recipients) || d.recipients.users.length > 0) some.push(d);
    else if (KINDS[d.kind].followers === true && (await hasFollowers(trx, d.subject))) some.push(d);
  }
  if (some.length === 0) return [];
  const rows = await trx
    .insertInto("noticeOutbox")
    .values(
      some.map((d) => ({
        kind: d.kind,
        subjectType: d.subject.type,
        subjectId: d.subject.id,
        params: JSON.stringify(d.params),
        recipients: JSON.stringify(d.recipients),
        actorId,
        createdAt: at,
      })),
    )
    .returning("id")
    .execute();
  return rows.map((r) => r.id);
}

type OutboxRow = Awaited<ReturnType<typeof claim>>[number];

/**
 * Claims undelivered outbox rows no other process holds (the given ones, or the oldest `limit`),
 * until CLAIM_MS from now. A plain transaction: SKIP LOCKED keeps claimers apart, as for jobs.
 */
async function claim(
  db: DB,
  owner: string,
  now: Date,
  which: { ids: readonly number[] } | { limit: number },
) {
  const at = now.toISOString();
  return db.transaction().execute(async (trx) => {
    let q = trx
      .selectFrom("noticeOutbox")
      .selectAll()
      .where("deliveredAt", "is", null)
      .where((eb) => eb.or([eb("claimedUntil", "is", null), eb("claimedUntil", "<=", at)]))
      .orderBy("id");
    q = "ids" in which ? q.where("id", "in", [...which.ids]) : q.limit(which.limit);
    const rows = await q.$call(claimingRowsOf(trx)).execute();
    if (rows.length === 0) return rows;
    await trx
      .updateTable("noticeOutbox")
      .set({ claimedBy: owner, claimedUntil: new Date(now.getTime() + CLAIM_MS).toISOString() })
      .where(
        "id",
        "in",
        rows.map((r) => r.id),
      )
      .execute();
    return rows;
  });
}

function parseRecipients(text: string): NoticeRecipients | null {
  try {
    const r = JSON.parse(text) as NoticeRecipients;
    if ("users" in r && Array.isArray(r.users)) return r;
    if ("community" in r && typeof r.community === "number") return r;
  } catch {
    // an unreadable row is delivered to nobody (and logged below)
  }
  return null;
}

/** The recipients, DELIVERY_CHUNK at a time, in ascending id order, each once. */
async function* expand(db: DB, r: NoticeRecipients): AsyncGenerator<number[]> {
  if ("users" in r) {
    const ids = [...new Set(r.users.filter((u) => Number.isInteger(u)))].sort((a, b) => a - b);
    for (let i = 0; i < ids.length; i += DELIVERY_CHUNK) yield ids.slice(i, i + DELIVERY_CHUNK);
    return;
  }
  if (r.who === "committee") {
    const rows = await db
      .selectFrom("committeeMembers")
      .select("userId")
      .distinct()
      .where("communityId", "=", r.community)
      .where("endedAt", "is", null)
      .orderBy("userId")
      .execute();
    const ids = rows.map((x) => x.userId);
    for (let i = 0; i < ids.length; i += DELIVERY_CHUNK) yield ids.slice(i, i + DELIVERY_CHUNK);
    return;
  }
  // A community's verified residents: read a chunk at a time (keyset), never all at once.
  for (let after = 0; ;) {
    const rows = await db
      .selectFrom("memberships")
      .select("userId")
      .where("communityId", "=", r.community)
      .where("status", "=", "verified")
      .where("userId", ">", after)
      .orderBy("userId")
      .limit(DELIVERY_CHUNK)
      .execute();
    if (rows.length === 0) return;
    yield rows.map((x) => x.userId);
    after = rows[rows.length - 1]!.userId;
    if (rows.length < DELIVERY_CHUNK) return;
  }
}

/**
 * Of these people, those who may see the subject, as the policy decides for its page. Each gets an
 * actor with only the facts the subject's target asks about (their id, the organisation they are
 * an active member of). An unknown subject type is seen by nobody: a new kind must say who may.
 */
async function mayView(
  db: DB,
  subjectType: string,
  subjectId: number | null,
  userIds: readonly number[],
): Promise<number[]> {
  const person = (userId: number, orgMemberOf: readonly number[] = []): Actor => ({
    ...ANONYMOUS,
    userId,
    orgMemberOf,
  });
  if (subjectId === null) return [];
  if (subjectType === "community") {
    return userIds.filter((u) => can(person(u), "community.view", { communityId: subjectId }));
  }
  if (subjectType === "project") {
    const p = await db
      .selectFrom("projects")
      .select(["status", "communityId", "proposerId", "organisationId"])
      .where("id", "=", subjectId)
      .executeTakeFirst();
    if (!p) return [];
    if (isPublicStatus(p.status)) {
      return userIds.filter((u) => can(person(u), "project.view", { communityId: p.communityId }));
    }
    const members = new Set<number>();
    if (p.organisationId !== null) {
      const rows = await db
        .selectFrom("organisationMembers")
        .select("userId")
        .where("organisationId", "=", p.organisationId)
        .where("status", "=", "active")
        .where("userId", "in", [...userIds])
        .execute();
      for (const r of rows) members.add(r.userId);
    }
    const target = projectTarget(p);
    return userIds.filter((u) =>
      can(
        person(u, members.has(u) && p.organisationId !== null ? [p.organisationId] : []),
        "project.viewDraft",
        target,
      ),
    );
  }
  // Meetings, polls and rounds are public pages (their rooms and ballots are not what a notice shows).
  if (subjectType === "meeting") {
    const m = await db
      .selectFrom("meetings")
      .innerJoin("councils", "councils.id", "meetings.councilId")
      .select("councils.areaId")
      .where("meetings.id", "=", subjectId)
      .executeTakeFirst();
    return m
      ? userIds.filter((u) => can(person(u), "meeting.view", { communityId: m.areaId }))
      : [];
  }
  if (subjectType === "poll" || subjectType === "round") {
    const v = await db
      .selectFrom(subjectType === "poll" ? "polls" : "budgetRounds")
      .select("communityId")
      .where("id", "=", subjectId)
      .executeTakeFirst();
    const action = subjectType === "poll" ? "poll.view" : "budget.view";
    return v ? userIds.filter((u) => can(person(u), action, { communityId: v.communityId })) : [];
  }
  return [];
}

/**
 * Of a chunk, who gets the notice (see the module's comment). `asFollowers`: people who follow the
 * subject, whom the kind's protection does not concern (it protects the person it is about).
 */
async function filterChunk(
  db: DB,
  row: OutboxRow,
  chunk: readonly number[],
  asFollowers = false,
): Promise<number[]> {
  const candidates = chunk.filter((u) => u !== row.actorId);
  if (candidates.length === 0) return [];
  const living = await db
    .selectFrom("users")
    .select("id")
    .where("id", "in", candidates)
    .where("deletedAt", "is", null)
    .execute();
  let ids = living.map((u) => u.id);
  if (ids.length > 0 && (asFollowers || !(isNoticeKind(row.kind) && isProtected(row.kind)))) {
    const off = await db
      .selectFrom("noticePreferences")
      .select("userId")
      .where("kind", "=", row.kind)
      .where("enabled", "=", 0)
      .where("userId", "in", ids)
      .execute();
    const offSet = new Set(off.map((o) => o.userId));
    ids = ids.filter((u) => !offSet.has(u));
  }
  if (ids.length === 0) return [];
  return mayView(db, row.subjectType, row.subjectId, ids);
}

/** Delivers one claimed outbox row; returns how many people got a new notice. */
async function deliverRow(db: DB, row: OutboxRow, owner: string, now: Date): Promise<number> {
  const recipients = parseRecipients(row.recipients);
  if (!recipients) console.error(`notice outbox ${row.id}: unreadable recipients`);
  let delivered = 0;
  if (recipients) {
    for await (const chunk of expand(db, recipients)) {
      const ids = await filterChunk(db, row, chunk);
      if (ids.length === 0) continue;
      delivered += await insertChunk(db, row, ids, now, null);
    }
  }
  // Then the subject's followers: after the people it is addressed to, so that someone who is both
  // has it as addressed to them (the unique key skips their second one).
  if (isNoticeKind(row.kind) && KINDS[row.kind].followers === true && row.subjectId !== null) {
    for await (const chunk of followersOf(db, row.subjectType, row.subjectId, DELIVERY_CHUNK)) {
      const ids = await filterChunk(db, row, chunk, true);
      if (ids.length === 0) continue;
      delivered += await insertChunk(db, row, ids, now, "follow");
    }
  }
  await db
    .updateTable("noticeOutbox")
    .set({ deliveredAt: now.toISOString(), claimedBy: null, claimedUntil: null })
    .where("id", "=", row.id)
    .where("claimedBy", "=", owner)
    .execute();
  return delivered;
}

let deliverer = 0;
const ownerName = () => `notices:${process.pid}:${++deliverer}`;

/** Delivers these outbox rows, unless another process holds them or they were delivered. */
export async function deliverOutbox(
  ids: readonly number[],
  db: DB = getDb(),
  now = new Date(),
): Promise<number> {
  if (ids.length === 0) return 0;
  const owner = ownerName();
  let delivered = 0;
  for (const row of await claim(db, owner, now, { ids })) {
    delivered += await deliverRow(db, row, owner, now);
  }
  return delivered;
}

/**
 * The job: delivers what is left undelivered (a process died after the commit, or in the middle
 * of a delivery and its claim ran out), the oldest first, a batch at a time.
 */
export async function deliverPending(db: DB = getDb(), now = new Date(), most = 200) {
  let rows = 0;
  while (rows < most) {
    const owner = ownerName();
    const batch = await claim(db, owner, now, { limit: 20 });
    if (batch.length === 0) break;
    for (const row of batch) await deliverRow(db, row, owner, now);
    rows += batch.length;
  }
  return rows;
}

/** Delivered outbox rows are kept this long (to see what went out), then deleted by the job. */
export const DELIVERED_KEPT_MS = 30 * 24 * 60 * 60_000;

/**
 * Deletes outbox rows delivered more than DELIVERED_KEPT_MS ago. The notices stay (they name no
 * outbox row by foreign key); ids are never drawn again on either engine, so the unique key that
 * keeps deliveries single still holds for every row that is left.
 */
export async function purgeDelivered(db: DB = getDb(), now = new Date()): Promise<void> {
  await db
    .deleteFrom("noticeOutbox")
    .where("deliveredAt", "<", new Date(now.getTime() - DELIVERED_KEPT_MS).toISOString())
    .execute();
}

/*
 * After the commit: this process's queue. One delivery after another, in commit order; the request
 * that committed does not wait for it. Tests wait for it with `deliveriesSettled`, and turn it off
 * to stand for a process that died right after its commit.
 */
let queue: Promise<void> = Promise.resolve();
let immediate = true;

export function scheduleDelivery(ids: readonly number[], db: DB = getDb()): void {
  if (!immediate || ids.length === 0) return;
  queue = queue
    .then(() => deliverOutbox(ids, db))
    .then(
      () => undefined,
      (e: unknown) => console.error(`notice delivery ${ids.join(",")} failed:`, e),
    );
}

/** Resolves once every delivery scheduled so far has ended. */
export const deliveriesSettled = (): Promise<void> => queue;

/** Tests: whether commits hand their notices to this process's queue (a crash stands for off). */
export function setImmediateDelivery(on: boolean): void {
  immediate = on;
}

/**
 * Inserts a chunk's notices (`via` "follow" for followers) and tells their people, except those
 * who asked for a quiet day (held for the daily digest: not counted, listed or pushed until then;
 * ./digest.server.ts). What protects the person (their own membership, their own proposal, as
 * addressed to them) is never held. Returns how many were new.
 */
async function insertChunk(
  db: DB,
  row: OutboxRow,
  ids: readonly number[],
  now: Date,
  via: "follow" | null,
): Promise<number> {
  const protects = via === null && isNoticeKind(row.kind) && isProtected(row.kind);
  const quiet = protects
    ? new Set<number>()
    : new Set(
        (
          await db.selectFrom("noticeQuiet").select("userId").where("userId", "in", ids).execute()
        ).map((q) => q.userId),
      );
  const heldAt = now.toISOString();
  const inserted = await db
    .insertInto("notices")
    .values(
      ids.map((userId) => ({
        userId,
        outboxId: row.id,
        kind: row.kind,
        subjectType: row.subjectType,
        subjectId: row.subjectId,
        params: row.params,
        createdAt: row.createdAt,
        via,
        heldAt: quiet.has(userId) ? heldAt : null,
      })),
    )
    // Delivered before (a crash after this chunk, a second deliverer): nobody twice.
    .onConflict((oc) => oc.columns(["outboxId", "userId"]).doNothing())
    .returning(["userId", "heldAt"])
    .execute();
  const told = inserted.filter((r) => r.heldAt === null).map((r) => r.userId);
  if (told.length > 0) emitEvent({ type: "notice.created", userIds: told });
  return inserted.length;
}
