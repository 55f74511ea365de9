/**
 * The micro-project journey: a member of a verified social organisation proposes a project (with a
 * photo in standard mode), submits it, a verified resident supports it, and the community committee
 * reviews and accepts it. Once in standard mode with JavaScript (zh-CN), once in 长辈版 with
 * JavaScript off (en), where the photo is not loaded unless asked for.
 */
import sharp from "sharp";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launch, newContext, signIn, signOut, submitAndWait } from "./support/browser";

let browser: Browser;
beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

const T = {
  "zh-CN": {
    propose: "提出微实事",
    title: "项目名称",
    summary: "简介",
    description: "项目说明",
    community: "社区",
    organisation: "提出方式",
    orgName: "颐养之家为老服务中心",
    communityName: "东坡路社区",
    category: "类别",
    categoryName: "养老服务",
    beneficiaries: "受益人群",
    startsOn: "开始日期",
    endsOn: "结束日期",
    item: (n: number) => `第${n}项`,
    amount: (n: number) => `第${n}项金额（元）`,
    photo: "照片（选填）",
    saveDraft: "保存草稿",
    draft: "草稿",
    submit: "提交审核",
    submitted: "已提交",
    support: "支持这个项目",
    youSupport: "您已支持这个项目。",
    startReview: "开始审核",
    underReview: "审核中",
    accept: "通过",
    accepted: "已通过",
    budgetError: /第2行：金额须为大于 0 的整数元/,
    search: "搜索关键词",
    searchButton: "搜索",
  },
  en: {
    propose: "Propose a micro-project",
    title: "Title",
    summary: "Summary",
    description: "Description",
    community: "Community",
    organisation: "Proposed for",
    orgName: "颐养之家为老服务中心",
    communityName: "Dongpo Road Community",
    category: "Category",
    categoryName: "Elderly care",
    beneficiaries: "Who benefits",
    startsOn: "Starts on",
    endsOn: "Ends on",
    item: (n: number) => `Item ${n}`,
    amount: (n: number) => `Amount of item ${n} in yuan`,
    photo: "Photo (optional)",
    saveDraft: "Save as draft",
    draft: "Draft",
    submit: "Submit for review",
    submitted: "Submitted",
    support: "Support this project",
    youSupport: "You support this project.",
    startReview: "Start review",
    underReview: "Under review",
    accept: "Accept",
    accepted: "Accepted",
    budgetError: /Row 2: the amount must be a whole number of yuan greater than 0/,
    search: "Search words",
    searchButton: "Search",
  },
};

const status = (page: Page) => page.locator("main .badge").first().innerText();

async function journey(lng: "zh-CN" | "en", lite: boolean) {
  const t = T[lng];
  const stamp = Date.now().toString(36);
  const title = lng === "en" ? `Lift ramp ${stamp}` : `楼道扶手加装${stamp}`;
  const ctx = await newContext(browser, { lng, mode: lite ? "lite" : "full", js: !lite });
  const page = await ctx.newPage();

  // An organisation's admin proposes for the organisation, in a community it serves.
  await signIn(page, "org-yiyang");
  await page.goto("/projects/new");
  if (lite) expect(await page.locator("script").count()).toBe(0);
  await page.getByLabel(t.title, { exact: true }).fill(title);
  await page
    .getByLabel(t.summary, { exact: true })
    .fill("为六幢老楼的楼道加装扶手，方便老人上下楼。");
  await page
    .getByLabel(t.description, { exact: true })
    .fill(
      "东坡路社区六幢老楼没有电梯，楼道无扶手，老人上下楼容易摔倒。本项目为楼道两侧加装不锈钢扶手。",
    );
  await page.getByLabel(t.community, { exact: true }).selectOption({ label: t.communityName });
  await page.getByLabel(t.organisation, { exact: true }).selectOption({ label: t.orgName });
  await page.getByLabel(t.category, { exact: true }).selectOption({ label: t.categoryName });
  await page.getByLabel(t.beneficiaries, { exact: true }).fill("六幢楼约 90 位老人");
  await page.getByLabel(t.startsOn, { exact: true }).fill("2027-03-01");
  await page.getByLabel(t.endsOn, { exact: true }).fill("2027-05-31");
  await page.getByLabel(t.item(1), { exact: true }).fill("不锈钢扶手材料");
  await page.getByLabel(t.amount(1), { exact: true }).fill("18000");
  await page.getByLabel(t.item(2), { exact: true }).fill("安装人工");
  // A budget that is not a whole number of yuan is refused, and what was typed is kept.
  await page.getByLabel(t.amount(2), { exact: true }).fill("6500.5");
  if (!lite) {
    const png = await sharp({
      create: { width: 1600, height: 1200, channels: 3, background: "#7a8a99" },
    })
      .png()
      .toBuffer();
    await page
      .getByLabel(t.photo)
      .setInputFiles({ name: "stairs.png", mimeType: "image/png", buffer: png });
  }
  await Promise.all([
    page.waitForResponse((r) => r.request().method() === "POST"),
    page.getByRole("button", { name: t.saveDraft }).click(),
  ]);
  await page.waitForLoadState("load");
  await expect.poll(() => page.locator(".error-summary").innerText()).toMatch(t.budgetError);
  expect(await page.getByLabel(t.title, { exact: true }).inputValue()).toBe(title);
  expect(await page.getByLabel(t.item(2), { exact: true }).inputValue()).toBe("安装人工");
  await page.getByLabel(t.amount(2), { exact: true }).fill("6500");
  if (!lite) {
    // A refused form cannot keep a file: choose it again.
    const png = await sharp({
      create: { width: 800, height: 600, channels: 3, background: "#7a8a99" },
    })
      .png()
      .toBuffer();
    await page
      .getByLabel(t.photo)
      .setInputFiles({ name: "stairs.png", mimeType: "image/png", buffer: png });
  }
  await submitAndWait(
    page,
    page.getByRole("button", { name: t.saveDraft }),
    /\/projects\/\d+\?done=created/,
  );
  const url = new URL(page.url());
  const projectPath = url.pathname;
  // With JavaScript the address changes as the new page renders: wait for its heading.
  await page.locator("h1", { hasText: title }).waitFor();
  await expect.poll(() => status(page)).toBe(t.draft);
  await expect.poll(() => page.locator("main").innerText()).toContain("24,500");
  if (lite) {
    expect(await page.locator("img").count()).toBe(0);
  } else {
    const img = page.locator("img.project-photo");
    await expect.poll(() => img.evaluate((el: HTMLImageElement) => el.naturalWidth)).toBe(800);
  }
  await submitAndWait(page, page.getByRole("button", { name: t.submit }), /done=step-submit/);
  await expect.poll(() => status(page)).toBe(t.submitted);
  await signOut(page);

  // A verified resident of the community finds it by search and supports it.
  await signIn(page, "resident");
  await page.goto("/projects");
  await page.getByLabel(t.search).fill(stamp);
  await submitAndWait(page, page.getByRole("button", { name: t.searchButton }), /q=/);
  await submitAndWait(page, page.getByRole("link", { name: title }), new RegExp(projectPath));
  await submitAndWait(page, page.getByRole("button", { name: t.support }), /done=supported/);
  await expect.poll(() => page.locator("main").innerText()).toContain(t.youSupport);
  await signOut(page);

  // The community's committee reviews it and accepts it; the history shows who did what.
  await signIn(page, "committee");
  await page.goto(projectPath);
  await submitAndWait(
    page,
    page.getByRole("button", { name: t.startReview }),
    /done=step-startReview/,
  );
  await expect.poll(() => status(page)).toBe(t.underReview);
  await submitAndWait(
    page,
    page.getByRole("button", { name: t.accept, exact: true }),
    /done=step-accept/,
  );
  await expect.poll(() => status(page)).toBe(t.accepted);
  await expect
    .poll(async () => (await page.locator("#history-title + ol > li").allInnerTexts()).length)
    .toBe(4);
  await signOut(page);

  // Anyone can see the accepted project, with its support counted.
  await page.goto(projectPath);
  await expect.poll(() => status(page)).toBe(t.accepted);
  await ctx.close();
}

describe("a micro-project from proposal to acceptance", () => {
  it("in standard mode with JavaScript (zh-CN), with a photo", async () => {
    await journey("zh-CN", false);
  });

  it("in 长辈版 with JavaScript off (en)", async () => {
    await journey("en", true);
  });
});
