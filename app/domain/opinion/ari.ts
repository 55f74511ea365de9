/**
 * The adjusted Rand index (Hubert & Arabie 1985) of two labellings of the same items: 1 when they
 * group the items identically (whatever the numbers), about 0 when they agree no more than chance,
 * negative when less. Used to compare Liuhe's groups with Polis's.
 */
export function adjustedRandIndex(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error("adjustedRandIndex: labellings of different lengths");
  const n = a.length;
  const pairs = (x: number) => (x * (x - 1)) / 2;
  const cells = new Map<string, number>();
  const rows = new Map<number, number>();
  const cols = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const key = `${a[i]}:${b[i]}`;
    cells.set(key, (cells.get(key) ?? 0) + 1);
    rows.set(a[i]!, (rows.get(a[i]!) ?? 0) + 1);
    cols.set(b[i]!, (cols.get(b[i]!) ?? 0) + 1);
  }
  let index = 0;
  for (const c of cells.values()) index += pairs(c);
  let sumA = 0;
  for (const c of rows.values()) sumA += pairs(c);
  let sumB = 0;
  for (const c of cols.values()) sumB += pairs(c);
  const expected = n > 1 ? (sumA * sumB) / pairs(n) : 0;
  const max = (sumA + sumB) / 2;
  // Both labellings put everything in one cluster (or every item alone): they are the same.
  if (max === expected) return 1;
  return (index - expected) / (max - expected);
}
