/**
 * Social organisations (社会组织), the writes: applying for a listing and editing it, the
 * committee's decision, invitations and their answers, removing a member or leaving. Each is a
 * command (see `../runner/command.server.ts`); the runner writes the audit entry of the decision.
 */
import { z } from "zod";
import { DomainError } from "~/domain/errors";
import type { Target } from "~/domain/permissions/policy";
import {
  invitationSchema,
  orgDecisionSchema,
  organisationSchema,
  type OrganisationInput,
} from "~/domain/projects/schemas";
import { formId, id } from "~/domain/validation";
import { userByLogin } from "../accounts/queries.server";
import { countOf, notFound } from "../rows.server";
import { command, type Db, type Trx } from "../runner/command.server";
import { organisationTexts, reindex } from "../search.server";

export async function loadOrg(db: Db, orgId: number) {
  const org = await db
    .selectFrom("organisations")
    .select(["id", "name", "tier", "status", "createdBy"])
    .where("id", "=", orgId)
    .executeTakeFirstOrThrow(notFound("project:errors.organisationNotFound"));
  const communities = await db
    .selectFrom("organisationCommunities")
    .select("communityId")
    .where("organisationId", "=", orgId)
    .execute();
  return { ...org, communityIds: communities.map((c) => c.communityId) };
}
export type OrgRow = Awaited<ReturnType<typeof loadOrg>>;

/** The policy target of an organisation: its applicant, itself, the communities it serves. */
export function orgTarget(org: {
  id: number;
  createdBy: number | null;
  communityIds: number[];
}): Target {
  return {
    organisationId: org.id,
    communityIds: org.communityIds,
    ...(org.createdBy !== null ? { ownerId: org.createdBy } : {}),
  };
}

const loadById = ({ trx, input }: { trx: Trx; input: { id: number } }) => loadOrg(trx, input.id);

async function checkCommunities(trx: Trx, ids: number[]): Promise<void> {
  const found = await trx
    .selectFrom("areas")
    .select("id")
    .where("id", "in", ids)
    .where("level", "=", "community")
    .execute();
  if (found.length !== ids.length) {
    throw new DomainError(400, "project:errors.pickCommunity", {}, "communities");
  }
}

async function writeListing(trx: Trx, orgId: number, input: OrganisationInput) {
  await trx.deleteFrom("organisationServices").where("organisationId", "=", orgId).execute();
  await trx
    .insertInto("organisationServices")
    .values(input.services.map((service) => ({ organisationId: orgId, service })))
    .execute();
  await trx.deleteFrom("organisationCommunities").where("organisationId", "=", orgId).execute();
  await trx
    .insertInto("organisationCommunities")
    .values(input.communities.map((communityId) => ({ organisationId: orgId, communityId })))
    .execute();
  await reindex(
    trx,
    "organisation",
    orgId,
    organisationTexts({
      ...input,
      registrationNumber: input.registrationNumber ?? null,
    }),
  );
}

/** A new listing, pending until a committee of a served community verifies it. */
export const applyOrganisation = command({
  action: "organisation.apply",
  input: organisationSchema,
  run: async ({ trx, actor, input, at, emit }) => {
    await checkCommunities(trx, input.communities);
    const { id: orgId } = await trx
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
        createdBy: actor.userId,
        createdAt: at,
        updatedAt: at,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await writeListing(trx, orgId, input);
    // The applicant is the organisation's first admin.
    await trx
      .insertInto("organisationMembers")
      .values({
        organisationId: orgId,
        userId: actor.userId,
        role: "admin",
        status: "active",
        invitedBy: actor.userId,
        invitedAt: at,
        joinedAt: at,
      })
      .execute();
    emit({ type: "organisation.membersChanged", organisationId: orgId, userId: actor.userId });
    return orgId;
  },
});

/**
 * Admins edit the listing. A declined listing that is edited, or one that adds a community, goes
 * back to the committees for verification.
 */
export const editOrganisation = command({
  action: "organisation.edit",
  input: organisationSchema.extend({ id }),
  load: loadById,
  target: orgTarget,
  run: async ({ trx, input, loaded: org, at }) => {
    await checkCommunities(trx, input.communities);
    // A community's committee vouches only for organisations it has checked: serving a new
    // community sends the listing back for verification.
    const servesNewCommunity = input.communities.some((c) => !org.communityIds.includes(c));
    await trx
      .updateTable("organisations")
      .set({
        name: input.name,
        tier: input.tier,
        registrationNumber: input.registrationNumber,
        description: input.description,
        contact: input.contact,
        updatedAt: at,
        ...(org.status === "declined" || servesNewCommunity
          ? { status: "pending", decidedBy: null, decidedAt: null, decisionReason: null }
          : {}),
      })
      .where("id", "=", org.id)
      .execute();
    await writeListing(trx, org.id, input);
  },
});

type OrgDecision = "verify" | "decline";

/** The committee's decision on a pending listing: made once, by a committee it serves. */
const decide = (decision: OrgDecision) =>
  command({
    action: "organisation.decide",
    input: orgDecisionSchema.extend({ id }),
    load: loadById,
    target: orgTarget,
    run: async ({ trx, actor, input, loaded: org, at, notify }) => {
      // Trimmed here too: server callers hand the reason over as typed.
      const reason = input.reason.trim();
      if (decision === "decline" && reason === "") {
        throw new DomainError(400, "project:errors.reasonRequired", {}, "reason");
      }
      // Decided once: a second committee member's late click must not overturn the first. The
      // status read by `load` decides; the update asks again, for engines that let two
      // transactions read the same row before either writes.
      if (org.status !== "pending")
        throw new DomainError(409, "project:errors.organisationDecided");
      const updated = await trx
        .updateTable("organisations")
        .set({
          status: decision === "verify" ? "verified" : "declined",
          decidedBy: actor.userId,
          decidedAt: at,
          decisionReason: reason || null,
        })
        .where("id", "=", org.id)
        .where("status", "=", "pending")
        .executeTakeFirst();
      if (updated.numUpdatedRows === 0n) {
        throw new DomainError(409, "project:errors.organisationDecided");
      }
      // Its active members, as they are when it goes out (protected: it is their organisation).
      notify({
        kind: "organisation.decided",
        subject: { type: "organisation", id: org.id },
        params: {
          name: org.name,
          status: decision === "verify" ? "verified" : "declined",
          reason: reason || null,
        },
        recipients: { organisation: org.id, who: "members" },
      });
      return reason;
    },
    audit: ({ actor, loaded: org }, reason) => ({
      areaId: actor.committeeOf,
      subjectType: "organisation",
      subjectId: org.id,
      details: { name: org.name, decision, reason },
    }),
  });
export const verifyOrganisation = decide("verify");
export const declineOrganisation = decide("decline");

/** Invites a person, by the login they sign in with, as a member or an admin. */
export const inviteMember = command({
  action: "organisation.manageMembers",
  input: invitationSchema.extend({ id }),
  load: loadById,
  target: orgTarget,
  run: async ({ trx, actor, input, loaded: org, at, emit, notify }) => {
    // Looked up only once the inviter is known to be an admin: nobody else learns who has an account.
    const user = await userByLogin(trx, input.login);
    const inserted = await trx
      .insertInto("organisationMembers")
      .values({
        organisationId: org.id,
        userId: user.id,
        role: input.role,
        status: "invited",
        invitedBy: actor.userId,
        invitedAt: at,
        joinedAt: null,
      })
      .onConflict((oc) => oc.doNothing())
      .executeTakeFirst();
    if (inserted.numInsertedOrUpdatedRows === 0n) {
      throw new DomainError(409, "project:errors.alreadyInOrganisation", {}, "login");
    }
    emit({ type: "organisation.membersChanged", organisationId: org.id, userId: user.id });
    // They answer on the organisation's page, which an invitation opens to them.
    notify({
      kind: "organisation.invited",
      subject: { type: "organisation", id: org.id },
      params: { name: org.name, role: input.role },
      recipients: { users: [user.id] },
    });
  },
});

/** The invited person's answer: accepting makes them a member, declining deletes the invitation. */
const respond = (accept: boolean) =>
  command({
    action: "organisation.respondInvite",
    input: z.object({ id }),
    target: (_l, _i, actor) => ({ ownerId: actor.userId ?? undefined }),
    run: async ({ trx, actor, input, at, emit }) => {
      const changed = accept
        ? (
            await trx
              .updateTable("organisationMembers")
              .set({ status: "active", joinedAt: at })
              .where("organisationId", "=", input.id)
              .where("userId", "=", actor.userId)
              .where("status", "=", "invited")
              .executeTakeFirst()
          ).numUpdatedRows
        : (
            await trx
              .deleteFrom("organisationMembers")
              .where("organisationId", "=", input.id)
              .where("userId", "=", actor.userId)
              .where("status", "=", "invited")
              .executeTakeFirst()
          ).numDeletedRows;
      if (changed === 0n) throw new DomainError(404, "project:errors.noInvitation");
      emit({ type: "organisation.membersChanged", organisationId: input.id, userId: actor.userId });
    },
  });
export const acceptInvitation = respond(true);
export const declineInvitation = respond(false);

/** Removes a member (admins) or oneself (leaving); an organisation always keeps one active admin. */
export const removeMember = command({
  action: ["organisation.manageMembers", "organisation.leave"],
  // The member is named by the page (a hidden field): a bad id is a tampered form.
  input: z.object({ id, userId: formId }),
  load: async ({ trx, actor, input }) => ({
    org: await loadOrg(trx, input.id),
    self: input.userId === actor.userId,
  }),
  actionFor: (_input, loaded) =>
    loaded.self ? "organisation.leave" : "organisation.manageMembers",
  target: ({ org, self }, input) => (self ? { ownerId: input.userId } : orgTarget(org)),
  run: async ({ trx, input, loaded: { org }, emit }) => {
    const member = await trx
      .selectFrom("organisationMembers")
      .select(["role", "status"])
      .where("organisationId", "=", org.id)
      .where("userId", "=", input.userId)
      .executeTakeFirst();
    if (!member) throw new DomainError(404, "project:errors.notAMember");
    if (member.role === "admin" && member.status === "active") {
      const admins = await countOf(
        trx
          .selectFrom("organisationMembers")
          .where("organisationId", "=", org.id)
          .where("role", "=", "admin")
          .where("status", "=", "active"),
      );
      if (admins <= 1) throw new DomainError(409, "project:errors.lastAdmin");
    }
    await trx
      .deleteFrom("organisationMembers")
      .where("organisationId", "=", org.id)
      .where("userId", "=", input.userId)
      .execute();
    emit({ type: "organisation.membersChanged", organisationId: org.id, userId: input.userId });
  },
});
