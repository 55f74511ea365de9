/**
 * The index pages' figures and charts, kept a few seconds per process (`shownReads`,
 * PAGE_CACHE_MS, as the community page and a visitor's home are).
 *
 * Why: a snapshot never changes once written (a correction is a new snapshot), yet every view of
 * /index/:id read its month's lines, the area's figures and its 12-month trend, and drew its two
 * charts with ECharts anew: about 55 ms of CPU per community page and 22 ms for the city
 * (`npm run bench:pages`, 2026-12-03), a tenth of a bare page's throughput or less. Kept, a page
 * costs what its rendering costs. What can change the figures is a new snapshot (the monthly job,
 * an admin's computation or correction) or a method published, announced by `index.changed`,
 * which drops every kept figure on every process (through Redis when there are several); a change
 * made outside them (the seed, a test's rows) shows within PAGE_CACHE_MS (5 s). The keys are an area's id, a month and a language, each
 * checked before it is used as a key (the area exists, the month has an index), so the number of
 * entries is bounded by the index itself.
 */
import type { Lng } from "~/i18n/config";
import { fixedT } from "~/i18n/i18next.server";
import { DIMENSIONS } from "~/domain/index/pages";
import { areaName } from "~/utils/format";
import type { DomainEvent } from "../events.server";
import { shownReads } from "../shown.server";
import { dimensionsRadar, dimensionsTrend } from "./charts.server";
import {
  areaMonth,
  currentSnapshot,
  indexArea,
  indexMonths,
  snapshotHistory,
  snapshotLines,
} from "./queries.server";

/** Every kept figure goes when the index changes (`index.changed`: a snapshot, a method). */
const onIndexChange = (e: DomainEvent) => (e.type === "index.changed" ? ("all" as const) : null);

/** The months that have an index, newest first. */
export const shownIndexMonths = shownReads(
  "index.months",
  (_: "all") => indexMonths(),
  onIndexChange,
);

/** The city's month: its current snapshot, the snapshot's history and every area's line. */
export const shownCityMonth = shownReads(
  "index.city",
  async (month: string) => {
    const snapshot = await currentSnapshot(month);
    if (!snapshot) return null;
    const [history, lines] = await Promise.all([
      snapshotHistory(month),
      snapshotLines(snapshot.id),
    ]);
    return { snapshot, history, lines };
  },
  onIndexChange,
);

/** The city's radar for `month|lng`. */
export const shownCityRadar = shownReads(
  "index.cityRadar",
  async (key: string) => {
    const [month, lng] = key.split("|") as [string, Lng];
    const city = (await shownCityMonth(month))?.lines.city;
    if (!city) return null;
    const t = fixedT(lng, ["index", "common"]);
    return dimensionsRadar(t, lng, {
      id: "city-radar",
      area: t("index:page.city.title"),
      month,
      dimensions: city.dimensions,
    });
  },
  onIndexChange,
);

/** An area's month, `areaId|month`: its current snapshot and all its page shows (`areaMonth`). */
export const shownAreaMonth = shownReads(
  "index.area",
  async (key: string) => {
    const [areaId, month] = key.split("|") as [string, string];
    const [snapshot, area] = await Promise.all([currentSnapshot(month), indexArea(Number(areaId))]);
    if (!snapshot || !area) return null;
    const view = await areaMonth(area, snapshot);
    const dimensions = Object.fromEntries(
      DIMENSIONS.map((d) => [d, view.figures[`d:${d}`]?.score ?? null]),
    ) as Record<(typeof DIMENSIONS)[number], number | null>;
    return { snapshot, area, view, dimensions };
  },
  onIndexChange,
);

/** What a page needs to show a chart as an image: its size and its words (title, description). */
export interface ChartImage {
  width: number;
  height: number;
  /** The chart's title and description (the image's alternative text). */
  alt: string;
}

const XML_ENTITIES: Record<string, string> = {
  "&amp;": "&",
  "&lt;": "<",
  "&gt;": ">",
  "&quot;": '"',
  "&apos;": "'",
};

/** The size and words of a chart drawn by charts.server.ts (its <svg> size, <title>, <desc>). */
export function chartImage(svg: string): ChartImage {
  const size = /^<svg[^>]*\swidth="(\d+)" height="(\d+)"/.exec(svg);
  const words = (tag: string) =>
    (new RegExp(`<${tag} id="[^"]*">([^<]*)</${tag}>`).exec(svg)?.[1] ?? "").replace(
      /&(?:amp|lt|gt|quot|apos);/g,
      (e) => XML_ENTITIES[e]!,
    );
  return {
    width: Number(size?.[1] ?? 0),
    height: Number(size?.[2] ?? 0),
    alt: [words("title"), words("desc")].filter(Boolean).join(". "),
  };
}

/**
 * An area's radar (beside the city's) and dimensions' trend, `areaId|month|lng`: the SVGs, served
 * as images by /index/:id/radar.svg and /index/:id/trend.svg (routes/index.$id.$chart.ts), and
 * what the page needs to show them. As images, not inline: inline, each SVG was sent twice, in the
 * HTML and again in the page's hydration data (60 of a community page's 90 KB), and browsers keep
 * an image between visits.
 */
export const shownAreaCharts = shownReads(
  "index.areaCharts",
  async (key: string) => {
    const [areaId, month, lng] = key.split("|") as [string, string, Lng];
    const shown = await shownAreaMonth(`${areaId}|${month}`);
    if (!shown) return null;
    const t = fixedT(lng, ["index", "common"]);
    const name = areaName(shown.area, lng);
    const svgs = {
      radar: dimensionsRadar(t, lng, {
        id: "area-radar",
        area: name,
        month,
        dimensions: shown.dimensions,
        city: shown.view.city?.dimensions ?? null,
      }),
      trend: dimensionsTrend(t, lng, {
        id: "area-trend",
        area: name,
        points: shown.view.trend,
      }),
    };
    return {
      svgs,
      images: { radar: chartImage(svgs.radar), trend: chartImage(svgs.trend) },
    };
  },
  onIndexChange,
);
