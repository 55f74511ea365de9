/**
 * 六和指数 figures written straight into the tables, as the method's computation would leave
 * them, so that the pages can be tested on numbers chosen by hand (the computation itself is
 * tested on its own branch).
 */
import { getDb } from "../../db/client.server";
import { DIMENSIONS, type PageTree } from "~/domain/index/pages";

/** A small tree: each dimension one indicator and one item; "lawful" has two measures. */
export const TEST_TREE: PageTree = {
  dimensions: DIMENSIONS.map((d, n) => ({
    id: d,
    weight: n === 0 ? 0.5 : 0.1,
    indicators: [
      {
        id: `${d}-i`,
        weight: 1,
        name: { "zh-CN": `${d}指标`, en: `${d} indicator` },
        items: [
          {
            id: `${d}-t`,
            weight: 1,
            name: { "zh-CN": `${d}评价项`, en: `${d} item` },
            measures:
              d === "lawful"
                ? [
                    { measure: "commitmentsOnTime", weight: 0.5 },
                    { measure: "recountableVotes", weight: 0.5 },
                  ]
                : [
                    {
                      measure: (
                        {
                          party: "participation",
                          social: "mixedSeats",
                          professional: "activeOrganisations",
                          smart: "needsClosedOnTime",
                          cultural: "inclusiveParticipation",
                        } as const
                      )[d],
                      weight: 1,
                    },
                  ],
          },
        ],
      },
    ],
  })),
};

type Db = ReturnType<typeof getDb>;

export async function publishTestMethod(version = 1, tree: PageTree = TEST_TREE, db: Db = getDb()) {
  await db
    .insertInto("indexMethods")
    .values({
      version,
      tree: JSON.stringify(tree),
      note: `method ${version}`,
      publishedAt: "2026-01-01T00:00:00.000Z",
      publishedBy: null,
    })
    .execute();
}

/** One area's figures: total, every dimension at `score`, and its nodes below; null = no data. */
export interface AreaScores {
  areaId: number | null;
  total: number | null;
  /** Per dimension; a dimension left out has the total's score. */
  dimensions?: Partial<Record<(typeof DIMENSIONS)[number], number | null>>;
  residents: number;
}

/** A snapshot of `month` with the given areas' figures; `supersedes` makes it a correction. */
export async function writeSnapshot(
  month: string,
  areas: AreaScores[],
  opts: { version?: number; reason?: string; supersedes?: number; tree?: PageTree } = {},
  db: Db = getDb(),
): Promise<number> {
  // A month has at most one current snapshot (a unique index): the old one steps aside first.
  if (opts.supersedes !== undefined) {
    await db
      .updateTable("indexSnapshots")
      .set({ supersededBy: -1 })
      .where("id", "=", opts.supersedes)
      .execute();
  }
  const { id } = await db
    .insertInto("indexSnapshots")
    .values({
      month,
      methodVersion: opts.version ?? 1,
      computedAt: `${month}-28T16:00:00.000Z`,
      computedBy: null,
      reason: opts.reason ?? null,
      supersededBy: null,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  if (opts.supersedes !== undefined) {
    await db
      .updateTable("indexSnapshots")
      .set({ supersededBy: id })
      .where("id", "=", opts.supersedes)
      .execute();
  }
  const tree = opts.tree ?? TEST_TREE;
  const rows = areas.flatMap((a) => {
    const out = [{ node: "total", score: a.total }];
    for (const d of tree.dimensions) {
      const score = a.dimensions?.[d.id] !== undefined ? a.dimensions[d.id]! : a.total;
      out.push({ node: `d:${d.id}`, score });
      for (const i of d.indicators) {
        out.push({ node: `i:${i.id}`, score });
        for (const t of i.items) {
          out.push({ node: `t:${t.id}`, score });
          for (const m of t.measures) out.push({ node: `m:${m.measure}`, score });
        }
      }
    }
    const seen = new Set<string>();
    return out
      .filter((r) => !seen.has(r.node) && seen.add(r.node))
      .map((r) => ({
        snapshotId: id,
        areaId: a.areaId,
        node: r.node,
        score: r.score,
        value: r.node.startsWith("m:") ? r.score : null,
        numerator: r.node.startsWith("m:") && r.score !== null ? Math.round(r.score / 100) : null,
        denominator: r.node.startsWith("m:") && r.score !== null ? 100 : null,
        residents: a.residents,
      }));
  });
  for (let i = 0; i < rows.length; i += 200) {
    await db
      .insertInto("indexScores")
      .values(rows.slice(i, i + 200))
      .execute();
  }
  return id;
}
