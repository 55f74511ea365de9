/**
 * 六和指数: the method, as data (issue 17). A method is a tree from the six dimensions through
 * second-level indicators and third-level items down to the catalogue's measures, each branch
 * weighted; it is published in versions (index_methods) and never changed once published.
 *
 * Here, all pure: the tree's type, the schema that refuses a bad tree (each refusal a key of the
 * `index` namespace's `errors`), the default method (version 1), and the arithmetic that turns
 * measure scores into every node's score and combines areas into their parent area.
 *
 * Scoring (`scoreTree`): a node's score is the weighted mean of its children that have data, the
 * weights renormalised over them; a node none of whose children has data has no score (null),
 * never 0: a community with no needs that month is not a community that failed its residents.
 * A child with weight 0 counts for nothing, so a node whose only children with data weigh 0 has
 * no score either.
 *
 * Combining areas (`combineAreas`): a street's (district's, the city's) score for a node is the
 * mean of its child areas' scores for that node, weighted by their verified residents, over the
 * children that have a score for it. When none of those children has a verified resident, they
 * count equally (a weighted mean over weights that are all 0 is no mean at all).
 */
import { z } from "zod";
import { isMeasureId, type MeasureId } from "./catalogue";

import { DIMENSIONS, type DimensionId } from "./dimensions";

export { DIMENSIONS, type DimensionId };

export interface LocalName {
  "zh-CN": string;
  en: string;
}

export interface MethodMeasure {
  measure: MeasureId;
  weight: number;
}
export interface MethodItem {
  id: string;
  weight: number;
  name: LocalName;
  measures: MethodMeasure[];
}
export interface MethodIndicator {
  id: string;
  weight: number;
  name: LocalName;
  items: MethodItem[];
}
export interface MethodDimension {
  id: DimensionId;
  weight: number;
  indicators: MethodIndicator[];
}
export interface MethodTree {
  dimensions: MethodDimension[];
}

/** How far the weights of siblings may be from summing to 1 (decimal fractions such as 1/3). */
export const WEIGHT_TOLERANCE = 1e-6;
/** Bounds a published tree stays within (the form's JSON text is bounded in the command too). */
export const TREE_LIMITS = { indicators: 12, items: 12, measures: 16, nameLength: 40 } as const;
/** The note version 1 is published with: a key of the `index` namespace, shown translated. */
export const DEFAULT_METHOD_NOTE = "index:method.defaultNote";

// ------------------------------------------------------------------------------- node ids

export const TOTAL_NODE = "total";
export const dimensionNode = (id: DimensionId) => `d:${id}`;
export const indicatorNode = (id: string) => `i:${id}`;
export const itemNode = (id: string) => `t:${id}`;
export const measureNode = (id: MeasureId) => `m:${id}`;

// ------------------------------------------------------------------------------- the schema

const SHAPE = "index:errors.treeShape";
/** Node ids become parts of index_scores.node ("i:<id>") and of addresses: short, plain. */
const NODE_ID = /^[a-z][A-Za-z0-9]{0,39}$/;
// Controls, bidirectional overrides and U+FFFD: the same characters validation.ts refuses.
const CONTROL = /[\u0000-\u001f\u007f\u202a-\u202e\u2066-\u2069\ufffd]/;

const weight = z.number().finite();
const localName = z.object({ "zh-CN": z.string(), en: z.string() }).strict();
const shapeSchema = z
  .object({
    dimensions: z.array(
      z
        .object({
          id: z.string(),
          weight,
          indicators: z.array(
            z
              .object({
                id: z.string(),
                weight,
                name: localName,
                items: z.array(
                  z
                    .object({
                      id: z.string(),
                      weight,
                      name: localName,
                      measures: z.array(z.object({ measure: z.string(), weight }).strict()),
                    })
                    .strict(),
                ),
              })
              .strict(),
          ),
        })
        .strict(),
    ),
  })
  .strict();

type Issue = {
  message: string;
  params?: Record<string, string | number>;
  path: (string | number)[];
};

/** Every refusal of a tree that has the right shape; none for a good tree. */
export function treeProblems(tree: z.output<typeof shapeSchema>): Issue[] {
  const issues: Issue[] = [];
  const add = (message: string, path: (string | number)[], params?: Issue["params"]) =>
    issues.push({ message, path, params });

  const siblings = (
    weights: number[],
    node: string,
    path: (string | number)[],
    children: string,
  ) => {
    if (weights.length === 0) return add("index:errors.emptyBranch", path, { node });
    const sum = weights.reduce((a, b) => a + b, 0);
    if (Math.abs(sum - 1) > WEIGHT_TOLERANCE) {
      add("index:errors.weightsSum", [...path, children], {
        node,
        sum: Math.round(sum * 1e6) / 1e6,
      });
    }
  };
  const checkWeight = (w: number, node: string, path: (string | number)[]) => {
    if (w < 0) add("index:errors.negativeWeight", [...path, "weight"], { node });
  };
  const checkName = (name: LocalName, node: string, path: (string | number)[]) => {
    for (const lng of ["zh-CN", "en"] as const) {
      const s = name[lng].trim();
      if (s.length === 0 || [...s].length > TREE_LIMITS.nameLength || CONTROL.test(s)) {
        add("index:errors.badName", [...path, "name", lng], {
          node,
          max: TREE_LIMITS.nameLength,
        });
      }
    }
  };

  const seenDimensions = new Set<string>();
  const seenIndicators = new Set<string>();
  const seenItems = new Set<string>();
  tree.dimensions.forEach((d, di) => {
    const dPath = ["dimensions", di];
    if (!(DIMENSIONS as readonly string[]).includes(d.id)) {
      add("index:errors.unknownDimension", [...dPath, "id"], { dimension: d.id });
      return;
    }
    const dNode = dimensionNode(d.id as DimensionId);
    if (seenDimensions.has(d.id)) add("index:errors.duplicateId", [...dPath, "id"], { id: dNode });
    seenDimensions.add(d.id);
    checkWeight(d.weight, dNode, dPath);
    if (d.indicators.length > TREE_LIMITS.indicators) {
      add("index:errors.tooManyChildren", [...dPath, "indicators"], {
        node: dNode,
        max: TREE_LIMITS.indicators,
      });
    }
    siblings(
      d.indicators.map((i) => i.weight),
      dNode,
      dPath,
      "indicators",
    );
    d.indicators.forEach((ind, ii) => {
      const iPath = [...dPath, "indicators", ii];
      const iNode = indicatorNode(ind.id);
      if (!NODE_ID.test(ind.id)) add("index:errors.badNodeId", [...iPath, "id"], { id: ind.id });
      else if (seenIndicators.has(ind.id))
        add("index:errors.duplicateId", [...iPath, "id"], { id: iNode });
      seenIndicators.add(ind.id);
      checkWeight(ind.weight, iNode, iPath);
      checkName(ind.name, iNode, iPath);
      if (ind.items.length > TREE_LIMITS.items) {
        add("index:errors.tooManyChildren", [...iPath, "items"], {
          node: iNode,
          max: TREE_LIMITS.items,
        });
      }
      siblings(
        ind.items.map((t) => t.weight),
        iNode,
        iPath,
        "items",
      );
      ind.items.forEach((item, ti) => {
        const tPath = [...iPath, "items", ti];
        const tNode = itemNode(item.id);
        if (!NODE_ID.test(item.id))
          add("index:errors.badNodeId", [...tPath, "id"], { id: item.id });
        else if (seenItems.has(item.id))
          add("index:errors.duplicateId", [...tPath, "id"], { id: tNode });
        seenItems.add(item.id);
        checkWeight(item.weight, tNode, tPath);
        checkName(item.name, tNode, tPath);
        if (item.measures.length > TREE_LIMITS.measures) {
          add("index:errors.tooManyChildren", [...tPath, "measures"], {
            node: tNode,
            max: TREE_LIMITS.measures,
          });
        }
        siblings(
          item.measures.map((m) => m.weight),
          tNode,
          tPath,
          "measures",
        );
        const inItem = new Set<string>();
        item.measures.forEach((m, mi) => {
          const mPath = [...tPath, "measures", mi];
          if (!isMeasureId(m.measure)) {
            add("index:errors.unknownMeasure", [...mPath, "measure"], {
              measure: m.measure.slice(0, 60),
            });
            return;
          }
          if (inItem.has(m.measure)) {
            add("index:errors.duplicateId", [...mPath, "measure"], { id: measureNode(m.measure) });
          }
          inItem.add(m.measure);
          checkWeight(m.weight, measureNode(m.measure), mPath);
        });
      });
    });
  });
  for (const d of DIMENSIONS) {
    if (!seenDimensions.has(d))
      add("index:errors.missingDimension", ["dimensions"], { dimension: d });
  }
  siblings(
    tree.dimensions.map((d) => d.weight),
    TOTAL_NODE,
    [],
    "dimensions",
  );
  return issues;
}

/**
 * The method tree: its shape (anything else is `index:errors.treeShape`), then every rule of a
 * method, each broken rule its own key with the node it is about.
 */
export const methodTreeSchema = z
  .unknown()
  .superRefine((value, ctx) => {
    const shape = shapeSchema.safeParse(value);
    if (!shape.success) {
      const first = shape.error.issues[0];
      ctx.addIssue({ code: "custom", message: SHAPE, path: first?.path ?? [] });
      return;
    }
    for (const issue of treeProblems(shape.data)) {
      ctx.addIssue({
        code: "custom",
        message: issue.message,
        path: issue.path,
        params: issue.params,
      });
    }
  })
  .transform((value) => inOrder(value as MethodTree));

/** The dimensions in their published order, whatever order the tree listed them in. */
function inOrder(tree: MethodTree): MethodTree {
  const at = (id: DimensionId) => DIMENSIONS.indexOf(id);
  return { dimensions: [...tree.dimensions].sort((a, b) => at(a.id) - at(b.id)) };
}

/** A tree as stored (index_methods.tree): parsed and checked, or an error (a stored tree is trusted
 * to be good; a bad one is a defect, not a person's mistake). */
export function readMethodTree(json: string): MethodTree {
  const parsed = methodTreeSchema.safeParse(JSON.parse(json));
  if (!parsed.success)
    throw new Error(`stored method tree refused: ${parsed.error.issues[0]?.message}`);
  return parsed.data;
}

// ------------------------------------------------------------------------------- nodes

/** Every node of the tree, parents before children: "total", d:…, i:…, t:…, then each m: once. */
export function methodNodes(tree: MethodTree): string[] {
  const out: string[] = [TOTAL_NODE];
  for (const d of tree.dimensions) out.push(dimensionNode(d.id));
  for (const d of tree.dimensions) for (const i of d.indicators) out.push(indicatorNode(i.id));
  for (const d of tree.dimensions)
    for (const i of d.indicators) for (const t of i.items) out.push(itemNode(t.id));
  return [...out, ...methodMeasures(tree).map(measureNode)];
}

/** The measures the tree uses, each once, in the order they first appear. */
export function methodMeasures(tree: MethodTree): MeasureId[] {
  const seen = new Set<MeasureId>();
  for (const d of tree.dimensions)
    for (const i of d.indicators)
      for (const t of i.items) for (const m of t.measures) seen.add(m.measure);
  return [...seen];
}

/**
 * Each measure's share of the total when every measure has data: the product of the weights on
 * its way up, summed over the items it appears in. What the method page shows as "counts for".
 */
export function effectiveWeights(tree: MethodTree): Map<MeasureId, number> {
  const out = new Map<MeasureId, number>();
  for (const d of tree.dimensions)
    for (const i of d.indicators)
      for (const t of i.items)
        for (const m of t.measures) {
          const w = d.weight * i.weight * t.weight * m.weight;
          out.set(m.measure, (out.get(m.measure) ?? 0) + w);
        }
  return out;
}

// ------------------------------------------------------------------------------- scoring

export type NodeScores = Record<string, number | null>;

/** The weighted mean of the parts that have data (weight > 0), or null when none has. */
export function weightedMean(parts: ReadonlyArray<{ weight: number; score: number | null }>) {
  let sum = 0;
  let weights = 0;
  for (const p of parts) {
    if (p.score === null || !(p.weight > 0)) continue;
    sum += p.weight * p.score;
    weights += p.weight;
  }
  return weights > 0 ? sum / weights : null;
}

/**
 * Every node's score for one area, from its measures' 0–100 scores (a measure missing from
 * `measureScores` has no data). Keys as in index_scores.node, in `methodNodes` order.
 */
export function scoreTree(
  tree: MethodTree,
  measureScores: Partial<Record<MeasureId, number | null>>,
): NodeScores {
  const out: NodeScores = { [TOTAL_NODE]: null };
  const measure = (id: MeasureId) => measureScores[id] ?? null;
  const dims = tree.dimensions.map((d) => {
    const inds = d.indicators.map((i) => {
      const items = i.items.map((t) => {
        const score = weightedMean(
          t.measures.map((m) => ({ weight: m.weight, score: measure(m.measure) })),
        );
        out[itemNode(t.id)] = score;
        return { weight: t.weight, score };
      });
      const score = weightedMean(items);
      out[indicatorNode(i.id)] = score;
      return { weight: i.weight, score };
    });
    const score = weightedMean(inds);
    out[dimensionNode(d.id)] = score;
    return { weight: d.weight, score };
  });
  out[TOTAL_NODE] = weightedMean(dims);
  for (const m of methodMeasures(tree)) out[measureNode(m)] = measure(m);
  // In `methodNodes` order (d: before i: before t:), whatever order they were computed in.
  return Object.fromEntries(methodNodes(tree).map((n) => [n, out[n] ?? null]));
}

export interface AreaScores {
  /** The area's verified residents: its weight. */
  residents: number;
  scores: NodeScores;
}

/** One node's combined score over child areas (see the file's comment), or null. */
export function combineScore(children: ReadonlyArray<{ residents: number; score: number | null }>) {
  const withData = children.filter((c) => c.score !== null);
  if (withData.length === 0) return null;
  const residents = withData.reduce((a, c) => a + Math.max(0, c.residents), 0);
  return residents > 0
    ? weightedMean(withData.map((c) => ({ weight: Math.max(0, c.residents), score: c.score })))
    : weightedMean(withData.map((c) => ({ weight: 1, score: c.score })));
}

/** Every node's score of an area made of `children`, node by node. */
export function combineAreas(
  nodes: readonly string[],
  children: readonly AreaScores[],
): NodeScores {
  return Object.fromEntries(
    nodes.map((n) => [
      n,
      combineScore(children.map((c) => ({ residents: c.residents, score: c.scores[n] ?? null }))),
    ]),
  );
}

// ------------------------------------------------------------------------------- the default

const name = (zh: string, en: string): LocalName => ({ "zh-CN": zh, en });
const only = (measure: MeasureId): MethodMeasure[] => [{ measure, weight: 1 }];
const SIXTH = 1 / 6;

/**
 * Version 1: the catalogue mapped onto the six dimensions through 10 indicators and 17 items.
 * Why each measure sits where it does, and why these weights: INDEX-METHOD.md (the README's
 * "六和指数: the method" section). The dimensions weigh the same: Hangzhou publishes the six but
 * not their weights, and an equal split claims no knowledge we do not have.
 */
export const DEFAULT_METHOD: MethodTree = {
  dimensions: [
    {
      id: "party",
      weight: SIXTH,
      indicators: [
        {
          id: "councilLeads",
          weight: 0.6,
          name: name("议事引领", "Councils lead"),
          items: [
            {
              id: "roundTablesHeld",
              weight: 0.5,
              name: name("圆桌会议常态化", "Round tables held"),
              measures: only("meetingsPer1000"),
            },
            {
              id: "commitmentsKept",
              weight: 0.5,
              name: name("议定事项落实", "Commitments kept"),
              measures: only("commitmentsOnTime"),
            },
          ],
        },
        {
          id: "committeeServes",
          weight: 0.4,
          name: name("居委会服务", "Committee serves"),
          items: [
            {
              id: "residentsVerified",
              weight: 1,
              name: name("居民认证及时", "Residents verified promptly"),
              measures: only("membershipsDecided3Days"),
            },
          ],
        },
      ],
    },
    {
      id: "social",
      weight: SIXTH,
      indicators: [
        {
          id: "residentsTakePart",
          weight: 0.5,
          name: name("居民参与", "Residents take part"),
          items: [
            {
              id: "participationBreadth",
              weight: 1,
              name: name("参与覆盖面", "Breadth of participation"),
              measures: only("participation"),
            },
          ],
        },
        {
          id: "sharedGovernance",
          weight: 0.5,
          name: name("多元共治", "Shared governance"),
          items: [
            {
              id: "mixedSeats",
              weight: 0.5,
              name: name("多方同席议事", "Several parties at the table"),
              measures: only("mixedSeats"),
            },
            {
              id: "organisationsPropose",
              weight: 0.5,
              name: name("社会组织提案", "Organisations propose projects"),
              measures: only("orgProposedProjects"),
            },
          ],
        },
      ],
    },
    {
      id: "professional",
      weight: SIXTH,
      indicators: [
        {
          id: "organisationsServe",
          weight: 0.4,
          name: name("社会组织服务", "Organisations serve"),
          items: [
            {
              id: "activeOrganisations",
              weight: 1,
              name: name("在册服务组织", "Organisations serving"),
              measures: only("activeOrganisations"),
            },
          ],
        },
        {
          id: "projectsDelivered",
          weight: 0.6,
          name: name("微实事落地", "Micro-projects delivered"),
          items: [
            {
              id: "projectsCompleted",
              weight: 0.5,
              name: name("项目完成", "Projects completed"),
              measures: only("projectsCompleted"),
            },
            {
              id: "projectsRated",
              weight: 0.5,
              name: name("项目满意度", "Projects rated well"),
              measures: only("projectSatisfaction"),
            },
          ],
        },
      ],
    },
    {
      id: "smart",
      weight: SIXTH,
      indicators: [
        {
          id: "needsOnline",
          weight: 1,
          name: name("民情数字闭环", "Needs through the platform"),
          items: [
            {
              id: "needsTakenUp",
              weight: 0.3,
              name: name("诉求受理", "Needs taken up"),
              measures: only("needsAccepted"),
            },
            {
              id: "needsClosedFast",
              weight: 0.3,
              name: name("办结用时", "Days to close a need"),
              measures: only("needsMedianDays"),
            },
            {
              id: "noOneLeftBehind",
              weight: 0.4,
              name: name("长辈与窗口参与", "Elders and the window take part"),
              measures: only("inclusiveParticipation"),
            },
          ],
        },
      ],
    },
    {
      id: "lawful",
      weight: SIXTH,
      indicators: [
        {
          id: "openVotes",
          weight: 0.4,
          name: name("公开表决", "Open votes"),
          items: [
            {
              id: "recountableVotes",
              weight: 1,
              name: name("选票公开可复核", "Ballots published and recountable"),
              measures: only("recountableVotes"),
            },
          ],
        },
        {
          id: "handledByTheRules",
          weight: 0.6,
          name: name("依规依时办理", "Handled by the rules"),
          items: [
            {
              id: "needsOnTime",
              weight: 0.5,
              name: name("按时办结", "Needs closed on time"),
              measures: only("needsClosedOnTime"),
            },
            {
              id: "doneRightFirstTime",
              weight: 0.5,
              name: name("一次办好", "Done right the first time"),
              measures: only("needsRehandled"),
            },
          ],
        },
      ],
    },
    {
      id: "cultural",
      weight: SIXTH,
      indicators: [
        {
          id: "neighbourlyCulture",
          weight: 1,
          name: name("共建共享氛围", "A culture of taking part"),
          items: [
            {
              id: "takingPartAsHabit",
              weight: 0.5,
              name: name("参与成风", "Taking part as a habit"),
              measures: only("participation"),
            },
            {
              id: "residentsSatisfied",
              weight: 0.5,
              name: name("群众满意", "Residents satisfied"),
              measures: only("needSatisfaction"),
            },
          ],
        },
      ],
    },
  ],
};
