/**
 * The service window, as a committee member and an older resident use it:
 *  1. 长辈版 without JavaScript (zh-CN): register a resident who has no phone, print the slip (only
 *     the slip prints), act for them — a banner on every page, a support and a comment marked
 *     "with assistance", voting not offered (the reason in Chinese) — stop; the resident then signs in with the
 *     slip and finds everything done for them, with the helper's name.
 *  2. Standard mode with JavaScript (en): act for a demo resident, sign them up for a meeting
 *     ("with assistance" on the page), stop.
 */
import AxeBuilder from "@axe-core/playwright";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { openDatabase } from "../db/client.server";
import {
  launch,
  mainText,
  newContext,
  post,
  signIn,
  signOut,
  submitAndWait,
} from "./support/browser";
import { seededCommunity } from "./support/seeded";

let browser: Browser;
let dongpo: number;
let projectId: number;
let projectTitle: string;
let pollId: number;
let meetingId: number;
let helped: string;

beforeAll(async () => {
  browser = await launch();
  const seeded = await seededCommunity("dongpo");
  dongpo = seeded.community;
  meetingId = seeded.upcoming;
  const db = openDatabase(inject("dbPath"));
  try {
    const project = await db
      .selectFrom("projects")
      .select(["id", "title"])
      .where("communityId", "=", dongpo)
      .where("status", "in", ["submitted", "underReview"])
      .orderBy("id")
      .executeTakeFirstOrThrow();
    projectId = project.id;
    projectTitle = project.title;
    const now = new Date().toISOString();
    const poll = await db
      .selectFrom("polls")
      .select("id")
      .where("communityId", "=", dongpo)
      .where("electorate", "=", "residents")
      .where("opensAt", "<=", now)
      .where("closesAt", ">", now)
      .orderBy("id")
      .executeTakeFirstOrThrow();
    pollId = poll.id;
    // A demo resident not yet signed up for the upcoming meeting, found by login.
    const person = await db
      .selectFrom("users")
      .innerJoin("memberships", "memberships.userId", "users.id")
      .select("users.username")
      .where("memberships.communityId", "=", dongpo)
      .where("memberships.status", "=", "verified")
      .where("users.username", "like", "dongpo-r%")
      .where("users.id", "not in", (eb) =>
        eb.selectFrom("rsvps").select("userId").where("meetingId", "=", meetingId),
      )
      .orderBy("users.id", "desc")
      .executeTakeFirstOrThrow();
    helped = person.username!;
  } finally {
    await db.destroy();
  }
});

afterAll(async () => {
  await browser?.close();
});

const banner = (page: Page) => page.locator(".assist-banner");

describe("the service window", () => {
  it("in 长辈版 without JavaScript: register, print the slip, act for the resident, and the resident sees it all", async () => {
    const ctx = await newContext(browser, { lng: "zh-CN", mode: "lite", js: false });
    const page = await ctx.newPage();
    const name = `王阿姨${Date.now() % 100000}`;
    await signIn(page, "committee");
    await page.goto("/assist");
    expect(await page.locator("script").count()).toBe(0);

    // Consent forgotten: refused in Chinese, the name kept.
    const register = page.locator("form", { has: page.locator('input[value="register"]') });
    await register.getByLabel("居民的称呼").fill(name);
    await post(page, register.getByRole("button", { name: "注册并生成凭条" }));
    expect(await page.locator(".error-summary").innerText()).toContain(
      "请选择居民表示同意的方式。",
    );
    expect(await register.getByLabel("居民的称呼").inputValue()).toBe(name);

    await register.getByLabel("居民如何表示同意").selectOption("signed");
    await post(page, register.getByRole("button", { name: "注册并生成凭条" }));
    const slip = page.locator(".slip");
    expect(await slip.innerText()).toContain(name);
    const [username, password] = await slip.locator(".slip-code").allInnerTexts();
    expect(username).toMatch(/^lh\d{6}$/);
    expect(password).toMatch(/^[2-9a-z]{8}$/);
    // On paper: the slip alone, in large type.
    await page.emulateMedia({ media: "print" });
    expect(await page.locator(".site-header").isVisible()).toBe(false);
    expect(await page.locator(".no-print").isVisible()).toBe(false);
    expect(await slip.isVisible()).toBe(true);
    const size = await slip.evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
    expect(size).toBeGreaterThanOrEqual(24);
    await page.emulateMedia({ media: "screen" });

    // Find them and act for them.
    await page.goto(`/assist?q=${encodeURIComponent(name)}`);
    const card = page.locator(".card", { hasText: name });
    await card.getByLabel("居民如何表示同意").selectOption("spoken");
    await submitAndWait(
      page,
      card.getByRole("button", { name: `开始代 ${name} 办理` }),
      new RegExp(`/communities/${dongpo}`),
    );
    expect(await banner(page).innerText()).toContain(`正在代 ${name} 办理`);

    await page.goto(`/projects/${projectId}`);
    expect(await banner(page).innerText()).toContain(name);
    expect(await page.locator("script").count()).toBe(0);
    await post(page, page.getByRole("button", { name: "支持这个项目" }));
    expect(await mainText(page)).toContain("其中 1 人经窗口协助");
    const comment = `代${name}留言：扶手请装两边`;
    await page.getByLabel("您的评论").fill(comment);
    await post(page, page.getByRole("button", { name: "发送" }).first());
    const posted = page.locator(".comment", { hasText: comment });
    expect(await posted.locator(".meta").innerText()).toContain("（窗口协助）");

    // A vote is the resident's own: refused, in Chinese, nothing cast.
    await page.goto(`/polls/${pollId}`);
    expect(await banner(page).innerText()).toContain(name);
    expect(await mainText(page)).toContain("投票须由居民本人进行");
    expect(await page.getByRole("button", { name: "投票", exact: true }).count()).toBe(0);

    await post(page, banner(page).getByRole("button", { name: "结束代办" }));
    expect(await banner(page).count()).toBe(0);
    expect(await mainText(page)).toContain("已结束代办。");
    await signOut(page);

    // The resident, at home, with the slip.
    await signIn(page, username!, password!);
    await page.goto("/me/assisted");
    const record = await mainText(page);
    expect(record).toContain("您的账号由 李建国");
    expect(record).toContain("李建国");
    expect(record).toContain("同意方式：居民当面口头同意");
    expect(record).toContain("支持项目（每人一次）");
    expect(record).toContain(projectTitle);
    await ctx.close();
  });

  it("with JavaScript (en): sign a resident up for a meeting, marked with assistance", async () => {
    const ctx = await newContext(browser, { lng: "en", mode: "full", js: true });
    const page = await ctx.newPage();
    await signIn(page, "committee");
    await page.goto(`/assist?q=${helped}`);
    const card = page.locator(".card").first();
    const who = await card.locator("h3").innerText();
    await card.getByLabel("How the resident consented").selectOption("signed");
    await card.getByRole("button", { name: `Start acting for ${who}` }).click();
    await expect.poll(() => banner(page).innerText()).toContain(`Acting for ${who}`);

    await page.goto(`/meetings/${meetingId}`);
    await page.getByRole("button", { name: "I will attend" }).click();
    await expect.poll(() => mainText(page)).toContain("(with assistance)");
    // The banner in both modes passes axe and reflows at 320 px (the page sweep has no sitting).
    for (const mode of ["lite", "full"]) {
      await page.goto(`/meetings/${meetingId}?mode=${mode}`);
      expect(await banner(page).innerText()).toContain(`Acting for ${who}`);
      const axe = await new AxeBuilder({ page })
        .withTags(["wcag2a", "wcag2aa", "wcag21aa", "wcag22aa"])
        .analyze();
      expect(axe.violations.map((v) => v.id)).toEqual([]);
      await page.setViewportSize({ width: 320, height: 800 });
      const overflow = await page.evaluate(
        () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
      );
      expect(overflow).toBeLessThanOrEqual(1);
      await page.setViewportSize({ width: 1000, height: 800 });
    }
    await banner(page).getByRole("button", { name: "Stop acting for them" }).click();
    await expect.poll(() => mainText(page)).toContain("You stopped acting for the resident.");
    expect(await banner(page).count()).toBe(0);
    await ctx.close();
  });
});
