/**
 * The index's charts, drawn on the server by Apache ECharts as SVG (no chart JavaScript reaches
 * the browser). Each chart is an inline <svg role="img"> named by its own <title> and <desc>, and
 * every page puts the chart's table beside it with the same numbers, so the chart is never the
 * only way to read them. What ECharts adds for its own interactivity is removed: the <style>
 * element of hover rules (the site's Content-Security-Policy admits inline <style> only with the
 * page's nonce, and hover needs the library in the browser anyway) and its `ecmeta_*` attributes.
 * Text drawn by ECharts is escaped by ECharts; the title and description are escaped here.
 */
import { svgChart, type echarts } from "~/services/charts/echarts.server";
import { DIMENSIONS, scorePoints, type DimensionId } from "~/domain/index/pages";
import type { Lng } from "~/i18n/config";
import { formatMonth, numberFormat } from "~/utils/format";

/** System fonts only: no web font is ever fetched. */
const FONT = "system-ui, -apple-system, PingFang SC, Microsoft YaHei, Noto Sans CJK SC, sans-serif";
/** Colours with at least 3:1 contrast on white (WCAG 1.4.11), one per series. */
const COLOURS = ["#1f5fbf", "#b03a2e", "#1e7b4a", "#7a3fa0", "#a05a00", "#1b6f7a", "#444444"];
const TEXT = "#333333";

export interface ChartText {
  /** A unique id prefix for the chart's <title> and <desc> on its page. */
  id: string;
  title: string;
  desc: string;
}

function escapeXml(s: string): string {
  return s
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;")
    .replaceAll("'", "&apos;");
}

function render(option: echarts.EChartsCoreOption, width: number, height: number): string {
  return svgChart(
    { animation: false, color: COLOURS, textStyle: { fontFamily: FONT, color: TEXT }, ...option },
    width,
    height,
  );
}

/** Names the SVG (role, title, description), makes it scale, drops what only script could use. */
export function accessibleSvg(svg: string, text: ChartText): string {
  const titleId = `${text.id}-title`;
  const descId = `${text.id}-desc`;
  return svg
    .replace(/<style[\s\S]*?<\/style>/g, "")
    .replace(/\s+ecmeta_[a-z_]+="[^"]*"/g, "")
    .replace(/\s+class="zr\d+-cls-\d+"/g, "")
    .replace(
      /^<svg width="(\d+)" height="(\d+)"/,
      `<svg role="img" aria-labelledby="${titleId} ${descId}" class="chart" width="$1" height="$2" preserveAspectRatio="xMidYMid meet"`,
    )
    .replace(
      /^(<svg[^>]*>)/,
      `$1<title id="${titleId}">${escapeXml(text.title)}</title><desc id="${descId}">${escapeXml(text.desc)}</desc>`,
    );
}

export interface RadarSeries {
  name: string;
  /** Points 0–100 per axis (one decimal), null for no data. */
  values: Array<number | null>;
}

/**
 * The six dimensions of one area as a radar, with the city (or any other series) for comparison.
 * ECharts draws an axis with no data at the centre; the description and the table say "no data".
 */
export function radarChart(axes: string[], series: RadarSeries[], text: ChartText): string {
  const svg = render(
    {
      // Legends stand in a column: ECharts measures text on the server only roughly, and items
      // side by side overlapped in English.
      legend: {
        orient: "vertical",
        left: 8,
        bottom: 8,
        textStyle: { fontFamily: FONT, color: TEXT },
      },
      radar: {
        indicator: axes.map((name) => ({ name, max: 100, min: 0 })),
        radius: "56%",
        center: ["50%", "44%"],
        axisName: { color: TEXT, fontFamily: FONT, fontSize: 13 },
      },
      series: [
        {
          type: "radar",
          symbolSize: 5,
          data: series.map((s) => ({ name: s.name, value: s.values.map((v) => v ?? "-") })),
        },
      ],
    },
    520,
    400,
  );
  return accessibleSvg(svg, text);
}

export interface LineSeries {
  name: string;
  /** One point per month (points 0–100), null where there is no figure: the line breaks there. */
  values: Array<number | null>;
}

/** Scores over months, one line per series; a gap where a month has no figure. */
export function trendChart(months: string[], series: LineSeries[], text: ChartText): string {
  const svg = render(
    {
      legend: {
        orient: "vertical",
        right: 8,
        top: "middle",
        textStyle: { fontFamily: FONT, color: TEXT },
      },
      grid: { left: 40, right: 190, top: 16, bottom: 32 },
      xAxis: { type: "category", data: months, axisLabel: { color: TEXT, fontFamily: FONT } },
      yAxis: { type: "value", min: 0, max: 100, axisLabel: { color: TEXT, fontFamily: FONT } },
      series: series.map((s) => ({
        type: "line",
        name: s.name,
        data: s.values.map((v) => (v === null ? "-" : v)),
        connectNulls: false,
        symbolSize: 5,
      })),
    },
    720,
    340,
  );
  return accessibleSvg(svg, text);
}

/** The page's charts, in the reader's words: the chart's own text comes from the locale files. */
type Translate = (key: string, params?: Record<string, unknown>) => string;

function pointsText(lng: Lng, noData: string) {
  const one = numberFormat(lng, "oneDecimal");
  return (hundredths: number | null) =>
    hundredths === null ? noData : one.format(scorePoints(hundredths)!);
}

/**
 * An area's six dimensions as a radar, beside the city's when the area is not the city. The
 * description lists every value, so that a reader of the chart alone has the numbers too.
 */
export function dimensionsRadar(
  t: Translate,
  lng: Lng,
  opts: {
    id: string;
    area: string;
    month: string;
    dimensions: Record<DimensionId, number | null>;
    city?: Record<DimensionId, number | null> | null;
  },
): string {
  const shown = pointsText(lng, t("index:page.noData"));
  const names = DIMENSIONS.map((d) => t(`index:dimensions.${d}.name`));
  const values = DIMENSIONS.map((d, i) =>
    t("index:chart.value", { name: names[i], value: shown(opts.dimensions[d]) }),
  ).join(t("index:chart.separator"));
  const series: RadarSeries[] = [
    { name: opts.area, values: DIMENSIONS.map((d) => scorePoints(opts.dimensions[d])) },
  ];
  if (opts.city) {
    const city = opts.city;
    series.push({
      name: t("index:chart.radar.compare"),
      values: DIMENSIONS.map((d) => scorePoints(city[d])),
    });
  }
  const month = formatMonth(opts.month, lng);
  return radarChart(names, series, {
    id: opts.id,
    title: t("index:chart.radar.title", { area: opts.area, month }),
    desc: t("index:chart.radar.desc", { values }),
  });
}

/** An area's six dimensions over the months of its trend, one line each. */
export function dimensionsTrend(
  t: Translate,
  lng: Lng,
  opts: {
    id: string;
    area: string;
    points: ReadonlyArray<{ month: string; dimensions: Record<DimensionId, number | null> }>;
  },
): string {
  const months = opts.points.map((p) => p.month);
  return trendChart(
    months,
    DIMENSIONS.map((d) => ({
      name: t(`index:dimensions.${d}.name`),
      values: opts.points.map((p) => scorePoints(p.dimensions[d])),
    })),
    {
      id: opts.id,
      title: t("index:chart.trend.title", { area: opts.area }),
      desc: t("index:chart.trend.desc", {
        from: formatMonth(months[0]!, lng),
        to: formatMonth(months[months.length - 1]!, lng),
      }),
    },
  );
}
