import { describe, expect, it } from "vitest";
import { CATALOGUE, MEASURES, type MeasureSpec } from "./catalogue";
import type { MethodTree } from "./method";
import { combinedFigure, snapshotFigures, type MeasureFigure, type SnapshotArea } from "./snapshot";

// Specs of the test's own, so that the arithmetic below does not hang on the catalogue's choices.
const specs: MeasureSpec[] = [
  {
    id: "participation",
    direction: "higher",
    unit: "share",
    normalise: { kind: "target", best: 1, worst: 0 },
  },
  { id: "meetingsPer1000", direction: "higher", unit: "perThousand", normalise: { kind: "peers" } },
  {
    id: "needsMedianDays",
    direction: "lower",
    unit: "days",
    normalise: { kind: "target", best: 1, worst: 31 },
  },
];

const tree: MethodTree = {
  dimensions: [
    {
      id: "party",
      weight: 0.5,
      indicators: [
        {
          id: "p",
          weight: 1,
          name: { "zh-CN": "甲", en: "P" },
          items: [
            {
              id: "p1",
              weight: 1,
              name: { "zh-CN": "甲一", en: "P1" },
              measures: [
                { measure: "participation", weight: 0.5 },
                { measure: "meetingsPer1000", weight: 0.5 },
              ],
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
          id: "s",
          weight: 1,
          name: { "zh-CN": "乙", en: "S" },
          items: [
            {
              id: "s1",
              weight: 1,
              name: { "zh-CN": "乙一", en: "S1" },
              measures: [{ measure: "needsMedianDays", weight: 1 }],
            },
          ],
        },
      ],
    },
  ],
};

// District 1 → streets 2 and 3; communities 4, 5 (street 2) and 6 (street 3); grid 7 is no area of
// the index.
const areas: SnapshotArea[] = [
  { id: 1, parentId: null, level: "district" },
  { id: 2, parentId: 1, level: "street" },
  { id: 3, parentId: 1, level: "street" },
  { id: 4, parentId: 2, level: "community" },
  { id: 5, parentId: 2, level: "community" },
  { id: 6, parentId: 3, level: "community" },
  { id: 7, parentId: 4, level: "grid" },
];
const f = (
  value: number | null,
  numerator: number | null = null,
  denominator: number | null = null,
) => ({ value, numerator, denominator }) satisfies MeasureFigure;
const raw = new Map([
  [4, { participation: f(0.5, 50, 100), meetingsPer1000: f(10, 1, 100), needsMedianDays: f(16) }],
  [5, { participation: f(0.2, 60, 300), meetingsPer1000: f(20, 6, 300), needsMedianDays: f(null) }],
  [6, { participation: f(null, 0, 0), meetingsPer1000: f(null), needsMedianDays: f(1) }],
]);
const residents = new Map([
  [4, 100],
  [5, 300],
  [6, 0],
]);

function figures(areaList = areas) {
  const rows = snapshotFigures({ tree, areas: areaList, raw, residents, measures: specs });
  const at = (areaId: number | null, node: string) =>
    rows.find((r) => r.areaId === areaId && r.node === node)!;
  return { rows, at };
}

/**
 * Worked by hand:
 *   participation (target 0–1): 4 → 50, 5 → 20, 6 → no data
 *   meetingsPer1000 (peers 10 … 20): 4 → 0, 5 → 100
 *   needsMedianDays (target 31 → 1 days): 4 (16 days) → 50, 6 (1 day) → 100
 *   community 4: p1 = (50 + 0) / 2 = 25 = party; social 50; total 37.5 → 3750
 *   community 5: p1 = (20 + 100) / 2 = 60 = party; social none; total 6000
 *   community 6: party none; social 100; total 10000
 *   street 2 (4: 100 residents, 5: 300): total (100 × 3750 + 300 × 6000) / 400 = 5437.5 → 5438;
 *     party (100 × 2500 + 300 × 6000) / 400 = 5125; social 5000 (4 alone)
 *   street 3 (6: no residents): total 10000, party none
 *   district 1 and the city (street 2: 400 residents, street 3: 0): street 2's figures
 */
describe("a snapshot's figures, checked by hand", () => {
  it("scores each community's nodes from its measures, normalised against its peers", () => {
    const { at } = figures();
    expect(at(4, "m:participation")).toMatchObject({
      score: 5000,
      value: 500,
      numerator: 50,
      denominator: 100,
    });
    expect(at(4, "m:meetingsPer1000")).toMatchObject({ score: 0, value: 10000 });
    expect(at(5, "m:meetingsPer1000")).toMatchObject({ score: 10000, value: 20000 });
    expect(at(4, "m:needsMedianDays")).toMatchObject({
      score: 5000,
      value: 16000,
      numerator: null,
    });
    expect(at(4, "t:p1").score).toBe(2500);
    expect(at(4, "total")).toMatchObject({ score: 3750, residents: 100, value: null });
    expect(at(5, "d:social").score).toBeNull();
    expect(at(5, "total").score).toBe(6000);
    expect(at(6, "d:party").score).toBeNull();
    expect(at(6, "total")).toMatchObject({ score: 10000, residents: 0 });
  });

  it("combines streets, the district and the city by verified residents, from stored figures", () => {
    const { at } = figures();
    expect(at(2, "total")).toMatchObject({ score: 5438, residents: 400 });
    expect(at(2, "d:party").score).toBe(5125);
    expect(at(2, "d:social").score).toBe(5000);
    expect(at(3, "total")).toMatchObject({ score: 10000, residents: 0 });
    expect(at(3, "d:party").score).toBeNull();
    for (const area of [1, null]) {
      expect(at(area, "total")).toMatchObject({ score: 5438, residents: 400 });
      expect(at(area, "d:party").score).toBe(5125);
      expect(at(area, "d:social").score).toBe(5000);
    }
  });

  it("sums the counts of shares and rates per 1,000 for larger areas, and not a median's", () => {
    const { at } = figures();
    // (50 + 60) / (100 + 300); score (100 × 5000 + 300 × 2000) / 400
    expect(at(2, "m:participation")).toMatchObject({
      value: 275,
      numerator: 110,
      denominator: 400,
      score: 2750,
    });
    // 1,000 × (1 + 6) / 400 = 17.5 a thousand; score (100 × 0 + 300 × 10000) / 400
    expect(at(2, "m:meetingsPer1000")).toMatchObject({
      value: 17500,
      numerator: 7,
      denominator: 400,
      score: 7500,
    });
    expect(at(2, "m:needsMedianDays")).toMatchObject({
      value: null,
      numerator: null,
      denominator: null,
      score: 5000,
    });
    expect(at(null, "m:participation")).toMatchObject({
      value: 275,
      numerator: 110,
      denominator: 400,
    });
  });

  it("has a row for every area but grids and every node, the city first, whatever the input order", () => {
    const { rows } = figures();
    expect(rows).toHaveLength(7 * 10);
    expect(rows[0]).toMatchObject({ areaId: null, node: "total" });
    expect(rows.some((r) => r.areaId === 7)).toBe(false);
    expect(figures([...areas].reverse()).rows).toEqual(rows);
  });

  it("gives an area with no data no score (null), and an empty city a row all the same", () => {
    const rows = snapshotFigures({
      tree,
      areas: [],
      raw: new Map(),
      residents: new Map(),
      measures: specs,
    });
    expect(rows).toHaveLength(10);
    expect(rows.every((r) => r.areaId === null && r.score === null && r.residents === 0)).toBe(
      true,
    );
  });
});

describe("a combined area's measure figure", () => {
  const share = specs[0]!;
  it("is left out when a child's value is not its numerator over its denominator", () => {
    expect(combinedFigure(share, [f(0.5, 1, 2), f(0.25, 1, 3)])).toEqual(f(null));
    expect(combinedFigure(share, [f(0.5, 1, 2), f(0.25)])).toEqual(f(null));
  });

  it("leaves out children with no data, and has none when no child has", () => {
    expect(combinedFigure(share, [f(0.5, 1, 2), f(null, 0, 0), undefined])).toEqual(f(0.5, 1, 2));
    expect(combinedFigure(share, [f(null, 0, 0)])).toEqual(f(null));
  });

  it("is never summed for a count or a median", () => {
    const count: MeasureSpec = {
      id: "activeOrganisations",
      direction: "higher",
      unit: "count",
      normalise: { kind: "peers" },
    };
    expect(combinedFigure(count, [f(2, 2, 1), f(3, 3, 1)])).toEqual(f(null));
    expect(combinedFigure(specs[2]!, [f(3, 3, 1)])).toEqual(f(null));
  });
});

describe("which of the catalogue's measures a larger area sums", () => {
  it("every ratio of counts, but not the median days nor the count of organisations", () => {
    // A figure that is its ratio: what combining two equal ones gives back, if the unit allows.
    const summed = MEASURES.filter((m) => {
      const scale = CATALOGUE[m].unit === "perThousand" ? 1000 : 1;
      const one = f((scale * 2) / 4, 2, 4);
      return combinedFigure(CATALOGUE[m], [one, one]).value !== null;
    });
    expect(MEASURES.filter((m) => !summed.includes(m))).toEqual([
      "activeOrganisations",
      "needsMedianDays",
    ]);
  });
});
