import { getDb } from "../../db/client.server";
import type { Area, AreaLevel } from "../../db/schema";

export interface AreaNode {
  id: number;
  level: AreaLevel;
  code: string;
  nameZh: string;
  nameEn: string;
  children: AreaNode[];
}

/** Districts → streets → communities (grids are shown on the community page). */
export async function areaTree(): Promise<AreaNode[]> {
  const rows = await getDb()
    .selectFrom("areas")
    .select(["id", "parentId", "level", "code", "nameZh", "nameEn"])
    .where("level", "!=", "grid")
    .orderBy("sort")
    .orderBy("id")
    .execute();
  const nodes = new Map<number, AreaNode>();
  for (const r of rows) nodes.set(r.id, { ...r, children: [] });
  const roots: AreaNode[] = [];
  for (const r of rows) {
    const node = nodes.get(r.id)!;
    const parent = r.parentId === null ? undefined : nodes.get(r.parentId);
    if (parent) parent.children.push(node);
    else roots.push(node);
  }
  return roots;
}

export async function getArea(id: number): Promise<Area | undefined> {
  return getDb().selectFrom("areas").selectAll().where("id", "=", id).executeTakeFirst();
}

export interface CommunityPage {
  community: Area;
  /** From the district down to the community's street. */
  ancestors: Area[];
  grids: Area[];
  committee: Array<{ id: number; userId: number; displayName: string; since: string }>;
  verifiedCount: number;
  pendingCount: number;
}

export async function communityPage(id: number): Promise<CommunityPage | null> {
  const db = getDb();
  const community = await getArea(id);
  if (!community || community.level !== "community") return null;
  const ancestors: Area[] = [];
  let parentId = community.parentId;
  while (parentId !== null) {
    const parent = await getArea(parentId);
    if (!parent) break;
    ancestors.unshift(parent);
    parentId = parent.parentId;
  }
  const [grids, committee, counts] = await Promise.all([
    db.selectFrom("areas").selectAll().where("parentId", "=", id).orderBy("sort").execute(),
    db
      .selectFrom("committeeMembers")
      .innerJoin("users", "users.id", "committeeMembers.userId")
      .select([
        "committeeMembers.id",
        "users.id as userId",
        "users.displayName",
        "committeeMembers.appointedAt as since",
      ])
      .where("committeeMembers.communityId", "=", id)
      .where("committeeMembers.endedAt", "is", null)
      .orderBy("committeeMembers.appointedAt")
      .execute(),
    db
      .selectFrom("memberships")
      .select(["status", db.fn.countAll<number>().as("n")])
      .where("communityId", "=", id)
      .groupBy("status")
      .execute(),
  ]);
  const count = (s: string) => Number(counts.find((c) => c.status === s)?.n ?? 0);
  return {
    community,
    ancestors,
    grids,
    committee,
    verifiedCount: count("verified"),
    pendingCount: count("pending"),
  };
}

/** Every community, for pickers (a city has dozens, not thousands). */
export async function communityOptions() {
  return getDb()
    .selectFrom("areas")
    .select(["id", "nameZh", "nameEn"])
    .where("level", "=", "community")
    .orderBy("sort")
    .orderBy("id")
    .execute();
}

/** The grids of these communities, for the project form's optional grid. */
export async function gridOptions(communityIds: readonly number[]) {
  if (communityIds.length === 0) return [];
  const rows = await getDb()
    .selectFrom("areas")
    .select(["id", "parentId", "nameZh", "nameEn"])
    .where("level", "=", "grid")
    .where("parentId", "in", [...communityIds])
    .orderBy("parentId")
    .orderBy("sort")
    .orderBy("id")
    .execute();
  return rows.map((r) => ({ ...r, parentId: r.parentId ?? 0 }));
}
