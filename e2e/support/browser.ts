/** playwright-core driving Debian's Chromium, with the flags this machine needs. */
import {
  chromium,
  type Browser,
  type BrowserContext,
  type Locator,
  type Page,
} from "playwright-core";
import { inject } from "vitest";

export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
export const DEMO_PASSWORD = "liuhe-demo";

export function baseURL(): string {
  return inject("baseURL");
}

export async function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

export interface ContextOptions {
  js?: boolean;
  lng?: "zh-CN" | "en";
  mode?: "full" | "lite";
  /** The large-text preference (standard mode); unset leaves the cookie out. */
  text?: "normal" | "large";
  width?: number;
}

export async function newContext(
  browser: Browser,
  opts: ContextOptions = {},
): Promise<BrowserContext> {
  const ctx = await browser.newContext({
    baseURL: baseURL(),
    javaScriptEnabled: opts.js ?? true,
    viewport: { width: opts.width ?? 1000, height: 800 },
  });
  const url = new URL(baseURL());
  await ctx.addCookies([
    { name: "lng", value: opts.lng ?? "zh-CN", domain: url.hostname, path: "/" },
    { name: "mode", value: opts.mode ?? "full", domain: url.hostname, path: "/" },
    ...(opts.text ? [{ name: "text", value: opts.text, domain: url.hostname, path: "/" }] : []),
  ]);
  return ctx;
}

/** Submit a form and wait until the page has moved on (works with and without JavaScript). */
export async function submitAndWait(
  page: Page,
  button: ReturnType<Page["getByRole"]>,
  urlPart: RegExp,
) {
  await Promise.all([page.waitForURL(urlPart), button.click()]);
  await page.waitForLoadState("load");
}

export async function signIn(
  page: Page,
  login: string,
  password = DEMO_PASSWORD,
  labels = { login: /手机号或用户名|Mobile number or username/, password: /^密码$|^Password$/ },
) {
  await page.goto("/login");
  await page.getByLabel(labels.login).fill(login);
  await page.getByLabel(labels.password).fill(password);
  await submitAndWait(page, page.getByRole("button", { name: /^登录$|^Sign in$/ }), /\/($|\?)/);
}

export async function signOut(page: Page) {
  await page.goto("/logout");
  await submitAndWait(page, page.getByRole("button", { name: /退出登录|Sign out/ }), /\/($|\?)/);
}

/** Click a submit button and wait for the server's answer to the POST (with or without JS). */
export async function post(page: Page, button: Locator) {
  await Promise.all([page.waitForResponse((r) => r.request().method() === "POST"), button.click()]);
  await page.waitForLoadState("load");
}

/** The text of the page's main region. */
export const mainText = (page: Page) => page.locator("main").innerText();
