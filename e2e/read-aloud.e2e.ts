/**
 * 朗读 (read aloud) on the project, meeting and poll pages. Headless Chromium has no voices of its
 * own, so each context installs a fake `speechSynthesis` before the page's scripts run: its voices
 * are chosen per test, `speak()` records what it was given and ends each utterance a moment later
 * (unless told to hold), `cancel()` is counted. The button must appear only when a voice for the
 * page's language exists, read the marked text sentence by sentence in order with the right
 * language, and stop; without such a voice, without speech synthesis and in 长辈版 it is absent.
 */
import AxeBuilder from "@axe-core/playwright";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launch, newContext, type ContextOptions } from "./support/browser";
import { seededByTitle, seededCommunity } from "./support/seeded";

interface Spoken {
  text: string;
  lang: string;
  voice: string | null;
}
interface Tts {
  spoken: Spoken[];
  cancels: number;
  getVoicesCalls: number;
  hold: boolean;
}

type Fake = "zh-en" | "late" | "french" | "none";

/** Runs in the page, before its scripts: replaces the browser's speech synthesis. */
function installFake(kind: Fake) {
  const w = window as unknown as Record<string, unknown>;
  if (kind === "none") {
    Object.defineProperty(window, "speechSynthesis", { value: undefined, configurable: true });
    return;
  }
  const voices =
    kind === "french"
      ? [{ name: "Thomas", lang: "fr-FR", default: true, localService: true, voiceURI: "fr" }]
      : [
          { name: "Samantha", lang: "en-US", default: true, localService: true, voiceURI: "en" },
          { name: "Tingting", lang: "zh-CN", default: false, localService: true, voiceURI: "zh" },
        ];
  let loaded = kind !== "late";
  const tts: Tts = { spoken: [], cancels: 0, getVoicesCalls: 0, hold: false };
  w.__tts = tts;
  interface FakeUtterance {
    text: string;
    lang: string;
    voice: { name: string } | null;
    onend: (() => void) | null;
    onerror: (() => void) | null;
  }
  let pending: FakeUtterance | null = null;
  const synth = Object.assign(new EventTarget(), {
    getVoices() {
      tts.getVoicesCalls++;
      return loaded ? voices : [];
    },
    speak(u: FakeUtterance) {
      tts.spoken.push({ text: u.text, lang: u.lang, voice: u.voice?.name ?? null });
      pending = u;
      if (!tts.hold) setTimeout(() => pending === u && ((pending = null), u.onend?.()), 20);
    },
    cancel() {
      tts.cancels++;
      pending = null;
    },
    pause() {},
    resume() {},
    speaking: false,
    pending: false,
    paused: false,
  });
  Object.defineProperty(window, "speechSynthesis", { value: synth, configurable: true });
  // The real constructor refuses a voice that is not the browser's own SpeechSynthesisVoice.
  w.SpeechSynthesisUtterance = function (this: FakeUtterance, text: string) {
    Object.assign(this, { text, lang: "", voice: null, onend: null, onerror: null });
  };
  if (!loaded) {
    // As Chrome does: the list is empty at first and filled a little later.
    setTimeout(() => {
      loaded = true;
      synth.dispatchEvent(new Event("voiceschanged"));
    }, 300);
  }
}

let browser: Browser;
let ids: Record<string, number>;
let meetingId: number;
beforeAll(async () => {
  browser = await launch();
  ids = await seededByTitle(
    { meals: "社区养老服务站助餐点" },
    {},
    { parking: "社区停车位划线方案选哪一个？" },
  );
  meetingId = (await seededCommunity("dongpo")).upcoming;
});
afterAll(async () => {
  await browser?.close();
});

const contexts: BrowserContext[] = [];
afterAll(async () => {
  for (const c of contexts) await c.close();
});

async function open(fake: Fake, opts: ContextOptions): Promise<Page> {
  const ctx = await newContext(browser, opts);
  contexts.push(ctx);
  await ctx.addInitScript(installFake, fake);
  return ctx.newPage();
}

const tts = (page: Page) => page.evaluate(() => (window as unknown as { __tts: Tts }).__tts);
const LABELS = {
  "zh-CN": { start: "朗读", stop: "停止朗读" },
  en: { start: "Read aloud", stop: "Stop reading" },
} as const;

/** Presses 朗读 (by click or by keyboard), lets the fake read to the end, returns what was spoken. */
async function readAll(page: Page, lng: "zh-CN" | "en", keyboard = false): Promise<Spoken[]> {
  const { start, stop } = LABELS[lng];
  const button = page.getByRole("button", { name: start, exact: true });
  const before = (await tts(page)).cancels;
  if (keyboard) {
    await button.focus();
    await page.keyboard.press("Enter");
  } else {
    await button.click();
  }
  // Reading starts with a cancel (of anything still speaking) and ends with one after the last
  // sentence; then the button says 朗读 again.
  await expect.poll(async () => (await tts(page)).cancels).toBe(before + 2);
  await button.waitFor();
  expect(await page.getByRole("button", { name: stop, exact: true }).count()).toBe(0);
  return (await tts(page)).spoken;
}

const zh = (text: string): Spoken => ({ text, lang: "zh-CN", voice: "Tingting" });
const en = (text: string): Spoken => ({ text, lang: "en-US", voice: "Samantha" });

const MEALS = [
  "在东坡路社区养老服务站开设助餐点，为 80 岁以上、独居和行动不便的老人提供午餐堂食和送餐上门。",
  "社区 60 岁以上老人占三成，不少高龄、独居老人午饭常常凑合。",
  "颐养之家计划利用社区养老服务站一楼闲置的活动室，改造为可容纳 30 人的助餐点，与附近中央厨房合作配送营养午餐，每餐老人自付 10 元、补贴 5 元；",
  "行动不便的老人由夕阳红志愿服务队送餐上门。",
  "项目资金用于厨房设备、适老化餐桌椅和送餐保温箱等，日常运营费用由服务站承担。",
];

describe("read aloud", () => {
  it("reads a project page sentence by sentence (zh-CN), stops, and passes axe", async () => {
    const page = await open("zh-en", { lng: "zh-CN" });
    await page.goto(`/projects/${ids.meals}`);
    // The server's HTML has no button: it appears only once a voice is known.
    const html = await (await page.request.get(`/projects/${ids.meals}`)).text();
    expect(html).not.toMatch(/<button[^>]*>朗读</);
    const spoken = await readAll(page, "zh-CN");
    expect(spoken).toEqual([
      zh("社区养老服务站助餐点"),
      zh(MEALS[0]!),
      zh("项目说明"),
      ...MEALS.slice(1).map(zh),
    ]);

    // Stop in the middle: the reading is cancelled and 朗读 comes back.
    await page.evaluate(() => {
      const t = (window as unknown as { __tts: Tts }).__tts;
      t.hold = true;
      t.spoken = [];
      t.cancels = 0;
    });
    await page.getByRole("button", { name: "朗读", exact: true }).click();
    const stop = page.getByRole("button", { name: "停止朗读", exact: true });
    await stop.waitFor();
    const box = await stop.boundingBox();
    expect(box!.width).toBeGreaterThanOrEqual(44);
    expect(box!.height).toBeGreaterThanOrEqual(44);
    const violations = (
      await new AxeBuilder({ page })
        .withTags(["wcag2a", "wcag2aa", "wcag21aa", "wcag22aa"])
        .analyze()
    ).violations.map((v) => v.id);
    expect(violations).toEqual([]);
    await stop.click();
    await page.getByRole("button", { name: "朗读", exact: true }).waitFor();
    const after = await tts(page);
    expect(after.spoken.map((s) => s.text)).toEqual(["社区养老服务站助餐点"]);
    // One cancel when reading began, one for the stop.
    expect(after.cancels).toBe(2);
    await page.waitForTimeout(200);
    expect((await tts(page)).spoken).toHaveLength(1);

    // Leaving the page while reading stops it too.
    await page.getByRole("button", { name: "朗读", exact: true }).click();
    await stop.waitFor();
    await page.locator("main a", { hasText: "微实事" }).first().click();
    await page.waitForURL(/\/projects\?community=/);
    await expect.poll(async () => (await tts(page)).cancels).toBe(4);
  });

  it("on an English page, English text gets the English voice and Chinese text the Chinese one", async () => {
    const page = await open("zh-en", { lng: "en" });
    await page.goto(`/projects/${ids.meals}`);
    // From the keyboard this time.
    expect(await readAll(page, "en", true)).toEqual([
      zh("社区养老服务站助餐点"),
      zh(MEALS[0]!),
      en("Description"),
      ...MEALS.slice(1).map(zh),
    ]);
  });

  it("reads a meeting page: topic, description, agenda", async () => {
    for (const lng of ["zh-CN", "en"] as const) {
      const page = await open("zh-en", { lng });
      await page.goto(`/meetings/${meetingId}`);
      const spoken = await readAll(page, lng);
      expect(spoken.slice(0, 4)).toEqual([
        zh("垃圾分类督导志愿者招募"),
        zh("每天早晚高峰需要督导志愿者。"),
        zh("议一议排班、培训和积分奖励。"),
        lng === "zh-CN" ? zh("议程") : en("Agenda"),
      ]);
      expect(spoken.slice(4).map((s) => s.text)).toEqual(
        lng === "zh-CN"
          ? ["排班需求 （约 20 分钟）", "培训安排 （约 20 分钟）", "积分兑换 （约 20 分钟）"]
          : ["排班需求 (about 20 min)", "培训安排 (about 20 min)", "积分兑换 (about 20 min)"],
      );
    }
  });

  it("reads a poll page: question and description", async () => {
    for (const lng of ["zh-CN", "en"] as const) {
      const page = await open("zh-en", { lng });
      await page.goto(`/polls/${ids.parking}`);
      expect(await readAll(page, lng)).toEqual([
        zh("社区停车位划线方案选哪一个？"),
        zh("上次圆桌会议商量了夜间停车难的问题，物业和设计单位拿出了三个方案。"),
        zh("请每户居民选出您最赞成的一个，得票最多的方案报街道审批。"),
      ]);
    }
  });

  it("waits for voices that load late", async () => {
    const page = await open("late", { lng: "zh-CN" });
    await page.goto(`/polls/${ids.parking}`);
    await page.getByRole("button", { name: "朗读", exact: true }).waitFor();
  });

  it("shows no button without a voice for the language, without speech synthesis, or in 长辈版", async () => {
    for (const lng of ["zh-CN", "en"] as const) {
      const page = await open("french", { lng });
      await page.goto(`/projects/${ids.meals}`);
      // Hydrated and asked for voices: still no button.
      await expect.poll(async () => (await tts(page)).getVoicesCalls).toBeGreaterThan(0);
      await page.waitForTimeout(300);
      expect(await page.getByRole("button", { name: LABELS[lng].start }).count()).toBe(0);
    }

    const none = await open("none", { lng: "zh-CN" });
    await none.goto(`/meetings/${meetingId}`);
    // The meeting page marks itself live once hydrated and subscribed.
    await none.locator("html[data-live=on]").waitFor();
    expect(await none.getByRole("button", { name: "朗读" }).count()).toBe(0);

    for (const [path, lng] of [
      [`/projects/${ids.meals}`, "zh-CN"],
      [`/meetings/${meetingId}`, "en"],
      [`/polls/${ids.parking}`, "zh-CN"],
    ] as const) {
      const lite = await open("zh-en", { lng, mode: "lite" });
      const response = await lite.goto(path);
      expect(await response!.text()).not.toContain(LABELS[lng].start);
      expect(await lite.locator("script").count()).toBe(0);
      expect(await lite.getByRole("button", { name: LABELS[lng].start }).count()).toBe(0);
    }
  });
});
