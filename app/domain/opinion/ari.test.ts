import { describe, expect, it } from "vitest";
import { adjustedRandIndex } from "./ari";

describe("adjustedRandIndex", () => {
  it("is 1 for the same grouping under other numbers", () => {
    expect(adjustedRandIndex([0, 0, 1, 1, 2], [2, 2, 0, 0, 1])).toBe(1);
  });

  it("matches hand-computed values", () => {
    // [0,0,1,1] vs [0,0,1,2]: index 1, expected 2·1/6 = 1/3, max 3/2 → (2/3)/(7/6) = 4/7.
    expect(adjustedRandIndex([0, 0, 1, 1], [0, 0, 1, 2])).toBeCloseTo(4 / 7, 12);
    // [0,0,0,1,1,1] vs [0,0,1,1,2,2]: index 2, sums 6 and 3, C(6,2) = 15, expected 6·3/15 = 1.2,
    // max 4.5 → 0.8 / 3.3 = 8/33.
    expect(adjustedRandIndex([0, 0, 0, 1, 1, 1], [0, 0, 1, 1, 2, 2])).toBeCloseTo(8 / 33, 12);
  });

  it("is negative for a grouping that cuts across the other", () => {
    expect(adjustedRandIndex([0, 0, 1, 1], [0, 1, 0, 1])).toBeCloseTo(-0.5, 12);
  });

  it("refuses labellings of different lengths", () => {
    expect(() => adjustedRandIndex([0], [0, 1])).toThrow();
  });
});
