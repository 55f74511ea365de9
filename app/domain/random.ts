/**
 * A small seeded generator (mulberry32), for what must come out the same every time: the opinion
 * map from the same votes (nothing in app/domain/opinion may call Math.random), and the
 * benchmarks' synthetic data.
 */
export type Random = () => number;

export function seededRandom(seed: number): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
