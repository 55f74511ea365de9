/**
 * Timed notices (issue 16): what is announced because its time came, not because someone acted.
 * Run by the `notices.timed` job (../jobs.server.ts), so by one process at a time; and each notice
 * names what it is sent once for (`once`, a unique key of the outbox), so that two processes, two
 * runs of the job or a restart between them still send it once.
 *
 *   - meeting.reminder: a meeting that begins within a day, not cancelled, to those signed up or
 *     invited; once per meeting and `sequence` (a meeting that moved reminds again, for its new
 *     time; a cancelled one never does);
 *   - vote.opened: a poll or round whose opening time came (one that opens at once is announced by
 *     its create command, with the same key);
 *   - vote.closing: a poll or round that closes within a day, to those who may vote and have not
 *     (the voter roll, never a ballot); only for votes that ran longer than a day, since a shorter
 *     one was announced as opened moments before;
 *   - vote.results: a poll's results once it closed and its paper box is counted, a round's once
 *     it is tallied (the job tallies a closed round, as the first view of its page would).
 * News older than a day is news no more: a notice whose time passed over a day ago (the servers
 * were down, the feature was deployed) is not sent late.
 *
 * Jobs are not an actor's decision: the notices name no actor and are written outside the command
 * runner, through the same outbox and the same delivery (`announce`).
 */
import { sql } from "kysely";
import type { DB } from "../../../db/client.server";
import { transaction } from "../../../db/portable";
import type { NoticeDraft } from "~/domain/notices/kinds";
import { chinaToday } from "~/domain/time";
import type { VoteKind } from "~/domain/voting/schemas";
import { attendeesOf } from "../meetings/changes.server";
import { run, type Db, type Trx } from "../runner/command.server";
import { counterOf, tallyRound } from "../voting/commands.server";
import { electorateOf, openedNotice, voteOnce } from "../voting/notices.server";
import { paperBox } from "../voting/records.server";
import { scheduleDelivery, writeOutbox } from "./delivery.server";

const DAY = 24 * 3_600_000;
/** A reminder goes out this long before the meeting; a vote's "closing soon" this long before. */
export const REMIND_BEFORE_MS = DAY;
/** A timed notice later than this is not sent. */
export const LATE_MS = DAY;
/** Closed votes are looked at this long for results (a paper count may take some days). */
const RESULTS_WITHIN_MS = 30 * DAY;

/**
 * Writes timed notices to the outbox in one transaction (the drafts are built inside it, from one
 * snapshot), leaving out those sent before, and hands the rows to this process's delivery. A
 * draft written meanwhile by another process is skipped by the outbox's unique key.
 */
export async function announce(
  db: DB,
  now: Date,
  build: (trx: Trx) => Promise<NoticeDraft[]>,
): Promise<number[]> {
  const ids = await transaction(db, async (trx) => {
    const drafts = await build(trx);
    const keys = drafts.flatMap((d) => (d.once ? [d.once] : []));
    const sent = keys.length
      ? await trx
          .selectFrom("noticeOutbox")
          .select("onceKey")
          .where("onceKey", "in", keys)
          .execute()
      : [];
    const old = new Set(sent.map((r) => r.onceKey));
    const fresh = drafts.filter((d) => !d.once || !old.has(d.once));
    return writeOutbox(trx, fresh, null, now.toISOString());
  });
  scheduleDelivery(ids, db);
  return ids;
}

/** Later than any time stored. */
const EVER = "9999";

const iso = (now: Date, ms: number) => new Date(now.getTime() + ms).toISOString();

/** Meetings that begin within a day: a reminder to those signed up or invited. */
export function meetingReminders(db: DB, now: Date) {
  return announce(db, now, async (trx) => {
    const soon = await trx
      .selectFrom("meetings")
      .select(["id", "topic", "startsAt", "place", "sequence"])
      .where("status", "=", "scheduled")
      .where("cancelledAt", "is", null)
      .where("startsAt", ">", now.toISOString())
      .where("startsAt", "<=", iso(now, REMIND_BEFORE_MS))
      .orderBy("id")
      .execute();
    const drafts: NoticeDraft[] = [];
    for (const m of soon) {
      drafts.push({
        kind: "meeting.reminder",
        subject: { type: "meeting", id: m.id },
        params: { topic: m.topic, startsAt: m.startsAt, place: m.place },
        recipients: { users: await attendeesOf(trx, m.id) },
        once: `meeting.reminder:${m.id}:${m.sequence}`,
      });
    }
    return drafts;
  });
}

/** Polls and rounds, not cancelled, that closed (or close) in `closes` and opened by `opened`. */
async function votes(db: Db, closes: { after: string; by: string }, opened = EVER) {
  const within = sql<boolean>`cancelled_at is null and closes_at > ${closes.after}
    and closes_at <= ${closes.by} and opens_at <= ${opened}`;
  const polls = await db
    .selectFrom("polls")
    .select(["id", "communityId", "question as title", "opensAt", "closesAt"])
    .select(["electorate", "meetingId"])
    .where(within)
    .orderBy("id")
    .execute();
  const rounds = await db
    .selectFrom("budgetRounds")
    .select(["id", "communityId", "title", "opensAt", "closesAt", "talliedAt"])
    .where(within)
    .orderBy("id")
    .execute();
  return [
    ...polls.map((v) => ({ type: "poll" as VoteKind, ...v, talliedAt: null })),
    ...rounds.map((v) => ({ type: "round" as VoteKind, ...v })),
  ];
}

/** Polls and rounds whose opening time came (within the day): to those who may vote. */
export function votesOpened(db: DB, now: Date) {
  const at = now.toISOString();
  return announce(db, now, async (trx) => {
    const open = await votes(trx, { after: at, by: EVER }, at);
    const drafts: NoticeDraft[] = [];
    for (const v of open) {
      if (v.opensAt <= iso(now, -LATE_MS)) continue;
      drafts.push(await openedNotice(trx, v.type, v));
    }
    return drafts;
  });
}

/** Polls and rounds that close within a day: to those who may vote and have not. */
export function votesClosing(db: DB, now: Date) {
  const at = now.toISOString();
  return announce(db, now, async (trx) => {
    const closing = await votes(trx, { after: at, by: iso(now, REMIND_BEFORE_MS) }, at);
    return closing
      .filter((v) => Date.parse(v.closesAt) - Date.parse(v.opensAt) > REMIND_BEFORE_MS)
      .map((v) => ({
        kind: "vote.closing" as const,
        subject: { type: v.type, id: v.id },
        params: { title: v.title, closesAt: v.closesAt },
        recipients: { vote: { type: v.type, id: v.id }, who: "notVoted" as const },
        once: voteOnce("closing", v.type, v.id),
      }));
  });
}

/**
 * Results published: a poll's when it has closed and its paper box is counted (the moment the
 * later of the two happened), a round's when it was tallied. Closed rounds not yet tallied are
 * tallied first, as nobody in person (`counterOf`), as the first view of their page would.
 */
export async function voteResults(db: DB, now: Date) {
  const at = now.toISOString();
  const since = iso(now, -RESULTS_WITHIN_MS);
  const due = await votes(db, { after: since, by: at });
  for (const r of due) {
    if (r.type === "round" && r.talliedAt === null) {
      await run(tallyRound, counterOf(r.communityId), { id: r.id }, { now, db });
    }
  }
  return announce(db, now, async (trx) => {
    const closed = await votes(trx, { after: since, by: at });
    const keys = closed.map((v) => voteOnce("results", v.type, v.id));
    const sent = new Set(
      keys.length === 0
        ? []
        : (
            await trx
              .selectFrom("noticeOutbox")
              .select("onceKey")
              .where("onceKey", "in", keys)
              .execute()
          ).map((r) => r.onceKey),
    );
    const drafts: NoticeDraft[] = [];
    for (const v of closed) {
      const once = voteOnce("results", v.type, v.id);
      if (sent.has(once)) continue;
      let publishedAt = v.talliedAt;
      if (v.type === "poll") {
        const box = await paperBox(trx, "poll", v.id);
        publishedAt = box.settled ? (box.count?.confirmedAt ?? v.closesAt) : null;
      }
      if (publishedAt === null || publishedAt <= iso(now, -LATE_MS)) continue;
      drafts.push({
        kind: "vote.results",
        subject: { type: v.type, id: v.id },
        params: { title: v.title },
        recipients: await electorateOf(trx, v),
        once,
      });
    }
    return drafts;
  });
}

/** Every timed notice that is due; safe to repeat (each is sent once). */
export async function noticesTick(db: DB, now: Date): Promise<void> {
  await meetingReminders(db, now);
  await votesOpened(db, now);
  await votesClosing(db, now);
  await voteResults(db, now);
  await commitmentsFallingDue(db, now);
}

/** A commitment's owner is told this many days ahead of its date (issue 16: "due in 3 days"). */
export const COMMITMENT_DUE_DAYS = 3;

/** The China-time date `days` after `date` (both YYYY-MM-DD). */
const plusDays = (date: string, days: number) =>
  new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY).toISOString().slice(0, 10);

/**
 * Commitments not done or dropped whose owner is an account: due within COMMITMENT_DUE_DAYS
 * (`commitment.due`), or past their date (`commitment.overdue`, from the day after it). Once per
 * commitment and date: a date moved later reminds again. Like every timed notice, not sent over a
 * day late: an overdue notice goes on the day after the date only.
 */
export function commitmentsFallingDue(db: DB, now: Date) {
  const today = chinaToday(now);
  const yesterday = plusDays(today, -1);
  return announce(db, now, async (trx) => {
    const rows = await trx
      .selectFrom("commitments")
      .select(["id", "meetingId", "what", "dueDate", "ownerUserId"])
      .where("ownerUserId", "is not", null)
      .where("status", "not in", ["done", "dropped"])
      .where("dueDate", ">=", yesterday)
      .where("dueDate", "<=", plusDays(today, COMMITMENT_DUE_DAYS))
      .orderBy("id")
      .execute();
    return rows.map((c): NoticeDraft => {
      const kind = c.dueDate < today ? "commitment.overdue" : "commitment.due";
      return {
        kind,
        subject: { type: "meeting", id: c.meetingId },
        params: { what: c.what, due: c.dueDate },
        recipients: { users: [c.ownerUserId!] },
        once: `${kind}:${c.id}:${c.dueDate}`,
      };
    });
  });
}
