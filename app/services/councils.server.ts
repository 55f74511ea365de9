/** Councils (议事会): standing deliberation bodies of a community (or a street). */
import { getDb } from "../../db/client.server";
import type { Area } from "../../db/schema";
import { DomainError } from "~/domain/errors";
import { authorize, type Actor } from "~/domain/permissions/policy";
import { isOverdue } from "~/domain/meetings/rules";
import type { LoginId } from "~/domain/accounts/schemas";
import { writeAudit } from "./audit.server";
import { findUserByLogin } from "./accounts/queries.server";

/** The council, once the policy allows the actor this action on it; 404 when there is none. */
export async function councilFor(
  actor: Actor,
  councilId: number,
  action: "council.manage" | "meeting.manage",
): Promise<{ id: number; areaId: number }> {
  const council = await getDb()
    .selectFrom("councils")
    .select(["id", "areaId"])
    .where("id", "=", councilId)
    .executeTakeFirst();
  if (!council) throw new DomainError(404, "meeting:errors.councilNotFound");
  authorize(actor, action, { communityId: council.areaId });
  return council;
}

export interface CouncilInput {
  name: string;
  purpose: string;
}

export async function createCouncil(
  actor: Actor,
  areaId: number,
  input: CouncilInput,
): Promise<number> {
  authorize(actor, "council.manage", { communityId: areaId });
  const db = getDb();
  const area = await db
    .selectFrom("areas")
    .select(["id", "level"])
    .where("id", "=", areaId)
    .executeTakeFirst();
  if (!area || (area.level !== "community" && area.level !== "street")) {
    throw new DomainError(404, "community:errors.notFound");
  }
  return db.transaction().execute(async (trx) => {
    const now = new Date().toISOString();
    const { id } = await trx
      .insertInto("councils")
      .values({
        areaId,
        name: input.name,
        purpose: input.purpose,
        createdBy: actor.userId,
        createdAt: now,
        updatedAt: now,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await writeAudit(trx, {
      actorId: actor.userId,
      action: "council.manage",
      areaId,
      subjectType: "council",
      subjectId: id,
      details: { name: input.name, change: "created" },
    });
    return id;
  });
}

export async function updateCouncil(
  actor: Actor,
  councilId: number,
  input: CouncilInput,
): Promise<void> {
  const db = getDb();
  const council = await councilFor(actor, councilId, "council.manage");
  await db.transaction().execute(async (trx) => {
    await trx
      .updateTable("councils")
      .set({ name: input.name, purpose: input.purpose, updatedAt: new Date().toISOString() })
      .where("id", "=", councilId)
      .execute();
    await writeAudit(trx, {
      actorId: actor.userId,
      action: "council.manage",
      areaId: council.areaId,
      subjectType: "council",
      subjectId: councilId,
      details: { name: input.name, change: "edited" },
    });
  });
}

export async function addCouncilMember(
  actor: Actor,
  councilId: number,
  login: LoginId,
): Promise<void> {
  const db = getDb();
  const council = await councilFor(actor, councilId, "council.manage");
  const user = await findUserByLogin(login);
  if (!user) throw new DomainError(404, "community:errors.userNotFound", {}, "login");
  await db.transaction().execute(async (trx) => {
    const inserted = await trx
      .insertInto("councilMembers")
      .values({ councilId, userId: user.id, addedAt: new Date().toISOString() })
      .onConflict((oc) => oc.doNothing())
      .executeTakeFirst();
    if (inserted.numInsertedOrUpdatedRows === 0n) {
      throw new DomainError(409, "meeting:errors.alreadyMember", {}, "login");
    }
    await writeAudit(trx, {
      actorId: actor.userId,
      action: "council.manage",
      areaId: council.areaId,
      subjectType: "council",
      subjectId: councilId,
      details: { change: "memberAdded", displayName: user.displayName },
    });
  });
}

export async function removeCouncilMember(
  actor: Actor,
  councilId: number,
  userId: number,
): Promise<void> {
  const db = getDb();
  const council = await councilFor(actor, councilId, "council.manage");
  await db.transaction().execute(async (trx) => {
    const removed = await trx
      .deleteFrom("councilMembers")
      .where("councilId", "=", councilId)
      .where("userId", "=", userId)
      .executeTakeFirst();
    if (removed.numDeletedRows === 0n)
      throw new DomainError(404, "meeting:errors.notCouncilMember");
    await writeAudit(trx, {
      actorId: actor.userId,
      action: "council.manage",
      areaId: council.areaId,
      subjectType: "council",
      subjectId: councilId,
      details: { change: "memberRemoved", userId },
    });
  });
}

export interface CommitmentView {
  id: number;
  meetingId: number;
  meetingTopic: string;
  what: string;
  ownerKind: "person" | "department" | "organisation";
  ownerName: string;
  dueDate: string;
  status: "open" | "in_progress" | "done" | "dropped";
  overdue: boolean;
}

/** Commitments of a council's meetings (or of every council of a community), newest due last. */
export async function commitmentsOf(
  where: { councilId?: number; areaId?: number },
  openOnly: boolean,
) {
  let q = getDb()
    .selectFrom("commitments")
    .innerJoin("meetings", "meetings.id", "commitments.meetingId")
    .innerJoin("councils", "councils.id", "meetings.councilId")
    .select([
      "commitments.id",
      "commitments.meetingId",
      "meetings.topic as meetingTopic",
      "commitments.what",
      "commitments.ownerKind",
      "commitments.ownerName",
      "commitments.dueDate",
      "commitments.status",
    ])
    .orderBy("commitments.dueDate");
  if (where.councilId !== undefined) q = q.where("councils.id", "=", where.councilId);
  if (where.areaId !== undefined) q = q.where("councils.areaId", "=", where.areaId);
  if (openOnly) q = q.where("commitments.status", "in", ["open", "in_progress"]);
  const rows = await q.execute();
  return rows.map((r): CommitmentView => ({ ...r, overdue: isOverdue(r) }));
}

export interface MeetingSummary {
  id: number;
  topic: string;
  startsAt: string;
  endsAt: string;
  place: string;
  status: "scheduled" | "live" | "closed" | "published";
}

export async function councilPage(councilId: number) {
  const db = getDb();
  const council = await db
    .selectFrom("councils")
    .selectAll()
    .where("id", "=", councilId)
    .executeTakeFirst();
  if (!council) return null;
  const area = (await db
    .selectFrom("areas")
    .selectAll()
    .where("id", "=", council.areaId)
    .executeTakeFirstOrThrow()) as Area;
  const meetings: MeetingSummary[] = await db
    .selectFrom("meetings")
    .select(["id", "topic", "startsAt", "endsAt", "place", "status"])
    .where("councilId", "=", councilId)
    .orderBy("startsAt", "desc")
    .execute();
  const now = new Date().toISOString();
  const upcoming = meetings
    .filter((m) => m.status === "live" || (m.status === "scheduled" && m.endsAt >= now))
    .reverse();
  const past = meetings.filter((m) => !upcoming.includes(m));
  const members = await db
    .selectFrom("councilMembers")
    .innerJoin("users", "users.id", "councilMembers.userId")
    .select(["users.id", "users.displayName"])
    .where("councilMembers.councilId", "=", councilId)
    .orderBy("councilMembers.addedAt")
    .execute();
  return {
    council,
    area,
    upcoming,
    past,
    members,
    commitments: await commitmentsOf({ councilId }, true),
  };
}

export async function councilsOf(areaId: number) {
  return getDb()
    .selectFrom("councils")
    .select(["id", "name", "purpose"])
    .where("areaId", "=", areaId)
    .orderBy("id")
    .execute();
}

/** Meetings of every council, for calendars: the council's own, or all of a community's. */
export async function meetingsForCalendar(councilId: number) {
  return getDb()
    .selectFrom("meetings")
    .select(["id", "topic", "description", "startsAt", "endsAt", "place", "status", "createdAt"])
    .where("councilId", "=", councilId)
    .orderBy("startsAt")
    .execute();
}
