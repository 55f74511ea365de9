/**
 * Issue 16's journey: the committee moves a meeting, and a resident signed up for it is told, with
 * the new place and time, and finds the meeting moved. In standard mode with JavaScript the
 * resident's open page counts the notice live, without a reload; in 长辈版 without JavaScript the
 * header counts it on the next page. Each run has a meeting of its own, so no other journey's
 * meeting moves.
 */
import type { Browser, Locator } from "playwright-core";
import { inject } from "vitest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "../db/client.server";
import { launch, mainText, newContext, signIn, submitAndWait } from "./support/browser";
import { seededCommunity } from "./support/seeded";

let browser: Browser;
beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

const T = {
  "zh-CN": { place: /^地点/, save: "保存修改", moved: "改了时间或地点" },
  en: { place: /^Place/, save: "Save the changes", moved: "has a new time or place" },
};

/** The unread count the header shows (the demo resident has notices of their own already). */
const unread = async (link: Locator) => Number(/(\d+)/.exec(await link.innerText())?.[1] ?? 0);

/**
 * A meeting of the community's council two months ahead (later than every seeded one, so that no
 * other journey takes it for the seeded "upcoming" meeting), with `resident` signed up for it.
 */
async function meetingWithResident(topic: string): Promise<number> {
  const { council } = await seededCommunity("dongpo");
  const db = openDatabase(inject("dbPath"));
  try {
    const day = 86_400_000;
    const now = Date.now();
    const { id } = await db
      .insertInto("meetings")
      .values({
        councilId: council,
        topic,
        description: "e2e",
        startsAt: new Date(now + 60 * day).toISOString(),
        endsAt: new Date(now + 60 * day + 7_200_000).toISOString(),
        place: "社区活动室",
        status: "scheduled",
        isPublic: 1,
        createdAt: new Date(now).toISOString(),
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await db
      .insertInto("agendaItems")
      .values({ meetingId: id, position: 1, title: "议题", minutes: 30 })
      .execute();
    await db
      .insertInto("seatKinds")
      .values({ meetingId: id, kind: "resident", capacity: 20 })
      .execute();
    const resident = await db
      .selectFrom("users")
      .select("id")
      .where("username", "=", "resident")
      .executeTakeFirstOrThrow();
    await db
      .insertInto("rsvps")
      .values({
        meetingId: id,
        userId: resident.id,
        kind: "resident",
        createdAt: new Date(now).toISOString(),
      })
      .execute();
    return id;
  } finally {
    await db.destroy();
  }
}

async function journey(lng: "zh-CN" | "en", mode: "full" | "lite") {
  const t = T[lng];
  const js = mode === "full";
  const stamp = Date.now().toString(36);
  const id = await meetingWithResident(`e2e 改期 ${stamp}`);
  const newPlace = `新会场 ${stamp}`;

  // The resident is on the meeting's page before anything changes.
  const residentCtx = await newContext(browser, { lng, mode, js });
  const resident = await residentCtx.newPage();
  await signIn(resident, "resident");
  await resident.goto(`/meetings/${id}`);
  if (!js) expect(await resident.locator("script").count()).toBe(0);
  const link = resident.locator("a.notices-link");
  const before = await unread(link);

  // The committee moves it to another place.
  const committeeCtx = await newContext(browser, { lng, mode, js });
  const committee = await committeeCtx.newPage();
  await signIn(committee, "committee");
  await committee.goto(`/meetings/${id}/edit`);
  await committee.getByLabel(t.place).fill(newPlace);
  await submitAndWait(committee, committee.getByRole("button", { name: t.save }), /done=edited/);
  await committeeCtx.close();

  if (js) {
    // Counted live on the page the resident has open.
    await expect.poll(() => unread(link), { timeout: 15_000 }).toBe(before + 1);
    // The small list under the count says it too, without leaving the page.
    await resident.locator(".notices-latest summary").click();
    const listed = resident.locator(".notices-panel li", { hasText: newPlace });
    await expect.poll(() => listed.count(), { timeout: 15_000 }).toBe(1);
    expect(await listed.innerText()).toContain(t.moved);
    expect(resident.url()).toMatch(new RegExp(`/meetings/${id}$`));
  } else {
    // 长辈版 has no script: no list that could not open, only the link.
    expect(await resident.locator(".notices-latest").count()).toBe(0);
    await resident.reload();
    expect(await unread(link)).toBe(before + 1);
  }
  await link.click();
  await resident.waitForURL(/\/notifications/);
  const notice = resident.locator("main li", { hasText: newPlace });
  expect(await notice.innerText()).toContain(t.moved);
  await notice.getByRole("link").first().click();
  await resident.waitForURL(new RegExp(`/meetings/${id}$`));
  expect(await mainText(resident)).toContain(newPlace);
  if (!js) expect(await resident.locator("script").count()).toBe(0);
  await residentCtx.close();
}

describe("a meeting that moves, told to the resident signed up for it", () => {
  it("in standard mode with JavaScript, live, in Chinese", async () => {
    await journey("zh-CN", "full");
  });

  it("in 长辈版 without JavaScript, in English", async () => {
    await journey("en", "lite");
  });
});
