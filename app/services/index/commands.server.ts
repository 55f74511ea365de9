/**
 * 六和指数, the admins' writes (commands: ../runner/command.server.ts; policy actions
 * `index.compute` and `index.publishMethod`, admins only, audited).
 *
 *   computeIndex        form fields: month ("YYYY-MM"), reason (required when the month already
 *                       has a snapshot), methodVersion (optional; the latest when empty)
 *   publishIndexMethod  form fields: tree (the method as JSON text), note, version (optional: the
 *                       number the form means to publish; refused unless it is the next one)
 *
 * A published method version is never changed: there is no command that edits one, and
 * publishing always makes the next number.
 */
import { DomainError } from "~/domain/errors";
import { isMonthOver } from "~/domain/month";
import {
  computeIndexSchema,
  publishMethodSchema,
  type ComputeIndexInput,
  type PublishMethodInput,
} from "~/domain/index/schemas";
import { command } from "../runner/command.server";
import {
  cityTotal,
  computeSnapshot,
  currentSnapshot,
  ensureDefaultMethod,
  loadMethod,
} from "./snapshots.server";

export { computeIndexSchema, publishMethodSchema };
export type { ComputeIndexInput, PublishMethodInput };

export const computeIndex = command({
  action: "index.compute",
  input: computeIndexSchema,
  run: async ({ trx, actor, input, now, at, emit }) => {
    if (!isMonthOver(input.month, now)) {
      throw new DomainError(400, "index:errors.monthNotOver", { month: input.month }, "month");
    }
    const latest = await ensureDefaultMethod(trx, at);
    const version = input.methodVersion ?? latest;
    const method = await loadMethod(trx, version);
    if (!method) {
      throw new DomainError(
        400,
        "index:errors.unknownMethodVersion",
        { version, latest },
        "methodVersion",
      );
    }
    const previous = await currentSnapshot(trx, input.month);
    // Snapshots are kept: a second computation of a month is a correction, and says why.
    if (previous && !input.reason) {
      throw new DomainError(400, "index:errors.reasonRequired", { month: input.month }, "reason");
    }
    emit({ type: "index.changed" });
    const done = await computeSnapshot(trx, {
      month: input.month,
      methodVersion: version,
      tree: method.tree,
      computedAt: at,
      computedBy: actor.userId,
      reason: previous ? input.reason! : (input.reason ?? null),
    });
    return {
      ...done,
      month: input.month,
      methodVersion: version,
      total: await cityTotal(trx, done.snapshotId),
    };
  },
  audit: (ctx, r) => ({
    areaId: null,
    subjectType: "indexSnapshot",
    subjectId: r.snapshotId,
    details: {
      month: r.month,
      methodVersion: r.methodVersion,
      supersedes: r.supersedes,
      reason: ctx.input.reason ?? null,
      total: r.total,
    },
  }),
});

export const publishIndexMethod = command({
  action: "index.publishMethod",
  input: publishMethodSchema,
  run: async ({ trx, actor, input, at, emit }) => {
    // Version 1 is the default method: a first publication comes after it, never instead of it.
    const latest = await ensureDefaultMethod(trx, at);
    const version = latest + 1;
    if (input.version !== undefined && input.version !== version) {
      throw new DomainError(
        409,
        input.version <= latest ? "index:errors.versionPublished" : "index:errors.versionNotNext",
        { version: input.version, next: version },
        "version",
      );
    }
    await trx
      .insertInto("indexMethods")
      .values({
        version,
        tree: JSON.stringify(input.tree),
        note: input.note,
        publishedAt: at,
        publishedBy: actor.userId,
      })
      .execute();
    emit({ type: "index.changed" });
    return { version };
  },
  audit: (ctx, r) => ({
    areaId: null,
    subjectType: "indexMethod",
    subjectId: r.version,
    details: { version: r.version, note: ctx.input.note },
  }),
});
