import { describe, expect, it } from "vitest";
import { findGroups, KEEP_K_MARGIN, maxGroups, permutations, renumber } from "./groups";

/** Three blobs of 30, 20 and 10 points. */
function blobs(): Float64Array {
  const out: number[] = [];
  const centres: [number, number, number][] = [
    [0, 0, 30],
    [8, 0, 20],
    [0, 8, 10],
  ];
  let s = 1;
  const jitter = () => ((s = (s * 16807) % 2147483647) / 2147483647 - 0.5) * 1.5;
  for (const [x, y, n] of centres) for (let i = 0; i < n; i++) out.push(x + jitter(), y + jitter());
  return Float64Array.from(out);
}

describe("permutations", () => {
  it("lists all k! orders, identity first", () => {
    const all = [...permutations(3)];
    expect(all).toHaveLength(6);
    expect(all[0]).toEqual([0, 1, 2]);
    expect(new Set(all.map((p) => p.join())).size).toBe(6);
  });
});

describe("renumber", () => {
  it("numbers groups largest first without a previous map", () => {
    expect([...renumber(Int32Array.from([2, 2, 0, 1, 1, 1]), 3, null)]).toEqual([1, 1, 2, 0, 0, 0]);
  });

  it("keeps the numbers of the previous map where the members are the same", () => {
    const labels = Int32Array.from([0, 0, 0, 1, 1, 2]);
    const previous = Int32Array.from([2, 2, -1, 0, 0, 1]);
    expect([...renumber(labels, 3, previous)]).toEqual([2, 2, 2, 0, 0, 1]);
  });
});

describe("findGroups", () => {
  it("finds the three blobs, by silhouette", () => {
    const g = findGroups(blobs(), null, 1)!;
    expect(g.k).toBe(3);
    expect([...g.labels.slice(0, 30)].every((x) => x === 0)).toBe(true);
    expect([...g.labels.slice(30, 50)].every((x) => x === 1)).toBe(true);
    expect([...g.labels.slice(50)].every((x) => x === 2)).toBe(true);
    expect(g.silhouette).toBe(Math.max(...g.silhouettes.values()));
  });

  it("gives back a relabelled previous assignment's numbers", () => {
    const points = blobs();
    const first = findGroups(points, null, 1)!;
    const relabelled = first.labels.map((g) => (g + 1) % 3);
    const again = findGroups(points, relabelled, 7)!;
    expect([...again.labels]).toEqual([...relabelled]);
  });

  it("keeps the previous k unless another is clearly better", () => {
    const points = blobs();
    const moved = (d: number) =>
      Float64Array.from(points.map((v, i) => (i >= 100 && i % 2 === 1 ? v - d : v)));
    const two = Int32Array.from({ length: 60 }, (_, i) => (i < 30 ? 0 : 1));
    const three = Int32Array.from({ length: 60 }, (_, i) => (i < 30 ? 0 : i < 50 ? 1 : 2));
    // The third blob halfway to the first: 3 groups are best, but 2 are nearly as good
    // (silhouettes within KEEP_K_MARGIN), so a map that had 2 keeps 2.
    const near = moved(4);
    const fresh = findGroups(near, null, 1)!;
    expect(fresh.k).toBe(3);
    expect(fresh.silhouettes.get(3)! - fresh.silhouettes.get(2)!).toBeLessThan(KEEP_K_MARGIN);
    expect(findGroups(near, two, 1)!.k).toBe(2);
    // The third blob apart: 3 is clearly better than 2 and replaces it.
    expect(findGroups(points, two, 1)!.k).toBe(3);
    // The third blob almost on the first: 2 is clearly better, and a map that had 3 drops to 2.
    expect(findGroups(moved(7), three, 1)!.k).toBe(2);
  });

  it("returns null when every point is on one spot", () => {
    expect(findGroups(new Float64Array(20), null, 1)).toBeNull();
  });

  it("allows no more groups than 2 + one per 12 base clusters, at most 5", () => {
    expect(maxGroups(10)).toBe(2);
    expect(maxGroups(24)).toBe(4);
    expect(maxGroups(100)).toBe(5);
  });
});
