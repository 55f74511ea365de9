import { describe, expect, it } from "vitest";
import {
  consensus,
  divisive,
  groupCounts,
  propTest,
  representative,
  smoothed,
  twoPropTest,
  type GroupCounts,
} from "./repness";
import type { StatementGroupStat } from "./types";

const stat = (
  group: number,
  agree: number,
  disagree: number,
  pass: number,
): StatementGroupStat => ({
  group,
  agree,
  disagree,
  pass,
  seen: agree + disagree + pass,
});

describe("the tests Polis uses", () => {
  it("smooths (count + 1) / (seen + 2)", () => {
    expect(smoothed(0, 0)).toBe(0.5);
    expect(smoothed(8, 10)).toBe(0.75);
  });

  it("computes the one- and two-proportion z with +1 pseudo-counts", () => {
    // 8 of 10: 2·√11·(9/11 − ½)
    expect(propTest(8, 10)).toBeCloseTo(2 * Math.sqrt(11) * (9 / 11 - 0.5), 12);
    // 8 of 10 against 2 of 10: p1 = 9/11, p2 = 3/11, pooled 12/22 = 6/11
    expect(twoPropTest(8, 2, 10, 10)).toBeCloseTo(
      6 / 11 / Math.sqrt((6 / 11) * (5 / 11) * (2 / 11)),
      12,
    );
    expect(twoPropTest(3, 3, 3, 3)).toBe(0);
  });
});

describe("groupCounts", () => {
  it("counts the votes of the placed participants per group", () => {
    const nan = Number.NaN;
    // Three participants × two statements; the third is outside the map (−1).
    const raw = Float64Array.from([1, -1, 0, nan, 1, 1]);
    const c = groupCounts(raw, [7, 8], Int32Array.from([0, 1, -1]), 2);
    expect(c.perGroup[0]).toEqual([stat(0, 1, 0, 0), stat(1, 0, 0, 1)]);
    expect(c.perGroup[1]).toEqual([
      stat(0, 0, 1, 0),
      { group: 1, agree: 0, disagree: 0, pass: 0, seen: 0 },
    ]);
  });
});

describe("representative statements", () => {
  const counts: GroupCounts = {
    statements: [1, 2, 3],
    k: 2,
    perGroup: [
      // Statement 1: group 0 agrees 8 of 10, group 1 agrees 2 of 10 (and disagrees 8).
      [stat(0, 8, 1, 1), stat(1, 2, 8, 0)],
      // Statement 2: both groups alike — representative of neither.
      [stat(0, 5, 5, 0), stat(1, 5, 5, 0)],
      // Statement 3: group 0 agrees 7 of 10, group 1 1 of 10 (ratio 4 but less sure: second).
      [stat(0, 7, 1, 2), stat(1, 1, 5, 4)],
    ],
  };

  it("keeps what a group agrees or disagrees with significantly more than the rest, best first", () => {
    const [g0, g1] = representative(counts);
    expect(g0!.map((r) => [r.statement, r.direction])).toEqual([
      [1, "agree"],
      [3, "agree"],
    ]);
    const r = g0![0]!;
    expect(r.probability).toBeCloseTo(9 / 12, 12);
    expect(r.restProbability).toBeCloseTo(3 / 12, 12);
    expect(r.ratio).toBeCloseTo(3, 12);
    expect(r.z).toBeCloseTo(6 / 11 / Math.sqrt((6 / 11) * (5 / 11) * (2 / 11)), 12);
    expect([r.count, r.seen]).toEqual([8, 10]);
    // Group 1 disagrees with statement 1 (8 of 10 against 1 of 10); statement 3's 5 of 10
    // disagreeing is not more than half, so it does not pass.
    expect(g1!.map((x) => [x.statement, x.direction, x.count])).toEqual([[1, "disagree", 8]]);
    expect(g1![0]!.probability).toBeCloseTo(9 / 12, 12);
    expect(g1![0]!.restProbability).toBeCloseTo(2 / 12, 12);
  });
});

describe("consensus and divisive statements", () => {
  const counts: GroupCounts = {
    statements: [1, 2, 3],
    k: 2,
    perGroup: [
      // Statement 1: group 0 agrees 3 of 4, group 1 4 of 4.
      [stat(0, 3, 0, 1), stat(1, 4, 0, 0)],
      // Statement 2: group 0 agrees 4 of 4, group 1 disagrees 4 of 4.
      [stat(0, 4, 0, 0), stat(1, 0, 4, 0)],
      // Statement 3: everyone agrees 9 of 10.
      [stat(0, 9, 1, 0), stat(1, 9, 0, 1)],
    ],
  };

  it("scores consensus as the product of the groups' smoothed agreement", () => {
    const c = consensus(counts);
    // Statement 3: (10/12)·(10/12); statement 1: (4/6)·(5/6); statement 2 is not agreed by group 1.
    expect(c.map((s) => s.statement)).toEqual([3, 1]);
    expect(c[0]!.score).toBeCloseTo((10 / 12) * (10 / 12), 12);
    expect(c[1]!.score).toBeCloseTo((4 / 6) * (5 / 6), 12);
    expect(c[1]!.perGroup).toEqual(counts.perGroup[0]);
  });

  it("scores division as half the spread of the smoothed net agreement", () => {
    const d = divisive(counts);
    // Statement 2: group 0 net 4/6, group 1 −4/6 → (8/6)/2 = 2/3. Statement 1: (4/6 − 3/6)/2 =
    // 1/12, below the threshold; statement 3: (9/12 − 8/12)/2, also below.
    expect(d.map((s) => s.statement)).toEqual([2]);
    expect(d[0]!.score).toBeCloseTo(2 / 3, 12);
  });
});
