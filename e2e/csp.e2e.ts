/**
 * The Content-Security-Policy in a browser (issue 13, defect 10). React escapes what residents
 * type, so to test the policy itself the test injects an inline script without the nonce into
 * the served page: it must not run, while the page's own scripts (which carry the nonce) still
 * hydrate it and open its Socket.IO connection. 长辈版 still gets its inline stylesheet.
 */
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launch, newContext } from "./support/browser";
import { seededCommunity } from "./support/seeded";

let browser: Browser;
let community: number;
const contexts: BrowserContext[] = [];
beforeAll(async () => {
  browser = await launch();
  ({ community } = await seededCommunity("dongpo"));
});
afterAll(async () => {
  for (const c of contexts) await c.close();
  await browser?.close();
});

const INJECTED = "<script>window.__pwned=1</script>";

/** A page whose CSP violations (as the console reports them) are kept. */
async function open(mode: "full" | "lite" = "full") {
  const ctx = await newContext(browser, { mode });
  contexts.push(ctx);
  const page = await ctx.newPage();
  const violations: string[] = [];
  page.on("console", (m) => {
    if (/Content Security Policy/i.test(m.text())) violations.push(m.text());
  });
  return { page, violations };
}

/**
 * Serves the page with an inline script (no nonce) put first in its head, as an injection would;
 * `keepPolicy: false` also drops the CSP header, to show the injection runs without it.
 */
async function inject(page: Page, path: string, keepPolicy = true) {
  await page.route(
    (url) => url.pathname === path,
    async (route) => {
      const response = await route.fetch();
      const body = (await response.text()).replace("<head>", `<head>${INJECTED}`);
      const headers = { ...response.headers() };
      delete headers["content-encoding"];
      delete headers["content-length"];
      if (!keepPolicy) delete headers["content-security-policy"];
      await route.fulfill({ status: response.status(), headers, body });
    },
  );
}

const pwned = (page: Page) =>
  page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned);

describe("the Content-Security-Policy", () => {
  it("without it, the injected script would run (the test's own check)", async () => {
    const { page } = await open();
    const path = `/communities/${community}`;
    await inject(page, path, false);
    await page.goto(path);
    expect(await pwned(page)).toBe(1);
  });

  it("refuses an inline script without the nonce; the page's own scripts hydrate and go live", async () => {
    const { page, violations } = await open();
    const path = `/communities/${community}`;
    await inject(page, path);
    const sockets: string[] = [];
    page.on("websocket", (ws) => sockets.push(ws.url()));
    await page.goto(path);
    // Hydrated, socket.io-client loaded on demand, subscribed: the page marks itself live.
    await page.locator("html[data-live=on]").waitFor();
    expect(await pwned(page)).toBeUndefined();
    // The same-origin WebSocket is allowed by connect-src 'self'.
    expect(sockets.some((u) => u.includes("/socket.io/") && u.startsWith("ws://"))).toBe(true);
    // The injected script is the only thing the policy refused.
    expect(violations.length).toBeGreaterThan(0);
    for (const v of violations) expect(v).toMatch(/inline script/i);
  });

  it("lets a page without injection run with no violation, client navigation included", async () => {
    const { page, violations } = await open();
    await page.goto(`/communities/${community}`);
    await page.locator("html[data-live=on]").waitFor();
    // A client-side navigation: Remix loads the next route's module and data.
    await page.locator("nav a[href='/projects']").click();
    await page.waitForURL("**/projects");
    await page.locator("h1").first().waitFor();
    expect(violations).toEqual([]);
  });

  it("in 长辈版, no script runs and the inline stylesheet still applies", async () => {
    const { page, violations } = await open("lite");
    const path = `/communities/${community}`;
    await inject(page, path);
    await page.goto(path);
    expect(await pwned(page)).toBeUndefined();
    const size = await page.evaluate(() => getComputedStyle(document.body).fontSize);
    expect(size).toBe("22px");
    for (const v of violations) expect(v).toMatch(/inline script/i);
  });
});
