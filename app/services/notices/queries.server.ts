/**
 * Notices, the reads: the header's unread count (every signed-in page asks it: one bounded read of
 * the partial index on unread notices) and the inbox, newest first, a page at a time.
 */
import { sql } from "kysely";
import { getDb } from "../../../db/client.server";
import { prepared } from "../../../db/prepared";
import type { Db } from "../runner/command.server";
import { DIGEST_KIND } from "~/domain/notices/follows";
import {
  DIGEST_SHOWN_MAX,
  NOTICES_LATEST,
  NOTICES_PER_PAGE,
  UNREAD_SHOWN_MAX,
} from "~/domain/notices/limits";
import { noticeText, type Translate } from "~/domain/notices/text";
import { authorize, type Actor } from "~/domain/permissions/policy";
import type { Lng } from "~/i18n/config";
import { fixedT } from "~/i18n/i18next.server";
import type { LatestNotice } from "~/realtime/protocol";
import { shownReads } from "../shown.server";

/** The count below, built and compiled once (db/prepared.ts): every signed-in page asks it. */
const unreadRows = prepared((db: Db, v: { userId: number }) => {
  const unread = db
    .selectFrom("notices")
    .select(sql<number>`1`.as("one"))
    .where("userId", "=", v.userId)
    .where("readAt", "is", null)
    // Held for the daily digest (quiet): counted when the digest comes.
    .where("heldAt", "is", null)
    .limit(UNREAD_SHOWN_MAX + 1)
    .as("unread");
  return db
    .selectFrom(unread)
    .select((eb) => eb.fn.countAll().as("n"))
    .$castTo<{ n: number | bigint | string }>();
});

/**
 * How many of the person's notices are unread, counted up to UNREAD_SHOWN_MAX + 1 (the header
 * says "99+" past it): someone with 20,000 unread costs no more than someone with 100.
 */
export async function unreadCount(actor: Actor): Promise<number> {
  if (actor.userId === null) return 0;
  const userId = authorize(actor, "notice.view", { ownerId: actor.userId }).userId;
  return keptUnread(userId);
}

/** People whose count is kept at once per process (a number each); past that, read each time. */
const UNREAD_KEPT_MAX = 20_000;

/**
 * The count, kept per person a few seconds (../shown.server.ts, PAGE_CACHE_MS), since every page a
 * signed-in person opens asks it: on one core under load its statement cost about a tenth of a
 * signed-in page (README, Benchmarks, 2026-12-05, late morning). Dropped on every process when it
 * changes: `notice.read` (theirs marked read, or withdrawn) and `notice.created` (delivered, a
 * digest, held notices released), the events the live count in the header follows too.
 */
const keptUnread = shownReads(
  "notices.unread",
  async (userId: number) => Number((await unreadRows.first(getDb(), { userId }))?.n ?? 0),
  (e) => {
    if (e.type === "notice.read") return e.userId;
    if (e.type !== "notice.created") return null;
    // One person told: theirs; many (a delivery, a digest): every kept count, at once.
    return e.userIds.length === 1 ? e.userIds[0]! : "all";
  },
  UNREAD_KEPT_MAX,
);

export interface NoticeRow {
  id: number;
  kind: string;
  subjectType: string;
  subjectId: number | null;
  params: string;
  createdAt: string;
  readAt: string | null;
  via: string | null;
}

/**
 * A page of the person's notices, newest first; `before` (a notice id of theirs) starts the page
 * after that notice. `older` is the id to ask for the next page with, or null at the end.
 */
export async function listNotices(
  actor: Actor,
  opts: { before?: number } = {},
): Promise<{ notices: NoticeRow[]; older: number | null; unread: number }> {
  const userId = authorize(actor, "notice.view", { ownerId: actor.userId ?? undefined }).userId;
  const db = getDb();
  let q = db
    .selectFrom("notices")
    .select(["id", "kind", "subjectType", "subjectId", "params", "createdAt", "readAt", "via"])
    .where("userId", "=", userId)
    // Held for the digest, or gathered into one: the digest's own page lists those.
    .where("heldAt", "is", null);
  if (opts.before !== undefined) {
    const from = await db
      .selectFrom("notices")
      .select(["id", "createdAt"])
      .where("id", "=", opts.before)
      .where("userId", "=", userId)
      .executeTakeFirst();
    // Someone else's id (or none) starts from the top: it says nothing about their notices.
    if (from) {
      q = q.where((eb) =>
        eb.or([
          eb("createdAt", "<", from.createdAt),
          eb.and([eb("createdAt", "=", from.createdAt), eb("id", "<", from.id)]),
        ]),
      );
    }
  }
  const rows = await q
    .orderBy("createdAt", "desc")
    .orderBy("id", "desc")
    .limit(NOTICES_PER_PAGE + 1)
    .execute();
  const more = rows.length > NOTICES_PER_PAGE;
  const notices = rows.slice(0, NOTICES_PER_PAGE);
  return {
    notices,
    older: more ? notices[notices.length - 1]!.id : null,
    unread: await unreadCount(actor),
  };
}

/**
 * The person's newest `n` notices (the printed sheet, the header's small list), newest first; a
 * quiet person's held notices wait for their digest here as in the inbox.
 */
export async function newestNotices(actor: Actor, n: number): Promise<NoticeRow[]> {
  const userId = authorize(actor, "notice.view", { ownerId: actor.userId ?? undefined }).userId;
  return getDb()
    .selectFrom("notices")
    .select(["id", "kind", "subjectType", "subjectId", "params", "createdAt", "readAt", "via"])
    .where("userId", "=", userId)
    .where("heldAt", "is", null)
    .orderBy("createdAt", "desc")
    .orderBy("id", "desc")
    .limit(n)
    .execute();
}

/** The header's small live list: the newest NOTICES_LATEST notices, said in `lng`, and the count. */
export async function latestNotices(
  actor: Actor,
  lng: Lng,
): Promise<{ unread: number; notices: LatestNotice[] }> {
  const [rows, unread] = await Promise.all([
    newestNotices(actor, NOTICES_LATEST),
    unreadCount(actor),
  ]);
  const t = fixedT(lng, "notice") as unknown as Translate;
  return {
    unread,
    notices: rows.map((n) => {
      const said = noticeText(t, n, lng);
      return {
        id: n.id,
        text: said.text,
        href: said.href,
        createdAt: n.createdAt,
        unread: n.readAt === null,
      };
    }),
  };
}
/**
 * What a daily digest gathered for the person (/notifications?digest=ID), oldest first, or null
 * when the person has no such digest (someone else's reads as none: it says nothing about them).
 */
export async function digestNotices(actor: Actor, digestId: number): Promise<NoticeRow[] | null> {
  const userId = authorize(actor, "notice.view", { ownerId: actor.userId ?? undefined }).userId;
  const db = getDb();
  const own = await db
    .selectFrom("notices")
    .select("id")
    .where("userId", "=", userId)
    .where("kind", "=", DIGEST_KIND as never)
    .where("subjectId", "=", digestId)
    .executeTakeFirst();
  if (!own) return null;
  return db
    .selectFrom("notices")
    .select(["id", "kind", "subjectType", "subjectId", "params", "createdAt", "readAt", "via"])
    .where("userId", "=", userId)
    .where("digestId", "=", digestId)
    .orderBy("createdAt")
    .orderBy("id")
    .limit(DIGEST_SHOWN_MAX)
    .execute();
}
