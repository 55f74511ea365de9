/**
 * The paper sheets as a printer gets them: in print media the body is at least 16 pt (large
 * type) and no site chrome shows, in full mode and in 长辈版, and Chromium makes an A4 PDF of
 * them. The screen pages link to their sheets without JavaScript.
 */
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launch, newContext } from "./support/browser";
import { seededByTitle, seededCommunity } from "./support/seeded";

let browser: Browser;
let ids: Record<string, number>;
beforeAll(async () => {
  browser = await launch();
  const c = await seededCommunity("dongpo");
  ids = {
    meeting: c.upcoming,
    ...(await seededByTitle({ project: "东坡路社区邻里节文艺汇演" }, {})),
  };
});
afterAll(async () => {
  await browser?.close();
});

/** 16 pt in CSS pixels (1 pt = 4/3 px), less a rounding hair. */
const MIN_PX = (16 * 4) / 3 - 0.05;

describe.each(["full", "lite"] as const)("paper sheets in %s mode", (mode) => {
  it.each([
    { kind: "meeting", link: /打印议程/, text: [/议程/, /约 \d+ 分钟/, /已报名共 \d+ 人/] },
    { kind: "project", link: /打印项目概要/, text: [/合计/, /结项报告/, /\d[\d,]* 元/] },
  ])("$kind: linked from its page, large type and no chrome in print, A4 PDF", async (c) => {
    const ctx = await newContext(browser, { mode, js: false });
    const page = await ctx.newPage();
    const id = ids[c.kind]!;
    const pagePath = `/${c.kind === "meeting" ? "meetings" : "projects"}/${id}`;
    await page.goto(pagePath);
    await Promise.all([
      page.waitForURL(`**${pagePath}/print`),
      page.getByRole("link", { name: c.link }).click(),
    ]);

    await page.emulateMedia({ media: "print" });
    const seen = await page.evaluate(() => ({
      font: parseFloat(getComputedStyle(document.body).fontSize),
      chrome: [...document.querySelectorAll("header, nav, .site-footer, .switches, button, form")]
        .filter((el) => (el as HTMLElement).offsetParent !== null)
        .map((el) => el.outerHTML.slice(0, 60)),
      text: document.body.innerText,
    }));
    expect(seen.font, "body font in print").toBeGreaterThanOrEqual(MIN_PX);
    expect(seen.chrome, "site chrome in print").toEqual([]);
    for (const t of c.text) expect(seen.text).toMatch(t);
    // The footer leads a paper copy back to the page online: by its path, since this server has
    // no PUBLIC_ORIGIN (the request's Host is never printed).
    expect(seen.text).toMatch(new RegExp(`\\s${pagePath}(\\s|$)`));

    const pdf = await page.pdf({ format: "A4", preferCSSPageSize: true });
    expect(pdf.subarray(0, 5).toString()).toBe("%PDF-");
    // A4 is 595 × 842 points; Chromium writes the page box as 594.96 × 841.92.
    const box = /\/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]/.exec(pdf.toString("latin1"));
    expect(box?.slice(1).map((n) => Math.round(Number(n)))).toEqual([595, 842]);
    await ctx.close();
  });
});

it("a sheet that is refused shows the ordinary error page, with the navigation back", async () => {
  const ctx = await newContext(browser, { js: false });
  const page = await ctx.newPage();
  for (const path of ["/meetings/999999/print", "/projects/999999/print", "/projects/abc/print"]) {
    const res = await page.goto(path);
    expect([path, res?.status()]).toEqual([path, 404]);
    expect(await page.locator("header a.switch-mode").count()).toBe(1);
    expect(await page.locator("nav").count()).toBe(1);
  }
  await ctx.close();
});
