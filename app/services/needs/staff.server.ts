/**
 * 民情 (needs): the people of the loop. A community's committee appoints the 网格员 of its grids;
 * admins staff a street's command room, set up its handling units (the four platforms and its
 * departments) and their members. Appointments end; they are never deleted, since a need's
 * timeline was written by the people serving at the time.
 */
import { DomainError } from "~/domain/errors";
import {
  appointSchema,
  endStaffSchema,
  limitsFormSchema,
  unitMemberSchema,
  unitSchema,
} from "~/domain/needs/schemas";
import type { NeedStaffRole } from "~/domain/needs/rules";
import { userByLogin } from "../accounts/queries.server";
import { command, type Trx } from "../runner/command.server";

/** The grid or street a form names, refused on its field (`field`) when it is not one. */
async function areaOf(
  trx: Trx,
  areaId: number,
  level: "grid" | "street",
  field: "areaId" | "streetId" = "areaId",
) {
  const area = await trx
    .selectFrom("areas")
    .select(["id", "parentId"])
    .where("id", "=", areaId)
    .where("level", "=", level)
    .executeTakeFirst();
  if (!area) {
    throw new DomainError(
      400,
      level === "grid" ? "need:errors.badGrid" : "need:errors.badStreet",
      {},
      field,
    );
  }
  return area;
}

async function appoint(
  trx: Trx,
  role: NeedStaffRole,
  place: { areaId: number | null; unitId: number | null },
  login: Parameters<typeof userByLogin>[1],
  by: number,
  at: string,
) {
  const user = await userByLogin(trx, login);
  let existing = trx
    .selectFrom("needStaff")
    .select("id")
    .where("userId", "=", user.id)
    .where("role", "=", role)
    .where("endedAt", "is", null);
  existing =
    place.unitId !== null
      ? existing.where("unitId", "=", place.unitId)
      : existing.where("areaId", "=", place.areaId);
  if (await existing.executeTakeFirst()) {
    throw new DomainError(409, "need:errors.alreadyAppointed", {}, "login");
  }
  await trx
    .insertInto("needStaff")
    .values({ userId: user.id, role, ...place, appointedBy: by, appointedAt: at })
    .execute();
  return user;
}

/** The committee appoints a 网格员 for one of its community's grids. */
export const appointGridWorker = command({
  action: "need.appointGridWorker",
  input: appointSchema,
  load: ({ trx, input }) => areaOf(trx, input.areaId, "grid"),
  target: (grid) => ({ communityId: grid.parentId ?? -1 }),
  run: ({ trx, actor, input, loaded: grid, at }) =>
    appoint(trx, "gridWorker", { areaId: grid.id, unitId: null }, input.login, actor.userId, at),
  audit: ({ loaded: grid }, user) => ({
    areaId: grid.parentId,
    subjectType: "user",
    subjectId: user.id,
    details: { role: "gridWorker", gridId: grid.id, name: user.displayName, userId: user.id },
  }),
});

/** Admins staff a street's command room. */
export const appointCommandRoom = command({
  action: "need.appointCommandRoom",
  input: appointSchema,
  load: ({ trx, input }) => areaOf(trx, input.areaId, "street"),
  run: ({ trx, actor, input, loaded: street, at }) =>
    appoint(trx, "commandRoom", { areaId: street.id, unitId: null }, input.login, actor.userId, at),
  audit: ({ loaded: street }, user) => ({
    areaId: street.id,
    subjectType: "user",
    subjectId: user.id,
    details: { role: "commandRoom", name: user.displayName, userId: user.id },
  }),
});

/** Admins set up a street's handling unit: one of the four platforms, or a department. */
export const createUnit = command({
  action: "need.manageUnits",
  input: unitSchema,
  load: ({ trx, input }) => areaOf(trx, input.streetId, "street", "streetId"),
  run: async ({ trx, actor, input, at }) => {
    if (input.platform) {
      const taken = await trx
        .selectFrom("needUnits")
        .select("id")
        .where("streetId", "=", input.streetId)
        .where("platform", "=", input.platform)
        .executeTakeFirst();
      if (taken) throw new DomainError(409, "need:errors.platformExists", {}, "platform");
    }
    const { id } = await trx
      .insertInto("needUnits")
      .values({
        streetId: input.streetId,
        platform: input.platform ?? null,
        name: input.name,
        createdBy: actor.userId,
        createdAt: at,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    return id;
  },
  audit: ({ input }, id) => ({
    areaId: input.streetId,
    subjectType: "needUnit",
    subjectId: id,
    details: { change: "created", name: input.name, platform: input.platform ?? null },
  }),
});

/** Admins add a member to a handling unit. */
export const addUnitMember = command({
  action: "need.manageUnits",
  input: unitMemberSchema,
  load: async ({ trx, input }) => {
    const unit = await trx
      .selectFrom("needUnits")
      .select(["id", "streetId"])
      .where("id", "=", input.unitId)
      .executeTakeFirst();
    if (!unit) throw new DomainError(400, "need:errors.badUnit", {}, "unitId");
    return unit;
  },
  run: ({ trx, actor, input, loaded: unit, at }) =>
    appoint(trx, "unit", { areaId: null, unitId: unit.id }, input.login, actor.userId, at),
  audit: ({ loaded: unit }, user) => ({
    areaId: unit.streetId,
    subjectType: "user",
    subjectId: user.id,
    details: { role: "unit", unitId: unit.id, name: user.displayName, userId: user.id },
  }),
});

/**
 * Ends an appointment: a grid worker's by their community's committee, the others' by admins.
 * The action is chosen by what the appointment is.
 */
export const endStaff = command({
  action: ["need.appointGridWorker", "need.appointCommandRoom", "need.manageUnits"],
  input: endStaffSchema,
  load: async ({ trx, input }) => {
    const row = await trx
      .selectFrom("needStaff")
      .leftJoin("areas", "areas.id", "needStaff.areaId")
      .leftJoin("needUnits", "needUnits.id", "needStaff.unitId")
      .select([
        "needStaff.id",
        "needStaff.userId",
        "needStaff.role",
        "needStaff.endedAt",
        "areas.parentId as gridCommunityId",
        "needStaff.areaId",
        "needUnits.streetId as unitStreetId",
      ])
      .where("needStaff.id", "=", input.staffId)
      .executeTakeFirst();
    if (!row) throw new DomainError(404, "need:errors.staffNotFound");
    return row;
  },
  actionFor: (_input, row) =>
    row.role === "gridWorker"
      ? "need.appointGridWorker"
      : row.role === "commandRoom"
        ? "need.appointCommandRoom"
        : "need.manageUnits",
  target: (row) => (row.role === "gridWorker" ? { communityId: row.gridCommunityId ?? -1 } : {}),
  run: async ({ trx, actor, loaded: row, at }) => {
    if (row.endedAt !== null) throw new DomainError(409, "need:errors.staffEnded");
    await trx
      .updateTable("needStaff")
      .set({ endedAt: at, endedBy: actor.userId })
      .where("id", "=", row.id)
      .where("endedAt", "is", null)
      .execute();
    return row.id;
  },
  audit: ({ loaded: row }) => ({
    areaId:
      row.role === "gridWorker"
        ? row.gridCommunityId
        : row.role === "commandRoom"
          ? row.areaId
          : row.unitStreetId,
    subjectType: "user",
    subjectId: row.userId,
    details: { role: row.role, change: "ended", userId: row.userId },
  }),
});

/** Admins set a street's own time limits (a blank one keeps the default). */
export const setStreetLimits = command({
  action: "need.setLimits",
  input: limitsFormSchema,
  load: ({ trx, input }) => areaOf(trx, input.streetId, "street", "streetId"),
  run: async ({ trx, actor, input, at }) => {
    const limits = JSON.stringify(input.limits);
    await trx
      .insertInto("streetNeedLimits")
      .values({ streetId: input.streetId, limits, updatedBy: actor.userId, updatedAt: at })
      .onConflict((oc) =>
        oc.column("streetId").doUpdateSet({ limits, updatedBy: actor.userId, updatedAt: at }),
      )
      .execute();
    return input.streetId;
  },
  audit: ({ input }) => ({
    areaId: input.streetId,
    subjectType: "street",
    subjectId: input.streetId,
    details: { limits: input.limits },
  }),
});
