/**
 * The foundation's journey: a new person registers, asks to join a community, a seeded committee
 * member verifies them, and they see themselves verified. Once in standard mode with JavaScript
 * (zh-CN), once in 长辈版 with JavaScript off (en).
 */
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  launch,
  newContext,
  signIn,
  signOut,
  submitAndWait,
  type ContextOptions,
} from "./support/browser";

let browser: Browser;
beforeAll(async () => {
  browser = await launch();
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
    community: "东坡路社区",
    request: "申请加入这个社区",
    requested: "申请已提交",
    verify: (n: string) => `认证通过：${n}`,
    verified: "已认证",
  },
  en: {
    displayName: "Name shown to others",
    login: "Mobile number or username",
    password: /^Password/,
    consent: "I have read and accept the privacy notice above",
    join: "Create account",
    community: "Dongpo Road Community",
    request: "Ask to join this community",
    requested: "Request sent",
    verify: (n: string) => `Verify ${n}`,
    verified: "Verified",
  },
};

async function assertNoScripts(page: Page) {
  expect(await page.locator("script").count()).toBe(0);
}

async function journey(opts: ContextOptions & { lng: "zh-CN" | "en" }) {
  const t = T[opts.lng];
  const lite = opts.mode === "lite";
  const stamp = Date.now().toString(36);
  const username = `e2e${opts.lng === "en" ? "en" : "zh"}${stamp}`;
  const name = opts.lng === "en" ? `Tester ${stamp}` : `测试居民${stamp}`;

  const ctx = await newContext(browser, opts);
  const page = await ctx.newPage();
  const scriptRequests: string[] = [];
  page.on("request", (r) => {
    if (r.resourceType() === "script") scriptRequests.push(r.url());
  });

  // Register.
  await page.goto("/join");
  if (lite) await assertNoScripts(page);
  await page.getByLabel(t.displayName).fill(name);
  await page.getByLabel(t.login).fill(username);
  await page.getByLabel(t.password).fill("e2e password 1");
  await page.getByLabel(t.consent).check();
  await submitAndWait(
    page,
    page.getByRole("button", { name: t.join, exact: true }),
    /\/communities\?welcome=1/,
  );

  // Ask to join 东坡路社区.
  await page.getByRole("link", { name: t.community }).click();
  await page.waitForURL(/\/communities\/\d+$/);
  if (lite) await assertNoScripts(page);
  const communityUrl = new URL(page.url()).pathname;
  await submitAndWait(page, page.getByRole("button", { name: t.request }), /done=requested/);
  expect(await page.getByRole("status").innerText()).toContain(t.requested);
  await signOut(page);

  // The seeded committee member verifies them.
  await signIn(page, "committee");
  await page.goto(communityUrl);
  await submitAndWait(page, page.getByRole("button", { name: t.verify(name) }), /done=verified/);
  await signOut(page);

  // The resident sees themselves verified, on the community page and at home.
  await signIn(page, username, "e2e password 1");
  await page.goto(communityUrl);
  expect(await page.locator(".badge.verified").first().innerText()).toBe(t.verified);
  await page.goto("/");
  expect(await page.getByRole("main").innerText()).toContain(t.verified);
  if (lite) expect(scriptRequests).toEqual([]);
  await ctx.close();
}

describe("membership journey", () => {
  it("works in standard mode with JavaScript, in Chinese", async () => {
    await journey({ lng: "zh-CN", mode: "full", js: true });
  });

  it("works in 长辈版 with JavaScript off, in English", async () => {
    await journey({ lng: "en", mode: "lite", js: false });
  });

  it("works in 长辈版 with JavaScript off, in Chinese", async () => {
    await journey({ lng: "zh-CN", mode: "lite", js: false });
  });
});
