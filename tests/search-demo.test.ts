/**
 * Search over the demo data (issue 14, item 4): a match in the title ranks above matches in the
 * other texts, a whole word above characters that only stand side by side, and a search typed into
 * the list's form is ordered by best match with JavaScript off, whatever order the list had. The
 * same order on SQLite and PostgreSQL (`npm run test:pg -- tests/search-demo.test.ts`).
 */
import { createRequestHandler } from "@remix-run/node";
import { beforeAll, describe, expect, it } from "vitest";
import { getDb } from "../db/client.server";
import { seedDemoData } from "../db/seed";
import * as root from "~/root";
import * as projectsRoute from "~/routes/projects._index";
import { listOrganisations } from "~/services/organisations/queries.server";
import { listProjects } from "~/services/projects/queries.server";
import { routesBuild } from "./support/builds";

const TITLES = {
  lift: "为老旧小区加装电梯意见征集与协调",
  canteen: "社区养老服务站助餐点",
  bath: "清波门社区养老服务站助浴服务",
  callButton: "独居老人“一键呼”紧急呼叫设备安装",
  englishCorner: "青年路社区英语角 English Corner",
  signs: "文三路社区中外文指示牌更新",
};

/** The titles `q` finds, best match first (the list's default order when there are words). */
async function found(q: string): Promise<string[]> {
  const { items, total } = await listProjects({ q });
  expect(items.length, q).toBe(total);
  return items.map((i) => i.title);
}

beforeAll(async () => {
  await seedDemoData(getDb());
}, 600_000);

describe("best match over the demo data", () => {
  it("加装: the one project with 加装 in its title first, above six that say it elsewhere", async () => {
    const titles = await found("加装");
    expect(titles).toHaveLength(7);
    expect(titles[0]).toBe(TITLES.lift);
  });

  it("养老: both service stations with 养老 in their names, then the description match", async () => {
    const titles = await found("养老");
    expect(titles).toHaveLength(3);
    // The two title matches tie in kind; the engines may order them either way.
    expect(titles.slice(0, 2).sort()).toEqual([TITLES.canteen, TITLES.bath].sort());
    expect(titles[2]).toBe(TITLES.callButton);
  });

  it("电梯: the lift project alone", async () => {
    expect(await found("电梯")).toEqual([TITLES.lift]);
  });

  it("english: the title match, then the project that says English only in its description", async () => {
    expect(await found("english")).toEqual([TITLES.englishCorner, TITLES.signs]);
    expect(await found("ENGLISH")).toEqual([TITLES.englishCorner, TITLES.signs]);
    expect(await found("English Corner")).toEqual([TITLES.englishCorner]);
  });
});

describe("best match in the organisation directory", () => {
  it("志愿: the two teams with 志愿 in their names first, then three that say it elsewhere", async () => {
    const { items, total } = await listOrganisations({ q: "志愿" });
    expect(total).toBe(5);
    expect(
      items
        .slice(0, 2)
        .map((o) => o.name)
        .sort(),
    ).toEqual(["应急救援志愿服务队", "平安巷志愿巡逻队"].sort());
  });
});

// The list as Remix renders it, with the app's root and entry.
const handler = createRequestHandler(
  routesBuild({
    root: ["", undefined, root],
    "routes/projects._index": ["projects", "root", projectsRoute],
  }),
);

async function page(search: string, lng: string, mode: string): Promise<string> {
  const res = await handler(
    new Request(`http://localhost/projects${search}`, {
      headers: { Cookie: `lng=${lng}; mode=${mode}` },
    }),
  );
  expect(res.status, search).toBe(200);
  return res.text();
}

/**
 * What the search form sends when someone types `q` and presses the button without JavaScript:
 * every field of the form with its value as the page rendered it, the words typed in.
 */
function submitted(html: string, q: string): string {
  const form = /<form[^>]*role="search"[^>]*>([\s\S]*?)<\/form>/.exec(html)?.[1];
  expect(form, "the search form").toBeDefined();
  const params = new URLSearchParams();
  for (const field of form!.matchAll(/<(input|select)\b([^>]*)>([\s\S]*?<\/select>)?/g)) {
    const name = /\bname="([^"]*)"/.exec(field[2]!)?.[1];
    if (!name) continue;
    if (field[1] === "input") {
      params.append(name, name === "q" ? q : (/\bvalue="([^"]*)"/.exec(field[2]!)?.[1] ?? ""));
      continue;
    }
    const options = [...field[3]!.matchAll(/<option\b([^>]*)>/g)].map((o) => ({
      value: /\bvalue="([^"]*)"/.exec(o[1]!)?.[1] ?? "",
      selected: /\bselected\b/.test(o[1]!),
    }));
    params.append(name, (options.find((o) => o.selected) ?? options[0])?.value ?? "");
  }
  return `?${params}`;
}

/** The titles of the project cards on a rendered list, in order. */
function cards(html: string): string[] {
  return [...html.matchAll(/<h3><a [^>]*href="\/projects\/\d+"[^>]*>([^<]*)<\/a><\/h3>/g)].map(
    (m) => m[1]!.replace(/&quot;/g, '"').replace(/&amp;/g, "&"),
  );
}

describe("the list's search form, with JavaScript off", () => {
  for (const lng of ["zh-CN", "en"]) {
    for (const mode of ["full", "lite"]) {
      it(`${lng} ${mode}: words typed into the unsorted list come back best match first`, async () => {
        const search = submitted(await page("", lng, mode), "加装");
        expect(new URLSearchParams(search).get("sort")).toBe("relevance");
        const titles = cards(await page(search, lng, mode));
        expect(titles).toHaveLength(7);
        expect(titles[0]).toBe(TITLES.lift);

        const english = cards(
          await page(submitted(await page("", lng, mode), "english"), lng, mode),
        );
        expect(english).toEqual([TITLES.englishCorner, TITLES.signs]);
      });
    }
  }

  it("offers best match first, and orders by newest when there are no words", async () => {
    const html = await page("", "en", "full");
    const select = /<select[^>]*name="sort"[^>]*>([\s\S]*?)<\/select>/.exec(html)![1]!;
    expect([...select.matchAll(/value="([^"]*)"/g)].map((m) => m[1])).toEqual([
      "relevance",
      "newest",
      "supported",
    ]);
    const newest = cards(await page("?sort=newest", "en", "full"));
    expect(newest).toHaveLength(20);
    expect(cards(await page("", "en", "full"))).toEqual(newest);
    expect(cards(await page("?sort=relevance", "en", "full"))).toEqual(newest);
  });
});
