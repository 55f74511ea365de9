/**
 * Following and one's notice settings, the reads (issue 16, items 3 and 4): whether one follows a
 * thing (its page's button), what one follows and one's switches (/settings). The commands are
 * ./follows.server.ts.
 */
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
  const names = new Map<string, string>();
  const put = (type: string, list: ReadonlyArray<{ id: number; name: string }>) => {
    for (const x of list) names.set(`${type}:${x.id}`, x.name);
  };
  const some = (type: FollowableType) => ids(type).length > 0;
  if (some("council")) {
    put(
      "council",
      await db
        .selectFrom("councils")
        .select(["id", "name"])
        .where("id", "in", ids("council"))
        .execute(),
    );
  }
  if (some("meeting")) {
    put(
      "meeting",
      await db
        .selectFrom("meetings")
        .select(["id", "topic as name"])
        .where("id", "in", ids("meeting"))
        .execute(),
    );
  }
  if (some("project")) {
    put(
      "project",
      await db
        .selectFrom("projects")
        .select(["id", "title as name"])
        .where("id", "in", ids("project"))
        .execute(),
    );
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
