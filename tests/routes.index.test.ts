/**
 * The 六和指数 pages as Remix calls them, on figures written straight into the index tables: the
 * city page (month chosen, ranking, corrections), an area's page (figures, trend, drill-down, the
 * records of a measure), the method page; the refusals (unknown area, ill-formed, unfinished or
 * unpublished month, unknown version or measure) in the reader's language; and the whole pages in
 * both languages and modes (charts as named SVG in standard mode, tables alone and small in 长辈版).
 */
import { gzipSync } from "node:zlib";
import { createRequestHandler } from "@remix-run/node";
import { beforeAll, describe, expect, it } from "vitest";
import enIndex from "../public/locales/en/index.json";
import zhIndex from "../public/locales/zh-CN/index.json";
import { policy } from "~/domain/permissions/policy";
import * as root from "~/root";
import * as cityRoute from "~/routes/index._index";
import * as areaRoute from "~/routes/index.$id";
import * as chartRoute from "~/routes/index.$id.$chart";
import * as methodRoute from "~/routes/index.method";
import { routesBuild } from "./support/builds";
import { cookieFor, makeArea, makeUser, wholeDbSnapshot } from "./support/factories";
import { publishTestMethod, writeSnapshot } from "./support/index-data";
import { body, formRequest, run } from "./support/remix";

let district: number;
let street: number;
let a: number;
let b: number;
let c: number;
let grid: number;
let admin: number;
const MONTHS = Array.from({ length: 11 }, (_, i) => `2026-${String(i + 1).padStart(2, "0")}`);

beforeAll(async () => {
  district = await makeArea("district", null, "上城");
  street = await makeArea("street", district, "湖滨");
  a = await makeArea("community", street, "东坡路");
  b = await makeArea("community", street, "青年路");
  c = await makeArea("community", street, "新建");
  grid = await makeArea("grid", a);
  admin = await makeUser({ isAdmin: true });
  await publishTestMethod(1);
  await publishTestMethod(2);
  // 2026-01 … 2026-11 under version 1, but 2026-05 is missing; 2026-11 was corrected once.
  let last = 0;
  for (const [n, month] of MONTHS.entries()) {
    if (month === "2026-05") continue;
    last = await writeSnapshot(month, [
      { areaId: null, total: 6000 + n * 10, residents: 300 },
      { areaId: district, total: 6000 + n * 10, residents: 300 },
      { areaId: street, total: 6000 + n * 10, residents: 300 },
      { areaId: a, total: 7000 + n * 25, dimensions: { smart: null }, residents: 200 },
      { areaId: b, total: 5000 + n * 100, residents: 100 },
      { areaId: c, total: null, residents: 0 },
    ]);
  }
  await writeSnapshot(
    "2026-11",
    [
      { areaId: null, total: 6105, residents: 300 },
      { areaId: district, total: 6105, residents: 300 },
      { areaId: street, total: 6105, residents: 300 },
      { areaId: a, total: 6125, dimensions: { smart: null }, residents: 200 },
      { areaId: b, total: 6125, residents: 100 },
      { areaId: c, total: null, residents: 0 },
    ],
    { reason: "补录了两场会议", supersedes: last },
  );
});

const get = (path: string) => new Request(`http://localhost${path}`);

interface ErrorBody {
  error: { key: string };
}

describe("/index", () => {
  it("shows the newest month: the correction, its history, equal totals sharing a rank", async () => {
    const data = await body<{
      month: string;
      months: string[];
      snapshot: { reason: string | null };
      history: unknown[];
      lines: {
        city: { total: number };
        communities: Array<{ id: number; rank: number | null; total: number | null }>;
        streets: Array<{ id: number }>;
      };
    }>(await run(cityRoute.loader, get("/index")));
    expect(data.month).toBe("2026-11");
    expect(data.months).toHaveLength(10);
    expect(data.months).not.toContain("2026-05");
    expect(data.snapshot.reason).toBe("补录了两场会议");
    expect(data.history).toHaveLength(2);
    expect(data.lines.city.total).toBe(6105);
    expect(data.lines.streets.map((s) => s.id)).toEqual([street]);
    expect(data.lines.communities).toEqual([
      expect.objectContaining({ id: a, rank: 1, total: 6125 }),
      expect.objectContaining({ id: b, rank: 1, total: 6125 }),
      expect.objectContaining({ id: c, rank: null, total: null }),
    ]);
  });

  it("shows a chosen month, ranked by that month's totals", async () => {
    const data = await body<{
      month: string;
      lines: { communities: Array<{ id: number; rank: number | null }> };
    }>(await run(cityRoute.loader, get("/index?month=2026-01")));
    expect(data.month).toBe("2026-01");
    expect(data.lines.communities.map((l) => [l.id, l.rank])).toEqual([
      [a, 1],
      [b, 2],
      [c, null],
    ]);
  });

  it.each([
    ["2026-13", 400, "index:errors.pageMonthInvalid"],
    ["26-01", 400, "index:errors.pageMonthInvalid"],
    ["2026-01-01", 400, "index:errors.pageMonthInvalid"],
    ["2999-01", 404, "index:errors.pageMonthNotOver"],
    ["2026-05", 404, "index:errors.pageMonthNone"],
    ["2020-01", 404, "index:errors.pageMonthNone"],
  ])("refuses ?month=%s with %i", async (month, status, key) => {
    const res = await run(cityRoute.loader, get(`/index?month=${month}`));
    expect(res.status).toBe(status);
    expect((await body<ErrorBody>(res)).error.key).toBe(key);
    const area = await run(areaRoute.loader, get(`/index/${a}?month=${month}`), {
      id: String(a),
    });
    expect(area.status).toBe(status);
  });

  it("refuses a form it has no command for, and writes nothing", async () => {
    const cookie = await cookieFor(admin);
    const before = await wholeDbSnapshot();
    const res = await run(
      cityRoute.action,
      formRequest("/index?index", { intent: "teleport", month: "2026-10" }, { cookie }),
    );
    expect(res.status).toBe(400);
    expect(await wholeDbSnapshot()).toEqual(before);
  });
});

describe("the admin forms", () => {
  // The commands and their policy actions come from the method branch: before it is merged no
  // one may see the forms; after, exactly whom the policy table lets take the action.
  const declared = (action: string) => Object.prototype.hasOwnProperty.call(policy, action);

  it("are offered only to whom the policy lets compute and publish", async () => {
    const resident = await makeUser();
    for (const [who, isAdmin] of [
      [admin, true],
      [resident, false],
      [null, false],
    ] as const) {
      const headers = who === null ? undefined : { cookie: await cookieFor(who) };
      const city = await body<{ admin: { compute: boolean; publish: boolean } }>(
        await run(cityRoute.loader, new Request("http://localhost/index", { headers })),
      );
      const method = await body<{ admin: { compute: boolean; publish: boolean } }>(
        await run(methodRoute.loader, new Request("http://localhost/index/method", { headers })),
      );
      expect(city.admin.compute).toBe(isAdmin && declared("index.compute"));
      expect(method.admin.publish).toBe(isAdmin && declared("index.publishMethod"));
    }
  });
});

describe("/index/:area", () => {
  const load = (id: string | number, query = "") =>
    run(areaRoute.loader, get(`/index/${id}${query}`), { id: String(id) });

  it("gives a community's figures, rank, the city beside it and its 12-month trend", async () => {
    const data = await body<{
      month: string;
      ancestors: Array<{ id: number }>;
      view: {
        figures: Record<string, { score: number | null; value: number | null }>;
        rank: number;
        rankedOf: number;
        dimensions: Record<string, number | null>;
        city: { total: number };
        trend: Array<{ month: string; total: number | null; dimensions: { party: number | null } }>;
        tree: { dimensions: unknown[] };
        records: unknown;
        charts: { radar: { src: string; alt: string; width: number }; trend: { src: string } };
      };
    }>(await load(a, "?month=2026-10"));
    expect(data.month).toBe("2026-10");
    expect(data.ancestors.map((x) => x.id)).toEqual([district, street]);
    expect(data.view.figures.total!.score).toBe(7225);
    expect(data.view.figures["m:commitmentsOnTime"]!.value).toBe(7225);
    expect(data.view.dimensions.smart).toBeNull();
    expect(data.view.rank).toBe(1);
    expect(data.view.rankedOf).toBe(2);
    expect(data.view.city.total).toBe(6090);
    expect(data.view.trend.map((p) => p.month)).toEqual([
      "2025-11",
      "2025-12",
      ...MONTHS.slice(0, 10),
    ]);
    expect(data.view.trend[0]!.total).toBeNull();
    expect(data.view.trend.find((p) => p.month === "2026-05")!.total).toBeNull();
    expect(data.view.trend.find((p) => p.month === "2026-03")!.dimensions.party).toBe(7050);
    expect(data.view.tree.dimensions).toHaveLength(6);
    expect(data.view.records).toBeNull();
    // The charts are images at their own addresses, month and language in them; the page carries
    // their words (the alternative text, every value in it) and size only.
    expect(data.view.charts.radar.src).toBe(`/index/${a}/radar.svg?month=2026-10&lng=zh-CN`);
    expect(data.view.charts.trend.src).toBe(`/index/${a}/trend.svg?month=2026-10&lng=zh-CN`);
    expect(data.view.charts.radar.alt).toContain("72.3");
    expect(data.view.charts.radar.width).toBeGreaterThan(0);
  });

  it("lists the records behind a measure of the month's method, and refuses other measures", async () => {
    const data = await body<{
      view: { records: { measure: string; total: number; records: unknown[] } };
    }>(await load(a, "?month=2026-10&measure=commitmentsOnTime"));
    expect(data.view.records).toMatchObject({ measure: "commitmentsOnTime" });
    expect(data.view.records.records.length).toBeLessThanOrEqual(data.view.records.total);
    // In the catalogue but not in this method; not in the catalogue; asked of a street.
    for (const [id, measure] of [
      [a, "needsMedianDays"],
      [a, "teleport"],
      [street, "commitmentsOnTime"],
    ] as const) {
      const res = await load(id, `?month=2026-10&measure=${measure}`);
      expect(res.status).toBe(404);
      expect((await body<ErrorBody>(res)).error.key).toBe("index:errors.pageMeasureUnknown");
    }
  });

  it("gives a street the communities within it", async () => {
    const data = await body<{ view: { children: Array<{ id: number }> } }>(await load(street));
    expect(data.view.children.map((x) => x.id)).toEqual([a, b, c]);
  });

  it.each([["999999"], ["abc"], ["0"], ["1e3"], ["-1"]])(
    "refuses the unknown area %s with 404",
    async (id) => {
      const res = await load(id);
      expect(res.status).toBe(404);
      expect((await body<ErrorBody>(res)).error.key).toBe("index:errors.pageAreaUnknown");
    },
  );

  it("refuses a grid: the index stops at communities", async () => {
    const res = await load(grid);
    expect(res.status).toBe(404);
  });
});

describe("/index/method", () => {
  it("shows the newest version by default and any version asked for", async () => {
    const newest = await body<{ method: { version: number }; versions: unknown[] }>(
      await run(methodRoute.loader, get("/index/method")),
    );
    expect(newest.method.version).toBe(2);
    expect(newest.versions).toHaveLength(2);
    const first = await body<{ method: { version: number } }>(
      await run(methodRoute.loader, get("/index/method?version=1")),
    );
    expect(first.method.version).toBe(1);
  });

  it.each([["3"], ["abc"], ["0"], ["1.5"]])("refuses ?version=%s with 404", async (v) => {
    const res = await run(methodRoute.loader, get(`/index/method?version=${v}`));
    expect(res.status).toBe(404);
    expect((await body<ErrorBody>(res)).error.key).toBe("index:errors.pageVersionUnknown");
  });
});

describe("whole pages", () => {
  const handler = createRequestHandler(
    routesBuild({
      root: ["", undefined, root],
      "routes/index._index": ["index", "root", cityRoute],
      "routes/index.method": ["index/method", "root", methodRoute],
      "routes/index.$id": ["index/:id", "root", areaRoute],
      "routes/index.$id.$chart": ["index/:id/:chart", "root", chartRoute],
    }),
  );
  async function page(url: string, lng: string, mode: string) {
    const res = await handler(
      new Request(`http://localhost${url}`, { headers: { Cookie: `lng=${lng}; mode=${mode}` } }),
    );
    const bytes = new Uint8Array(await res.arrayBuffer());
    return { status: res.status, html: new TextDecoder().decode(bytes), bytes };
  }
  const words = { "zh-CN": zhIndex, en: enIndex };

  it("serves a chart image only for a known chart, area, month and language; refuses the rest", async () => {
    const ok = await handler(
      new Request(`http://localhost/index/${a}/trend.svg?month=2026-10&lng=en`),
    );
    expect(ok.status).toBe(200);
    expect(ok.headers.get("Cache-Control")).toBe("public, max-age=300");
    for (const [url, key] of [
      [`/index/${a}/pie.svg?month=2026-10&lng=en`, "index:errors.pageAreaUnknown"],
      [`/index/999999/radar.svg?month=2026-10&lng=en`, "index:errors.pageAreaUnknown"],
      [`/index/${a}/radar.svg?lng=en`, "index:errors.pageMonthNone"],
      [`/index/${a}/radar.svg?month=2026-10&lng=fr`, "index:errors.pageMonthNone"],
      [`/index/${a}/radar.svg?month=2025-01&lng=en`, "index:errors.pageMonthNone"],
      [`/index/${a}/radar.svg?month=2026-13&lng=en`, "index:errors.pageMonthInvalid"],
    ] as const) {
      const res = await handler(new Request(`http://localhost${url}`));
      expect(res.status, url).toBe(key === "index:errors.pageMonthInvalid" ? 400 : 404);
      expect(res.headers.get("Content-Type"), url).not.toMatch(/svg/);
      expect(((await res.json()) as { error: { key: string } }).error.key, url).toBe(key);
    }
  });

  it("renders every page in both languages and modes: charts in standard mode, tables in 长辈版", async () => {
    for (const lng of ["zh-CN", "en"] as const) {
      const w = words[lng];
      for (const mode of ["full", "lite"] as const) {
        for (const url of [
          "/index",
          `/index/${a}`,
          `/index/${street}`,
          `/index/${a}?measure=participation`,
          "/index/method",
        ]) {
          const { status, html, bytes } = await page(url, lng, mode);
          const label = `${url} ${lng} ${mode}`;
          expect(status, label).toBe(200);
          expect(html.includes("\0"), label).toBe(false);
          expect(html, label).not.toMatch(/\{\{|index:/);
          if (mode === "lite") {
            expect(html, label).not.toContain("<script");
            expect(html, label).not.toContain("<svg");
            expect(gzipSync(bytes).length, label).toBeLessThanOrEqual(14 * 1024);
          }
          if (url === "/index") {
            expect(html).toContain(w.page.city.ranking);
            expect(html).toContain(w.page.noData);
            expect(html).toContain("61.3");
          }
          if (url === `/index/${a}`) {
            expect(html).toContain(w.page.area.trend);
            expect(html).toContain(w.dimensions.smart.name);
            if (mode === "full") {
              // Each chart once, as an image named by its words; the SVG is not in the page.
              const images = [...html.matchAll(/<img class="chart" src="([^"]+)" alt="([^"]+)"/g)];
              expect(images).toHaveLength(2);
              expect(html).not.toContain("<svg");
              expect(images[0]![2]).toContain("61.3");
              for (const [, src] of images) {
                const chart = await handler(
                  new Request(`http://localhost${src!.replaceAll("&amp;", "&")}`),
                );
                expect(chart.status, src).toBe(200);
                expect(chart.headers.get("Content-Type")).toBe("image/svg+xml; charset=utf-8");
                const svg = await chart.text();
                expect(svg).toMatch(/^<svg role="img"/);
                expect(svg).not.toContain("<style");
              }
              const radar = await (
                await handler(
                  new Request(`http://localhost${images[0]![1]!.replaceAll("&amp;", "&")}`),
                )
              ).text();
              expect(radar).toMatch(/<title id="area-radar-title">[^<]+<\/title>/);
              expect(radar).toMatch(/<desc id="area-radar-desc">[^<]*61\.3[^<]*<\/desc>/);
              expect(radar).toContain(lng === "en" ? "the six dimensions" : "六个维度得分");
            }
          }
          if (url === "/index/method") {
            expect(html).toContain(w.measures.commitmentsOnTime.about);
            expect(html).toContain(w.page.method.higher);
          }
        }
      }
    }
  });

  it("answers an unknown area with a 404 page in the reader's language", async () => {
    for (const lng of ["zh-CN", "en"] as const) {
      const { status, html } = await page("/index/999999", lng, "lite");
      expect(status).toBe(404);
      expect(html).toContain(words[lng].errors.pageAreaUnknown);
    }
  });
});
