/**
 * The home leads a newcomer (issue 14, "Checks"): a person registers, asks to join 东坡路社区, is
 * verified by the seeded committee member, and signs in. From the home they reach the live room in
 * one click after signing in; the home lists a poll open to them and stops listing it once they
 * have voted. In standard mode with JavaScript (zh-CN) and in 长辈版 without it (en).
 */
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launch, newContext, post, signIn, signOut, submitAndWait } from "./support/browser";
import { openYesNoPoll, seededCommunity, type SeededCommunity } from "./support/seeded";

let browser: Browser;
let dongpo: SeededCommunity;
let poll: number;
beforeAll(async () => {
  browser = await launch();
  dongpo = await seededCommunity("dongpo");
  poll = await openYesNoPoll(dongpo.community, "首页引导测试：是否同意周末开放活动室？");
});
afterAll(async () => {
  await browser?.close();
});

const T = {
  "zh-CN": {
    displayName: "称呼",
    login: "手机号或用户名",
    password: /^密码/,
    consent: "我已阅读并同意上面的隐私说明",
    join: "注册",
    request: "申请加入这个社区",
    verify: (n: string) => `认证通过：${n}`,
    room: "进入讨论室",
    roomTitle: /讨论室/,
    now: "正在进行",
    open: "等您参与",
    vote: "投票",
    yes: "赞成",
  },
  en: {
    displayName: "Name shown to others",
    login: "Mobile number or username",
    password: /^Password/,
    consent: "I have read and accept the privacy notice above",
    join: "Create account",
    request: "Ask to join this community",
    verify: (n: string) => `Verify ${n}`,
    room: "Enter the discussion room",
    roomTitle: /Discussion room/,
    now: "Happening now",
    open: "Open to you",
    vote: "Cast my vote",
    yes: "Yes",
  },
} as const;

const WAYS = [
  { lng: "zh-CN", mode: "full", js: true },
  { lng: "en", mode: "lite", js: false },
] as const;

/** Registers a new person, asks to join 东坡路社区, and has the committee verify them. */
async function newcomer(page: Page, lng: "zh-CN" | "en") {
  const t = T[lng];
  const stamp = `${Date.now().toString(36)}${Math.floor(Math.random() * 1000)}`;
  const username = `home${stamp}`;
  const name = lng === "en" ? `Newcomer ${stamp}` : `新居民${stamp}`;
  await page.goto("/join");
  await page.getByLabel(t.displayName).fill(name);
  await page.getByLabel(t.login).fill(username);
  await page.getByLabel(t.password).fill("e2e password 1");
  await page.getByLabel(t.consent).check();
  await submitAndWait(page, page.getByRole("button", { name: t.join, exact: true }), /welcome=1/);
  await page.goto(`/communities/${dongpo.community}`);
  await submitAndWait(page, page.getByRole("button", { name: t.request }), /done=requested/);
  await signOut(page);
  await signIn(page, "committee");
  await page.goto(`/communities/${dongpo.community}`);
  await submitAndWait(page, page.getByRole("button", { name: t.verify(name) }), /done=verified/);
  await signOut(page);
  return username;
}

describe("the home leads a newcomer", () => {
  for (const way of WAYS) {
    const t = T[way.lng];
    const label = `${way.lng} ${way.mode}${way.js ? "" : " without JavaScript"}`;

    it(`${label}: into the live room in one click after signing in, and to a poll until voted`, async () => {
      const ctx = await newContext(browser, way);
      const page = await ctx.newPage();
      const username = await newcomer(page, way.lng);

      // Signing in lands on the home; its first part is the live meeting, the room its button.
      await signIn(page, username, "e2e password 1");
      expect(new URL(page.url()).pathname).toBe("/");
      const block = page.locator(`[aria-labelledby=c${dongpo.community}-title]`);
      const now = block.locator(`[aria-labelledby=c${dongpo.community}-now]`);
      expect(await now.getByRole("heading", { level: 3 }).innerText()).toBe(t.now);
      await Promise.all([
        page.waitForURL(new RegExp(`/meetings/${dongpo.live}/room$`)),
        now.getByRole("link", { name: t.room }).first().click(),
      ]);
      await page.locator("h1", { hasText: t.roomTitle }).waitFor();
      if (!way.js) expect(await page.locator("script").count()).toBe(0);

      // The poll is open to them, with its closing time; once voted, the home lists it no more.
      await page.goto("/");
      const open = page.locator(`[aria-labelledby=c${dongpo.community}-open]`);
      expect(await open.getByRole("heading", { level: 3 }).innerText()).toBe(t.open);
      const toPoll = open.locator(`a[href="/polls/${poll}"]`);
      expect(await toPoll.count()).toBe(1);
      await Promise.all([page.waitForURL(new RegExp(`/polls/${poll}$`)), toPoll.click()]);
      await page.getByLabel(t.yes, { exact: true }).check();
      await post(page, page.getByRole("button", { name: t.vote, exact: true }));
      await page.goto("/");
      await open.waitFor();
      expect(await open.locator(`a[href="/polls/${poll}"]`).count()).toBe(0);
      await ctx.close();
    });
  }
});
