import { describe, expect, it } from "vitest";
import { freshRandomBytes } from "./random-pool.server";

describe("freshRandomBytes", () => {
  it("hands each byte out once, across the pools it draws", () => {
    // Draws of mixed sizes over several kilobyte pools, kept until the end: a region handed out
    // twice, or a pool written again after a draw, would make two of them equal.
    const sizes = [12, 16, 7, 12, 16, 1, 33];
    const draws = Array.from({ length: 600 }, (_, i) => freshRandomBytes(sizes[i % sizes.length]!));
    draws.forEach((d, i) => expect(d.length).toBe(sizes[i % sizes.length]));
    const long = draws.filter((d) => d.length >= 12).map((d) => d.toString("hex"));
    expect(new Set(long).size).toBe(long.length);
    // Views of a pool do not overlap: every byte of every draw is its own.
    const seen = new Map<ArrayBufferLike, Array<[number, number]>>();
    for (const d of draws) {
      const spans = seen.get(d.buffer) ?? seen.set(d.buffer, []).get(d.buffer)!;
      for (const [from, to] of spans) {
        expect(d.byteOffset >= to || d.byteOffset + d.length <= from).toBe(true);
      }
      spans.push([d.byteOffset, d.byteOffset + d.length]);
    }
  });

  it("draws a large request on its own", () => {
    const big = freshRandomBytes(4096);
    expect(big.length).toBe(4096);
    expect(new Set(big).size).toBeGreaterThan(200);
  });
});
