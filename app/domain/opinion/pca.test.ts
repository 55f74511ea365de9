import { describe, expect, it } from "vitest";
import { pca, projectRow } from "./pca";

const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
};

describe("pca (power iteration)", () => {
  it("finds a rank-1 matrix's direction as its first component (either sign)", () => {
    const v = [1 / 3, 2 / 3, 2 / 3];
    const a = [2, -1, 3, 0.5, -4];
    const values = Float64Array.from(a.flatMap((s) => v.map((x) => 5 + s * x)));
    const r = pca(values, a.length, 3);
    expect(Math.abs(dot(r.components[0]!, v))).toBeCloseTo(1, 9);
    // All the variance is on the first axis; the second finds nothing and is zero.
    expect(r.eigenvalues[0]! / r.totalVariance).toBeCloseTo(1, 9);
    expect(r.eigenvalues[1]).toBeCloseTo(0, 9);
    // Centred around the column means.
    const meanA = a.reduce((x, y) => x + y) / a.length;
    expect([...r.center].map((c) => +c.toFixed(9))).toEqual(
      v.map((x) => +(5 + meanA * x).toFixed(9)),
    );
  });

  it("finds two orthogonal axes of a rank-2 matrix, in order of variance", () => {
    // Points spread 3 along (1,0,0) and 1 along (0,1,0).
    const rows = [
      [3, 0, 0],
      [-3, 0, 0],
      [0, 1, 0],
      [0, -1, 0],
    ];
    const r = pca(Float64Array.from(rows.flat()), 4, 3, { seed: 5 });
    expect(Math.abs(r.components[0]![0]!)).toBeCloseTo(1, 9);
    expect(Math.abs(r.components[1]![1]!)).toBeCloseTo(1, 9);
    expect(r.eigenvalues).toEqual([expect.closeTo(18, 9), expect.closeTo(2, 9)]);
    expect(dot(r.components[0]!, r.components[1]!)).toBeCloseTo(0, 12);
  });

  it("is the same for the same seed, and fixes the sign (largest entry positive)", () => {
    const values = Float64Array.from([
      3, 0.1, 0, -3, 0.2, 0.1, 0.1, 1, 0, 0, -1, 0.2, 0.2, 0.3, -0.1,
    ]);
    const a = pca(values, 5, 3, { seed: 1 });
    expect(pca(values, 5, 3, { seed: 1 })).toEqual(a);
    const b = pca(values, 5, 3, { seed: 99 });
    for (const c of [0, 1]) {
      const comp = [...a.components[c]!];
      const big = comp.reduce((m, x) => (Math.abs(x) > Math.abs(m) ? x : m), 0);
      expect(big).toBeGreaterThan(0);
      comp.forEach((x, j) => expect(x).toBeCloseTo(b.components[c]![j]!, 4));
    }
  });

  it("scales a sparse voter's projection by √(statements / votes)", () => {
    const r = {
      center: Float64Array.from([0, 0, 0, 0]),
      components: [Float64Array.from([1, 0, 0, 0]), Float64Array.from([0, 1, 0, 0])],
      eigenvalues: [1, 1],
      totalVariance: 2,
      iterations: [1, 1],
    };
    // One vote of 4 statements (the other cells imputed at the centre): scaled by √4 = 2.
    expect(projectRow(Float64Array.from([1, 0, 0, 0]), 0, 4, r, 1)).toEqual([2, 0]);
    expect(projectRow(Float64Array.from([1, -1, 1, 1]), 0, 4, r, 4)).toEqual([1, -1]);
  });
});
