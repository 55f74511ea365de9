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
