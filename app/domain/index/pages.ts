/**
 * What the index pages need that is pure: the six dimensions in their fixed order, the month a
 * page may show, the method tree as read back from index_methods.tree, and how stored integers
 * are shown (scores in hundredths as one decimal, raw values in thousandths). "No data" is null
 * all the way to the page, which says so in words: a missing figure is never shown as 0.
 */
import { CHINA_TIME_ZONE } from "~/domain/time";

import { DIMENSIONS, type DimensionId } from "./dimensions";

export { DIMENSIONS, type DimensionId };

/** How many months a trend reaches back, the shown month included. */
export const TREND_MONTHS = 12;

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

export function isIndexMonth(s: unknown): s is string {
  return typeof s === "string" && MONTH.test(s) && Number(s.slice(0, 4)) >= 2000;
}

/** The China month (YYYY-MM) an instant falls in. */
export function chinaMonth(at: Date): string {
  const parts = new Intl.DateTimeFormat("en-CA", {
    timeZone: CHINA_TIME_ZONE,
    year: "numeric",
    month: "2-digit",
  }).formatToParts(at);
  const get = (type: string) => parts.find((p) => p.type === type)!.value;
  return `${get("year")}-${get("month")}`;
}

/** Whether the month is over in China time, so that its index can exist. */
export function monthIsOver(month: string, now: Date): boolean {
  return month < chinaMonth(now);
}

/** The month `n` months before `month` (n may be negative). */
export function addMonths(month: string, n: number): string {
  const y = Number(month.slice(0, 4));
  const m = Number(month.slice(5, 7)) - 1 + n;
  return new Date(Date.UTC(y, m, 1)).toISOString().slice(0, 7);
}

/** The months of a trend ending at `month`, oldest first. */
export function trendMonths(month: string, count = TREND_MONTHS): string[] {
  return Array.from({ length: count }, (_, i) => addMonths(month, i - count + 1));
}

/** A score in hundredths (0–10000) as points with one decimal (52.35 → 52.4); null stays null. */
export function scorePoints(hundredths: number | null): number | null {
  if (hundredths === null) return null;
  return Math.round(hundredths / 10) / 10;
}

/** A raw value in thousandths as the number it stands for (523 → 0.523); null stays null. */
export function rawValue(thousandths: number | null): number | null {
  return thousandths === null ? null : thousandths / 1000;
}

/**
 * Ranks by score, highest first; equal scores share a rank and the next rank skips (1, 2, 2, 4).
 * An item with no score has no rank.
 */
export function rankOf<T>(items: readonly T[], score: (t: T) => number | null): Map<T, number> {
  const scored = items.filter((t) => score(t) !== null);
  scored.sort((a, b) => score(b)! - score(a)!);
  const ranks = new Map<T, number>();
  scored.forEach((t, i) => {
    const prev = scored[i - 1];
    ranks.set(t, prev !== undefined && score(prev) === score(t) ? ranks.get(prev)! : i + 1);
  });
  return ranks;
}

/** The method tree as the pages read it (the contract's shape, owned by app/domain/index/method.ts). */
export interface Named {
  "zh-CN": string;
  en: string;
}
export interface TreeMeasure {
  measure: string;
  weight: number;
}
export interface TreeItem {
  id: string;
  weight: number;
  name: Named;
  measures: TreeMeasure[];
}
export interface TreeIndicator {
  id: string;
  weight: number;
  name: Named;
  items: TreeItem[];
}
export interface TreeDimension {
  id: DimensionId;
  weight: number;
  indicators: TreeIndicator[];
}
export interface PageTree {
  dimensions: TreeDimension[];
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null;
const isNamed = (v: unknown): v is Named =>
  isObj(v) && typeof v["zh-CN"] === "string" && typeof v.en === "string";
const isWeighted = (v: unknown): v is Record<string, unknown> & { id: string; weight: number } =>
  isObj(v) && typeof v.id === "string" && typeof v.weight === "number";

/**
 * Reads a stored tree back. The method's own schema checked it when it was published; this only
 * makes sure the pages never walk a shape they do not know (an unreadable version is an error).
 */
export function readTree(json: string): PageTree {
  const raw: unknown = JSON.parse(json);
  const fail = (): never => {
    throw new TypeError("index method tree: unexpected shape");
  };
  if (!isObj(raw) || !Array.isArray(raw.dimensions)) return fail();
  const dimensions = raw.dimensions.map((d: unknown): TreeDimension => {
    if (!isObj(d) || typeof d.id !== "string" || typeof d.weight !== "number") return fail();
    if (!(DIMENSIONS as readonly string[]).includes(d.id) || !Array.isArray(d.indicators))
      return fail();
    return {
      id: d.id as DimensionId,
      weight: d.weight,
      indicators: d.indicators.map((i: unknown): TreeIndicator => {
        if (!isWeighted(i) || !isNamed(i.name) || !Array.isArray(i.items)) return fail();
        return {
          id: i.id,
          weight: i.weight,
          name: { "zh-CN": i.name["zh-CN"], en: i.name.en },
          items: i.items.map((t: unknown): TreeItem => {
            if (!isWeighted(t) || !isNamed(t.name) || !Array.isArray(t.measures)) return fail();
            return {
              id: t.id,
              weight: t.weight,
              name: { "zh-CN": t.name["zh-CN"], en: t.name.en },
              measures: t.measures.map((m: unknown): TreeMeasure => {
                if (!isObj(m) || typeof m.measure !== "string" || typeof m.weight !== "number")
                  return fail();
                return { measure: m.measure, weight: m.weight };
              }),
            };
          }),
        };
      }),
    };
  });
  return { dimensions };
}

/** Every measure id the tree uses, in the tree's order. */
export function treeMeasures(tree: PageTree): string[] {
  const out: string[] = [];
  for (const d of tree.dimensions)
    for (const i of d.indicators)
      for (const t of i.items)
        for (const m of t.measures) if (!out.includes(m.measure)) out.push(m.measure);
  return out;
}
