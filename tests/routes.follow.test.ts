/**
 * 关注 and the notice settings as pages (issue 16, items 3 and 4): the plain forms render without
 * JavaScript in 长辈版 and in both languages, post to the pages' actions, and refusals answer with
 * their message and write nothing.
 */
import { createRequestHandler } from "@remix-run/node";
import { beforeEach, describe, expect, it } from "vitest";
import { getDb } from "../db/client.server";
import * as root from "~/root";
import * as councilRoute from "~/routes/councils.$id._index";
import * as notificationsRoute from "~/routes/notifications";
import * as projectRoute from "~/routes/projects.$id._index";
import * as settingsRoute from "~/routes/settings";
import { proposeProject } from "~/services/projects/commands.server";
import { run as runCommand } from "~/services/runner/command.server";
import type { Refusal } from "~/utils/forms.server";
import { routesBuild } from "./support/builds";
import {
  cookieFor,
  makeCommunity,
  makeCouncil,
  makeResident,
  projectInput,
  tableCounts,
} from "./support/factories";
import { body, formRequest, run } from "./support/remix";

let community: number;
let councilId: number;
let residentId: number;
let cookie: string;

beforeEach(async () => {
  community = await makeCommunity("翠苑");
  councilId = await makeCouncil(community, "翠苑圆桌会");
  const resident = await makeResident(community);
  residentId = resident.userId!;
  cookie = await cookieFor(residentId);
});

const handler = createRequestHandler(
  routesBuild({
    root: ["", undefined, root],
    "routes/councils.$id._index": ["councils/:id", "root", councilRoute],
    "routes/settings": ["settings", "root", settingsRoute],
    "routes/notifications": ["notifications", "root", notificationsRoute],
  }),
);

async function page(path: string, lng: string, mode: string, who: string | null = cookie) {
  const c = [`lng=${lng}`, `mode=${mode}`, ...(who ? [who] : [])].join("; ");
  const res = await handler(new Request(`http://localhost${path}`, { headers: { Cookie: c } }));
  return { status: res.status, html: await res.text() };
}

const followsOf = (userId: number) =>
  getDb()
    .selectFrom("follows")
    .select(["subjectType", "subjectId"])
    .where("userId", "=", userId)
    .execute();

describe("the 关注 button", () => {
  const WORDS = {
    "zh-CN": { follow: "关注", following: "已关注", unfollow: "取消关注", done: "已关注。" },
    en: { follow: "Follow", following: "Following", unfollow: "Unfollow", done: "Following." },
  } as const;
  for (const lng of ["zh-CN", "en"] as const) {
    for (const mode of ["full", "lite"] as const) {
      it(`${lng} ${mode}: follows the council by a plain form, then offers to unfollow`, async () => {
        const w = WORDS[lng];
        const before = await page(`/councils/${councilId}`, lng, mode);
        expect(before.status).toBe(200);
        expect(before.html).toContain('name="intent" value="follow"');
        expect(before.html).toContain(`>${w.follow}</button>`);
        if (mode === "lite") expect(before.html).not.toContain("<script");
        // The form names nothing but its intent; a forged subject is overridden by the address.
        const posted = await run(
          councilRoute.action,
          formRequest(
            `/councils/${councilId}`,
            { intent: "follow", subjectType: "meeting", subjectId: "999" },
            { Cookie: cookie },
          ),
          { id: String(councilId) },
        );
        expect(posted.status).toBe(302);
        expect(posted.headers.get("Location")).toBe(`/councils/${councilId}?follow=on`);
        expect(await followsOf(residentId)).toEqual([
          { subjectType: "council", subjectId: councilId },
        ]);
        const after = await page(`/councils/${councilId}?follow=on`, lng, mode);
        expect(after.html).toContain(w.done);
        expect(after.html).toContain(w.following);
        expect(after.html).toContain(`>${w.unfollow}</button>`);
        const off = await run(
          councilRoute.action,
          formRequest(`/councils/${councilId}`, { intent: "unfollow" }, { Cookie: cookie }),
          { id: String(councilId) },
        );
        expect(off.headers.get("Location")).toBe(`/councils/${councilId}?follow=off`);
        expect(await followsOf(residentId)).toEqual([]);
      });
    }
  }

  it("shows no button to a visitor, and asks one who posts to sign in", async () => {
    const visitor = await page(`/councils/${councilId}`, "zh-CN", "lite", null);
    expect(visitor.status).toBe(200);
    expect(visitor.html).not.toContain('value="follow"');
    const posted = await run(
      councilRoute.action,
      formRequest(`/councils/${councilId}`, { intent: "follow" }),
      { id: String(councilId) },
    );
    expect(posted.status).toBe(302);
    expect(posted.headers.get("Location")).toMatch(/^\/login\?next=/);
  });

  it("refuses to follow a draft project through its page: not found, nothing written", async () => {
    const proposer = await makeResident(community);
    const draft = await runCommand(proposeProject, proposer, {
      ...projectInput(community),
      photo: null,
    });
    const before = await tableCounts();
    const res = await run(
      projectRoute.action,
      formRequest(`/projects/${draft}`, { intent: "follow" }, { Cookie: cookie }),
      { id: String(draft) },
    );
    expect(res.status).toBe(404);
    expect((await body<Refusal>(res)).errors._form?.key).toBe("notice:errors.followNotFound");
    expect(await tableCounts()).toEqual(before);
  });
});

describe("/settings: notices", () => {
  for (const mode of ["full", "lite"] as const) {
    it(`${mode}: lists every kind with a checkbox, protected ones ticked and fixed, and quiet`, async () => {
      const { status, html } = await page("/settings", "zh-CN", mode);
      expect(status).toBe(200);
      expect(html).toContain('name="intent" value="notices"');
      expect(html).toContain('name="kinds" value="meeting.changed"');
      expect(html).not.toContain('name="kinds" value="membership.decided"');
      expect(html).toMatch(/name="on" disabled="" checked="" value="membership.decided"/);
      expect(html).toContain("我的居民认证结果（必收）");
      expect(html).toContain('name="quiet"');
      expect(html).toContain("你还没有关注什么");
    });
  }

  const post = (fields: Record<string, string | string[]>) =>
    run(settingsRoute.action, formRequest("/settings", fields, { Cookie: cookie }));

  it("saves the switches; refuses a forged protected kind with its message, writing nothing", async () => {
    const before = await tableCounts();
    const forged = await post({ intent: "notices", kinds: ["meeting.changed", "project.stepped"] });
    expect(forged.status).toBe(400);
    expect((await body<Refusal>(forged)).errors.kinds?.key).toBe("notice:errors.protectedKind");
    const unknown = await post({ intent: "notices", kinds: "no.such" });
    expect(unknown.status).toBe(400);
    expect((await body<Refusal>(unknown)).errors.kinds?.key).toBe("notice:errors.unknownKind");
    expect(await tableCounts()).toEqual(before);
    const saved = await post({ intent: "notices", kinds: ["meeting.changed"], quiet: "on" });
    expect(saved.headers.get("Location")).toBe("/settings?done=notices#notices");
    const { html } = await page("/settings?done=notices", "en", "lite");
    expect(html).toContain("Notice settings saved.");
    expect(html).toMatch(/id="notice-quiet" name="quiet" checked="" value="on"/);
  });

  it("unfollows from the list", async () => {
    await run(
      councilRoute.action,
      formRequest(`/councils/${councilId}`, { intent: "follow" }, { Cookie: cookie }),
      { id: String(councilId) },
    );
    const { html } = await page("/settings", "zh-CN", "lite");
    expect(html).toContain(`href="/councils/${councilId}"`);
    const res = await post({
      intent: "unfollow",
      subjectType: "council",
      subjectId: String(councilId),
    });
    expect(res.headers.get("Location")).toBe("/settings?done=unfollowed#follows");
    expect(await followsOf(residentId)).toEqual([]);
  });
});

describe("/notifications?digest=", () => {
  it("is not found for a digest that is not the person's", async () => {
    const { status } = await page("/notifications?digest=12345", "zh-CN", "lite");
    expect(status).toBe(404);
  });
});
