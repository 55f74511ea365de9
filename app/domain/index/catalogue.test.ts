import { describe, expect, it } from "vitest";
import { CATALOGUE, isMeasureId, MEASURES, normaliseScore, type MeasureSpec } from "./catalogue";

const target = (best: number, worst: number): MeasureSpec => ({
  id: "participation",
  direction: best > worst ? "higher" : "lower",
  unit: "share",
  normalise: { kind: "target", best, worst },
});
const peers = (direction: "higher" | "lower"): MeasureSpec => ({
  id: "meetingsPer1000",
  direction,
  unit: "perThousand",
  normalise: { kind: "peers" },
});

describe("the measure catalogue", () => {
  it("has the sixteen ids of the contract, in order, each with its spec", () => {
    expect(MEASURES).toHaveLength(16);
    expect(MEASURES[0]).toBe("participation");
    expect(MEASURES[15]).toBe("inclusiveParticipation");
    for (const id of MEASURES) expect(CATALOGUE[id].id).toBe(id);
    expect(Object.keys(CATALOGUE)).toEqual([...MEASURES]);
  });

  it("says which direction is better, consistently with its target", () => {
    for (const id of MEASURES) {
      const s = CATALOGUE[id];
      if (s.normalise.kind === "target") {
        expect(s.normalise.best > s.normalise.worst, id).toBe(s.direction === "higher");
      }
    }
    expect(CATALOGUE.needsMedianDays.direction).toBe("lower");
    expect(CATALOGUE.needsRehandled.direction).toBe("lower");
    expect(MEASURES.filter((m) => CATALOGUE[m].needs)).toEqual([
      "needsAccepted",
      "needsClosedOnTime",
      "needsMedianDays",
      "needSatisfaction",
      "needsRehandled",
    ]);
  });

  it("knows its ids", () => {
    expect(isMeasureId("mixedSeats")).toBe(true);
    expect(isMeasureId("mixedseats")).toBe(false);
    expect(isMeasureId("toString")).toBe(false);
    expect(isMeasureId(undefined)).toBe(false);
  });
});

describe("normaliseScore", () => {
  it("gives no score for no data, whatever the peers", () => {
    expect(normaliseScore(target(1, 0), null, [0.5])).toBeNull();
    expect(normaliseScore(peers("higher"), null, [])).toBeNull();
    expect(normaliseScore(target(1, 0), Number.NaN, [])).toBeNull();
  });

  it("maps a target line from worst (0) to best (100), clamped", () => {
    const s = target(0.5, 0);
    expect(normaliseScore(s, 0, [])).toBe(0);
    expect(normaliseScore(s, 0.25, [])).toBe(50);
    expect(normaliseScore(s, 0.5, [])).toBe(100);
    expect(normaliseScore(s, 0.9, [])).toBe(100);
    expect(normaliseScore(s, -1, [])).toBe(0);
  });

  it("works the same when lower is better", () => {
    const days = target(7, 30);
    expect(normaliseScore(days, 7, [])).toBe(100);
    expect(normaliseScore(days, 3, [])).toBe(100);
    expect(normaliseScore(days, 30, [])).toBe(0);
    expect(normaliseScore(days, 40, [])).toBe(0);
    expect(normaliseScore(days, 18.5, [])).toBe(50);
  });

  it("does not divide by zero on a target without a range", () => {
    const flat: MeasureSpec = { ...target(1, 1), direction: "higher" };
    expect(normaliseScore(flat, 1, [])).toBe(100);
    expect(normaliseScore(flat, 0.5, [])).toBe(0);
    // Lower is better: at or below the mark is full marks.
    expect(normaliseScore({ ...flat, direction: "lower" }, 0.5, [])).toBe(100);
  });

  it("ranks against peers with data, lowest 0 and highest 100", () => {
    const s = peers("higher");
    const all = [2, 4, null, 6];
    expect(normaliseScore(s, 2, all)).toBe(0);
    expect(normaliseScore(s, 4, all)).toBe(50);
    expect(normaliseScore(s, 6, all)).toBe(100);
    expect(normaliseScore(peers("lower"), 2, all)).toBe(100);
    expect(normaliseScore(peers("lower"), 6, all)).toBe(0);
  });

  it("counts the value among its peers even when the caller left it out", () => {
    expect(normaliseScore(peers("higher"), 10, [0, 5])).toBe(100);
    expect(normaliseScore(peers("higher"), 0, [5, 10])).toBe(0);
  });

  it("with no spread (alone, or all equal) something scores 100, nothing 0; no division by zero", () => {
    expect(normaliseScore(peers("higher"), 3, [])).toBe(100);
    expect(normaliseScore(peers("higher"), 3, [3, 3, null])).toBe(100);
    expect(normaliseScore(peers("lower"), 0, [0])).toBe(100);
    // Nobody did it anywhere: the same nothing is not full marks.
    expect(normaliseScore(peers("higher"), 0, [0, 0, null])).toBe(0);
    expect(normaliseScore(peers("higher"), 0, [])).toBe(0);
    expect(normaliseScore(peers("lower"), 2, [2, 2])).toBe(0);
  });
});
