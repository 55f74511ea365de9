/**
 * The index's server-drawn charts: an SVG named by its own <title> and <desc> (role="img"), the
 * numbers in it, nothing a script would need (no <style>, no ECharts metadata), text escaped, and
 * "no data" said in words in the description, never as 0.
 */
import { describe, expect, it } from "vitest";
import { DIMENSIONS } from "~/domain/index/pages";
import { fixedT } from "~/i18n/i18next.server";
import { keptDrawings } from "~/services/charts/echarts.server";
import {
  dimensionsRadar,
  dimensionsTrend,
  radarChart,
  trendChart,
} from "~/services/index/charts.server";

const dims = (f: (i: number) => number | null) =>
  Object.fromEntries(DIMENSIONS.map((d, i) => [d, f(i)])) as Record<
    (typeof DIMENSIONS)[number],
    number | null
  >;

describe("charts", () => {
  it("names the SVG by its title and description and drops what only script uses", () => {
    const svg = radarChart(["a", "b", "c"], [{ name: "A", values: [10, 20, 30] }], {
      id: "r",
      title: "T <x> & y",
      desc: "D",
    });
    expect(svg).toMatch(/^<svg role="img" aria-labelledby="r-title r-desc"/);
    expect(svg).toContain('<title id="r-title">T &lt;x&gt; &amp; y</title>');
    expect(svg).toContain('<desc id="r-desc">D</desc>');
    expect(svg).not.toContain("<style");
    expect(svg).not.toContain("ecmeta_");
    expect(svg).toContain('viewBox="0 0 520 400"');
    expect(svg.match(/<svg/g)).toHaveLength(1);
  });

  it("escapes what ECharts draws: an area name with markup stays text", () => {
    const svg = trendChart(["2026-01", "2026-02"], [{ name: "<b>x</b>", values: [1, null] }], {
      id: "t",
      title: "t",
      desc: "d",
    });
    expect(svg).not.toContain("<b>");
    expect(svg).toContain("&lt;b&gt;x&lt;/b&gt;");
    expect(svg).toContain(">2026-02<");
  });

  it("lists every dimension's score in the radar's description, no data in words", () => {
    for (const lng of ["zh-CN", "en"] as const) {
      const t = fixedT(lng, ["index"]);
      const svg = dimensionsRadar(t, lng, {
        id: "x",
        area: "东坡路社区",
        month: "2026-10",
        dimensions: dims((i) => (i === 3 ? null : 5000 + i * 1234)),
        city: dims(() => 6000),
      });
      const desc = /<desc id="x-desc">([^<]*)<\/desc>/.exec(svg)![1]!;
      expect(desc).toContain(`${t("index:dimensions.party.name")} 50.0`);
      expect(desc).toContain(`${t("index:dimensions.social.name")} 62.3`);
      expect(desc).toContain(`${t("index:dimensions.smart.name")} ${t("index:page.noData")}`);
      expect(svg).toContain("东坡路社区");
      expect(svg).toContain(t("index:chart.radar.compare"));
      expect(svg).toMatch(/<title id="x-title">[^<]*东坡路社区[^<]*<\/title>/);
    }
  });

  it("draws one line per dimension over the trend's months, with the months in its description", () => {
    const t = fixedT("en", ["index"]);
    const points = ["2026-08", "2026-09", "2026-10"].map((month, n) => ({
      month,
      dimensions: dims(() => (n === 1 ? null : 7000)),
    }));
    const svg = dimensionsTrend(t, "en", { id: "tr", area: "Dongpo", points });
    for (const d of DIMENSIONS) expect(svg).toContain(t(`index:dimensions.${d}.name`));
    expect(svg).toMatch(/<desc id="tr-desc">[^<]*August 2026[^<]*October 2026[^<]*<\/desc>/);
  });

  it("uses system fonts only", () => {
    const svg = radarChart(["a", "b", "c"], [{ name: "A", values: [1, 2, 3] }], {
      id: "f",
      title: "t",
      desc: "d",
    });
    expect(svg).not.toMatch(/@font-face|url\(/);
    expect(svg).toContain("font-family:system-ui");
  });

  it("draws an option once: the same figures again take the kept drawing, other figures a new one", () => {
    const text = (id: string) => ({ id, title: "t", desc: "d" });
    const axes = ["甲", "乙", "丙"];
    const first = radarChart(axes, [{ name: "A", values: [11, 22, 33] }], text("k1"));
    const kept = keptDrawings();
    // The same option under another title and id: the drawing is kept, the words are its own.
    const again = radarChart(axes, [{ name: "A", values: [11, 22, 33] }], text("k2"));
    expect(keptDrawings()).toBe(kept);
    expect(again.replaceAll("k2-", "k1-")).toBe(first);
    // One value changed: a drawing of its own, not the kept one.
    const other = radarChart(axes, [{ name: "A", values: [11, 22, 34] }], text("k1"));
    expect(keptDrawings()).toBe(kept + 1);
    expect(other).not.toBe(first);
    // Another size of the same series is another drawing too.
    const months = ["2026-01", "2026-02"];
    const line = trendChart(months, [{ name: "A", values: [1, 2] }], text("l"));
    expect(trendChart(months, [{ name: "A", values: [1, 2] }], text("l"))).toBe(line);
    expect(line).toContain('viewBox="0 0 720 340"');
  });
});
