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
  replyOf,
  protectsOwner,
  type NoticeDraft,
  type NoticeRecipients,
} from "~/domain/notices/kinds";
import { ANONYMOUS, can, type Actor } from "~/domain/permissions/policy";
import { isPublicStatus, projectTarget } from "~/domain/projects/rules";
import { emitEvent } from "../events.server";
import { isNeedRecipients, needOwner, needRecipients, needViewers } from "../needs/notices.server";
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
  // In chunks: a backlog (the needs' timed work after a long stop raises thousands at once) in one
  // statement would pass SQLite's limit of bound values (8 a row) and fail the whole job each time.
  const ids: number[] = [];
  for (let i = 0; i < some.length; i += OUTBOX_CHUNK) {
    ids.push(...(await insertOutbox(trx, some.slice(i, i + OUTBOX_CHUNK), actorId, at)));
  }
  return ids;
}

/** Outbox rows written by one statement at most: 8 bound values each, far under any limit. */
const OUTBOX_CHUNK = 500;

async function insertOutbox(
  trx: Trx,
  some: readonly NoticeDraft[],
  actorId: number | null,
  at: string,
): Promise<number[]> {
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
        onceKey: d.once ?? null,
      })),
    )
    // A notice sent once that was written before (by another process, an earlier run): skipped.
    .onConflict((oc) => oc.column("onceKey").doNothing())
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
    if ("organisation" in r && typeof r.organisation === "number") return r;
    if ("project" in r && typeof r.project === "number") return r;
    if ("vote" in r && r.who === "notVoted" && Number.isInteger(r.vote?.id)) return r;
    if (isNeedRecipients(r)) return r;
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
  if ("organisation" in r) {
    // Its active members as they are now: a member removed meanwhile is not told.
    yield* byKeyset((after) =>
      db
        .selectFrom("organisationMembers")
        .select("userId")
        .where("organisationId", "=", r.organisation)
        .where("status", "=", "active")
        .where("userId", ">", after)
        .orderBy("userId")
        .limit(DELIVERY_CHUNK)
        .execute(),
    );
    return;
  }
  if ("project" in r) {
    yield* supportersOf(db, r.project);
    return;
  }
  if ("vote" in r) {
    yield* notVoted(db, r.vote);
    return;
  }
  if (isNeedRecipients(r)) {
    yield* needRecipients(db, r, DELIVERY_CHUNK);
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
  yield* byKeyset((after) =>
    db
      .selectFrom("memberships")
      .select("userId")
      .where("communityId", "=", r.community)
      .where("status", "=", "verified")
      .where("userId", ">", after)
      .orderBy("userId")
      .limit(DELIVERY_CHUNK)
      .execute(),
  );
}

/**
 * People a chunk at a time: `next` reads up to DELIVERY_CHUNK of them, by ascending id, after the
 * given one (keyset pagination: never all at once, never an offset).
 */
async function* byKeyset(
  next: (after: number) => Promise<Array<{ userId: number }>>,
): AsyncGenerator<number[]> {
  for (let after = 0; ;) {
    const rows = await next(after);
    if (rows.length === 0) return;
    yield rows.map((x) => x.userId);
    after = rows[rows.length - 1]!.userId;
    if (rows.length < DELIVERY_CHUNK) return;
  }
}

/** A project's supporters but its proposer (told as the proposer): a chunk at a time (keyset). */
async function* supportersOf(db: DB, projectId: number): AsyncGenerator<number[]> {
  const p = await db
    .selectFrom("projects")
    .select("proposerId")
    .where("id", "=", projectId)
    .executeTakeFirst();
  if (!p) return;
  yield* byKeyset((after) =>
    db
      .selectFrom("projectSupports")
      .select("userId")
      .where("projectId", "=", projectId)
      .where("userId", ">", after)
      .$if(p.proposerId !== null, (q) => q.where("userId", "!=", p.proposerId!))
      .orderBy("userId")
      .limit(DELIVERY_CHUNK)
      .execute(),
  );
}

/**
 * Who may vote in a poll or round and has not, a chunk at a time: the voter roll
 * (`participations`) says who voted, never what. A residents' poll and a round: the community's
 * verified residents; a seat holders' poll: its meeting's invited seat holders. A cancelled vote:
 * nobody.
 */
async function* notVoted(
  db: DB,
  vote: { type: "poll" | "round"; id: number },
): AsyncGenerator<number[]> {
  const col = vote.type === "poll" ? "pollId" : "roundId";
  const v =
    vote.type === "poll"
      ? await db
          .selectFrom("polls")
          .select(["communityId", "electorate", "meetingId", "cancelledAt"])
          .where("id", "=", vote.id)
          .executeTakeFirst()
      : await db
          .selectFrom("budgetRounds")
          .select(["communityId", "cancelledAt"])
          .where("id", "=", vote.id)
          .executeTakeFirst()
          .then((r) => r && { ...r, electorate: "residents", meetingId: null });
  if (!v || v.cancelledAt !== null) return;
  const seated = v.electorate === "seatHolders" && v.meetingId !== null ? v.meetingId : null;
  yield* byKeyset((after) =>
    (seated !== null
      ? db
          .selectFrom("seatInvites as m")
          .select("m.userId")
          .distinct()
          .where("m.meetingId", "=", seated)
      : db
          .selectFrom("memberships as m")
          .select("m.userId")
          .where("m.communityId", "=", v.communityId)
          .where("m.status", "=", "verified")
    )
      .where("m.userId", ">", after)
      .where(({ not, exists, selectFrom }) =>
        not(
          exists(
            selectFrom("participations as p")
              .select("p.id")
              .where(`p.${col}`, "=", vote.id)
              .whereRef("p.userId", "=", "m.userId"),
          ),
        ),
      )
      .orderBy("m.userId")
      .limit(DELIVERY_CHUNK)
      .execute(),
  );
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
  kind = "",
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
  if (subjectType === "organisation") return mayViewOrganisation(db, subjectId, userIds, person);
  // A private need: only those who may read its details (app/services/needs/notices.server.ts).
  if (subjectType === "need") return needViewers(db, kind, subjectId, userIds);
  return [];
}

/**
 * An organisation's page, as `organisationPage` decides: a verified listing is public; any other
 * is seen by those the policy lets see it (`organisation.viewUnverified`: its applicant, its active
 * members, with the target `orgTarget` gives) and by people invited to it, who answer there.
 */
async function mayViewOrganisation(
  db: DB,
  orgId: number,
  userIds: readonly number[],
  person: (userId: number, orgMemberOf?: readonly number[]) => Actor,
): Promise<number[]> {
  const org = await db
    .selectFrom("organisations")
    .select(["status", "createdBy"])
    .where("id", "=", orgId)
    .executeTakeFirst();
  if (!org) return [];
  if (org.status === "verified") {
    return userIds.filter((u) => can(person(u), "organisation.view", { organisationId: orgId }));
  }
  const [rows, served] = await Promise.all([
    db
      .selectFrom("organisationMembers")
      .select(["userId", "status"])
      .where("organisationId", "=", orgId)
      .where("userId", "in", [...userIds])
      .execute(),
    db
      .selectFrom("organisationCommunities")
      .select("communityId")
      .where("organisationId", "=", orgId)
      .execute(),
  ]);
  const active = new Set(rows.filter((r) => r.status === "active").map((r) => r.userId));
  const invited = new Set(rows.filter((r) => r.status === "invited").map((r) => r.userId));
  const target = {
    organisationId: orgId,
    communityIds: served.map((c) => c.communityId),
    ...(org.createdBy !== null ? { ownerId: org.createdBy } : {}),
  };
  return userIds.filter(
    (u) =>
      invited.has(u) ||
      can(person(u, active.has(u) ? [orgId] : []), "organisation.viewUnverified", target),
  );
}

/**
 * Whether what a notice announces still stands when it is delivered (late, after a crash): a reply
 * hidden by the committee or by residents' reports is not announced, nor an invitation to an
 * organisation that was withdrawn (or answered) meanwhile.
 */
async function stillNews(db: DB, row: OutboxRow, r: NoticeRecipients): Promise<boolean> {
  if (row.kind === "comment.replied") {
    const commentId = replyOf(row.params);
    if (commentId === null) return false;
    const reply = await db
      .selectFrom("projectComments")
      .select("hiddenAt")
      .where("id", "=", commentId)
      .executeTakeFirst();
    return reply !== undefined && reply.hiddenAt === null;
  }
  if (row.kind === "organisation.invited" && "users" in r && row.subjectId !== null) {
    if (r.users.length === 0) return false;
    const waiting = await db
      .selectFrom("organisationMembers")
      .select("userId")
      .where("organisationId", "=", row.subjectId)
      .where("status", "=", "invited")
      .where("userId", "in", [...r.users])
      .executeTakeFirst();
    return waiting !== undefined;
  }
  return true;
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
    // A kind protecting its subject's owner (a need's reporter) reaches them whatever they chose.
    const owner =
      offSet.size > 0 && isNoticeKind(row.kind) && protectsOwner(row.kind)
        ? await subjectOwner(db, row.subjectType, row.subjectId)
        : null;
    ids = ids.filter((u) => !offSet.has(u) || u === owner);
  }
  if (ids.length === 0) return [];
  return mayView(db, row.subjectType, row.subjectId, ids, row.kind);
}

/** Whose own the subject is, for the kinds that protect its owner only. */
function subjectOwner(db: DB, subjectType: string, subjectId: number | null) {
  return subjectType === "need" ? needOwner(db, subjectId) : Promise.resolve(null);
}

/** Delivers one claimed outbox row; returns how many people got a new notice. */
async function deliverRow(db: DB, row: OutboxRow, owner: string, now: Date): Promise<number> {
  const recipients = parseRecipients(row.recipients);
  if (!recipients) console.error(`notice outbox ${row.id}: unreadable recipients`);
  let delivered = 0;
  if (recipients && (await stillNews(db, row, recipients))) {
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
  // Claimed a chunk at a time: a list of ids is bound values too (see OUTBOX_CHUNK).
  for (let i = 0; i < ids.length; i += OUTBOX_CHUNK) {
    for (const row of await claim(db, owner, now, { ids: ids.slice(i, i + OUTBOX_CHUNK) })) {
      delivered += await deliverRow(db, row, owner, now);
    }
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
    // A notice sent once keeps its row, the proof that it was sent (./timed.server.ts).
    .where("onceKey", "is", null)
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
