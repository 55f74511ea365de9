/**
 * 意见征集 end to end (issue 18, "Tests"): the committee starts a conversation with seed
 * statements; a resident votes in standard mode with JavaScript (the next statement takes the
 * card's place without a page load), changes a vote, and writes a statement with the
 * near-duplicates shown as they type; another resident votes in 长辈版 with JavaScript off and
 * writes a statement past the "similar statements" check; the map of so few votes says so
 * plainly. On the demo seed's conversation the committee moderates the waiting statement (a
 * rejection without a reason is refused, the text kept), sees the map (the scatter and its
 * tables), and attaches a consensus statement to an agenda item of the meeting; the meeting page
 * and its printed agenda show it.
 */
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import en from "../public/locales/en/conversations.json";
import zh from "../public/locales/zh-CN/conversations.json";
import { launch, mainText, newContext, signIn, submitAndWait } from "./support/browser";
import { seededCommunity, seededConversation } from "./support/seeded";

let browser: Browser;
const contexts: BrowserContext[] = [];
let council: number;
let seeded: { id: number; meetingId: number | null; statements: number[] };

beforeAll(async () => {
  browser = await launch();
  council = (await seededCommunity("dongpo")).council;
  seeded = await seededConversation(council);
});
afterAll(async () => {
  for (const c of contexts) await c.close();
  await browser?.close();
});

async function as(
  login: string,
  opts: { lng: "zh-CN" | "en"; mode: "full" | "lite"; js: boolean },
): Promise<Page> {
  const ctx = await newContext(browser, opts);
  contexts.push(ctx);
  const page = await ctx.newPage();
  await signIn(page, login);
  return page;
}

const SEEDS = [
  "楼道里应该装感应灯",
  "电动车不应该停在楼道里",
  "小区应该增设电动车充电桩",
  "快递柜应该放在小区门口",
  "广场舞音乐晚上九点以后应该停",
  "垃圾分类点应该加装洗手池",
  "小区绿地不应该改成停车位",
  "物业应该每月公开收支",
];

const statementText = (page: Page) => page.locator("#vote blockquote.statement").innerText();

describe("意见征集", () => {
  let url = "";

  it("the committee starts a conversation with seed statements", async () => {
    const chair = await as("committee", { lng: "zh-CN", mode: "full", js: true });
    await chair.goto(`/councils/${council}/conversations/new`);
    await chair
      .locator("#f-question")
      .fill(`楼道和停车，大家怎么看？ e2e ${Date.now().toString(36)}`);
    await chair.locator("#f-description").fill("下次圆桌会讨论楼道和停车，先听听大家的看法。");
    await chair.locator("#f-seeds").fill(SEEDS.join("\n"));
    await submitAndWait(
      chair,
      chair.getByRole("button", { name: zh.new.submit, exact: true }),
      /\/conversations\/\d+\?done=created/,
    );
    url = new URL(chair.url()).pathname;
    await expect.poll(() => mainText(chair)).toContain(zh.new.created);
  });

  it("a resident votes with JavaScript: the next statement comes without a page load", async () => {
    const resident = await as("resident", { lng: "zh-CN", mode: "full", js: true });
    await resident.goto(url);
    // The card posts through its fetcher once the page is hydrated (it then says so in the form).
    await resident.locator('#vote input[name="via"]').waitFor({ state: "attached" });
    await resident.evaluate(() => {
      (window as unknown as { journeyMark: number }).journeyMark = 18;
    });
    const seen: string[] = [];
    for (const answer of [zh.vote.agree, zh.vote.disagree, zh.vote.pass, zh.vote.agree]) {
      const before = await statementText(resident);
      seen.push(before);
      await resident.getByRole("button", { name: answer, exact: true }).click();
      await expect.poll(() => statementText(resident)).not.toBe(before);
    }
    expect(new Set(seen).size).toBe(4);
    for (const s of seen) expect(SEEDS).toContain(s);
    // The same document all along: a page load would have dropped the mark.
    expect(
      await resident.evaluate(() => (window as unknown as { journeyMark?: number }).journeyMark),
    ).toBe(18);
    expect(await mainText(resident)).toContain(zh.vote.remaining.replace("{{n}}", "4"));

    // Changing a vote: from the person's own list (a plain form; the page comes back).
    // Opened as a click would, but without toggling it shut should it be open already.
    const openMine = () =>
      resident.locator("details.my-votes").evaluate((d) => {
        (d as HTMLDetailsElement).open = true;
      });
    await openMine();
    const first = resident.locator("details.my-votes li", { hasText: seen[0]! });
    await expect.poll(() => first.innerText()).toContain(zh.vote.agree);
    await submitAndWait(
      resident,
      first.getByRole("button", { name: `${zh.mine.change} ${zh.vote.disagree}` }),
      /done=voted/,
    );
    await openMine();
    await expect
      .poll(() => resident.locator("details.my-votes li", { hasText: seen[0]! }).innerText())
      .toContain(zh.mine.yours.replace("{{vote}}", zh.vote.disagree));

    // Writing: similar statements show while typing.
    const body = resident.locator("#f-body-statement");
    await body.fill("电动车充电桩");
    await expect
      .poll(() => resident.locator(".similar").innerText(), { timeout: 10_000 })
      .toContain("小区应该增设电动车充电桩");
    await body.fill("地下车库应该给电动车划出专门的充电区域");
    await submitAndWait(
      resident,
      resident.getByRole("button", { name: zh.write.submit, exact: true }),
      /done=submitted/,
    );
    await expect.poll(() => mainText(resident)).toContain(zh.write.submitted);
  });

  it("another resident votes in 长辈版 without JavaScript, and writes past the similar check", async () => {
    const elder = await as("laozhang", { lng: "en", mode: "lite", js: false });
    await elder.goto(url);
    expect(await elder.locator("script").count()).toBe(0);
    expect(await elder.locator("svg").count()).toBe(0);
    for (const answer of [en.vote.agree, en.vote.disagree, en.vote.pass]) {
      const before = await statementText(elder);
      await submitAndWait(
        elder,
        elder.getByRole("button", { name: answer, exact: true }),
        /done=voted/,
      );
      expect(await statementText(elder)).not.toBe(before);
      expect(await mainText(elder)).toContain(en.vote.voted);
    }
    // A statement others already made: the page shows them and asks before taking it.
    await elder.locator("#f-body-statement").fill("电动车不应该停在楼道里");
    await elder.getByRole("button", { name: en.write.submit, exact: true }).click();
    await elder.waitForLoadState("load");
    await expect
      .poll(() => elder.locator(".similar").innerText())
      .toContain("电动车不应该停在楼道里");
    expect(await elder.locator("#f-body-statement").inputValue()).toBe("电动车不应该停在楼道里");
    await elder.locator("#f-body-statement").fill("电动车不应该停在楼道里，容易起火");
    await elder.getByRole("button", { name: en.write.postAnyway, exact: true }).click();
    await elder.waitForLoadState("load");
    // Changed text is checked again; once confirmed on it, it is taken.
    if (!elder.url().includes("done=submitted")) {
      await submitAndWait(
        elder,
        elder.getByRole("button", { name: en.write.postAnyway, exact: true }),
        /done=submitted/,
      );
    }
    expect(await mainText(elder)).toContain(en.write.submitted);
    expect(await elder.locator("script").count()).toBe(0);
  });

  it("the map of two voters says plainly that there are too few votes", async () => {
    const chair = await as("committee", { lng: "zh-CN", mode: "full", js: false });
    await chair.goto(url);
    // The map is recomputed off the request path, a moment after the votes.
    await expect
      .poll(
        async () => {
          await chair.reload();
          return mainText(chair);
        },
        { timeout: 20_000, interval: 1_000 },
      )
      .toContain(zh.map.tooFew);
    expect(await chair.locator("#map svg").count()).toBe(0);
  });

  it("on the seeded conversation the committee moderates, sees the map, attaches to the agenda; the meeting shows it", async () => {
    expect(seeded.meetingId).not.toBeNull();
    const chair = await as("committee", { lng: "zh-CN", mode: "full", js: true });
    const seededUrl = `/conversations/${seeded.id}`;
    await chair.goto(seededUrl);

    // Moderation: a rejection needs its reason; refused, the form says so.
    const waiting = chair.locator("#moderate li").first();
    const pendingText = await waiting.locator("p").first().innerText();
    await waiting.getByRole("button", { name: zh.moderate.reject, exact: true }).click();
    await expect.poll(() => mainText(chair)).toContain(zh.errors.reasonRequired);
    await submitAndWait(
      chair,
      chair
        .locator("#moderate li")
        .first()
        .getByRole("button", { name: zh.moderate.accept, exact: true }),
      /done=moderated/,
    );
    await expect.poll(() => mainText(chair)).toContain(zh.moderate.done);
    expect(await chair.locator("#moderate").innerText()).not.toContain(
      pendingText.replace(/^#\d+\s*/, ""),
    );

    // The map: the scatter, named, and its tables.
    const svg = chair.locator('#map svg[role="img"]');
    await expect.poll(() => svg.count()).toBe(1);
    expect(await chair.locator("#map svg title").textContent()).toMatch(/意见地图/);
    expect(await chair.locator("#map").innerText()).toContain(zh.map.consensus);
    expect(await chair.locator("#map table").count()).toBeGreaterThanOrEqual(3);

    // Attach a consensus statement to an agenda item other than the one the seed used.
    const options = await chair
      .locator("#f-agendaItemId option")
      .evaluateAll((os) =>
        os.map((o) => ({ value: (o as HTMLOptionElement).value, text: o.textContent ?? "" })),
      );
    const item = options.find((o) => !o.text.endsWith("居民意见")) ?? options[0]!;
    await chair.locator("#f-agendaItemId").selectOption(item.value);
    await chair.locator("#f-kind").selectOption("consensus");
    const box = chair.locator('#f-statementIds input[type="checkbox"]').first();
    const statementId = await box.getAttribute("value");
    const label = await chair.locator("#f-statementIds label").first().innerText();
    const body = label.replace(/^#\d+\s*/, "").replace(/\s*\([^)]*\)$/, "");
    await box.check();
    await submitAndWait(
      chair,
      chair.getByRole("button", { name: zh.attach.submit, exact: true }),
      /done=attached/,
    );
    await expect.poll(() => mainText(chair)).toContain(zh.attach.done);

    const line = `观点 #${statementId}（共识）：${body}`;
    const meeting = await as("resident", { lng: "zh-CN", mode: "lite", js: false });
    await meeting.goto(`/meetings/${seeded.meetingId}`);
    expect(await meeting.locator("#agenda-title + ol").innerText()).toContain(line);
    await meeting.goto(`/meetings/${seeded.meetingId}/print`);
    expect(await mainText(meeting)).toContain(line);
  });
});
