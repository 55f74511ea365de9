/**
 * Social organisations (社会组织): listings that a committee of a served community verifies, their
 * members, and the public directory.
 */
import type { Kysely, Transaction } from "kysely";
import { getDb } from "../../db/client.server";
import type { Database, OrganisationTier, ServiceArea } from "../../db/schema";
import type { LoginId } from "~/domain/accounts/schemas";
import { DomainError } from "~/domain/errors";
import { authorize, can, type Actor, type Target } from "~/domain/permissions/policy";
import { averageRating } from "~/domain/projects/rules";
import type { OrganisationInput } from "~/domain/projects/schemas";
import { matchExpression } from "~/domain/search/segment";
import { findUserByLogin } from "./accounts/queries.server";
import { writeAudit } from "./audit.server";
import { emitEvent } from "./events.server";
import { matchingIds, reindex } from "./search.server";

type Db = Kysely<Database> | Transaction<Database>;

export const DIRECTORY_PAGE = 20;

interface OrgRow {
  id: number;
  name: string;
  tier: OrganisationTier;
  status: "pending" | "verified" | "declined";
  createdBy: number | null;
}

async function loadOrg(db: Db, id: number): Promise<OrgRow & { communityIds: number[] }> {
  const org = await db
    .selectFrom("organisations")
    .select(["id", "name", "tier", "status", "createdBy"])
    .where("id", "=", id)
    .executeTakeFirst();
  if (!org) throw new DomainError(404, "project:errors.organisationNotFound");
  const communities = await db
    .selectFrom("organisationCommunities")
    .select("communityId")
    .where("organisationId", "=", id)
    .execute();
  return { ...org, communityIds: communities.map((c) => c.communityId) };
}

/** The policy target of an organisation: its applicant, itself, the communities it serves. */
function orgTarget(org: { id: number; createdBy: number | null; communityIds: number[] }): Target {
  return {
    organisationId: org.id,
    communityIds: org.communityIds,
    ...(org.createdBy !== null ? { ownerId: org.createdBy } : {}),
  };
}

/** Someone invited to an organisation must see its page, where they accept or decline. */
async function isInvited(actor: Actor, id: number): Promise<boolean> {
  if (actor.userId === null) return false;
  const row = await getDb()
    .selectFrom("organisationMembers")
    .select("userId")
    .where("organisationId", "=", id)
    .where("userId", "=", actor.userId)
    .where("status", "=", "invited")
    .executeTakeFirst();
  return row !== undefined;
}

/** Unverified listings are seen by their people, the committees concerned and admins only. */
function canSee(actor: Actor, org: OrgRow & { communityIds: number[] }): boolean {
  return org.status === "verified" || can(actor, "organisation.viewUnverified", orgTarget(org));
}

async function checkCommunities(db: Db, ids: number[]): Promise<void> {
  const found = await db
    .selectFrom("areas")
    .select("id")
    .where("id", "in", ids)
    .where("level", "=", "community")
    .execute();
  if (found.length !== ids.length) {
    throw new DomainError(400, "project:errors.pickCommunity", {}, "communities");
  }
}

async function writeListing(trx: Transaction<Database>, id: number, input: OrganisationInput) {
  await trx.deleteFrom("organisationServices").where("organisationId", "=", id).execute();
  await trx
    .insertInto("organisationServices")
    .values(input.services.map((service) => ({ organisationId: id, service })))
    .execute();
  await trx.deleteFrom("organisationCommunities").where("organisationId", "=", id).execute();
  await trx
    .insertInto("organisationCommunities")
    .values(input.communities.map((communityId) => ({ organisationId: id, communityId })))
    .execute();
  await reindex(trx, "organisation", id, [
    input.name,
    input.description,
    input.registrationNumber ?? "",
  ]);
}

export async function applyOrganisation(actor: Actor, input: OrganisationInput): Promise<number> {
  authorize(actor, "organisation.apply");
  const userId = actor.userId!;
  const db = getDb();
  await checkCommunities(db, input.communities);
  const id = await db.transaction().execute(async (trx) => {
    const now = new Date().toISOString();
    const { id } = await trx
      .insertInto("organisations")
      .values({
        name: input.name,
        tier: input.tier,
        registrationNumber: input.registrationNumber,
        description: input.description,
        contact: input.contact,
        status: "pending",
        decidedBy: null,
        decidedAt: null,
        decisionReason: null,
        createdBy: userId,
        createdAt: now,
        updatedAt: now,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await writeListing(trx, id, input);
    // The applicant is the organisation's first admin.
    await trx
      .insertInto("organisationMembers")
      .values({
        organisationId: id,
        userId,
        role: "admin",
        status: "active",
        invitedBy: userId,
        invitedAt: now,
        joinedAt: now,
      })
      .execute();
    return id;
  });
  emitEvent({ type: "organisation.membersChanged", organisationId: id, userId });
  return id;
}

/**
 * Admins edit the listing. A declined listing that is edited, or one that adds a community, goes
 * back to the committees for verification.
 */
export async function editOrganisation(
  actor: Actor,
  id: number,
  input: OrganisationInput,
): Promise<void> {
  const db = getDb();
  const org = await loadOrg(db, id);
  authorize(actor, "organisation.edit", orgTarget(org));
  await checkCommunities(db, input.communities);
  // A community's committee vouches only for organisations it has checked: serving a new
  // community sends the listing back for verification.
  const servesNewCommunity = input.communities.some((c) => !org.communityIds.includes(c));
  await db.transaction().execute(async (trx) => {
    await trx
      .updateTable("organisations")
      .set({
        name: input.name,
        tier: input.tier,
        registrationNumber: input.registrationNumber,
        description: input.description,
        contact: input.contact,
        updatedAt: new Date().toISOString(),
        ...(org.status === "declined" || servesNewCommunity
          ? { status: "pending", decidedBy: null, decidedAt: null, decisionReason: null }
          : {}),
      })
      .where("id", "=", id)
      .execute();
    await writeListing(trx, id, input);
  });
}

export type OrgDecision = "verify" | "decline";

export async function decideOrganisation(
  actor: Actor,
  id: number,
  decision: OrgDecision,
  reason: string,
): Promise<void> {
  const db = getDb();
  const org = await loadOrg(db, id);
  authorize(actor, "organisation.decide", orgTarget(org));
  if (decision === "decline" && reason.trim() === "") {
    throw new DomainError(400, "project:errors.reasonRequired", {}, "reason");
  }
  await db.transaction().execute(async (trx) => {
    // Decided once: a second committee member's late click must not overturn the first.
    const updated = await trx
      .updateTable("organisations")
      .set({
        status: decision === "verify" ? "verified" : "declined",
        decidedBy: actor.userId,
        decidedAt: new Date().toISOString(),
        decisionReason: reason.trim() || null,
      })
      .where("id", "=", id)
      .where("status", "=", "pending")
      .executeTakeFirst();
    if (updated.numUpdatedRows === 0n) {
      throw new DomainError(409, "project:errors.organisationDecided");
    }
    await writeAudit(trx, {
      actorId: actor.userId,
      action: "organisation.decide",
      areaId: actor.committeeOf,
      subjectType: "organisation",
      subjectId: id,
      details: { name: org.name, decision, reason: reason.trim() },
    });
  });
}

export async function inviteMember(
  actor: Actor,
  id: number,
  login: LoginId,
  role: "admin" | "member",
): Promise<void> {
  const db = getDb();
  const org = await loadOrg(db, id);
  authorize(actor, "organisation.manageMembers", orgTarget(org));
  const user = await findUserByLogin(login);
  if (!user) throw new DomainError(404, "community:errors.userNotFound", {}, "login");
  const inserted = await db
    .insertInto("organisationMembers")
    .values({
      organisationId: id,
      userId: user.id,
      role,
      status: "invited",
      invitedBy: actor.userId,
      invitedAt: new Date().toISOString(),
      joinedAt: null,
    })
    .onConflict((oc) => oc.doNothing())
    .executeTakeFirst();
  if (inserted.numInsertedOrUpdatedRows === 0n) {
    throw new DomainError(409, "project:errors.alreadyInOrganisation", {}, "login");
  }
  emitEvent({ type: "organisation.membersChanged", organisationId: id, userId: user.id });
}

export async function respondInvite(actor: Actor, id: number, accept: boolean): Promise<void> {
  const userId = actor.userId;
  authorize(actor, "organisation.respondInvite", { ownerId: userId ?? undefined });
  const db = getDb();
  let changed: bigint;
  if (accept) {
    const r = await db
      .updateTable("organisationMembers")
      .set({ status: "active", joinedAt: new Date().toISOString() })
      .where("organisationId", "=", id)
      .where("userId", "=", userId!)
      .where("status", "=", "invited")
      .executeTakeFirst();
    changed = r.numUpdatedRows;
  } else {
    const r = await db
      .deleteFrom("organisationMembers")
      .where("organisationId", "=", id)
      .where("userId", "=", userId!)
      .where("status", "=", "invited")
      .executeTakeFirst();
    changed = r.numDeletedRows;
  }
  if (changed === 0n) throw new DomainError(404, "project:errors.noInvitation");
  emitEvent({ type: "organisation.membersChanged", organisationId: id, userId: userId! });
}

/** Removes a member (admins) or oneself (leaving); an organisation always keeps one admin. */
export async function removeMember(actor: Actor, id: number, userId: number): Promise<void> {
  const db = getDb();
  const org = await loadOrg(db, id);
  if (userId === actor.userId) authorize(actor, "organisation.leave", { ownerId: userId });
  else authorize(actor, "organisation.manageMembers", orgTarget(org));
  await db.transaction().execute(async (trx) => {
    const member = await trx
      .selectFrom("organisationMembers")
      .select(["role", "status"])
      .where("organisationId", "=", id)
      .where("userId", "=", userId)
      .executeTakeFirst();
    if (!member) throw new DomainError(404, "project:errors.notAMember");
    if (member.role === "admin" && member.status === "active") {
      const { n } = await trx
        .selectFrom("organisationMembers")
        .select((eb) => eb.fn.countAll<number>().as("n"))
        .where("organisationId", "=", id)
        .where("role", "=", "admin")
        .where("status", "=", "active")
        .executeTakeFirstOrThrow();
      if (Number(n) <= 1) throw new DomainError(409, "project:errors.lastAdmin");
    }
    await trx
      .deleteFrom("organisationMembers")
      .where("organisationId", "=", id)
      .where("userId", "=", userId)
      .execute();
  });
  emitEvent({ type: "organisation.membersChanged", organisationId: id, userId });
}

export interface DirectoryFilters {
  q?: string;
  service?: ServiceArea;
  communityId?: number;
  tier?: OrganisationTier;
  page?: number;
}

export interface DirectoryEntry {
  id: number;
  name: string;
  tier: OrganisationTier;
  description: string;
  services: ServiceArea[];
  completed: number;
}

export async function listOrganisations(
  filters: DirectoryFilters,
): Promise<{ items: DirectoryEntry[]; total: number; searched: boolean }> {
  const db = getDb();
  let q = db.selectFrom("organisations").where("organisations.status", "=", "verified");
  const expression = filters.q ? matchExpression(filters.q) : null;
  if (filters.q && !expression) return { items: [], total: 0, searched: true };
  if (expression) q = q.where("organisations.id", "in", matchingIds("organisation", expression));
  if (filters.tier) q = q.where("organisations.tier", "=", filters.tier);
  if (filters.service) {
    const service = filters.service;
    q = q.where("organisations.id", "in", (eb) =>
      eb.selectFrom("organisationServices").select("organisationId").where("service", "=", service),
    );
  }
  if (filters.communityId) {
    const communityId = filters.communityId;
    q = q.where("organisations.id", "in", (eb) =>
      eb
        .selectFrom("organisationCommunities")
        .select("organisationId")
        .where("communityId", "=", communityId),
    );
  }
  const page = Math.max(1, filters.page ?? 1);
  const [{ total }, rows] = await Promise.all([
    q.select((eb) => eb.fn.countAll<number>().as("total")).executeTakeFirstOrThrow(),
    q
      .select([
        "organisations.id",
        "organisations.name",
        "organisations.tier",
        "organisations.description",
      ])
      .select((eb) =>
        eb
          .selectFrom("projects")
          .select((e) => e.fn.countAll<number>().as("n"))
          .whereRef("projects.organisationId", "=", "organisations.id")
          .where("projects.status", "=", "completed")
          .as("completed"),
      )
      .orderBy("organisations.name")
      .orderBy("organisations.id")
      .limit(DIRECTORY_PAGE)
      .offset((page - 1) * DIRECTORY_PAGE)
      .execute(),
  ]);
  const services = await servicesOf(rows.map((r) => r.id));
  return {
    total: Number(total),
    searched: expression !== null,
    items: rows.map((r) => ({
      ...r,
      completed: Number(r.completed ?? 0),
      services: services.get(r.id) ?? [],
    })),
  };
}

async function servicesOf(ids: number[]): Promise<Map<number, ServiceArea[]>> {
  const out = new Map<number, ServiceArea[]>();
  if (ids.length === 0) return out;
  const rows = await getDb()
    .selectFrom("organisationServices")
    .select(["organisationId", "service"])
    .where("organisationId", "in", ids)
    .execute();
  for (const r of rows)
    out.set(r.organisationId, [...(out.get(r.organisationId) ?? []), r.service]);
  return out;
}

export interface OrganisationMemberView {
  userId: number;
  displayName: string;
  role: "admin" | "member";
  status: "invited" | "active";
}

export async function organisationPage(actor: Actor, id: number) {
  const db = getDb();
  const org = await loadOrg(db, id).catch((e: unknown) => {
    if (e instanceof DomainError && e.status === 404) return null;
    throw e;
  });
  if (!org || !(canSee(actor, org) || (await isInvited(actor, id)))) return null;
  const target = orgTarget(org);
  const isMember = can(actor, "project.viewDraft", { organisationId: id });
  const [details, services, communities, members, projects, record, myInvite] = await Promise.all([
    db.selectFrom("organisations").selectAll().where("id", "=", id).executeTakeFirstOrThrow(),
    servicesOf([id]),
    db
      .selectFrom("organisationCommunities")
      .innerJoin("areas", "areas.id", "organisationCommunities.communityId")
      .select(["areas.id", "areas.nameZh", "areas.nameEn"])
      .where("organisationId", "=", id)
      .orderBy("areas.sort")
      .orderBy("areas.id")
      .execute(),
    db
      .selectFrom("organisationMembers")
      .innerJoin("users", "users.id", "organisationMembers.userId")
      .select([
        "organisationMembers.userId",
        "users.displayName",
        "organisationMembers.role",
        "organisationMembers.status",
      ])
      .where("organisationId", "=", id)
      .orderBy("organisationMembers.role")
      .orderBy("users.displayName")
      .execute(),
    db
      .selectFrom("projects")
      .select(["id", "title", "status", "budgetTotal", "supportCount", "updatedAt"])
      .where("organisationId", "=", id)
      .$if(!isMember, (q) => q.where("status", "!=", "draft"))
      .orderBy("updatedAt", "desc")
      .execute(),
    db
      .selectFrom("projects")
      .select((eb) => [
        eb.fn.countAll<number>().as("completed"),
        eb.fn.sum<number>("ratingSum").as("ratingSum"),
        eb.fn.sum<number>("ratingCount").as("ratingCount"),
      ])
      .where("organisationId", "=", id)
      .where("status", "=", "completed")
      .executeTakeFirstOrThrow(),
    actor.userId === null
      ? undefined
      : db
          .selectFrom("organisationMembers")
          .select("role")
          .where("organisationId", "=", id)
          .where("userId", "=", actor.userId)
          .where("status", "=", "invited")
          .executeTakeFirst(),
  ]);
  const decider =
    details.decidedBy === null
      ? null
      : await db
          .selectFrom("users")
          .select("displayName")
          .where("id", "=", details.decidedBy)
          .executeTakeFirst();
  return {
    organisation: { ...details, decidedByName: decider?.displayName ?? null },
    services: services.get(id) ?? [],
    communities,
    // Who belongs to an organisation is public only as a count; names are for its members.
    members: isMember ? (members as OrganisationMemberView[]) : [],
    memberCount: members.filter((m) => m.status === "active").length,
    projects,
    record: {
      completed: Number(record.completed),
      ratings: Number(record.ratingCount ?? 0),
      averageRating: averageRating(Number(record.ratingSum ?? 0), Number(record.ratingCount ?? 0)),
    },
    invitedAs: myInvite?.role ?? null,
    isMember,
    canEdit: can(actor, "organisation.edit", target),
    canManageMembers: can(actor, "organisation.manageMembers", target),
    canDecide: org.status === "pending" && can(actor, "organisation.decide", target),
  };
}

/** Listings waiting for this committee: pending organisations that serve the community. */
export async function pendingOrganisations(actor: Actor, communityId: number) {
  authorize(actor, "organisation.decide", { communityId });
  return getDb()
    .selectFrom("organisations")
    .innerJoin(
      "organisationCommunities",
      "organisationCommunities.organisationId",
      "organisations.id",
    )
    .select([
      "organisations.id",
      "organisations.name",
      "organisations.tier",
      "organisations.createdAt",
    ])
    .where("organisationCommunities.communityId", "=", communityId)
    .where("organisations.status", "=", "pending")
    .orderBy("organisations.createdAt")
    .execute();
}

/** The organisations a person belongs to, and invitations waiting for an answer. */
export async function myOrganisations(userId: number) {
  return getDb()
    .selectFrom("organisationMembers")
    .innerJoin("organisations", "organisations.id", "organisationMembers.organisationId")
    .select([
      "organisations.id",
      "organisations.name",
      "organisations.status as listingStatus",
      "organisationMembers.role",
      "organisationMembers.status",
    ])
    .where("organisationMembers.userId", "=", userId)
    .orderBy("organisations.name")
    .execute();
}

/** Verified organisations this person may propose for, with the communities each serves. */
export async function proposingOrganisations(actor: Actor) {
  if (actor.orgMemberOf.length === 0) return [];
  const db = getDb();
  const orgs = await db
    .selectFrom("organisations")
    .select(["id", "name"])
    .where("id", "in", [...actor.orgMemberOf])
    .where("status", "=", "verified")
    .orderBy("name")
    .execute();
  if (orgs.length === 0) return [];
  const served = await db
    .selectFrom("organisationCommunities")
    .select(["organisationId", "communityId"])
    .where(
      "organisationId",
      "in",
      orgs.map((o) => o.id),
    )
    .execute();
  return orgs.map((o) => ({
    ...o,
    communityIds: served.filter((s) => s.organisationId === o.id).map((s) => s.communityId),
  }));
}
