/**
 * The opinion map's scatter, drawn on the server by ECharts as SVG, as the index's charts are
 * (app/services/index/charts.server.ts: no chart JavaScript reaches the browser; the SVG is named
 * by its own <title> and <desc>, and the page puts the same numbers in tables beside it).
 *
 * Nobody may be identifiable from it: the points carry only x, y and a group, in an order that
 * says nothing (sorted by position), with no tooltip, no label and no id. The axes are the two
 * principal components, which have no unit a reader could use, so they carry no numbers.
 */
import { svgChart } from "~/services/charts/echarts.server";
import { groupLetter } from "~/components/conversations/types";
import { accessibleSvg } from "~/services/index/charts.server";

const FONT = "system-ui, -apple-system, PingFang SC, Microsoft YaHei, Noto Sans CJK SC, sans-serif";
/** The index's colours (at least 3:1 on white), one per group; a shape each too, for who cannot tell colours apart. */
const COLOURS = ["#1f5fbf", "#b03a2e", "#1e7b4a", "#7a3fa0", "#a05a00"];
const SYMBOLS = ["circle", "rect", "triangle", "diamond", "pin"];
const TEXT = "#333333";

export interface MapPoint {
  x: number;
  y: number;
  group: number;
}

type Translate = (key: string, params?: Record<string, unknown>) => string;

/**
 * The scatter of the map's points, one series per group. `t` gives the chart's words (the
 * `conversations` namespace); the description names every group with its size.
 */
export function opinionScatter(
  t: Translate,
  opts: {
    id: string;
    points: readonly MapPoint[];
    groups: ReadonlyArray<{ id: number; size: number }>;
  },
): string {
  const groupName = (g: number) => t("conversations:word.group", { name: groupLetter(g) });
  const svg = svgChart(
    {
      animation: false,
      color: COLOURS,
      textStyle: { fontFamily: FONT, color: TEXT },
      legend: {
        orient: "horizontal",
        left: 8,
        bottom: 4,
        textStyle: { fontFamily: FONT, color: TEXT },
      },
      grid: { left: 16, right: 16, top: 16, bottom: 48 },
      xAxis: { type: "value", scale: true, axisLabel: { show: false }, axisTick: { show: false } },
      yAxis: { type: "value", scale: true, axisLabel: { show: false }, axisTick: { show: false } },
      series: opts.groups.map((g) => ({
        type: "scatter",
        name: `${groupName(g.id)} (${g.size})`,
        symbol: SYMBOLS[g.id % SYMBOLS.length],
        symbolSize: 8,
        itemStyle: { color: COLOURS[g.id % COLOURS.length], opacity: 0.8 },
        // Sorted by position, so that the order of the points tells nothing about who they are.
        data: opts.points
          .filter((p) => p.group === g.id)
          .map((p) => [round(p.x), round(p.y)])
          .sort((a, b) => a[0]! - b[0]! || a[1]! - b[1]!),
      })),
    },
    560,
    420,
  );
  const inMap = opts.groups.reduce((n, g) => n + g.size, 0);
  return accessibleSvg(svg, {
    id: opts.id,
    title: t("conversations:map.chart.title", { inMap, k: opts.groups.length }),
    desc: t("conversations:map.chart.desc", {
      groups: opts.groups
        .map((g) => t("conversations:map.chart.groupLine", { group: groupName(g.id), n: g.size }))
        .join(t("conversations:map.chart.separator")),
    }),
  });
}

/** Three decimals are plenty for a dot on a 560-pixel chart, and say less than the full number. */
function round(v: number): number {
  return Math.round(v * 1000) / 1000;
}
