import { describe, expect, it } from "vitest";
import { MEASURES, type MeasureId } from "./catalogue";
import {
  combineAreas,
  combineScore,
  DEFAULT_METHOD,
  DIMENSIONS,
  effectiveWeights,
  methodMeasures,
  methodNodes,
  methodTreeSchema,
  scoreTree,
  type MethodTree,
} from "./method";

const clone = (): MethodTree => structuredClone(DEFAULT_METHOD);

/** The keys (and params) a tree is refused with. */
function refusals(tree: unknown) {
  const r = methodTreeSchema.safeParse(tree);
  if (r.success) return [];
  return r.error.issues.map((i) => ({
    key: i.message,
    ...(i.code === "custom" && i.params ? { params: i.params } : {}),
  }));
}

describe("the default method", () => {
  it("passes its own schema", () => {
    expect(refusals(DEFAULT_METHOD)).toEqual([]);
  });

  it("maps the whole catalogue onto the six dimensions through 10 indicators and 17 items", () => {
    expect(DEFAULT_METHOD.dimensions.map((d) => d.id)).toEqual([...DIMENSIONS]);
    const indicators = DEFAULT_METHOD.dimensions.flatMap((d) => d.indicators);
    const items = indicators.flatMap((i) => i.items);
    expect(indicators).toHaveLength(10);
    expect(items).toHaveLength(17);
    expect([...methodMeasures(DEFAULT_METHOD)].sort()).toEqual([...MEASURES].sort());
    for (const node of [...indicators, ...items]) {
      expect(node.name["zh-CN"].length).toBeGreaterThan(0);
      expect(node.name.en.length).toBeGreaterThan(0);
    }
  });

  it("gives every measure a share of the total, the shares summing to 1", () => {
    const shares = effectiveWeights(DEFAULT_METHOD);
    expect(shares.size).toBe(MEASURES.length);
    expect([...shares.values()].every((w) => w > 0)).toBe(true);
    expect([...shares.values()].reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9);
  });

  it("lists every node once, parents first", () => {
    const nodes = methodNodes(DEFAULT_METHOD);
    expect(new Set(nodes).size).toBe(nodes.length);
    expect(nodes[0]).toBe("total");
    expect(nodes.filter((n) => n.startsWith("d:"))).toHaveLength(6);
    expect(nodes.filter((n) => n.startsWith("i:"))).toHaveLength(10);
    expect(nodes.filter((n) => n.startsWith("t:"))).toHaveLength(17);
    expect(nodes.filter((n) => n.startsWith("m:"))).toHaveLength(16);
    expect(nodes.indexOf("t:needsOnTime")).toBeGreaterThan(nodes.indexOf("i:handledByTheRules"));
  });
});

describe("the method schema refuses", () => {
  it("weights of siblings that do not sum to 1, naming the parent", () => {
    const t = clone();
    t.dimensions[0]!.indicators[0]!.weight = 0.7;
    expect(refusals(t)).toEqual([
      { key: "index:errors.weightsSum", params: { node: "d:party", sum: 1.1 } },
    ]);
    const top = clone();
    top.dimensions[5]!.weight = 0.5;
    expect(refusals(top)[0]).toMatchObject({
      key: "index:errors.weightsSum",
      params: { node: "total" },
    });
  });

  it("takes sums within 1e-6 of 1 (thirds written as decimals)", () => {
    const t = clone();
    const item = t.dimensions[3]!.indicators[0]!.items;
    item[0]!.weight = 0.333333;
    item[1]!.weight = 0.333333;
    item[2]!.weight = 0.333334;
    expect(refusals(t)).toEqual([]);
    item[2]!.weight = 0.33333;
    expect(refusals(t).map((r) => r.key)).toEqual(["index:errors.weightsSum"]);
  });

  it("a measure that is not in the catalogue", () => {
    const t = clone();
    t.dimensions[1]!.indicators[0]!.items[0]!.measures = [
      { measure: "happiness" as MeasureId, weight: 1 },
    ];
    expect(refusals(t)).toEqual([
      { key: "index:errors.unknownMeasure", params: { measure: "happiness" } },
    ]);
  });

  it("duplicate ids: of indicators, of items, of a measure within an item", () => {
    const t = clone();
    t.dimensions[1]!.indicators[0]!.id = "councilLeads";
    t.dimensions[2]!.indicators[1]!.items[0]!.id = "mixedSeats";
    t.dimensions[0]!.indicators[1]!.items[0]!.measures = [
      { measure: "participation", weight: 0.5 },
      { measure: "participation", weight: 0.5 },
    ];
    expect(refusals(t)).toEqual([
      { key: "index:errors.duplicateId", params: { id: "m:participation" } },
      { key: "index:errors.duplicateId", params: { id: "i:councilLeads" } },
      { key: "index:errors.duplicateId", params: { id: "t:mixedSeats" } },
    ]);
  });

  it("a missing dimension, an unknown one, and one given twice", () => {
    const missing = clone();
    const lost = missing.dimensions.pop()!;
    missing.dimensions[0]!.weight += lost.weight;
    expect(refusals(missing)).toEqual([
      { key: "index:errors.missingDimension", params: { dimension: "cultural" } },
    ]);
    const extra = clone();
    extra.dimensions.push({
      ...structuredClone(extra.dimensions[0]!),
      id: "economic" as "party",
      weight: 0,
    });
    expect(refusals(extra)).toEqual([
      { key: "index:errors.unknownDimension", params: { dimension: "economic" } },
    ]);
    const twice = clone();
    twice.dimensions[5] = { ...structuredClone(twice.dimensions[5]!), id: "party" };
    expect(refusals(twice)).toEqual([
      { key: "index:errors.duplicateId", params: { id: "d:party" } },
      { key: "index:errors.missingDimension", params: { dimension: "cultural" } },
    ]);
  });

  it("negative weights, even when the siblings still sum to 1", () => {
    const t = clone();
    const items = t.dimensions[4]!.indicators[1]!.items;
    items[0]!.weight = -0.5;
    items[1]!.weight = 1.5;
    expect(refusals(t)).toEqual([
      { key: "index:errors.negativeWeight", params: { node: "t:needsOnTime" } },
    ]);
  });

  it("empty branches: a dimension without indicators, an indicator without items, an item without measures", () => {
    const t = clone();
    t.dimensions[0]!.indicators[1]!.items[0]!.measures = [];
    expect(refusals(t)).toEqual([
      { key: "index:errors.emptyBranch", params: { node: "t:residentsVerified" } },
    ]);
    const u = clone();
    u.dimensions[5]!.indicators[0]!.items = [];
    expect(refusals(u)).toEqual([
      { key: "index:errors.emptyBranch", params: { node: "i:neighbourlyCulture" } },
    ]);
    const v = clone();
    v.dimensions[3]!.indicators = [];
    expect(refusals(v)).toEqual([{ key: "index:errors.emptyBranch", params: { node: "d:smart" } }]);
  });

  it("anything not shaped like a tree, and names that are empty or too long", () => {
    expect(refusals(null)).toEqual([{ key: "index:errors.treeShape" }]);
    expect(refusals({ dimensions: "six" })).toEqual([{ key: "index:errors.treeShape" }]);
    const extraField = clone() as unknown as { dimensions: Array<Record<string, unknown>> };
    extraField.dimensions[0]!.colour = "red";
    expect(refusals(extraField)).toEqual([{ key: "index:errors.treeShape" }]);
    const stringWeight = clone() as unknown as { dimensions: Array<Record<string, unknown>> };
    stringWeight.dimensions[0]!.weight = "0.2";
    expect(refusals(stringWeight)).toEqual([{ key: "index:errors.treeShape" }]);
    const names = clone();
    names.dimensions[0]!.indicators[0]!.name.en = "  ";
    names.dimensions[0]!.indicators[1]!.name["zh-CN"] = "长".repeat(41);
    expect(refusals(names).map((r) => r.key)).toEqual([
      "index:errors.badName",
      "index:errors.badName",
    ]);
    const ids = clone();
    ids.dimensions[0]!.indicators[0]!.id = "has space";
    expect(refusals(ids).map((r) => r.key)).toEqual(["index:errors.badNodeId"]);
  });

  it("puts the dimensions into their published order", () => {
    const t = clone();
    t.dimensions.reverse();
    const r = methodTreeSchema.safeParse(t);
    expect(r.success && r.data.dimensions.map((d) => d.id)).toEqual([...DIMENSIONS]);
  });
});

/**
 * A small tree, worked by hand:
 *   party (0.5)
 *     a (0.6): a1 (0.5) = participation 80 × 0.75 + mixedSeats 40 × 0.25 = 70
 *              a2 (0.5) = commitmentsOnTime: no data → a = 70 (a1 alone)
 *     b (0.4): b1 (1)   = meetingsPer1000 50 → b = 50
 *     party = 0.6 × 70 + 0.4 × 50 = 62
 *   social (0.5)
 *     c (1): c1 (1) = needsAccepted, needsMedianDays: no data → c, social: no data
 *   total = party alone = 62
 */
const small: MethodTree = {
  dimensions: [
    {
      id: "party",
      weight: 0.5,
      indicators: [
        {
          id: "a",
          weight: 0.6,
          name: { "zh-CN": "甲", en: "A" },
          items: [
            {
              id: "a1",
              weight: 0.5,
              name: { "zh-CN": "甲一", en: "A1" },
              measures: [
                { measure: "participation", weight: 0.75 },
                { measure: "mixedSeats", weight: 0.25 },
              ],
            },
            {
              id: "a2",
              weight: 0.5,
              name: { "zh-CN": "甲二", en: "A2" },
              measures: [{ measure: "commitmentsOnTime", weight: 1 }],
            },
          ],
        },
        {
          id: "b",
          weight: 0.4,
          name: { "zh-CN": "乙", en: "B" },
          items: [
            {
              id: "b1",
              weight: 1,
              name: { "zh-CN": "乙一", en: "B1" },
              measures: [{ measure: "meetingsPer1000", weight: 1 }],
            },
          ],
        },
      ],
    },
    {
      id: "social",
      weight: 0.5,
      indicators: [
        {
          id: "c",
          weight: 1,
          name: { "zh-CN": "丙", en: "C" },
          items: [
            {
              id: "c1",
              weight: 1,
              name: { "zh-CN": "丙一", en: "C1" },
              measures: [
                { measure: "needsAccepted", weight: 0.5 },
                { measure: "needsMedianDays", weight: 0.5 },
              ],
            },
          ],
        },
      ],
    },
  ],
};

describe("a method's aggregation checked by hand on a small tree", () => {
  it("scores every node, renormalising over the children that have data", () => {
    const scores = scoreTree(small, {
      participation: 80,
      mixedSeats: 40,
      commitmentsOnTime: null,
      meetingsPer1000: 50,
    });
    expect(scores).toEqual({
      total: 62,
      "d:party": 62,
      "d:social": null,
      "i:a": 70,
      "i:b": 50,
      "i:c": null,
      "t:a1": 70,
      "t:a2": null,
      "t:b1": 50,
      "t:c1": null,
      "m:participation": 80,
      "m:mixedSeats": 40,
      "m:commitmentsOnTime": null,
      "m:meetingsPer1000": 50,
      "m:needsAccepted": null,
      "m:needsMedianDays": null,
    });
    // Every key in methodNodes order.
    expect(Object.keys(scores)).toEqual(methodNodes(small));
  });

  it("with every measure present, is the plain weighted sum", () => {
    const s = scoreTree(small, {
      participation: 100,
      mixedSeats: 0,
      commitmentsOnTime: 50,
      meetingsPer1000: 20,
      needsAccepted: 90,
      needsMedianDays: 30,
    });
    // a1 = 75, a2 = 50 → a = 62.5; b = 20; party = 0.6 × 62.5 + 0.4 × 20 = 45.5;
    // social = c1 = 60; total = (45.5 + 60) / 2 = 52.75
    expect(s["i:a"]).toBeCloseTo(62.5, 10);
    expect(s["d:party"]).toBeCloseTo(45.5, 10);
    expect(s["d:social"]).toBeCloseTo(60, 10);
    expect(s.total).toBeCloseTo(52.75, 10);
  });

  it("has no score anywhere when there is no data at all: null, never 0", () => {
    const s = scoreTree(small, {});
    expect(Object.values(s).every((v) => v === null)).toBe(true);
  });

  it("gives a child with weight 0 no say, even when it alone has data", () => {
    const t = structuredClone(small);
    t.dimensions[0]!.indicators[0]!.items[0]!.measures = [
      { measure: "participation", weight: 1 },
      { measure: "mixedSeats", weight: 0 },
    ];
    expect(scoreTree(t, { participation: 80, mixedSeats: 40 })["t:a1"]).toBe(80);
    expect(scoreTree(t, { mixedSeats: 40 })["t:a1"]).toBeNull();
  });
});

describe("combining areas", () => {
  it("weights child areas by their verified residents, leaving out those with no data", () => {
    // (100 × 62 + 300 × 70 + 0 × 90) / 400 = 68; the fourth has no data.
    expect(
      combineScore([
        { residents: 100, score: 62 },
        { residents: 300, score: 70 },
        { residents: 0, score: 90 },
        { residents: 50, score: null },
      ]),
    ).toBe(68);
  });

  it("counts children equally when none with data has a verified resident, and is null with none", () => {
    expect(
      combineScore([
        { residents: 0, score: 40 },
        { residents: 0, score: 60 },
      ]),
    ).toBe(50);
    expect(combineScore([{ residents: 10, score: null }])).toBeNull();
    expect(combineScore([])).toBeNull();
  });

  it("combines node by node", () => {
    const out = combineAreas(
      ["total", "d:party", "m:participation"],
      [
        { residents: 1, scores: { total: 10, "d:party": null, "m:participation": 30 } },
        { residents: 3, scores: { total: 50, "d:party": 20, "m:participation": null } },
      ],
    );
    expect(out).toEqual({ total: 40, "d:party": 20, "m:participation": 30 });
  });
});
