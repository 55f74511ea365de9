/**
 * 民情 (needs): what the commands, the queries and the timed work share — finding a need with the
 * residents behind it, the policy target it makes, the roles a person holds for it, the street's
 * time limits and the working-day calendar, and writing a step into its timeline.
 */
import fs from "node:fs";
import path from "node:path";
import type { Selectable } from "kysely";
import type { NeedsTable } from "../../../db/schema";
import {
  calendarFromFiles,
  limitsFor,
  streetLimitsSchema,
  type DeadlineLimits,
  type WorkCalendar,
} from "~/domain/needs/clock";
import { STEPS, type LoopFacts, type NeedRole, type NeedStep } from "~/domain/needs/machine";
import type { NeedTimelineRole, NeedTimelineStep } from "~/domain/needs/rules";
import { roles, type Actor, type Role, type Target } from "~/domain/permissions/policy";
import { notFound } from "../rows.server";
import type { Db, Trx } from "../runner/command.server";

export type NeedRow = Selectable<NeedsTable>;

export interface LoadedNeed {
  need: NeedRow;
  reporterIds: number[];
  meTooIds: number[];
}

export async function loadNeed(db: Db, needId: number): Promise<LoadedNeed> {
  const need = await db
    .selectFrom("needs")
    .selectAll()
    .where("id", "=", needId)
    .executeTakeFirstOrThrow(notFound("need:errors.notFound"));
  const residents = await db
    .selectFrom("needResidents")
    .select(["userId", "kind"])
    .where("needId", "=", needId)
    .execute();
  return {
    need,
    reporterIds: residents.filter((r) => r.kind === "reporter").map((r) => r.userId),
    meTooIds: residents.filter((r) => r.kind === "meToo").map((r) => r.userId),
  };
}

/** The policy's target for a need: its places, its unit, its reporter and "me too" residents. */
export function needTarget({ need, meTooIds }: Pick<LoadedNeed, "need" | "meTooIds">): Target {
  return {
    communityId: need.communityId,
    gridId: need.gridId,
    streetId: need.streetId,
    ...(need.unitId !== null && { unitId: need.unitId }),
    ...(need.reporterId !== null && { ownerId: need.reporterId }),
    meToo: meTooIds,
    isPublic: need.isPublic === 1,
  };
}

/** The policy role that stands for each of the loop's roles. */
const POLICY_ROLE: Record<Exclude<NeedRole, "system">, Role> = {
  gridWorker: "gridWorker",
  commandRoom: "commandRoom",
  unit: "handlingUnit",
  reporter: "self",
  meToo: "meToo",
  committee: "committee",
};
export const policyRoleOf = (r: NeedRole): Role | null => (r === "system" ? null : POLICY_ROLE[r]);

/** The loop's roles this person holds for this need. */
export function rolesFor(actor: Actor, target: Target): NeedRole[] {
  return (Object.keys(POLICY_ROLE) as Array<keyof typeof POLICY_ROLE>).filter((r) =>
    roles[POLICY_ROLE[r]](actor, target),
  );
}

/** The role a step is recorded under: the first of the step's roles this person holds. */
export function roleTaking(actor: Actor, target: Target, step: NeedStep): NeedRole {
  const held = rolesFor(actor, target);
  return STEPS[step].roles.find((r) => held.includes(r)) ?? STEPS[step].roles[0]!;
}

export function factsOf(need: NeedRow, now: Date): LoopFacts {
  return {
    dispatched: need.dispatched === 1,
    extensionsAsked: need.extensionsAsked,
    checkedAt: need.checkedAt ? new Date(need.checkedAt) : null,
    closedAt: need.closedAt ? new Date(need.closedAt) : null,
    now,
  };
}

/** A street's limits: its own where it set them, the defaults elsewhere. */
export async function streetLimits(db: Db, streetId: number): Promise<DeadlineLimits> {
  const row = await db
    .selectFrom("streetNeedLimits")
    .select("limits")
    .where("streetId", "=", streetId)
    .executeTakeFirst();
  if (!row) return limitsFor();
  const parsed = streetLimitsSchema.safeParse(JSON.parse(row.limits));
  return limitsFor(parsed.success ? parsed.data : {});
}

/**
 * The working-day calendar: every year's file in CALENDAR_DIR (default db/calendar), read once.
 * A new year's official notice is a new file of the same shape, no code change; a year without a
 * file counts Monday to Friday.
 */
let calendarCache: WorkCalendar | null = null;
export function workCalendar(): WorkCalendar {
  if (calendarCache) return calendarCache;
  const dir = path.resolve(process.env.CALENDAR_DIR ?? "db/calendar");
  const files = fs.existsSync(dir)
    ? fs
        .readdirSync(dir)
        .filter((f) => f.endsWith(".json"))
        .map((f) => JSON.parse(fs.readFileSync(path.join(dir, f), "utf8")) as unknown)
    : [];
  calendarCache = calendarFromFiles(files);
  return calendarCache;
}

export interface StepRecord {
  needId: number;
  step: NeedTimelineStep;
  role: NeedTimelineRole;
  actor: Actor | null;
  from: NeedRow["status"] | null;
  to: NeedRow["status"];
  at: string;
  note?: string | null;
  unitId?: number | null;
  deadlineAt?: string | null;
  photo?: string | null;
}

/** One line of a need's timeline. */
export async function recordStep(trx: Trx, r: StepRecord): Promise<void> {
  await trx
    .insertInto("needSteps")
    .values({
      needId: r.needId,
      step: r.step,
      role: r.role,
      actorId: r.actor?.userId ?? null,
      assistedBy: r.actor?.assistedBy?.helperId ?? null,
      fromStatus: r.from,
      toStatus: r.to,
      unitId: r.unitId ?? null,
      deadlineAt: r.deadlineAt ?? null,
      note: r.note ?? null,
      photo: r.photo ?? null,
      at: r.at,
    })
    .execute();
}
