/**
 * Social organisations (社会组织), the reads: the public directory, an organisation's page, the
 * committee's queue of listings to verify, a person's own organisations. Writes are commands
 * (`./commands.server.ts`).
 */
import { getDb } from "../../../db/client.server";
import type { Db } from "../runner/command.server";
import type { OrganisationTier, ServiceArea } from "../../../db/schema";
import { authorize, can, type Actor } from "~/domain/permissions/policy";
import { averageRating } from "~/domain/projects/rules";
import { matchExpression } from "~/domain/search/segment";
import { countOf, orNull } from "../rows.server";
import { matchingIds, rankExpression } from "../search.server";
import { loadOrg, orgTarget, type OrgRow } from "./commands.server";

export const DIRECTORY_PAGE = 20;

/** The role this person is invited to take in the organisation, if an invitation waits. */
async function invitedAs(actor: Actor, id: number) {
  if (actor.userId === null) return null;
  const row = await getDb()
    .selectFrom("organisationMembers")
    .select("role")
    .where("organisationId", "=", id)
    .where("userId", "=", actor.userId)
    .where("status", "=", "invited")
    .executeTakeFirst();
  return row?.role ?? null;
}

/** Unverified listings are seen by their people, the committees concerned and admins only. */
function canSee(actor: Actor, org: OrgRow): boolean {
  return org.status === "verified" || can(actor, "organisation.viewUnverified", orgTarget(org));
}

export interface DirectoryFilters {
  q?: string;
  service?: ServiceArea;
  communityId?: number;
  tier?: OrganisationTier;
  page?: number;
}

export async function listOrganisations(filters: DirectoryFilters) {
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
  // With a query, the best match first (name matches above description matches); else by name.
  const ordered = expression
    ? q.orderBy(rankExpression("organisation", expression, "organisations.id"))
    : q;
  const [total, rows] = await Promise.all([
    countOf(q),
    ordered
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
    total,
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

export async function organisationPage(actor: Actor, id: number) {
  const db = getDb();
  const org = await orNull(loadOrg(db, id));
  // Someone invited to an organisation must see its page, where they accept or decline.
  const invited = org ? await invitedAs(actor, id) : null;
  if (!org || !(canSee(actor, org) || invited)) return null;
  const target = orgTarget(org);
  const isMember = can(actor, "project.viewDraft", { organisationId: id });
  const [details, services, communities, members, projects, record] = await Promise.all([
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
    members: isMember ? members : [],
    memberCount: members.filter((m) => m.status === "active").length,
    projects,
    record: {
      completed: Number(record.completed),
      ratings: Number(record.ratingCount ?? 0),
      averageRating: averageRating(Number(record.ratingSum ?? 0), Number(record.ratingCount ?? 0)),
    },
    invitedAs: invited,
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
  return myOrganisationRows(getDb(), userId).execute();
}

/** The read of `myOrganisations`, for the home, which reads it with the person's other rows. */
export function myOrganisationRows(db: Db, userId: number) {
  return db
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
    .orderBy("organisations.name");
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
  const ids = orgs.map((o) => o.id);
  const served = await db
    .selectFrom("organisationCommunities")
    .select(["organisationId", "communityId"])
    .where("organisationId", "in", ids)
    .execute();
  return orgs.map((o) => ({
    ...o,
    communityIds: served.filter((s) => s.organisationId === o.id).map((s) => s.communityId),
  }));
}
