/**
 * A live meeting leads (issue 14, items 2 and 3): in Chromium, with JavaScript in standard mode and
 * without it in 长辈版, in both languages. From the community page a visitor reaches the live room
 * in one click; on the meeting page "进入讨论室" is the main button, the first thing after the
 * title and larger than the calendar and print buttons; the council page lists the meeting as
 * live, not as upcoming.
 */
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seededCommunity, type SeededCommunity } from "./support/seeded";
import { launch, newContext } from "./support/browser";

let browser: Browser;
let dongpo: SeededCommunity;
beforeAll(async () => {
  browser = await launch();
  dongpo = await seededCommunity("dongpo");
});
afterAll(async () => {
  await browser?.close();
});

const WORDS = {
  "zh-CN": { room: "进入讨论室", roomTitle: /讨论室/, live: "正在进行", calendar: "加入我的日历" },
  en: {
    room: "Enter the discussion room",
    roomTitle: /Discussion room/,
    live: "Live now",
    calendar: "Add to my calendar",
  },
} as const;

const WAYS = [
  { lng: "zh-CN", mode: "full", js: true },
  { lng: "zh-CN", mode: "lite", js: false },
  { lng: "en", mode: "full", js: true },
  { lng: "en", mode: "lite", js: false },
] as const;

/** The links and buttons of the page's main region after its title, in document order. */
function controlsAfterTitle(page: Page) {
  return page.evaluate(() => {
    const h1 = document.querySelector("main h1")!;
    return [...document.querySelectorAll("main a[href], main button")]
      .filter((el) => h1.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_FOLLOWING)
      .map((el) => ({
        text: (el.textContent ?? "").trim(),
        href: el.getAttribute("href"),
        width: Math.round(el.getBoundingClientRect().width),
        height: Math.round(el.getBoundingClientRect().height),
        top: Math.round(el.getBoundingClientRect().top),
      }));
  });
}

describe("a live meeting", () => {
  for (const way of WAYS) {
    const w = WORDS[way.lng];
    const label = `${way.lng} ${way.mode}${way.js ? "" : " without JavaScript"}`;

    it(`${label}: the community page leads a visitor into the live room in one click`, async () => {
      const ctx = await newContext(browser, way);
      const page = await ctx.newPage();
      await page.goto(`/communities/${dongpo.community}`);
      const live = page.locator("[aria-labelledby=live-title]");
      expect(await live.getByRole("heading", { level: 2 }).innerText()).toBe(w.live);
      await Promise.all([
        page.waitForURL(new RegExp(`/meetings/${dongpo.live}/room$`)),
        live.getByRole("link", { name: w.room }).first().click(),
      ]);
      // With JavaScript the address changes before the new page is drawn: wait for its title.
      await page.locator("h1", { hasText: w.roomTitle }).waitFor();
      await ctx.close();
    });

    it(`${label}: the meeting page's main button, first after the title, is the room`, async () => {
      const ctx = await newContext(browser, way);
      const page = await ctx.newPage();
      await page.goto(`/meetings/${dongpo.live}`);
      const controls = await controlsAfterTitle(page);
      expect(controls[0]).toMatchObject({ text: w.room, href: `/meetings/${dongpo.live}/room` });
      expect(controls.filter((c) => c.text === w.room)).toHaveLength(1);
      const calendar = controls.find((c) => c.text === w.calendar)!;
      expect(controls[0]!.top).toBeLessThan(calendar.top);
      // Large: bigger than the secondary buttons, and a big target in either mode.
      const area = (c: { width: number; height: number }) => c.width * c.height;
      expect(area(controls[0]!)).toBeGreaterThan(2 * area(calendar));
      expect(controls[0]!.height).toBeGreaterThanOrEqual(way.mode === "lite" ? 60 : 56);
      await Promise.all([
        page.waitForURL(new RegExp(`/meetings/${dongpo.live}/room$`)),
        page.getByRole("link", { name: w.room }).click(),
      ]);
      // With JavaScript the address changes before the new page is drawn: wait for its title.
      await page.locator("h1", { hasText: w.roomTitle }).waitFor();
      await ctx.close();
    });
  }

  it("is listed on its council's page as live, not as upcoming", async () => {
    const ctx = await newContext(browser, { mode: "lite", js: false });
    const page = await ctx.newPage();
    await page.goto(`/councils/${dongpo.council}`);
    const link = (section: string) =>
      page.locator(`[aria-labelledby=${section}] a[href="/meetings/${dongpo.live}"]`);
    expect(await link("live-title").count()).toBe(1);
    expect(await link("upcoming-title").count()).toBe(0);
    await ctx.close();
  });
});
