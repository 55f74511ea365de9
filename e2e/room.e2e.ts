/**
 * The discussion room in Chromium: with two browsers in standard mode a resident posts, the
 * moderator hides it, the resident raises a hand and gets the floor, all live. While live, the
 * page offers no refresh links (they come back when the connection drops, and are there without
 * JavaScript and in 长辈版), and 举报 reads as a link. Then the same room in 长辈版 with JavaScript
 * off: read, post, RSVP.
 */
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seededCommunity } from "./support/seeded";
import { launch, newContext, signIn, submitAndWait } from "./support/browser";

let browser: Browser;
let liveMeeting = 0;
let upcomingMeeting = 0;

beforeAll(async () => {
  browser = await launch();
  // 青年路社区's council: its live meeting (room) and an upcoming one (RSVP).
  const seeded = await seededCommunity("qingnian");
  liveMeeting = seeded.live;
  upcomingMeeting = seeded.upcoming;
});
afterAll(async () => {
  await browser?.close();
});

describe("discussion room", () => {
  it("live: a resident posts, the moderator hides it, the resident raises a hand and gets the floor", async () => {
    const residentCtx = await newContext(browser, { mode: "full" });
    const modCtx = await newContext(browser, { mode: "full" });
    const resident = await residentCtx.newPage();
    const mod = await modCtx.newPage();
    await signIn(resident, "hejun");
    await signIn(mod, "c-qingnian");
    const room = `/meetings/${liveMeeting}/room`;
    await resident.goto(room);
    await mod.goto(room);
    await resident.locator("html[data-live=on]").waitFor();
    await mod.locator("html[data-live=on]").waitFor();

    const text = `电梯噪音太大了 ${Date.now().toString(36)}`;
    await resident.getByLabel("我要说").fill(text);
    await resident.getByRole("button", { name: "发送" }).click();
    // The moderator sees it arrive without reloading.
    const item = mod.locator("li.message", { hasText: text });
    await item.waitFor({ timeout: 10_000 });

    await item.getByLabel("隐藏原因").fill("与议题无关");
    await item.getByRole("button", { name: "隐藏" }).click();
    // Others see the moderator's reason; the author still sees their own words.
    const own = resident.locator("li.message", { hasText: "已被主持人隐藏：与议题无关" });
    await own.waitFor({ timeout: 10_000 });
    expect(await own.innerText()).toContain(text);

    // The demo data already has this resident's hand up: lower it, then raise it again.
    const lower = resident.getByRole("button", { name: "放下手（取消排队）" });
    if (await lower.count()) await lower.click();
    await resident.getByRole("button", { name: "举手排队发言" }).click();
    await mod.getByText(/排队发言：.*何军/).waitFor({ timeout: 10_000 });
    await mod.getByLabel("给谁发言权").selectOption({ label: "何军" });
    await mod.getByRole("button", { name: "给予发言权" }).click();
    await resident.getByText("正在发言：何军").waitFor({ timeout: 10_000 });
    await resident.getByRole("timer").waitFor();
    expect(await resident.getByRole("timer").innerText()).toMatch(/还剩 \d+ 秒/);

    await residentCtx.close();
    await modCtx.close();
  });

  it("live: too long is refused before sending; a post the server cuts for size stays, with a notice", async () => {
    const ctx = await newContext(browser, { mode: "full" });
    const page = await ctx.newPage();
    // Every frame of the page's socket goes through here to the real server. While `pad` is on,
    // a post is padded past the server's packet ceiling (64 KB) on its way, as a page out of date
    // or forged would send it, and the server closes the connection itself.
    let pad = false;
    const posts: string[] = [];
    await page.routeWebSocket(/\/socket\.io\//, (ws) => {
      const server = ws.connectToServer();
      ws.onMessage((frame) => {
        const text = String(frame);
        if (!text.includes('"room:post"')) return server.send(frame);
        posts.push(text);
        server.send(pad ? text.replace('"body":', `"pad":"${"x".repeat(70_000)}","body":`) : frame);
      });
    });
    await signIn(page, "hejun");
    await page.goto(`/meetings/${liveMeeting}/room`);
    await page.locator("html[data-live=on]").waitFor();
    const box = page.getByLabel("我要说");
    const alert = page.getByRole("alert");

    // 6,000 characters (18 KB, past the server's event limit), where the box's own maxlength no
    // longer holds: the page refuses them with the server's words and sends nothing.
    await box.evaluate((el) => el.removeAttribute("maxlength"));
    const long = "长".repeat(6_000);
    await box.fill(long);
    await page.getByRole("button", { name: "发送" }).click();
    await alert.getByText("最多 2000 个字。").waitFor();
    expect(await box.inputValue()).toBe(long);
    expect(posts).toEqual([]);

    pad = true;
    const text = `楼道灯坏了 ${Date.now().toString(36)}`;
    await box.fill(text);
    await page.getByRole("button", { name: "发送" }).click();
    await alert.getByText(/这条发言太大/).waitFor();
    expect(posts).toHaveLength(1);
    // The socket comes back by itself; the notice and the draft stay.
    pad = false;
    await page.locator("html[data-live=on]").waitFor({ timeout: 15_000 });
    expect(await alert.innerText()).toContain("发言还在输入框里");
    expect(await box.inputValue()).toBe(text);
    expect(await page.locator("li.message", { hasText: text }).count()).toBe(0);
    await ctx.close();
  });

  it("live: no refresh links while messages come by themselves, back while the connection is down; 举报 is quiet", async () => {
    const ctx = await newContext(browser, { mode: "full" });
    const page = await ctx.newPage();
    // The socket's way to the server, cut at will: its WebSocket closed, its long polling refused.
    let cut = false;
    const sockets: Array<{ close: () => Promise<void> }> = [];
    await page.routeWebSocket(/\/socket\.io\//, (ws) => {
      if (cut) return void ws.close();
      ws.connectToServer();
      sockets.push(ws);
    });
    await page.route(/\/socket\.io\//, (route) => (cut ? route.abort() : route.continue()));
    await signIn(page, "hejun");
    await page.goto(`/meetings/${liveMeeting}/room`);
    await page.locator("html[data-live=on]").waitFor();
    const refresh = page.getByRole("link", { name: "刷新", exact: true });
    const auto = page.getByRole("link", { name: "每 30 秒自动刷新" });
    expect(await refresh.count()).toBe(0);
    expect(await auto.count()).toBe(0);

    // Others' messages carry a report button that reads as a link: no border, no fill,
    // underlined, and still a 44 px target.
    const report = page.locator("li.message").getByRole("button", { name: "举报" }).first();
    const look = await report.evaluate((el) => {
      const s = getComputedStyle(el);
      return {
        border: s.borderTopColor,
        background: s.backgroundColor,
        underline: s.textDecorationLine,
      };
    });
    expect(look).toEqual({
      border: "rgba(0, 0, 0, 0)",
      background: "rgba(0, 0, 0, 0)",
      underline: "underline",
    });
    const box = (await report.boundingBox())!;
    expect(Math.min(box.width, box.height)).toBeGreaterThanOrEqual(44);

    // The connection drops: refreshing by hand is the way again.
    cut = true;
    await Promise.all(sockets.map((ws) => ws.close()));
    await refresh.waitFor({ timeout: 10_000 });
    expect(await auto.count()).toBe(1);
    // It comes back: the links go.
    cut = false;
    await page.locator("html[data-live=on]").waitFor({ timeout: 20_000 });
    await refresh.waitFor({ state: "detached" });
    expect(await auto.count()).toBe(0);
    await ctx.close();
  });

  it.each([
    ["standard mode without JavaScript", { mode: "full", js: false }],
    ["长辈版 in a browser that runs scripts", { mode: "lite", js: true }],
  ] as const)("%s: the refresh links are there", async (_label, opts) => {
    const ctx = await newContext(browser, opts);
    const page = await ctx.newPage();
    await page.goto(`/meetings/${liveMeeting}/room`);
    await page.getByRole("link", { name: "刷新", exact: true }).waitFor();
    expect(await page.getByRole("link", { name: "每 30 秒自动刷新" }).count()).toBe(1);
    await ctx.close();
  });

  it("长辈版 without JavaScript: read the room, post, and sign up for a meeting", async () => {
    const ctx = await newContext(browser, { mode: "lite", js: false, lng: "en" });
    const page = await ctx.newPage();
    await signIn(page, "songmei");
    await page.goto(`/meetings/${liveMeeting}/room`);
    expect(await page.locator("script").count()).toBe(0);
    expect(await page.getByRole("heading", { name: "Messages", exact: true }).count()).toBe(1);
    const text = `Too many cars at night ${Date.now().toString(36)}`;
    await page.getByLabel("What I want to say").fill(text);
    await submitAndWait(page, page.getByRole("button", { name: "Send" }), /done=posted/);
    expect(await page.locator("li.message").first().innerText()).toContain(text);
    // Refreshing is the reader's choice: a link, and an opt-in auto-refresh.
    expect(await page.locator('meta[http-equiv="refresh"]').count()).toBe(0);
    await page.getByRole("link", { name: "Refresh every 30 seconds" }).click();
    expect(await page.locator('meta[http-equiv="refresh"]').getAttribute("content")).toBe("30");

    await page.goto(`/meetings/${upcomingMeeting}`);
    const cancel = page.getByRole("button", { name: "Cancel my place" });
    if (await cancel.count()) await submitAndWait(page, cancel, /done=cancelled/);
    await submitAndWait(page, page.getByRole("button", { name: "I will attend" }), /done=rsvped/);
    expect(await page.getByRole("status").innerText()).toContain("You are signed up");
    expect(await page.locator("script").count()).toBe(0);
    await ctx.close();
  });
});
