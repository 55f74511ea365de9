/**
 * Councils (议事会), the writes: setting one up, editing it, its members. Each is a command (see
 * `../runner/command.server.ts`); the runner writes the `council.manage` audit entry.
 */
import { z } from "zod";
import { DomainError } from "~/domain/errors";
import { councilMemberSchema, councilSchema } from "~/domain/meetings/schemas";
import { formId, id } from "~/domain/validation";
import { userByLogin } from "../accounts/queries.server";
import { notFound } from "../rows.server";
import { command, type AuditEntry, type Trx } from "../runner/command.server";

/** The council a command is about; 404 when there is none. */
export function loadCouncil(trx: Trx, councilId: number) {
  return trx
    .selectFrom("councils")
    .select(["id", "areaId"])
    .where("id", "=", councilId)
    .executeTakeFirstOrThrow(notFound("meeting:errors.councilNotFound"));
}

const councilTarget = (c: { areaId: number }) => ({ communityId: c.areaId });

/** The audit entry of a change to a council, in its area's log. */
const councilEntry = (
  c: { id: number; areaId: number },
  details: Record<string, unknown>,
): AuditEntry => ({ areaId: c.areaId, subjectType: "council", subjectId: c.id, details });
const loadByInput = ({ trx, input }: { trx: Trx; input: { councilId: number } }) =>
  loadCouncil(trx, input.councilId);

/** A council of a community (or, for the platform's admins, of a street). */
export const createCouncil = command({
  action: "council.manage",
  input: councilSchema.and(z.object({ areaId: id })),
  load: async ({ trx, input }) => {
    const area = await trx
      .selectFrom("areas")
      .select("id")
      .where("id", "=", input.areaId)
      .where("level", "in", ["community", "street"])
      .executeTakeFirstOrThrow(notFound("community:errors.notFound"));
    return { areaId: area.id };
  },
  target: councilTarget,
  run: async ({ trx, actor, input, loaded, at, emit }) => {
    const { id: councilId } = await trx
      .insertInto("councils")
      .values({
        areaId: loaded.areaId,
        name: input.name,
        purpose: input.purpose,
        createdBy: actor.userId,
        createdAt: at,
        updatedAt: at,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    // Its community's page lists its councils.
    emit({ type: "community.changed", communityId: loaded.areaId });
    return councilId;
  },
  audit: ({ input, loaded }, councilId) =>
    councilEntry({ id: councilId, areaId: loaded.areaId }, { name: input.name, change: "created" }),
});

export const updateCouncil = command({
  action: "council.manage",
  input: councilSchema.and(z.object({ councilId: id })),
  load: loadByInput,
  target: councilTarget,
  run: async ({ trx, input, loaded: council, at, emit }) => {
    await trx
      .updateTable("councils")
      .set({ name: input.name, purpose: input.purpose, updatedAt: at })
      .where("id", "=", council.id)
      .execute();
    emit({ type: "community.changed", communityId: council.areaId });
  },
  audit: ({ input, loaded: council }) =>
    councilEntry(council, { name: input.name, change: "edited" }),
});

export const addCouncilMember = command({
  action: "council.manage",
  input: councilMemberSchema.and(z.object({ councilId: id })),
  load: loadByInput,
  target: councilTarget,
  run: async ({ trx, input, loaded: council, at }) => {
    const user = await userByLogin(trx, input.login);
    const inserted = await trx
      .insertInto("councilMembers")
      .values({ councilId: council.id, userId: user.id, addedAt: at })
      .onConflict((oc) => oc.doNothing())
      .executeTakeFirst();
    if (inserted.numInsertedOrUpdatedRows === 0n) {
      throw new DomainError(409, "meeting:errors.alreadyMember", {}, "login");
    }
    return user;
  },
  audit: ({ loaded: council }, user) =>
    councilEntry(council, {
      change: "memberAdded",
      userId: user.id, // so that the name can be hidden once the account is deleted
      displayName: user.displayName,
    }),
});

export const removeCouncilMember = command({
  action: "council.manage",
  // The page puts the member's id in the form.
  input: z.object({ councilId: id, userId: formId }),
  load: loadByInput,
  target: councilTarget,
  run: async ({ trx, input, loaded: council }) => {
    const removed = await trx
      .deleteFrom("councilMembers")
      .where("councilId", "=", council.id)
      .where("userId", "=", input.userId)
      .executeTakeFirst();
    if (removed.numDeletedRows === 0n)
      throw new DomainError(404, "meeting:errors.notCouncilMember");
  },
  audit: ({ input, loaded: council }) =>
    councilEntry(council, { change: "memberRemoved", userId: input.userId }),
});
