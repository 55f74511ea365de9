/**
 * "What is new" in a person's communities, for the home page. Only public facts: how many residents
 * were verified lately (never who), and committee changes (committee members are public).
 */
import { getDb } from "../../db/client.server";
import type { MembershipStatus } from "../../db/schema";
import type { Actor } from "~/domain/permissions/policy";

const WEEK_MS = 7 * 86_400_000;
const MONTH_MS = 30 * 86_400_000;

export interface CommunityNews {
  communityId: number;
  nameZh: string;
  nameEn: string;
  myStatus: MembershipStatus | "committee";
  verifiedCount: number;
  newResidentsThisWeek: number;
  committeeChanges: Array<{
    at: string;
    action: "committee.appoint" | "committee.end";
    name: string;
  }>;
  /** Only for the committee of this community. */
  pendingRequests: number | null;
}

export async function homeNews(actor: Actor): Promise<CommunityNews[]> {
  if (actor.userId === null) return [];
  const db = getDb();
  const mine = await db
    .selectFrom("memberships")
    .innerJoin("areas", "areas.id", "memberships.communityId")
    .select(["areas.id", "areas.nameZh", "areas.nameEn", "memberships.status"])
    .where("memberships.userId", "=", actor.userId)
    .execute();
  const list: Array<{
    id: number;
    nameZh: string;
    nameEn: string;
    status: CommunityNews["myStatus"];
  }> = mine.map((m) => ({ ...m }));
  if (actor.committeeOf !== null && !list.some((m) => m.id === actor.committeeOf)) {
    const area = await db
      .selectFrom("areas")
      .select(["id", "nameZh", "nameEn"])
      .where("id", "=", actor.committeeOf)
      .executeTakeFirstOrThrow();
    list.unshift({ ...area, status: "committee" });
  }
  const weekAgo = new Date(Date.now() - WEEK_MS).toISOString();
  const monthAgo = new Date(Date.now() - MONTH_MS).toISOString();
  return Promise.all(
    list.map(async (c) => {
      const [counts, changes] = await Promise.all([
        db
          .selectFrom("memberships")
          .select((eb) => [
            eb.fn.count<number>("id").filterWhere("status", "=", "verified").as("verified"),
            eb.fn
              .count<number>("id")
              .filterWhere("status", "=", "verified")
              .filterWhere("decidedAt", ">=", weekAgo)
              .as("newThisWeek"),
            eb.fn.count<number>("id").filterWhere("status", "=", "pending").as("pending"),
          ])
          .where("communityId", "=", c.id)
          .executeTakeFirstOrThrow(),
        db
          .selectFrom("auditLog")
          .select(["at", "action", "details"])
          .where("areaId", "=", c.id)
          .where("action", "in", ["committee.appoint", "committee.end"])
          .where("at", ">=", monthAgo)
          .orderBy("id", "desc")
          .limit(5)
          .execute(),
      ]);
      return {
        communityId: c.id,
        nameZh: c.nameZh,
        nameEn: c.nameEn,
        myStatus: c.status,
        verifiedCount: Number(counts.verified),
        newResidentsThisWeek: Number(counts.newThisWeek),
        committeeChanges: changes.map((ch) => ({
          at: ch.at,
          action: ch.action as "committee.appoint" | "committee.end",
          name: String((JSON.parse(ch.details) as { displayName?: string }).displayName ?? ""),
        })),
        pendingRequests: actor.committeeOf === c.id ? Number(counts.pending) : null,
      };
    }),
  );
}
