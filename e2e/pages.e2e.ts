/**
 * Every page of the foundation, in both modes and both languages: axe-core finds no violations,
 * no raw locale key or unfilled {{placeholder}} shows, and 长辈版 has no script at all, large type
 * and large controls, and the switch in the first screen.
 */
import fs from "node:fs";
import path from "node:path";
import AxeBuilder from "@axe-core/playwright";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launch, newContext, signIn } from "./support/browser";

let browser: Browser;
beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

/** Every dotted locale key, bare and with its namespace: none may appear on a page. */
const RAW_KEYS = (() => {
  const out: string[] = [];
  const root = path.resolve("public/locales/zh-CN");
  const walk = (o: Record<string, unknown>, prefix: string, ns: string) => {
    for (const [k, v] of Object.entries(o)) {
      const key = `${prefix}${k}`;
      if (v && typeof v === "object") walk(v as Record<string, unknown>, `${key}.`, ns);
      else if (key.includes(".")) out.push(key, `${ns}:${key}`);
    }
  };
  for (const f of fs.readdirSync(root)) {
    walk(
      JSON.parse(fs.readFileSync(path.join(root, f), "utf8")) as Record<string, unknown>,
      "",
      f.replace(".json", ""),
    );
  }
  return out;
})();

type Who = "anonymous" | "resident" | "committee" | "admin";
const PAGES: Array<{ path: string; who: Who; form?: boolean }> = [
  { path: "/", who: "anonymous" },
  { path: "/", who: "committee" },
  { path: "/join", who: "anonymous" },
  { path: "/join", who: "anonymous", form: true },
  { path: "/login", who: "anonymous" },
  { path: "/login", who: "anonymous", form: true },
  { path: "/communities", who: "anonymous" },
  { path: "/communities/COMMUNITY", who: "anonymous" },
  { path: "/communities/COMMUNITY", who: "resident" },
  { path: "/communities/COMMUNITY", who: "committee" },
  { path: "/communities/COMMUNITY", who: "admin" },
  { path: "/communities/COMMUNITY/audit", who: "committee" },
  { path: "/settings", who: "resident" },
  { path: "/me/data", who: "resident" },
  { path: "/permissions", who: "anonymous" },
  { path: "/logout", who: "resident" },
  { path: "/no-such-page", who: "anonymous" },
];

const contexts = new Map<string, BrowserContext>();
let communityPath = "";

async function contextFor(who: Who, lng: "zh-CN" | "en", mode: "full" | "lite") {
  const key = `${who}/${lng}/${mode}`;
  let ctx = contexts.get(key);
  if (!ctx) {
    // axe needs JavaScript to run; 长辈版 pages ship none, so what it checks is the same HTML.
    ctx = await newContext(browser, { lng, mode, js: true });
    if (who !== "anonymous") {
      const page = await ctx.newPage();
      await signIn(page, who);
      await page.close();
    }
    contexts.set(key, ctx);
  }
  return ctx;
}

async function findCommunity(page: Page) {
  if (communityPath) return communityPath;
  await page.goto("/communities");
  communityPath = (await page
    .getByRole("link", { name: /东坡路社区|Dongpo Road Community/ })
    .getAttribute("href"))!;
  return communityPath;
}

async function checkPage(page: Page, mode: "full" | "lite", label: string) {
  const text = await page.locator("body").innerText();
  const raw = RAW_KEYS.filter((k) => text.includes(k));
  expect(raw, `${label}: raw locale keys`).toEqual([]);
  expect(text, `${label}: unfilled placeholder`).not.toMatch(/\{\{\w+\}\}/);

  const axe = await new AxeBuilder({ page })
    .withTags(["wcag2a", "wcag2aa", "wcag21aa", "wcag22aa"])
    .analyze();
  const violations = axe.violations.map(
    (v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`,
  );
  expect(violations, `${label}: axe`).toEqual([]);

  // The 长辈版 switch is in the first screen.
  const box = await page.locator("a.switch-mode").boundingBox();
  expect(box && box.y + box.height <= 800, `${label}: mode switch in first screen`).toBe(true);

  if (mode === "lite") {
    expect(await page.locator("script").count(), `${label}: scripts`).toBe(0);
    const style = await page.evaluate(() => {
      const s = getComputedStyle(document.body);
      const controls = [
        ...document.querySelectorAll("main button, main input:not([type=hidden]), main textarea"),
      ]
        .filter((el) => (el as HTMLElement).offsetParent !== null)
        .map((el) => ({ el: el.outerHTML.slice(0, 80), h: el.getBoundingClientRect().height }));
      return { font: parseFloat(s.fontSize), line: parseFloat(s.lineHeight), controls };
    });
    expect(style.font, `${label}: body font`).toBeGreaterThanOrEqual(20);
    expect(style.line / style.font, `${label}: line height`).toBeGreaterThanOrEqual(1.5);
    for (const c of style.controls) expect(c.h, `${label}: ${c.el}`).toBeGreaterThanOrEqual(44);
    const buttons = await page
      .locator("main button")
      .evaluateAll((els) => els.map((e) => e.getBoundingClientRect().height));
    for (const h of buttons) expect(h, `${label}: button height`).toBeGreaterThanOrEqual(48);
  }
}

describe.each([
  ["zh-CN", "full"],
  ["zh-CN", "lite"],
  ["en", "full"],
  ["en", "lite"],
] as const)("pages in %s, %s mode", (lng, mode) => {
  afterAll(async () => {
    for (const [key, ctx] of contexts) {
      if (key.endsWith(`/${lng}/${mode}`)) {
        await ctx.close();
        contexts.delete(key);
      }
    }
  });

  it.each(PAGES)("$path as $who", async ({ path: p, who, form }) => {
    const ctx = await contextFor(who, lng, mode);
    const page = await ctx.newPage();
    // Hydration mismatches and script failures show up here in the production build.
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    page.on("console", (m) => {
      if (m.type() === "error" && !/status of 4\d\d/.test(m.text())) errors.push(m.text());
    });
    const target = p.includes("COMMUNITY")
      ? p.replace("/communities/COMMUNITY", await findCommunity(page))
      : p;
    const res = await page.goto(target);
    expect(res?.status()).toBe(p === "/no-such-page" ? 404 : 200);
    expect(await page.locator("html").getAttribute("lang")).toBe(lng);
    if (form) {
      // An empty submission: the refused form must be as accessible as the fresh one.
      await Promise.all([
        page.waitForResponse((r) => r.request().method() === "POST"),
        page.locator("main button[type=submit]").first().click(),
      ]);
      await page.waitForLoadState("load");
      await page.locator(".error-summary").waitFor();
    }
    await checkPage(
      page,
      mode,
      `${lng}/${mode} ${target} as ${who}${form ? " (refused form)" : ""}`,
    );
    expect(errors, "errors in the browser console").toEqual([]);
    await page.close();
  });
});
