/**
 * Voting journeys on the seeded polls and budget rounds of 东坡路社区:
 * 1. standard mode with JavaScript (zh-CN): a resident votes in a poll and keeps the receipt, cannot
 *    vote twice, votes in a budget round after two refused ballots, and finds a seeded ballot in a
 *    closed poll's published list;
 * 2. a committee member records at the window that a resident voted on paper (the resident can then
 *    vote neither on the page nor by posting directly); after closing the box is counted, the
 *    paper entered anonymously, and a second member confirms the count;
 * 3. 长辈版 with JavaScript off (en): a resident votes in an approval poll after a refused ballot.
 */
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { baseURL, launch, mainText, newContext, post, signIn, signOut } from "./support/browser";
import { closePollNow, seededVotes } from "./support/seeded";

const RECEIPT = /^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/;

let browser: Browser;
let seeded: Awaited<ReturnType<typeof seededVotes>>;
beforeAll(async () => {
  browser = await launch();
  seeded = await seededVotes(
    {
      parking: "社区停车位划线方案选哪一个？",
      festival: "明年邻里节办哪些活动？最多选3项",
      drying: "是否同意在3幢北侧加装晾衣架？",
      courses: "今年秋季社区公益课程开哪几门？最多选2项",
    },
    { open2027: "2027年东坡路社区微实事预算（征集中）" },
    { laozhang: "laozhang", committee: "committee", committee2: "committee2" },
  );
});
afterAll(async () => {
  await browser?.close();
});

describe("polls and budget rounds", () => {
  it("in standard mode with JavaScript (zh-CN): vote, receipt, budget refusals, published list", async () => {
    const ctx = await newContext(browser, { lng: "zh-CN", mode: "full", js: true });
    const page = await ctx.newPage();
    await signIn(page, "resident");

    // An open single-choice poll with live results: vote and keep the receipt.
    const parking = seeded.polls.parking!;
    await page.goto(`/polls/${parking.id}`);
    await page.locator("h1", { hasText: "社区停车位划线方案选哪一个？" }).waitFor();
    expect(await mainText(page)).toContain("选票 6 张");
    // The same ballot, left open in another tab whose live updates are cut (a weak signal): only
    // the page's own answer to a form can bring it up to date.
    const stale = await ctx.newPage();
    await stale.route("**/socket.io/**", (route) => route.abort());
    await stale.routeWebSocket(/\/socket\.io\//, (ws) => ws.close());
    await stale.goto(`/polls/${parking.id}`);
    await stale.locator("h1", { hasText: "社区停车位划线方案选哪一个？" }).waitFor();
    const voteButton = page.getByRole("button", { name: "投票", exact: true });
    await page.getByLabel(parking.options[1]!.label).check();
    await post(page, voteButton);
    const receipt = page.locator(".receipt-code");
    await receipt.waitFor();
    const myReceipt = await receipt.innerText();
    expect(myReceipt).toMatch(RECEIPT);
    // The receipt comes with the new count, never beside the old one.
    expect(await mainText(page)).toContain("选票 7 张");
    await expect.poll(() => voteButton.count()).toBe(0);
    // Voting again from the other tab: a notice (there is nothing to correct), and the page drops
    // the form and shows the count as it is.
    await stale.getByLabel(parking.options[0]!.label).check();
    await post(stale, stale.getByRole("button", { name: "投票", exact: true }));
    const refused = stale.locator(".error-summary");
    await expect.poll(() => refused.innerText()).toContain("您已经投过票");
    expect(await refused.innerText()).not.toContain("请修改以下内容");
    await expect
      .poll(() => stale.getByRole("button", { name: "投票", exact: true }).count())
      .toBe(0);
    await expect.poll(() => mainText(stale)).toContain("选票 7 张");
    await stale.close();
    // A second attempt is impossible: the page says so and offers no form.
    await page.goto(`/polls/${parking.id}`);
    await expect.poll(() => mainText(page)).toContain("您已投票");
    expect(await page.locator("input[name=intent][value=vote]").count()).toBe(0);

    // The open budget round: over the budget, then too many projects, both refused with the
    // ticks kept; then a valid ballot.
    const round = seeded.rounds.open2027!;
    const box = (title: string) => page.getByLabel(title);
    const [fitness, drains, phones, tools] = round.projects.map((p) => p.title) as [
      string,
      string,
      string,
      string,
    ];
    await page.goto(`/budgets/${round.id}`);
    await page.locator("h1", { hasText: "2027年东坡路社区微实事预算" }).waitFor();
    const submit = page.getByRole("button", { name: "投出选票", exact: true });
    for (const t of [drains, fitness, phones]) await box(t).check();
    await post(page, submit);
    await expect
      .poll(() => page.locator(".error-summary").innerText())
      .toMatch(/所选项目合计 54,?100 元，超过预算 50,?000 元/);
    for (const t of [drains, fitness, phones]) expect(await box(t).isChecked()).toBe(true);
    expect(await box(tools).isChecked()).toBe(false);
    await box(tools).check();
    await post(page, submit);
    await expect
      .poll(() => page.locator(".error-summary").innerText())
      .toContain("最多选 3 个项目");
    for (const t of [drains, fitness, phones, tools]) expect(await box(t).isChecked()).toBe(true);
    await box(fitness).uncheck();
    await box(phones).uncheck();
    await post(page, submit);
    await page.locator(".receipt-code").waitFor();
    expect(await page.locator(".receipt-code").innerText()).toMatch(RECEIPT);
    await expect.poll(() => submit.count()).toBe(0);
    await expect.poll(() => mainText(page)).toContain("选票 8 张");

    // A closed poll: every ballot published, and a receipt check that finds a seeded ballot.
    const courses = seeded.polls.courses!;
    const ballot = courses.ballots.find((b) => b.choices.length === 2)!;
    await page.goto(`/polls/${courses.id}`);
    await page.locator("h1", { hasText: "今年秋季社区公益课程" }).waitFor();
    const csv = page.locator(`a[href="/polls/${courses.id}/ballots.csv"]`);
    expect(await csv.count()).toBe(1);
    const download = await page.request.get(`/polls/${courses.id}/ballots.csv`);
    expect(download.status()).toBe(200);
    const published = await download.text();
    for (const b of courses.ballots) expect(published).toContain(b.receipt);
    const check = page.getByRole("button", { name: "查找我的选票" });
    // Typed as people do: small letters, no dashes.
    await page.getByLabel("核对我的回执").fill(ballot.receipt.replace(/-/g, "").toLowerCase());
    await post(page, check);
    const found = page.locator(".notice", { hasText: ballot.receipt });
    await found.waitFor();
    const foundText = await found.innerText();
    for (const id of ballot.choices) {
      expect(foundText).toContain(courses.options.find((o) => o.id === id)!.label);
    }
    await page.getByLabel("核对我的回执").fill("ABC-123");
    await post(page, check);
    await expect
      .poll(() => page.locator(".error-summary").innerText())
      .toContain("回执码由 12 个字母和数字组成");
    const unknown = ["ZZZZ-ZZZZ-ZZZZ", "YYYY-YYYY-YYYY"].find(
      (r) => !courses.ballots.some((b) => b.receipt === r),
    )!;
    await page.getByLabel("核对我的回执").fill(unknown);
    await post(page, check);
    await expect.poll(() => mainText(page)).toContain("没有这个回执码的选票");

    // When the parking poll closes, the resident finds their own ballot in its published list.
    await closePollNow(parking.id);
    const mine = await page.request.get(`/polls/${parking.id}/ballots.csv`);
    expect(mine.status()).toBe(200);
    expect(await mine.text()).toContain(myReceipt);
    await page.goto(`/polls/${parking.id}`);
    await page.getByLabel("核对我的回执").fill(myReceipt);
    await post(page, page.getByRole("button", { name: "查找我的选票" }));
    const own = page.locator(".notice", { hasText: myReceipt });
    await own.waitFor();
    expect(await own.innerText()).toContain(parking.options[1]!.label);
    await ctx.close();
  });

  it("a paper vote is recorded at the window, the box counted after closing and confirmed by a second member", async () => {
    const ctx = await newContext(browser, { lng: "zh-CN", mode: "full", js: true });
    const page = await ctx.newPage();
    const drying = seeded.polls.drying!;
    const yes = drying.options.find((o) => o.code === "yes")!;
    const laozhang = seeded.users.laozhang!.displayName;
    const committee = seeded.users.committee!.displayName;
    const committee2 = seeded.users.committee2!.displayName;

    await signIn(page, "committee");
    await page.goto(`/polls/${drying.id}`);
    await page.locator("h1", { hasText: "是否同意在3幢北侧加装晾衣架？" }).waitFor();
    expect(await mainText(page)).toContain("选票 3 张");
    // At the window: only that laozhang voted; the desk has no choice to tick.
    const desk = page.getByRole("region", { name: "登记纸质投票" });
    expect(await desk.getByLabel("赞成").count()).toBe(0);
    await desk.getByLabel("居民").selectOption({ label: laozhang });
    await post(page, desk.getByRole("button", { name: "登记已投纸质票" }));
    await page.locator(".notice", { hasText: "已登记" }).waitFor();
    await expect.poll(() => mainText(page)).toContain("已有 1 位居民投纸质票");
    expect(await mainText(page)).toContain("选票 3 张");
    const register = page.getByRole("region", { name: "已投纸质票的居民" });
    await expect.poll(() => register.innerText()).toContain(`${committee} 登记`);
    expect(await register.innerText()).toContain(laozhang);
    expect(await desk.getByLabel("居民").locator("option", { hasText: laozhang }).count()).toBe(0);
    await signOut(page);

    // laozhang has voted on paper: the page says so, and a forged post is refused.
    await signIn(page, "laozhang");
    await page.goto(`/polls/${drying.id}`);
    await expect.poll(() => mainText(page)).toContain("您已投票");
    expect(await page.locator("input[name=intent][value=vote]").count()).toBe(0);
    const forged = await page.request.post(`/polls/${drying.id}?index`, {
      form: { intent: "vote", choice: String(yes.id) },
      headers: { Origin: baseURL() },
    });
    expect(forged.status()).toBe(409);
    await signOut(page);

    // After closing the box is opened: the paper entered anonymously, the count submitted.
    await closePollNow(drying.id);
    await signIn(page, "committee");
    await page.goto(`/polls/${drying.id}`);
    await expect.poll(() => mainText(page)).toContain("纸质票箱（1 张）正在清点");
    expect(await page.getByRole("link", { name: "下载 CSV" }).count()).toBe(0);
    const box = page.getByRole("region", { name: "开箱计票" });
    await box.getByLabel("赞成").check();
    await post(page, box.getByRole("button", { name: "录入这张选票" }));
    await page.locator(".notice", { hasText: "已录入" }).waitFor();
    await expect.poll(() => box.innerText()).toContain("第 1 张：赞成");
    await post(page, box.getByRole("button", { name: "提交计票结果，请另一位成员核对" }));
    await page.locator(".notice", { hasText: "计票结果已提交" }).waitFor();
    // Whoever submitted it cannot confirm it.
    expect(await page.getByRole("button", { name: "确认计票结果" }).count()).toBe(0);
    await signOut(page);

    await signIn(page, "committee2");
    await page.goto(`/polls/${drying.id}`);
    await post(page, page.getByRole("button", { name: "确认计票结果" }));
    await page.locator(".notice", { hasText: "计票结果已确认" }).waitFor();
    await expect.poll(() => mainText(page)).toContain("选票 4 张");
    const text = await mainText(page);
    expect(text).toContain("其中纸质 1 张");
    expect(text).toContain(`${committee} 提交，${committee2} 确认`);
    expect(await page.getByRole("link", { name: "下载 CSV" }).count()).toBe(1);
    await ctx.close();
  });

  it("in 长辈版 with JavaScript off (en): an approval poll, too many choices refused", async () => {
    const ctx = await newContext(browser, { lng: "en", mode: "lite", js: false });
    const page = await ctx.newPage();
    const festival = seeded.polls.festival!;
    const labels = festival.options.map((o) => o.label);
    await signIn(page, "resident");
    await page.goto(`/polls/${festival.id}`);
    expect(await page.locator("script").count()).toBe(0);
    expect(await mainText(page)).toContain("Choose up to 3");
    const submit = page.getByRole("button", { name: "Cast my vote" });

    for (const label of labels.slice(0, 4)) await page.getByLabel(label).check();
    await post(page, submit);
    expect(await page.locator("script").count()).toBe(0);
    expect(await page.locator(".error-summary").innerText()).toContain("Choose at most 3.");
    for (const label of labels.slice(0, 4)) {
      expect(await page.getByLabel(label).isChecked()).toBe(true);
    }
    expect(await page.getByLabel(labels[4]!).isChecked()).toBe(false);

    await page.getByLabel(labels[0]!).uncheck();
    await page.getByLabel(labels[2]!).uncheck();
    await post(page, submit);
    expect(await page.locator("script").count()).toBe(0);
    expect(await mainText(page)).toContain("Your vote is counted.");
    expect(await page.locator(".receipt-code").innerText()).toMatch(RECEIPT);
    expect(await submit.count()).toBe(0);
    // Results of this poll stay hidden until it closes.
    expect(await mainText(page)).toContain("Results are shown when voting closes.");
    await page.goto(`/polls/${festival.id}`);
    expect(await mainText(page)).toContain("You have voted.");
    await ctx.close();
  });
});
