/**
 * ECharts as the server draws with it: the core with only the charts, components and renderer
 * that Liuhe's charts use (the index's radar and trend lines, the opinion map's scatter, all as
 * SVG). The whole library (`import … from "echarts"`) loaded every chart type and component into
 * each process at start: about 40 MB of resident memory and a third of a second (measured
 * 2026-12-04 with `process.memoryUsage()` after importing it). The build bundles ECharts into the
 * server (vite.config.ts, `ssr.noExternal`) so that only these parts are in it; a chart that needs
 * another type or component adds it here (ECharts says so on the console when one is missing).
 */
import { LineChart, RadarChart, ScatterChart } from "echarts/charts";
import { GridComponent, LegendComponent, RadarComponent } from "echarts/components";
import * as echarts from "echarts/core";
import { SVGRenderer } from "echarts/renderers";

echarts.use([
  LineChart,
  RadarChart,
  ScatterChart,
  GridComponent,
  LegendComponent,
  RadarComponent,
  SVGRenderer,
]);

export { echarts };

/**
 * Drawing a chart is slow and synchronous: 40–80 ms for the index's radar, 90–160 for its trend
 * lines, measured 2026-12-05 on the development machine under load. The event loop does nothing
 * else meanwhile, so every request in flight waits that long: when the index's page drew its two
 * charts each time its kept figures expired (every PAGE_CACHE_MS), the page's p99 at 50
 * connections carried those stalls, and the opinion map drew its scatter on every request.
 * The same option gives the same picture, so a drawing is kept by its option: the figures behind
 * the index change once a month, a map when it is computed again. Options are plain data (no
 * functions: JSON would drop them), so their JSON is their identity. Most recently used kept last;
 * the oldest dropped past KEPT_DRAWINGS (an SVG is 5–30 KB).
 */
const KEPT_DRAWINGS = 200;
const drawings = new Map<string, string>();

/** The chart of `option` as an SVG string, drawn once per distinct option and size. */
export function svgChart(option: echarts.EChartsCoreOption, width: number, height: number): string {
  const key = `${width}x${height}${JSON.stringify(option)}`;
  const kept = drawings.get(key);
  if (kept !== undefined) {
    drawings.delete(key);
    drawings.set(key, kept);
    return kept;
  }
  const chart = echarts.init(null, null, { renderer: "svg", ssr: true, width, height });
  let svg: string;
  try {
    chart.setOption(option);
    svg = chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
  drawings.set(key, svg);
  if (drawings.size > KEPT_DRAWINGS) drawings.delete(drawings.keys().next().value!);
  return svg;
}

/** How many drawings are kept (for tests). */
export function keptDrawings(): number {
  return drawings.size;
}
