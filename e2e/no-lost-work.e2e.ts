/**
 * No lost work, in 长辈版 with JavaScript off, in Chinese and in English: a form refused for a
 * mistake comes back with the mistake named in the reader's language and everything else they
 * typed still in its field. Covered elsewhere, not repeated here: the micro-project form's bad
 * budget row (e2e/projects.e2e.ts, both modes) and a poll ballot with too many choices
 * (e2e/voting.e2e.ts). Pop-ups and self-navigation are watched by e2e/pages.e2e.ts and
 * tests/no-lost-work.test.ts.
 */
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launch, newContext, signIn } from "./support/browser";
import { seededByTitle, seededCommunity } from "./support/seeded";

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
    password: "密码",
    consent: "我已阅读并同意上面的隐私说明",
    join: "注册",
    loginTaken: "这个用户名或手机号已被注册。如果是您本人，请直接登录。",
    topic: "议题",
    description: "会议说明",
    startsAt: "开始时间",
    endsAt: "结束时间",
    place: "地点（现场参加的地址）",
    agenda: "第 1 项议程",
    minutes: "第 1 项时长（分钟）",
    schedule: "安排会议",
    endBeforeStart: "结束时间要晚于开始时间。",
    comment: "您的评论",
    send: "发送",
    tooLong: "最多 1000 个字。",
    noId: "请不要填写身份证号。本平台不收集身份证号。",
  },
  en: {
    displayName: "Name shown to others",
    login: "Mobile number or username",
    password: "Password",
    consent: "I have read and accept the privacy notice above",
    join: "Create account",
    loginTaken:
      "This username or mobile number is already registered. If it is yours, please sign in.",
    topic: "Topic",
    description: "About this meeting",
    startsAt: "Starts",
    endsAt: "Ends",
    place: "Place (address for those who come in person)",
    agenda: "Agenda item 1",
    minutes: "Minutes for item 1",
    schedule: "Schedule the meeting",
    endBeforeStart: "The end must be after the start.",
    comment: "Your comment",
    send: "Send",
    tooLong: "At most 1000 characters.",
    noId: "Please do not enter an ID card number. Liuhe never collects them.",
  },
};

/** Submit, expect the page to come back refused (400, same page) with the mistake shown. */
async function submitRefused(page: Page, button: string) {
  const before = page.url();
  const [res] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === "POST"),
    page.getByRole("button", { name: button, exact: true }).click(),
  ]);
  await page.waitForLoadState("load");
  expect(res.status()).toBe(400);
  // Still the same page (a refusal is not a redirect somewhere else).
  expect(new URL(page.url()).pathname).toBe(new URL(before).pathname);
  expect(await page.locator("script").count()).toBe(0);
  // Whole-page forms list the mistakes at the top; a comment box shows them beside itself.
  const shown = await page.locator("main .error-summary, main .error").allInnerTexts();
  expect(shown.length).toBeGreaterThan(0);
  return shown.join("\n");
}

const value = (page: Page, label: string) => page.getByLabel(label, { exact: true }).inputValue();

describe.each(["zh-CN", "en"] as const)(
  "a refused form keeps what was typed (%s, 长辈版, no JavaScript)",
  (lng) => {
    const t = T[lng];

    it("registration with a username already taken", async () => {
      const ctx = await newContext(browser, { lng, mode: "lite", js: false });
      const page = await ctx.newPage();
      await page.goto("/join");
      const name = lng === "en" ? "Auntie Wang" : "王阿姨";
      await page.getByLabel(t.displayName, { exact: true }).fill(name);
      await page.getByLabel(t.login, { exact: true }).fill("resident");
      await page.getByLabel(t.password, { exact: true }).fill("a long enough password");
      await page.getByLabel(t.consent, { exact: true }).check();
      expect(await submitRefused(page, t.join)).toContain(t.loginTaken);
      expect(await value(page, t.displayName)).toBe(name);
      expect(await value(page, t.login)).toBe("resident");
      expect(await page.getByLabel(t.consent, { exact: true }).isChecked()).toBe(true);
      // The password is the one thing never sent back: it must be typed again.
      expect(await value(page, t.password)).toBe("");
      await ctx.close();
    });

    it("a meeting that ends before it starts", async () => {
      const { council } = await seededCommunity("dongpo");
      const ctx = await newContext(browser, { lng, mode: "lite", js: false });
      const page = await ctx.newPage();
      await signIn(page, "committee");
      await page.goto(`/councils/${council}/meetings/new`);
      const topic = lng === "en" ? "Bins on the east gate" : "东门垃圾桶摆放";
      const about =
        lng === "en"
          ? "Where the bins go, and when they are emptied."
          : "垃圾桶放在哪里，几点清运。";
      await page.getByLabel(t.topic, { exact: true }).fill(topic);
      await page.getByLabel(t.description, { exact: true }).fill(about);
      await page.getByLabel(t.startsAt, { exact: true }).fill("2027-05-01T10:00");
      await page.getByLabel(t.endsAt, { exact: true }).fill("2027-05-01T09:00");
      await page.getByLabel(t.place, { exact: true }).fill("东坡路社区活动室");
      await page.getByLabel(t.agenda, { exact: true }).fill("现状");
      await page.getByLabel(t.minutes, { exact: true }).fill("20");
      expect(await submitRefused(page, t.schedule)).toContain(t.endBeforeStart);
      expect(await value(page, t.topic)).toBe(topic);
      expect(await value(page, t.description)).toBe(about);
      expect(await value(page, t.startsAt)).toBe("2027-05-01T10:00");
      expect(await value(page, t.endsAt)).toBe("2027-05-01T09:00");
      expect(await value(page, t.place)).toBe("东坡路社区活动室");
      expect(await value(page, t.agenda)).toBe("现状");
      expect(await value(page, t.minutes)).toBe("20");
      await ctx.close();
    });

    it("a project comment that is too long, and one with an ID card number", async () => {
      const { PROJSUB } = await seededByTitle(
        { PROJSUB: "为老旧小区加装电梯意见征集与协调" },
        {},
        {},
        {},
      );
      const ctx = await newContext(browser, { lng, mode: "lite", js: false });
      const page = await ctx.newPage();
      await signIn(page, "resident");
      await page.goto(`/projects/${PROJSUB}`);
      const box = page.getByLabel(t.comment, { exact: true });
      // The field stops typing at 1000 characters; a pasted text in an old browser may not.
      await box.evaluate((el) => el.removeAttribute("maxlength"));
      const long = "电梯".repeat(500) + "！";
      await box.fill(long);
      expect(await submitRefused(page, t.send)).toContain(t.tooLong);
      expect(await value(page, t.comment)).toBe(long);

      const withId = "我的身份证号是 330106195001011234，可以联系我。";
      await page.getByLabel(t.comment, { exact: true }).fill(withId);
      expect(await submitRefused(page, t.send)).toContain(t.noId);
      expect(await value(page, t.comment)).toBe(withId);
      await ctx.close();
    });
  },
);
