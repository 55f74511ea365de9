import { describe, expect, it } from "vitest";
import {
  addMonths,
  chinaMonth,
  isIndexMonth,
  monthIsOver,
  rankOf,
  rawValue,
  readTree,
  scorePoints,
  treeMeasures,
  trendMonths,
} from "./pages";

describe("months", () => {
  it("accepts YYYY-MM only", () => {
    expect(isIndexMonth("2026-05")).toBe(true);
    for (const bad of ["2026-5", "2026-00", "2026-13", "1999-12", "2026-05-01", " 2026-05", 202605])
      expect(isIndexMonth(bad)).toBe(false);
  });

  it("reads the month in China time: 16:00 UTC on the last day is already the next month", () => {
    expect(chinaMonth(new Date("2026-05-31T15:59:59Z"))).toBe("2026-05");
    expect(chinaMonth(new Date("2026-05-31T16:00:00Z"))).toBe("2026-06");
  });

  it("calls a month over only once China has left it", () => {
    expect(monthIsOver("2026-05", new Date("2026-05-31T15:59:59Z"))).toBe(false);
    expect(monthIsOver("2026-05", new Date("2026-05-31T16:00:00Z"))).toBe(true);
    expect(monthIsOver("2026-06", new Date("2026-05-31T16:00:00Z"))).toBe(false);
  });

  it("counts months across years", () => {
    expect(addMonths("2026-01", -1)).toBe("2025-12");
    expect(addMonths("2025-12", 1)).toBe("2026-01");
    expect(trendMonths("2026-03", 4)).toEqual(["2025-12", "2026-01", "2026-02", "2026-03"]);
    expect(trendMonths("2026-03")).toHaveLength(12);
  });
});

describe("shown figures", () => {
  it("shows hundredths as one decimal, rounding half up; no data stays no data", () => {
    expect(scorePoints(6125)).toBe(61.3);
    expect(scorePoints(6124)).toBe(61.2);
    expect(scorePoints(10000)).toBe(100);
    expect(scorePoints(0)).toBe(0);
    expect(scorePoints(null)).toBeNull();
    expect(rawValue(523)).toBe(0.523);
    expect(rawValue(null)).toBeNull();
  });

  it("ranks best first, equal scores share a rank, no score no rank", () => {
    const xs = [
      { n: "a", s: 50 },
      { n: "b", s: 70 },
      { n: "c", s: null },
      { n: "d", s: 70 },
      { n: "e", s: 10 },
    ];
    const ranks = rankOf(xs, (x) => x.s);
    expect(xs.map((x) => ranks.get(x) ?? null)).toEqual([3, 1, null, 1, 4]);
  });
});

describe("readTree", () => {
  const tree = {
    dimensions: [
      {
        id: "party",
        weight: 1,
        indicators: [
          {
            id: "p1",
            weight: 1,
            name: { "zh-CN": "组织", en: "Organisation" },
            items: [
              {
                id: "p1a",
                weight: 1,
                name: { "zh-CN": "参与", en: "Taking part" },
                measures: [
                  { measure: "participation", weight: 0.5 },
                  { measure: "mixedSeats", weight: 0.5 },
                ],
              },
            ],
          },
        ],
      },
    ],
  };

  it("reads the contract's shape and lists its measures in order", () => {
    const read = readTree(JSON.stringify(tree));
    expect(read).toEqual(tree);
    expect(treeMeasures(read)).toEqual(["participation", "mixedSeats"]);
  });

  it("refuses a shape it does not know", () => {
    expect(() => readTree("{}")).toThrow(TypeError);
    const wrongDimension = structuredClone(tree);
    wrongDimension.dimensions[0]!.id = "teleport";
    expect(() => readTree(JSON.stringify(wrongDimension))).toThrow(TypeError);
    const noName = structuredClone(tree) as { dimensions: Array<{ indicators: unknown[] }> };
    noName.dimensions[0]!.indicators = [{ id: "x", weight: 1, items: [] }];
    expect(() => readTree(JSON.stringify(noName))).toThrow(TypeError);
  });
});
