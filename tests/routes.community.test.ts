/** The community page's actions, as Remix calls them: the journey and its refusals. */
import { describe, expect, it } from "vitest";
import type { Area } from "../db/schema";
import { action, loader } from "~/routes/communities.$id._index";
import { loader as auditLoader } from "~/routes/communities.$id.audit";
import type { Refusal } from "~/utils/forms.server";
import {
  cookieFor,
  makeCommittee,
  makeCommunity,
  makeProject,
  makeUser,
  tableCounts,
} from "./support/factories";
import { body, formRequest, run } from "./support/remix";

async function post(community: number, cookie: string | null, fields: Record<string, string>) {
  return run(
    action,
    formRequest(`/communities/${community}`, fields, cookie ? { Cookie: cookie } : {}),
    {
      id: String(community),
    },
  );
}

async function page(community: number, cookie: string | null) {
  const res = await run(
    loader,
    new Request(`http://localhost/communities/${community}`, {
      headers: cookie ? { Cookie: cookie } : {},
    }),
    {
      id: String(community),
    },
  );
  return {
    status: res.status,
    data: res.status === 200 ? await body<Record<string, unknown>>(res) : null,
  };
}

describe("community page", () => {
  it("takes a resident from request to verified", async () => {
    const community = await makeCommunity();
    const resident = await cookieFor(await makeUser({ displayName: "赵小川" }));
    const committeeId = await makeUser();
    await makeCommittee(committeeId, community);
    const committee = await cookieFor(committeeId);

    const asked = await post(community, resident, { intent: "request" });
    expect(asked.headers.get("Location")).toBe(`/communities/${community}?done=requested`);

    const view = await page(community, committee);
    const pending = view.data!.pending as Array<{ id: number; displayName: string }>;
    expect(pending.map((p) => p.displayName)).toEqual(["赵小川"]);
    // Residents do not see the queue.
    expect((await page(community, resident)).data!.pending).toBeNull();

    const decided = await post(community, committee, {
      intent: "decide",
      membershipId: String(pending[0]!.id),
      decision: "verify",
    });
    expect(decided.headers.get("Location")).toBe(`/communities/${community}?done=verified`);
    expect(((await page(community, resident)).data!.mine as { status: string }).status).toBe(
      "verified",
    );
  });

  it("sends anonymous posts to sign in and writes nothing", async () => {
    const community = await makeCommunity();
    const before = await tableCounts();
    const res = await post(community, null, { intent: "request" });
    expect(res.status).toBe(302);
    expect(res.headers.get("Location")).toMatch(/^\/login\?next=/);
    expect(await tableCounts()).toEqual(before);
  });

  it("refuses a resident's forged decision on their own request, writing nothing", async () => {
    const community = await makeCommunity();
    const cookie = await cookieFor(await makeUser());
    await post(community, cookie, { intent: "request" });
    const before = await tableCounts();
    const res = await post(community, cookie, {
      intent: "decide",
      membershipId: "1",
      decision: "verify",
    });
    expect(res.status).toBe(403);
    expect((await body<Refusal>(res)).errors._form?.key).toBe("errors.forbidden");
    expect(await tableCounts()).toEqual(before);
  });

  it("refuses malformed forms: unknown intent, bad ids, bad decisions, missing reasons", async () => {
    const community = await makeCommunity();
    const committeeId = await makeUser();
    await makeCommittee(committeeId, community);
    const committee = await cookieFor(committeeId);
    const resident = await cookieFor(await makeUser());
    await post(community, resident, { intent: "request" });
    const pending = (await page(community, committee)).data!.pending as Array<{ id: number }>;
    const id = String(pending[0]!.id);
    const before = await tableCounts();
    const cases: Array<[Record<string, string>, number, string, string]> = [
      [{ intent: "explode" }, 400, "_form", "errors.badForm"],
      [
        { intent: "decide", membershipId: "abc", decision: "verify" },
        400,
        "membershipId",
        "errors.invalidType",
      ],
      [
        { intent: "decide", membershipId: id, decision: "maybe" },
        400,
        "decision",
        "errors.invalidChoice",
      ],
      [
        { intent: "decide", membershipId: "999999", decision: "verify" },
        404,
        "_form",
        "community:errors.membershipNotFound",
      ],
      [
        { intent: "decide", membershipId: id, decision: "decline", reason: "" },
        400,
        "reason",
        "community:errors.reasonRequired",
      ],
      [
        { intent: "decide", membershipId: id, decision: "decline", reason: "长".repeat(201) },
        400,
        "reason",
        "errors.tooLong",
      ],
      [{ intent: "appoint", login: "someone" }, 403, "_form", "errors.forbidden"],
    ];
    for (const [fields, status, field, key] of cases) {
      const res = await post(community, committee, fields);
      expect(res.status, JSON.stringify(fields)).toBe(status);
      expect((await body<Refusal>(res)).errors[field]?.key, JSON.stringify(fields)).toBe(key);
    }
    expect(await tableCounts()).toEqual(before);
  });

  it("names the district and the street above the community, from the top down", async () => {
    const community = await makeCommunity("望江");
    const { page: p } = (await page(community, null)).data as {
      page: { community: Area; ancestors: Area[] };
    };
    expect(p.community.nameEn).toBe("望江");
    expect(p.ancestors.map((a) => a.level)).toEqual(["district", "street"]);
    expect(p.ancestors[0]!.parentId).toBeNull();
    expect(p.ancestors[1]!.parentId).toBe(p.ancestors[0]!.id);
    expect(p.community.parentId).toBe(p.ancestors[1]!.id);
    // A street is no community: its page is not found.
    expect((await page(p.ancestors[1]!.id, null)).status).toBe(404);
  });

  it("lists the community's five newest projects and counts them all", async () => {
    const community = await makeCommunity();
    const ids: number[] = [];
    for (let i = 0; i < 6; i++) ids.push(await makeProject(community));
    const { projects } = (await page(community, null)).data as {
      projects: { items: Array<{ id: number }>; total: number };
    };
    expect(projects.items.map((p) => p.id)).toEqual(ids.slice(1).reverse());
    expect(projects.total).toBe(6);
  });

  it("answers 404 for unknown and malformed community ids", async () => {
    expect((await page(424242, null)).status).toBe(404);
    expect((await page("abc" as unknown as number, null)).status).toBe(404);
  });

  it("shows the audit log to the committee only", async () => {
    const community = await makeCommunity();
    const committeeId = await makeUser();
    await makeCommittee(committeeId, community);
    const req = (cookie: string) =>
      new Request(`http://localhost/communities/${community}/audit`, {
        headers: { Cookie: cookie },
      });
    const ok = await run(auditLoader, req(await cookieFor(committeeId)), { id: String(community) });
    expect(ok.status).toBe(200);
    const no = await run(auditLoader, req(await cookieFor(await makeUser())), {
      id: String(community),
    });
    expect(no.status).toBe(403);
  });
});
