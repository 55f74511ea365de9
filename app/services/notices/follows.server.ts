/**
 * Following (关注) and one's notice settings (issue 16, items 3 and 4): the commands `follow`,
 * `unfollow` and `saveNoticeSettings` (the reads the pages need are ./follow-queries.server.ts).
 *
 * Following needs seeing the thing as its page decides (a draft project, a need whose details are
 * private, a council or meeting that does not exist: "not found", nothing written); unfollowing
 * one's own follow is always allowed, whatever became of the thing.
 */
import { redirect } from "@remix-run/node";
import { z } from "zod";
import { DomainError } from "~/domain/errors";
import { FOLLOWABLE, type FollowableType } from "~/domain/notices/follows";
import { isNoticeKind, isProtected, type NoticeKind } from "~/domain/notices/kinds";
import { can, type Actor } from "~/domain/permissions/policy";
import { formChoice, formId, type FormObject } from "~/domain/validation";
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
export async function visibleSubject(
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
