import { describe, expect, it } from "vitest";
import { kmeans, silhouette } from "./kmeans";

describe("kmeans", () => {
  const points = Float64Array.from([0, 0, 0.5, 0.2, 0.1, 0.6, 10, 10, 10.4, 9.8, 9.7, 10.3]);

  it("separates two obvious clusters, the same way every time", () => {
    const r = kmeans(points, 2, 2, { seed: 3, restarts: 3 });
    expect(r.k).toBe(2);
    const [a, b] = [r.labels[0]!, r.labels[3]!];
    expect(a).not.toBe(b);
    expect([...r.labels]).toEqual([a, a, a, b, b, b]);
    expect(kmeans(points, 2, 2, { seed: 3, restarts: 3 }).labels).toEqual(r.labels);
    // Centres are the clusters' means.
    expect(r.centers[a * 2]).toBeCloseTo(0.2, 12);
    expect(r.centers[b * 2 + 1]).toBeCloseTo(10.0333333333, 9);
  });

  it("weights points: a heavy point pulls its centre", () => {
    const line = Float64Array.from([0, 1, 10]);
    const r = kmeans(line, 1, 2, { weights: Float64Array.from([3, 1, 1]), seed: 1, restarts: 5 });
    const c = r.labels[0]!;
    expect(r.labels[1]).toBe(c);
    expect(r.centers[c]).toBeCloseTo(0.25, 12);
  });

  it("finds no more clusters than distinct points", () => {
    const r = kmeans(Float64Array.from([1, 1, 1, 1, 2, 2]), 2, 3, { seed: 1 });
    expect(r.k).toBe(2);
  });
});

describe("silhouette", () => {
  // Points 0, 1 | 10, 12 on a line.
  const line = Float64Array.from([0, 1, 10, 12]);
  const labels = Int32Array.from([0, 0, 1, 1]);

  it("matches the hand-computed value", () => {
    // s(0) = (11 − 1)/11, s(1) = (10 − 1)/10, s(10) = (9.5 − 2)/9.5, s(12) = (11.5 − 2)/11.5
    const expected = (10 / 11 + 9 / 10 + 7.5 / 9.5 + 9.5 / 11.5) / 4;
    expect(silhouette(line, 1, labels)).toBeCloseTo(expected, 12);
  });

  it("with weights, equals the plain silhouette of the points repeated", () => {
    const weighted = silhouette(line, 1, labels, Float64Array.from([2, 1, 1, 1]));
    const repeated = silhouette(
      Float64Array.from([0, 0, 1, 10, 12]),
      1,
      Int32Array.from([0, 0, 0, 1, 1]),
    );
    expect(weighted).toBeCloseTo(repeated, 12);
    // By hand: s(0) = (11 − 0.5)/11 twice, s(1) = (10 − 1)/10, s(10) = (29/3 − 2)/(29/3),
    // s(12) = (35/3 − 2)/(35/3).
    expect(weighted).toBeCloseTo((2 * (10.5 / 11) + 0.9 + 23 / 29 + 29 / 35) / 5, 12);
  });

  it("gives a point alone in its cluster 0, and one cluster 0", () => {
    expect(silhouette(Float64Array.from([0, 1, 5]), 1, Int32Array.from([0, 0, 1]))).toBeCloseTo(
      // s(0) = (5 − 1)/5, s(1) = (4 − 1)/4, s(5) = 0 (alone)
      ((5 - 1) / 5 + (4 - 1) / 4 + 0) / 3,
      12,
    );
    expect(silhouette(line, 1, Int32Array.from([0, 0, 0, 0]))).toBe(0);
  });
});
