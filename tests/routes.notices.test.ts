/** /notifications and the header's count, as Remix calls them: the inbox, its forms, its refusals. */
import { createRequestHandler } from "@remix-run/node";
import { beforeEach, describe, expect, it } from "vitest";
import { getDb } from "../db/client.server";
import * as root from "~/root";
import * as printRoute from "~/routes/notifications_.print";
import { action, loader } from "~/routes/notifications";
import { requestMembership, decideMembership } from "~/services/communities/commands.server";
import { deliveriesSettled } from "~/services/notices/delivery.server";
import { run as runCommand } from "~/services/runner/command.server";
import type { Refusal } from "~/utils/forms.server";
import { routesBuild } from "./support/builds";
import { inboxPage } from "./support/inbox";
import {
  actorFor,
  cookieFor,
  makeCommittee,
  makeCommunity,
  makeUser,
  tableCounts,
} from "./support/factories";
import { body, formRequest, run } from "./support/remix";

let community: number;
let committeeId: number;
let residentId: number;
let membershipId: number;

beforeEach(async () => {
  community = await makeCommunity("翠苑");
  committeeId = await makeUser();
  await makeCommittee(committeeId, community);
  residentId = await makeUser();
  membershipId = await runCommand(requestMembership, await actorFor(residentId), {
    communityId: community,
  });
  await runCommand(decideMembership, await actorFor(committeeId), {
    membershipId,
    decision: "decline",
    reason: "地址不符",
  });
  await deliveriesSettled();
});

async function inbox(cookie: string | null, search = "") {
  return run(
    loader,
    new Request(`http://localhost/notifications${search}`, {
      headers: cookie ? { Cookie: cookie } : {},
    }),
  );
}

const post = (cookie: string | null, fields: Record<string, string>) =>
  run(action, formRequest("/notifications", fields, cookie ? { Cookie: cookie } : {}));

interface Inbox {
  notices: Array<{ id: number; kind: string; readAt: string | null }>;
  unread: number;
  older: number | null;
}

const noticeRows = () => getDb().selectFrom("notices").selectAll().orderBy("id").execute();

describe("/notifications", () => {
  it("sends a visitor to sign in and back", async () => {
    const res = await inbox(null, "?before=3");
    expect(res.status).toBe(302);
    expect(res.headers.get("Location")).toBe(
      `/login?next=${encodeURIComponent("/notifications?before=3")}`,
    );
    const posted = await post(null, { intent: "readAll" });
    expect(posted.status).toBe(302);
    expect(posted.headers.get("Location")).toMatch(/^\/login\?next=/);
  });

  it("lists the person's own notices, newest first, unread marked", async () => {
    const resident = await body<Inbox>(await inbox(await cookieFor(residentId)));
    expect(resident.notices.map((n) => [n.kind, n.readAt])).toEqual([["membership.decided", null]]);
    expect(resident.unread).toBe(1);
    const committee = await body<Inbox>(await inbox(await cookieFor(committeeId)));
    expect(committee.notices.map((n) => n.kind)).toEqual(["membership.asked"]);
  });

  it("pages back with ?before=, and ignores someone else's id there", async () => {
    const at = new Date().toISOString();
    await getDb()
      .insertInto("notices")
      .values(
        Array.from({ length: 25 }, (_, i) => ({
          userId: residentId,
          outboxId: 50_000 + i,
          kind: "membership.asked" as const,
          subjectType: "community",
          subjectId: community,
          params: "{}",
          createdAt: new Date(Date.parse(at) - (i + 1) * 60_000).toISOString(),
        })),
      )
      .execute();
    const cookie = await cookieFor(residentId);
    const first = await body<Inbox>(await inbox(cookie));
    expect(first.notices).toHaveLength(20);
    expect(first.older).not.toBeNull();
    const second = await body<Inbox>(await inbox(cookie, `?before=${first.older}`));
    expect(second.notices).toHaveLength(6);
    expect(second.older).toBeNull();
    const ids = [...first.notices, ...second.notices].map((n) => n.id);
    expect(new Set(ids).size).toBe(26);
    const theirs = (await noticeRows()).find((n) => n.userId === committeeId)!;
    const stranger = await body<Inbox>(await inbox(cookie, `?before=${theirs.id}`));
    expect(stranger.notices.map((n) => n.id)).toEqual(first.notices.map((n) => n.id));
  });

  it("marks one read, then all; refuses another person's notice with 404, writing nothing", async () => {
    const rows = await noticeRows();
    const mine = rows.find((n) => n.userId === residentId)!;
    const theirs = rows.find((n) => n.userId === committeeId)!;
    const resident = await cookieFor(residentId);

    const before = await tableCounts();
    const refused = await post(resident, { intent: "read", noticeId: String(theirs.id) });
    expect(refused.status).toBe(404);
    expect((await body<Refusal>(refused)).errors._form?.key).toBe("notice:errors.notFound");
    expect(await noticeRows()).toEqual(rows);
    expect(await tableCounts()).toEqual(before);

    const cases: Array<[Record<string, string>, number, string]> = [
      [{ intent: "explode" }, 400, "errors.badForm"],
      [{ intent: "read", noticeId: "abc" }, 400, "errors.badForm"],
      [{ intent: "read" }, 400, "errors.badForm"],
    ];
    for (const [fields, status, key] of cases) {
      const res = await post(resident, fields);
      expect(res.status, JSON.stringify(fields)).toBe(status);
      expect((await body<Refusal>(res)).errors._form?.key, JSON.stringify(fields)).toBe(key);
    }
    expect(await noticeRows()).toEqual(rows);

    const read = await post(resident, { intent: "read", noticeId: String(mine.id) });
    expect(read.headers.get("Location")).toBe("/notifications?done=read");
    expect((await body<Inbox>(await inbox(resident))).unread).toBe(0);

    const committee = await cookieFor(committeeId);
    const all = await post(committee, { intent: "readAll", upTo: String(theirs.id) });
    expect(all.headers.get("Location")).toBe("/notifications?done=readAll");
    expect((await body<Inbox>(await inbox(committee))).unread).toBe(0);
  });
});

describe("the header", () => {
  it("carries the unread count for a signed-in person, and none for a visitor", async () => {
    const ask = async (cookie: string | null) =>
      body<{ unread: number }>(
        await run(
          root.loader,
          new Request("http://localhost/", { headers: cookie ? { Cookie: cookie } : {} }),
        ),
      );
    expect((await ask(await cookieFor(residentId))).unread).toBe(1);
    expect((await ask(null)).unread).toBe(0);
  });

  const page = (lng: string, mode: string, userId: number) => inboxPage(lng, mode, userId);

  const WORDS = {
    "zh-CN": {
      sentence: "你加入翠苑区的申请没有通过。",
      reason: "原因：地址不符",
      count: "1 条未读",
      unread: "未读",
      mark: "标为已读",
    },
    en: {
      sentence: "Your request to join 翠苑 was declined.",
      reason: "Reason: 地址不符",
      count: "1 unread",
      unread: "Unread",
      mark: "Mark read",
    },
  } as const;

  for (const lng of ["zh-CN", "en"] as const) {
    for (const mode of ["full", "lite"] as const) {
      it(`${lng} ${mode}: the inbox says what happened, with its link, and the header counts it`, async () => {
        const w = WORDS[lng];
        const html = await page(lng, mode, residentId);
        expect(html).toContain(w.sentence);
        expect(html).toContain(w.reason);
        expect(html).toContain(`href="/communities/${community}"`);
        expect(html).toContain(`<strong>${w.unread}</strong>`);
        expect(html).toContain(`>${w.mark}</button>`);
        // The header's link with its count, on this page as on every other.
        expect(html).toMatch(
          new RegExp(
            `<a[^>]*href="/notifications"[^>]*>[^<]*<!-- -->[^<]*<span class="badge">${w.count}</span>`,
          ),
        );
        if (mode === "lite") expect(html).not.toContain("<script");
        else expect(html).toContain("<script");
      });
    }
  }
});

describe("/notifications/print", () => {
  const handler = createRequestHandler(
    routesBuild({
      root: ["", undefined, root],
      "routes/notifications_.print": ["notifications/print", "root", printRoute],
    }),
  );
  const sheet = async (cookie: string) =>
    handler(new Request("http://localhost/notifications/print", { headers: { Cookie: cookie } }));

  it("sends a visitor to sign in and back", async () => {
    const res = await run(printRoute.loader, new Request("http://localhost/notifications/print"));
    expect(res.status).toBe(302);
    expect(res.headers.get("Location")).toBe(
      `/login?next=${encodeURIComponent("/notifications/print")}`,
    );
  });

  for (const lng of ["zh-CN", "en"] as const) {
    it(`${lng}: prints the person's own notices, with the reason and the address, and marks nothing read`, async () => {
      const w = {
        "zh-CN": { sentence: "你加入翠苑区的申请没有通过。", reason: "原因：地址不符" },
        en: { sentence: "Your request to join 翠苑 was declined.", reason: "Reason: 地址不符" },
      }[lng];
      const res = await sheet(`lng=${lng}; ${await cookieFor(residentId)}`);
      expect(res.status).toBe(200);
      const html = await res.text();
      expect(html).toContain(w.sentence);
      expect(html).toContain(w.reason);
      expect(html).toMatch(new RegExp(`<a href="[^"]*/communities/${community}">`));
      // A paper sheet: no site header with its navigation.
      expect(html).not.toContain('class="site-header"');
      // The committee's notice (someone asked to join) is theirs, not the resident's.
      expect(html).not.toMatch(/申请加入翠苑区，请审核|asked to join/);
      const mine = (await noticeRows()).filter((n) => n.userId === residentId);
      expect(mine.map((n) => n.readAt)).toEqual([null]);
    });
  }

  it("prints the committee's own notices for the committee", async () => {
    const html = await (await sheet(`lng=en; ${await cookieFor(committeeId)}`)).text();
    expect(html).not.toContain("Your request to join 翠苑 was declined.");
    expect(html).toContain(`/communities/${community}`);
  });
});
