/**
 * Following and one's notice settings, the reads (issue 16, items 3 and 4): whether one follows a
 * thing (its page's button), what one follows and one's switches (/settings). The commands are
 * ./follows.server.ts.
 */
import { sql } from "kysely";
import { getDb } from "../../../db/client.server";
import { isFollowable, type FollowableType } from "~/domain/notices/follows";
import { NOTICE_KINDS, isProtected } from "~/domain/notices/kinds";
import { authorize, type Actor } from "~/domain/permissions/policy";
import { visibleSubject } from "./follows.server";

/** Whether the person follows this thing (null: signed out, no button). */
export async function following(
  actor: Actor,
  type: FollowableType,
  id: number,
): Promise<boolean | null> {
  if (actor.userId === null) return null;
  const row = await getDb()
    .selectFrom("follows")
    .select("userId")
    .where("userId", "=", actor.userId)
    .where("subjectType", "=", type)
    .where("subjectId", "=", id)
    .executeTakeFirst();
  return row !== undefined;
}

export interface FollowedThing {
  subjectType: FollowableType;
  subjectId: number;
  /** Its name as its page shows it, or null when it is gone or no longer to be seen. */
  name: string | null;
  createdAt: string;
}

/** Most things listed on /settings (one rarely follows more; the list says when there are more). */
export const FOLLOWS_SHOWN = 200;

/**
 * What the person follows, newest first, each with its name when they may still see it (a thing
 * gone private or deleted is listed without one, so it can still be unfollowed).
 */
export async function myFollows(actor: Actor): Promise<FollowedThing[]> {
  const userId = authorize(actor, "notice.view", { ownerId: actor.userId ?? undefined }).userId;
  const db = getDb();
  const rows = await db
    .selectFrom("follows")
    .select(["subjectType", "subjectId", "createdAt"])
    .where("userId", "=", userId)
    .orderBy("createdAt", "desc")
    .limit(FOLLOWS_SHOWN)
    .execute();
  const ids = (type: FollowableType) =>
    rows.filter((r) => r.subjectType === type).map((r) => r.subjectId);
  // Each type's names in one read: the table and the column its page titles it by.
  const titled = [
    ["council", "councils", "name"],
    ["meeting", "meetings", "topic"],
    ["project", "projects", "title"],
  ] as const;
  const names = new Map<string, string>();
  for (const [type, table, column] of titled) {
    const wanted = ids(type);
    if (wanted.length === 0) continue;
    const found = await db
      .selectFrom(table)
      .select([`${table}.id as id`, sql<string>`${sql.ref(`${table}.${column}`)}`.as("name")])
      .where(`${table}.id`, "in", wanted)
      .$castTo<{ id: number; name: string }>()
      .execute();
    for (const x of found) names.set(`${type}:${x.id}`, x.name);
  }
  const out: FollowedThing[] = [];
  for (const r of rows) {
    if (!isFollowable(r.subjectType)) continue;
    let name = names.get(`${r.subjectType}:${r.subjectId}`) ?? null;
    // Still to be seen by this person? (A project back in draft, a need gone private.)
    if (r.subjectType === "project" || r.subjectType === "need") {
      const seen = await visibleSubject(db, actor, r.subjectType, r.subjectId).then(
        () => true,
        () => false,
      );
      if (!seen) name = null;
      else if (r.subjectType === "need") name = `#${r.subjectId}`;
    }
    out.push({ subjectType: r.subjectType, subjectId: r.subjectId, name, createdAt: r.createdAt });
  }
  return out;
}

/** The person's switches: each kind on or off (protected ones always on), and quiet. */
export async function noticeSettings(actor: Actor) {
  const userId = authorize(actor, "notice.view", { ownerId: actor.userId ?? undefined }).userId;
  const db = getDb();
  const [prefs, quiet] = await Promise.all([
    db
      .selectFrom("noticePreferences")
      .select(["kind", "enabled"])
      .where("userId", "=", userId)
      .execute(),
    db.selectFrom("noticeQuiet").select("since").where("userId", "=", userId).executeTakeFirst(),
  ]);
  const off = new Set(prefs.filter((p) => p.enabled === 0).map((p) => p.kind as string));
  return {
    kinds: NOTICE_KINDS.map((kind) => ({
      kind,
      protected: isProtected(kind),
      on: isProtected(kind) || !off.has(kind),
    })),
    quiet: quiet !== undefined,
  };
}
