/**
 * 民情 round the loop (issue 15, "Tests"): a resident of 东坡路社区 reports a need; the grid worker
 * accepts and escalates it; the street's command room dispatches it to 便民服务平台; the unit
 * resolves it; the grid worker checks; the resident says satisfied. With JavaScript (zh-CN), the
 * reporter's own page, left open, follows each step live without a reload; without JavaScript in
 * 长辈版 (en), the same journey by forms alone.
 */
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launch, newContext, signIn, submitAndWait } from "./support/browser";

let browser: Browser;
beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

const T = {
  "zh-CN": {
    grid: "东坡路社区 · 第一网格",
    category: "维修与设施",
    submit: "提交",
    accept: "受理",
    escalate: "上报指挥室",
    unit: "便民服务平台",
    dispatch: "派单",
    resolve: "处置完毕",
    check: "核查通过",
    satisfied: "满意",
    status: {
      reported: "待网格员受理",
      accepted: "网格员已受理",
      escalated: "待指挥室派单",
      dispatched: "处置中",
      resolved: "已处置，待核查",
      checked: "已核查，待居民评价",
      closed: "已办结",
    },
  },
  en: {
    grid: "Dongpo Road Community · Grid 1",
    category: "Repairs and facilities",
    submit: "Submit",
    accept: "Accept",
    escalate: "Escalate to the command room",
    unit: "Public services platform",
    dispatch: "Dispatch",
    resolve: "Mark as handled",
    check: "Check passed",
    satisfied: "Satisfied",
    status: {
      reported: "Waiting for the grid worker",
      accepted: "Taken up by the grid worker",
      escalated: "Waiting for dispatch",
      dispatched: "Being handled",
      resolved: "Handled, waiting for the check",
      checked: "Checked, waiting for residents' answer",
      closed: "Closed",
    },
  },
} as const;

const WAYS = [
  { lng: "zh-CN", mode: "full", js: true },
  { lng: "en", mode: "lite", js: false },
] as const;

describe.each(WAYS)("the needs loop in $lng, $mode mode, JavaScript $js", ({ lng, mode, js }) => {
  const t = T[lng];
  const contexts: BrowserContext[] = [];
  afterAll(async () => {
    for (const c of contexts) await c.close();
  });
  /** A page signed in as `login`, in this way of using the site. */
  async function as(login: string): Promise<Page> {
    const ctx = await newContext(browser, { lng, mode, js });
    contexts.push(ctx);
    const page = await ctx.newPage();
    await signIn(page, login);
    return page;
  }
  const badge = (page: Page) => page.locator("main .badge").first();

  it("goes from the report to the resident's answer, each step by its own person", async () => {
    const words = `e2e ${lng} ${Date.now().toString(36)}`;
    const reporter = await as("resident");
    await reporter.goto("/needs/new");
    await reporter.locator("#f-gridId").selectOption({ label: t.grid });
    await reporter.locator("#f-category").selectOption({ label: t.category });
    await reporter.locator("#f-description").fill(`楼道扶手松了，上下楼不安全。${words}`);
    await submitAndWait(
      reporter,
      reporter.getByRole("button", { name: t.submit, exact: true }),
      /\/needs\/\d+\?done=reported/,
    );
    const needUrl = new URL(reporter.url()).pathname;
    await expect.poll(() => badge(reporter).innerText()).toBe(t.status.reported);

    /** Someone takes a step on the need's page; the reporter's page shows the new status. */
    async function step(page: Page, button: string, status: string, fill?: () => Promise<unknown>) {
      await page.goto(needUrl);
      await fill?.();
      await submitAndWait(
        page,
        page.getByRole("button", { name: button, exact: true }),
        /done=step/,
      );
      // With JavaScript the address changes a moment before the new page data is drawn.
      await expect.poll(() => badge(page).innerText()).toBe(status);
      // With JavaScript the reporter's open page follows by itself; without, a reload shows it.
      if (!js) await reporter.reload();
      await expect.poll(() => badge(reporter).innerText(), { timeout: 15_000 }).toBe(status);
    }

    const gridWorker = await as("gridworker");
    await step(gridWorker, t.accept, t.status.accepted);
    await step(gridWorker, t.escalate, t.status.escalated);
    const room = await as("dispatcher");
    await step(room, t.dispatch, t.status.dispatched, () =>
      room.locator("#f-unitId-dispatch").selectOption({ label: t.unit }),
    );
    const unit = await as("unit-service");
    await step(unit, t.resolve, t.status.resolved, () =>
      unit.locator("#f-note-resolve").fill("已加固扶手。"),
    );
    await step(gridWorker, t.check, t.status.checked);
    await reporter.goto(needUrl);
    await submitAndWait(
      reporter,
      reporter.getByRole("button", { name: t.satisfied, exact: true }),
      /done=step/,
    );
    await expect.poll(() => badge(reporter).innerText()).toBe(t.status.closed);
    // The timeline names roles, never the reporter.
    const timeline = await reporter.locator("#timeline-title + ol").innerText();
    expect(timeline).not.toContain("王秀英");
    if (!js) expect(await reporter.locator("script").count()).toBe(0);
  });
});
