/**
 * Full mode with JavaScript: the committee's page shows a new request as it arrives, and the
 * resident's page shows the decision, both without reloading (Socket.IO → revalidation).
 */
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launch, newContext, signIn, submitAndWait } from "./support/browser";

let browser: Browser;
beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

async function register(page: Page, name: string, username: string) {
  await page.goto("/join");
  await page.getByLabel("称呼").fill(name);
  await page.getByLabel("手机号或用户名").fill(username);
  await page.getByLabel(/^密码/).fill("e2e password 1");
  await page.getByLabel("我已阅读并同意上面的隐私说明").check();
  await submitAndWait(page, page.getByRole("button", { name: "注册", exact: true }), /welcome=1/);
}

describe("live updates", () => {
  it("brings a new request to the committee and the decision to the resident, without reloads", async () => {
    const stamp = Date.now().toString(36);
    const name = `实时居民${stamp}`;
    const committeeCtx = await newContext(browser, { mode: "full" });
    const residentCtx = await newContext(browser, { mode: "full" });
    const committee = await committeeCtx.newPage();
    const resident = await residentCtx.newPage();

    await register(resident, name, `live${stamp}`);
    await resident.getByRole("link", { name: "东坡路社区" }).click();
    await resident.waitForURL(/\/communities\/\d+$/);
    const path = new URL(resident.url()).pathname;

    await signIn(committee, "committee");
    await committee.goto(path);
    await committee.evaluate(() => ((window as unknown as { marker: number }).marker = 1));
    // The page says when its socket has subscribed; only then is the request made.
    await committee.locator("html[data-live=on]").waitFor();

    await submitAndWait(
      resident,
      resident.getByRole("button", { name: "申请加入这个社区" }),
      /done=requested/,
    );
    await resident.evaluate(() => ((window as unknown as { marker: number }).marker = 1));
    await resident.locator("html[data-live=on]").waitFor();

    const verify = committee.getByRole("button", { name: `认证通过：${name}` });
    await verify.waitFor({ timeout: 15_000 });
    expect(await committee.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(
      1,
    );

    await verify.click();
    await resident.locator(".badge.verified").waitFor({ timeout: 15_000 });
    expect(await resident.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(
      1,
    );

    await committeeCtx.close();
    await residentCtx.close();
  });
});
