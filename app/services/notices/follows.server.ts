/**
 * Following (关注) and one's notice settings (issue 16, items 3 and 4): the commands `follow`,
 * `unfollow` and `saveNoticeSettings`, and the reads the pages need (whether one follows a thing,
 * what one follows, one's switches).
 *
 * Following needs seeing the thing as its page decides (a draft project, a need whose details are
 * private, a council or meeting that does not exist: "not found", nothing written); unfollowing
 * one's own follow is always allowed, whatever became of the thing.
 */
import { redirect } from "@remix-run/node";
import { z } from "zod";
import { DomainError } from "~/domain/errors";
import { FOLLOWABLE, isFollowable, type FollowableType } from "~/domain/notices/follows";
import { NOTICE_KINDS, isNoticeKind, isProtected, type NoticeKind } from "~/domain/notices/kinds";
import { authorize, can, type Actor } from "~/domain/permissions/policy";
import { formChoice, formId, type FormObject } from "~/domain/validation";
import { getDb } from "../../../db/client.server";
import { loadNeed, needTarget } from "../needs/shared.server";
import { visibleProject } from "../projects/shared.server";
import { command, type Db } from "../runner/command.server";
import { submit } from "../runner/form.server";

const subjectInput = z.object({
  subjectType: formChoice(FOLLOWABLE),
  subjectId: formId,
});

const NOT_FOUND = "notice:errors.followNotFound";

/**
 * The community a followable thing belongs to, when the actor may see it as its page decides;
 * "not found" otherwise (the answer must not say whether a hidden thing exists).
 */
async function visibleSubject(
  db: Db,
  actor: Actor,
  type: FollowableType,
  id: number,
): Promise<{ communityId: number }> {
  const refuse = () => new DomainError(404, NOT_FOUND);
  switch (type) {
    case "council": {
      const c = await db
        .selectFrom("councils")
        .select("areaId")
        .where("id", "=", id)
        .executeTakeFirstOrThrow(refuse);
      if (!can(actor, "council.view", { communityId: c.areaId })) throw refuse();
      return { communityId: c.areaId };
    }
    case "meeting": {
      const m = await db
        .selectFrom("meetings")
        .innerJoin("councils", "councils.id", "meetings.councilId")
        .select("councils.areaId")
        .where("meetings.id", "=", id)
        .executeTakeFirstOrThrow(refuse);
      if (!can(actor, "meeting.view", { communityId: m.areaId })) throw refuse();
      return { communityId: m.areaId };
    }
    case "project": {
      const p = await visibleProject(db, actor, id).catch(() => {
        throw refuse();
      });
      return { communityId: p.communityId };
    }
    case "need": {
      // A need's page is open to all, its details only to those the policy names: a private
      // need's notices would tell what its page does not, so following it asks for the details.
      const loaded = await loadNeed(db, id).catch(() => {
        throw refuse();
      });
      if (!can(actor, "need.viewDetails", needTarget(loaded))) throw refuse();
      return { communityId: loaded.need.communityId };
    }
  }
}

/** Follows a council, meeting, project or need; following it again changes nothing. */
export const follow = command({
  action: "notice.follow",
  input: subjectInput,
  load: ({ trx, actor, input }) => visibleSubject(trx, actor, input.subjectType, input.subjectId),
  target: (loaded) => ({ communityId: loaded.communityId }),
  run: async ({ trx, actor, input, at }) => {
    const r = await trx
      .insertInto("follows")
      .values({
        userId: actor.userId,
        subjectType: input.subjectType,
        subjectId: input.subjectId,
        createdAt: at,
      })
      .onConflict((oc) => oc.columns(["userId", "subjectType", "subjectId"]).doNothing())
      .returning("userId")
      .executeTakeFirst();
    return r !== undefined;
  },
});

/** Ends one's own follow, whatever became of the thing; one not followed is "not found". */
export const unfollow = command({
  action: "notice.unfollow",
  input: subjectInput,
  load: async ({ trx, actor, input }) => {
    const row = await trx
      .selectFrom("follows")
      .select("userId")
      .where("userId", "=", actor.userId ?? 0)
      .where("subjectType", "=", input.subjectType)
      .where("subjectId", "=", input.subjectId)
      .executeTakeFirst();
    // Signed out, nobody follows anything: asked to sign in whatever the id.
    if (actor.userId !== null && !row) throw new DomainError(404, "notice:errors.notFollowing");
    return row;
  },
  target: (row) => ({ ownerId: row?.userId }),
  run: async ({ trx, actor, input }) => {
    await trx
      .deleteFrom("follows")
      .where("userId", "=", actor.userId)
      .where("subjectType", "=", input.subjectType)
      .where("subjectId", "=", input.subjectId)
      .execute();
    return true;
  },
});

/** A list of strings from a form: one value, several, or none at all (no box ticked). */
const formList = z.preprocess(
  (v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]),
  z
    .array(z.string({ invalid_type_error: "errors.badForm" }).max(64, "errors.badForm"))
    .max(200, "errors.badForm"),
);

/**
 * The settings form: `kinds` are the switchable kinds the form showed (a kind added since the page
 * was rendered keeps its setting), `on` those ticked among them, `quiet` the daily digest.
 */
export const settingsInput = z.object({
  kinds: formList,
  on: formList,
  quiet: z.preprocess((v) => v === "on" || v === "1" || v === true, z.boolean()),
});

/**
 * Saves one's notice settings: each shown kind on or off, and quiet (the daily digest) on or off.
 * A kind that does not exist, or a protected one (the form never offers it: a forged form), is
 * refused and nothing is written. Switching quiet off hands over at once what it was holding.
 */
export const saveNoticeSettings = command({
  action: "notice.settings",
  input: settingsInput,
  target: (_l, _i, actor) => ({ ownerId: actor.userId ?? undefined }),
  run: async ({ trx, actor, input, at, emit }) => {
    for (const kind of [...input.kinds, ...input.on]) {
      if (!isNoticeKind(kind)) {
        throw new DomainError(400, "notice:errors.unknownKind", { kind }, "kinds");
      }
      if (isProtected(kind)) {
        throw new DomainError(400, "notice:errors.protectedKind", { kind }, "kinds");
      }
    }
    const shown = input.kinds as NoticeKind[];
    const on = new Set(input.on);
    if ([...on].some((k) => !shown.includes(k as NoticeKind))) {
      throw new DomainError(400, "errors.badForm");
    }
    for (const kind of new Set(shown)) {
      await trx
        .insertInto("noticePreferences")
        .values({ userId: actor.userId, kind, enabled: on.has(kind) ? 1 : 0, updatedAt: at })
        .onConflict((oc) =>
          oc.columns(["userId", "kind"]).doUpdateSet({
            enabled: on.has(kind) ? 1 : 0,
            updatedAt: at,
          }),
        )
        .execute();
    }
    if (input.quiet) {
      await trx
        .insertInto("noticeQuiet")
        .values({ userId: actor.userId, since: at })
        .onConflict((oc) => oc.column("userId").doNothing())
        .execute();
      return { released: 0 };
    }
    await trx.deleteFrom("noticeQuiet").where("userId", "=", actor.userId).execute();
    // What quiet was holding arrives now, as it would have (counted, listed, told live).
    const r = await trx
      .updateTable("notices")
      .set({ heldAt: null })
      .where("userId", "=", actor.userId)
      .where("heldAt", "is not", null)
      .where("digestId", "is", null)
      .executeTakeFirst();
    const released = Number(r.numUpdatedRows);
    if (released > 0) emit({ type: "notice.created", userIds: [actor.userId] });
    return { released };
  },
});

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

/**
 * A page's 关注 form (app/components/follow.tsx): when the posted form is one, runs `follow` or
 * `unfollow` on the page's own subject (the address names it; the form cannot name another) and
 * answers with a redirect back to `page` (`?follow=on|off`), or the form's refusal. Null when the
 * form is another of the page's.
 */
export function submitFollow(
  actor: Actor,
  form: FormObject,
  subjectType: FollowableType,
  subjectId: number,
  page: string,
): Promise<Response> | null {
  const params = { subjectType, subjectId };
  if (form.intent === "follow") {
    return submit(follow, actor, form, () => redirect(`${page}?follow=on`), { params });
  }
  if (form.intent === "unfollow") {
    return submit(unfollow, actor, form, () => redirect(`${page}?follow=off`), { params });
  }
  return null;
}
