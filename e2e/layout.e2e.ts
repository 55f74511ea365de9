/**
 * Small things a newcomer saw out of line, measured in Chromium in both modes: the community
 * page's breadcrumb keeps its link on the line of the names beside it, and the community
 * directory's bullets lead their own names (a bullet outside its item, in a wrapped row, sits in
 * the gap and trails the name before it: "东坡路社区• 青年路社区").
 */
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seededCommunity } from "./support/seeded";
import { launch, newContext } from "./support/browser";

let browser: Browser;
let community = 0;
beforeAll(async () => {
  browser = await launch();
  community = (await seededCommunity("dongpo")).community;
});
afterAll(async () => {
  await browser?.close();
});

describe.each(["full", "lite"] as const)("layout in %s mode", (mode) => {
  it("the breadcrumb's link sits on the line of the names beside it", async () => {
    const ctx = await newContext(browser, { mode });
    const page = await ctx.newPage();
    await page.goto(`/communities/${community}`);
    // The middle of each item's text (not of its box: the link's box is 44 or 60 px high).
    const middles = await page.locator(".breadcrumb li").evaluateAll((items) =>
      items.map((li) => {
        const range = document.createRange();
        range.selectNodeContents(li.querySelector("a") ?? li);
        const r = range.getBoundingClientRect();
        return r.top + r.height / 2;
      }),
    );
    expect(middles.length).toBeGreaterThanOrEqual(3);
    for (const m of middles.slice(1)) expect(Math.abs(m - middles[0]!)).toBeLessThanOrEqual(2);
    await ctx.close();
  });

  it("the directory's bullets lead their names", async () => {
    const ctx = await newContext(browser, { mode });
    const page = await ctx.newPage();
    await page.goto("/communities");
    const items = await page.locator("main li:has(> a)").evaluateAll((lis) =>
      lis.map((li) => ({
        name: li.textContent,
        // The bullet takes room inside its own item, before the name.
        lead: li.querySelector("a")!.getBoundingClientRect().left - li.getBoundingClientRect().left,
        marker: getComputedStyle(li).listStyleType,
      })),
    );
    expect(items.length).toBe(8);
    for (const item of items) {
      expect(item.marker, item.name!).not.toBe("none");
      expect(item.lead, item.name!).toBeGreaterThanOrEqual(8);
    }
    await ctx.close();
  });
});
