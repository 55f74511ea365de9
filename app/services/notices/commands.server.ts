/**
 * Notices, the person's own writes: marking one notice read, or all of them. (Notices themselves are
 * written by the commands that announce them, through `ctx.notify` and the outbox.)
 */
import { z } from "zod";
import { DomainError } from "~/domain/errors";
import { formId } from "~/domain/validation";
import { command } from "../runner/command.server";

export const markNoticeRead = command({
  action: "notice.read",
  input: z.object({ noticeId: formId }),
  load: async ({ trx, actor, input }) => {
    const row = await trx
      .selectFrom("notices")
      .select(["id", "userId", "readAt"])
      .where("id", "=", input.noticeId)
      .executeTakeFirst();
    // Someone else's notice is "not found": the answer must not confirm that it exists. Signed
    // out, nobody is anyone, and is asked to sign in whatever the id.
    if (actor.userId !== null && (!row || row.userId !== actor.userId)) {
      throw new DomainError(404, "notice:errors.notFound");
    }
    return row;
  },
  target: (row) => ({ ownerId: row?.userId }),
  run: async ({ trx, loaded: row, at, emit }) => {
    if (!row) throw new DomainError(404, "notice:errors.notFound");
    if (row.readAt !== null) return false;
    await trx
      .updateTable("notices")
      .set({ readAt: at })
      .where("id", "=", row.id)
      .where("readAt", "is", null)
      .execute();
    emit({ type: "notice.read", userId: row.userId });
    return true;
  },
  subject: () => ({ type: "notice", id: null }),
});

/**
 * Marks the person's unread notices read: those up to `upTo` (the newest the page showed), so
 * that one arriving while the page was open stays unread; all of them without it.
 */
export const markAllNoticesRead = command({
  action: "notice.readAll",
  input: z.object({ upTo: formId.optional() }),
  target: (_l, _input, actor) => ({ ownerId: actor.userId ?? undefined }),
  run: async ({ trx, actor, input, at, emit }) => {
    let q = trx
      .updateTable("notices")
      .set({ readAt: at })
      .where("userId", "=", actor.userId)
      .where("readAt", "is", null)
      // Held for the digest: read through the digest when it comes.
      .where("heldAt", "is", null);
    if (input.upTo !== undefined) q = q.where("id", "<=", input.upTo);
    const r = await q.executeTakeFirst();
    const n = Number(r.numUpdatedRows);
    if (n > 0) emit({ type: "notice.read", userId: actor.userId });
    return n;
  },
  subject: () => ({ type: "notice", id: null }),
});
