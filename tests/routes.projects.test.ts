/**
 * The micro-project pages as Remix calls them, with real (multipart) Requests: proposing with a
 * photo, the lifecycle through the project page's actions, editing, the photo route, the public
 * list's URL filters and the community's support threshold. Every refusal is checked for its
 * status, its key on the right field, the form kept as typed, and nothing written (photos are rows
 * too).
 */
import sharp from "sharp";
import { beforeAll, describe, expect, it } from "vitest";
import { getDb } from "../db/client.server";
import {
  action as communityAction,
  loader as communityLoader,
} from "~/routes/communities.$id._index";
import { loader as listLoader } from "~/routes/projects._index";
import { action as projectAction, loader as projectLoader } from "~/routes/projects.$id._index";
import { action as editAction, loader as editLoader } from "~/routes/projects.$id.edit";
import { loader as photoLoader } from "~/routes/projects.$id.photo";
import { action as newAction } from "~/routes/projects.new";
import { proposeProject, takeStep } from "~/services/projects/commands.server";
import { supportProject } from "~/services/projects/participation.server";
import { run as runCommand } from "~/services/runner/command.server";
import { projectSchema } from "~/domain/projects/schemas";
import type { Refusal } from "~/utils/forms.server";
import {
  actorFor,
  cookieFor,
  gridsOf,
  makeCommittee,
  makeCommunity,
  makeMembership,
  makeOrganisation,
  makeUser,
  wholeDbSnapshot,
} from "./support/factories";
import { body, formRequest, run } from "./support/remix";

/** The names of every stored photo. */
const uploaded = async () =>
  (await getDb().selectFrom("photos").select("name").orderBy("name").execute()).map((r) => r.name);

let png: Uint8Array<ArrayBuffer>;
beforeAll(async () => {
  png = new Uint8Array(
    await sharp({ create: { width: 800, height: 600, channels: 3, background: "#369" } })
      .png()
      .toBuffer(),
  );
});

type Fields = Record<string, string | string[]>;
interface Upload {
  bytes: Uint8Array<ArrayBuffer>;
  name?: string;
  type?: string;
}

/** A multipart POST as a browser sends it: FormData, with the boundary set by the Request itself. */
function multipart(
  urlPath: string,
  fields: Fields,
  opts: { cookie?: string | null; photo?: Upload } = {},
): Request {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) for (const x of [v].flat()) form.append(k, x);
  if (opts.photo) {
    form.append(
      "photo",
      new File([opts.photo.bytes], opts.photo.name ?? "p.png", {
        type: opts.photo.type ?? "image/png",
      }),
    );
  }
  const req = new Request(`http://localhost${urlPath}`, {
    method: "POST",
    body: form,
    headers: opts.cookie ? { Cookie: opts.cookie } : {},
  });
  expect(req.headers.get("Content-Type")).toMatch(/^multipart\/form-data; boundary=\S+$/);
  return req;
}

function get(urlPath: string, cookie: string | null = null): Request {
  return new Request(`http://localhost${urlPath}`, { headers: cookie ? { Cookie: cookie } : {} });
}

/** A project form that passes, with two filled budget rows and one spare blank row. */
function projectFields(communityId: number, change: Fields = {}): Fields {
  return {
    title: "楼道感应灯改造",
    summary: "为老旧小区楼道加装感应灯，方便夜间出行",
    description: "小区共有十二个单元，楼道照明损坏多年，居民夜间上下楼不便，计划统一更换为感应灯。",
    communityId: String(communityId),
    organisationId: "",
    gridId: "",
    place: "3号楼",
    category: "communityService",
    beneficiaries: "3号楼居民约200人",
    startsOn: "2030-01-01",
    endsOn: "2030-03-01",
    itemLabel: ["感应灯", "人工", ""],
    itemAmount: ["3000", "1500", ""],
    ...change,
  };
}

/** The refusal's errors as field → key, to say "this key on this field, and nothing else". */
function keys(data: Refusal): Record<string, string> {
  return Object.fromEntries(Object.entries(data.errors).map(([f, e]) => [f, e.key]));
}

/** Runs a request that must be refused: nothing in the database (photos included) may change. */
async function refused(make: () => Promise<Response>): Promise<Response> {
  const db = await wholeDbSnapshot();
  expect(db).toHaveProperty("photos");
  const res = await make();
  expect(await wholeDbSnapshot()).toEqual(db);
  return res;
}

function propose(cookie: string | null, fields: Fields, photo?: Upload) {
  return run(newAction, multipart("/projects/new", fields, { cookie, photo }));
}

function act(id: number, cookie: string | null, fields: Fields) {
  return run(
    projectAction,
    formRequest(`/projects/${id}`, fields, cookie ? { Cookie: cookie } : {}),
    { id: String(id) },
  );
}

async function view(id: number, cookie: string | null = null) {
  const res = await run(projectLoader, get(`/projects/${id}`, cookie), { id: String(id) });
  return {
    status: res.status,
    data:
      res.status === 200
        ? await body<{
            project: {
              status: string;
              supportCount: number;
              hasPhoto: boolean;
              spentTotal: number;
            };
            comments: Array<{ id: number; parentId: number | null; hidden: boolean }>;
            updates: Array<{ kind: string; spent: number }>;
            viewer: { supported: boolean; steps: string[]; canEdit: boolean; rated: number | null };
          }>(res)
        : null,
  };
}

function photo(id: number, cookie: string | null = null, etag?: string) {
  const req = get(`/projects/${id}/photo`, cookie);
  if (etag) req.headers.set("If-None-Match", etag);
  return run(photoLoader, req, { id: String(id) });
}

function idFrom(res: Response): number {
  const m = /^\/projects\/(\d+)\?done=created$/.exec(res.headers.get("Location") ?? "");
  expect(m, res.headers.get("Location") ?? `status ${res.status}`).not.toBeNull();
  return Number(m![1]);
}

async function storedPhoto(id: number): Promise<string | null> {
  const row = await getDb()
    .selectFrom("projects")
    .select("photo")
    .where("id", "=", id)
    .executeTakeFirstOrThrow();
  return row.photo;
}

/** A community with a verified proposer, two more residents, a committee member and a stranger. */
async function cast() {
  const community = await makeCommunity();
  const proposerId = await makeUser({ displayName: "陈阿姨" });
  await makeMembership(proposerId, community, "verified");
  const residentIds = [await makeUser(), await makeUser()];
  for (const r of residentIds) await makeMembership(r, community, "verified");
  const committeeId = await makeUser();
  await makeCommittee(committeeId, community);
  const strangerId = await makeUser();
  return {
    community,
    proposerId,
    proposer: await cookieFor(proposerId),
    residents: await Promise.all(residentIds.map(cookieFor)),
    committee: await cookieFor(committeeId),
    stranger: await cookieFor(strangerId),
  };
}

describe("POST /projects/new", () => {
  it("creates a draft with its photo; the photo is private until the project is submitted", async () => {
    const c = await cast();
    const before = await uploaded();
    const res = await propose(c.proposer, projectFields(c.community), { bytes: png });
    expect(res.status).toBe(302);
    const id = idFrom(res);

    const name = await storedPhoto(id);
    expect(name).toMatch(/^[0-9a-f]{32}\.webp$/);
    expect(await uploaded()).toEqual([...before, name!].sort());
    const p = await getDb()
      .selectFrom("projects")
      .select(["status", "budgetTotal", "proposerId", "title"])
      .where("id", "=", id)
      .executeTakeFirstOrThrow();
    expect(p).toEqual({
      status: "draft",
      budgetTotal: 4500,
      proposerId: c.proposerId,
      title: "楼道感应灯改造",
    });
    const items = await getDb()
      .selectFrom("projectBudgetItems")
      .select(["label", "amount"])
      .where("projectId", "=", id)
      .orderBy("position")
      .execute();
    // The spare blank row is not an item.
    expect(items).toEqual([
      { label: "感应灯", amount: 3000 },
      { label: "人工", amount: 1500 },
    ]);

    const mine = await photo(id, c.proposer);
    expect(mine.status).toBe(200);
    expect(mine.headers.get("Content-Type")).toBe("image/webp");
    expect(mine.headers.get("Cache-Control")).toBe("private, max-age=86400");
    expect(mine.headers.get("ETag")).toBe(`"${name}"`);
    const meta = await sharp(Buffer.from(await mine.arrayBuffer())).metadata();
    expect(meta.format).toBe("webp");
    expect([meta.width, meta.height]).toEqual([800, 600]);
    // The browser's copy is still good: no bytes. Another ETag gets them.
    const cached = await photo(id, c.proposer, `"${name}"`);
    expect([cached.status, await cached.text()]).toEqual([304, ""]);
    expect(cached.headers.get("ETag")).toBe(`"${name}"`);
    expect((await photo(id, c.proposer, '"other.webp"')).status).toBe(200);

    expect((await photo(id, null)).status).toBe(404);
    expect((await photo(id, c.stranger)).status).toBe(404);
    expect((await photo(id, c.residents[0]!)).status).toBe(404);
    // Knowing the ETag opens nothing: a draft's photo stays private.
    expect((await photo(id, c.stranger, `"${name}"`)).status).toBe(404);

    const submitted = await act(id, c.proposer, { intent: "step", step: "submit" });
    expect(submitted.headers.get("Location")).toBe(`/projects/${id}?done=step-submit`);
    const open = await photo(id, null);
    expect(open.status).toBe(200);
    expect(open.headers.get("Content-Type")).toBe("image/webp");
  });

  it("proposes without a photo (an empty file input sends no file)", async () => {
    const c = await cast();
    const res = await run(
      newAction,
      multipart("/projects/new", projectFields(c.community), {
        cookie: c.proposer,
        photo: {
          bytes: new Uint8Array(new ArrayBuffer(0)),
          name: "",
          type: "application/octet-stream",
        },
      }),
    );
    const id = idFrom(res);
    expect(await storedPhoto(id)).toBeNull();
    expect((await photo(id, c.proposer)).status).toBe(404);
  });

  it.each([
    ["12.5", "a fraction"],
    ["-3", "a negative amount"],
    ["0", "zero"],
    ["abc", "letters"],
    ["", "an empty amount beside a label"],
  ])(
    "refuses the budget amount %j (%s) on `budget` with its row, keeping every row",
    async (amount) => {
      const c = await cast();
      const fields = projectFields(c.community, {
        itemLabel: ["感应灯", "人工", ""],
        itemAmount: ["3000", amount, ""],
      });
      const res = await refused(() => propose(c.proposer, fields, { bytes: png }));
      expect(res.status).toBe(400);
      const data = await body<Refusal>(res);
      expect(data.errors.budget).toEqual({
        key: "project:errors.itemAmount",
        params: { row: 2, max: 1_000_000 },
      });
      expect(Object.keys(data.errors)).toEqual(["budget"]);
      expect(data.lists).toEqual({
        itemLabel: ["感应灯", "人工", ""],
        itemAmount: ["3000", amount, ""],
      });
      expect(data.values).toMatchObject({
        title: "楼道感应灯改造",
        communityId: String(c.community),
        startsOn: "2030-01-01",
      });
      // The photo is not echoed back as a value.
      expect(data.values).not.toHaveProperty("photo");
    },
  );

  it("refuses a text file sent as the photo with 400 on `photo`, keeping the form", async () => {
    const c = await cast();
    const text = new TextEncoder().encode("这不是图片，只是一段文字。\n".repeat(20));
    const res = await refused(() =>
      propose(c.proposer, projectFields(c.community), {
        bytes: new Uint8Array(text),
        name: "notes.png",
        type: "image/png",
      }),
    );
    expect(res.status).toBe(400);
    const data = await body<Refusal>(res);
    expect(keys(data)).toEqual({ photo: "project:errors.photoNotImage" });
    expect(data.values.title).toBe("楼道感应灯改造");
    expect(data.lists?.itemAmount).toEqual(["3000", "1500", ""]);
  });

  it("refuses a photo a little over 2 MB with 413 on `photo`, keeping the form", async () => {
    const c = await cast();
    const big = new Uint8Array(new ArrayBuffer(Math.round(2.2 * 1024 * 1024)));
    for (let i = 0; i < big.length; i += 65536) crypto.getRandomValues(big.subarray(i, i + 65536));
    const res = await refused(() =>
      propose(c.proposer, projectFields(c.community), { bytes: big, name: "big.jpg" }),
    );
    expect(res.status).toBe(413);
    const data = await body<Refusal>(res);
    expect(data.errors).toEqual({
      photo: { key: "project:errors.photoTooBig", params: { max: 2 } },
    });
    expect(data.values).toMatchObject({ title: "楼道感应灯改造", place: "3号楼" });
    expect(data.lists?.itemLabel).toEqual(["感应灯", "人工", ""]);
  });

  it("refuses a body over 3 MB with a page-level 413 before reading it", async () => {
    const c = await cast();
    const huge = new Uint8Array(new ArrayBuffer(3 * 1024 * 1024 + 10_000));
    const res = await refused(() =>
      propose(c.proposer, projectFields(c.community), { bytes: huge }),
    );
    expect(res.status).toBe(413);
    expect(await body(res)).toEqual({ error: { key: "errors.tooLarge" } });
  });

  it("refuses someone who is not a verified resident with 403, storing no photo", async () => {
    const c = await cast();
    const pendingId = await makeUser();
    await makeMembership(pendingId, c.community, "pending");
    for (const cookie of [await cookieFor(pendingId), c.stranger]) {
      const res = await refused(() => propose(cookie, projectFields(c.community), { bytes: png }));
      expect(res.status).toBe(403);
      const data = await body<Refusal>(res);
      expect(data.errors._form?.key).toBe("errors.forbidden");
      expect(data.values.title).toBe("楼道感应灯改造");
    }
  });

  it("sends a signed-out proposal to sign in, writing nothing", async () => {
    const c = await cast();
    const res = await refused(() => propose(null, projectFields(c.community), { bytes: png }));
    expect(res.status).toBe(302);
    expect(res.headers.get("Location")).toBe(`/login?next=${encodeURIComponent("/projects/new")}`);
  });

  it("refuses a proposal in the name of an organisation the proposer does not belong to", async () => {
    const c = await cast();
    const org = await makeOrganisation({ communities: [c.community], members: [await makeUser()] });
    const res = await refused(() =>
      propose(c.proposer, projectFields(c.community, { organisationId: String(org) }), {
        bytes: png,
      }),
    );
    expect(res.status).toBe(403);
    const data = await body<Refusal>(res);
    expect(data.errors._form?.key).toBe("errors.forbidden");
    expect(data.values.organisationId).toBe(String(org));
  });

  it("lets an organisation's member propose in its name, for a community it serves only", async () => {
    const c = await cast();
    const memberIds = [await makeUser(), await makeUser()];
    const org = await makeOrganisation({ communities: [c.community], members: memberIds });
    const [first, second] = await Promise.all(memberIds.map(cookieFor));
    const id = idFrom(
      await propose(first!, projectFields(c.community, { organisationId: String(org) })),
    );
    // The draft belongs to the organisation: its other member sees it, a resident does not.
    expect((await view(id, second!)).data!.viewer.canEdit).toBe(true);
    expect((await view(id, c.proposer)).status).toBe(404);

    const notServed = await makeCommunity();
    const res = await refused(() =>
      propose(first!, projectFields(notServed, { organisationId: String(org) }), { bytes: png }),
    );
    expect(res.status).toBe(400);
    expect(keys(await body<Refusal>(res))).toEqual({
      communityId: "project:errors.organisationDoesNotServe",
    });

    const pendingOrg = await makeOrganisation({
      communities: [c.community],
      members: [memberIds[0]!],
      status: "pending",
    });
    const pending = await refused(() =>
      propose(first!, projectFields(c.community, { organisationId: String(pendingOrg) })),
    );
    expect(pending.status).toBe(409);
    expect(keys(await body<Refusal>(pending))).toEqual({
      organisationId: "project:errors.organisationNotVerified",
    });
  });

  it("refuses a grid of another community on `gridId`", async () => {
    const c = await cast();
    const elsewhere = await makeCommunity();
    const [grid] = await gridsOf(elsewhere);
    const res = await refused(() =>
      propose(c.proposer, projectFields(c.community, { gridId: String(grid) }), { bytes: png }),
    );
    expect(res.status).toBe(400);
    expect((await body<Refusal>(res)).errors.gridId?.key).toBe("project:errors.badGrid");
  });
});

describe("the project page's actions", () => {
  it("carries a project from draft to rated, with its refusals on the way", async () => {
    const c = await cast();
    const [alice, bob] = c.residents as [string, string];
    const id = idFrom(await propose(c.proposer, projectFields(c.community)));

    // A draft exists only for its proposer.
    expect((await view(id, null)).status).toBe(404);
    expect((await view(id, c.stranger)).status).toBe(404);
    expect((await view(id, alice)).status).toBe(404);
    expect((await view(id, c.proposer)).data!.viewer.steps).toEqual(["submit"]);
    const hidden = await refused(() => act(id, alice, { intent: "step", step: "submit" }));
    expect(hidden.status).toBe(404);

    const submit = await act(id, c.proposer, { intent: "step", step: "submit" });
    expect(submit.status).toBe(302);
    expect(submit.headers.get("Location")).toBe(`/projects/${id}?done=step-submit`);
    expect((await view(id, null)).data!.project.status).toBe("submitted");

    // A resident, a stranger and the proposer may not review.
    for (const who of [alice, c.stranger, c.proposer]) {
      const res = await refused(() => act(id, who, { intent: "step", step: "startReview" }));
      expect(res.status).toBe(403);
      const data = await body<Refusal>(res);
      expect(data.errors._form?.key).toBe("errors.forbidden");
      expect(data.values).toEqual({ intent: "step", step: "startReview" });
    }

    // Forged or missing step names.
    for (const fields of [
      { intent: "step", step: "constructor" },
      { intent: "step", step: "__proto__" },
      { intent: "step", step: "toString" },
      { intent: "step", step: "hasOwnProperty" },
      { intent: "step" },
      { intent: "step", step: ["submit", "accept"] },
    ] as Fields[]) {
      const res = await refused(() => act(id, c.committee, fields));
      expect(res.status, JSON.stringify(fields)).toBe(400);
      expect((await body<Refusal>(res)).errors._form?.key).toBe("errors.badForm");
    }

    // A step that does not start from here.
    const early = await refused(() => act(id, c.committee, { intent: "step", step: "accept" }));
    expect(early.status).toBe(409);
    expect((await body<Refusal>(early)).errors._form?.key).toBe("project:errors.stepNotAllowed");

    expect(
      (await act(id, c.committee, { intent: "step", step: "startReview" })).headers.get("Location"),
    ).toBe(`/projects/${id}?done=step-startReview`);

    // A rejection must say why.
    for (const reason of [undefined, "", "  ", "否"]) {
      const fields: Fields = { intent: "step", step: "reject" };
      if (reason !== undefined) fields.reason = reason;
      const res = await refused(() => act(id, c.committee, fields));
      expect(res.status, JSON.stringify(reason)).toBe(400);
      const data = await body<Refusal>(res);
      expect(data.errors.reason?.key).toBe(reason === "否" ? "errors.tooShort" : "errors.required");
      expect(data.values.step).toBe("reject");
    }

    expect(
      (await act(id, c.committee, { intent: "step", step: "accept" })).headers.get("Location"),
    ).toBe(`/projects/${id}?done=step-accept`);

    // Supports: once per resident, and only residents.
    expect((await act(id, alice, { intent: "support" })).headers.get("Location")).toBe(
      `/projects/${id}?done=supported`,
    );
    const again = await refused(() => act(id, alice, { intent: "support" }));
    expect(again.status).toBe(409);
    const againData = await body<Refusal>(again);
    expect(keys(againData)).toEqual({ _form: "project:errors.alreadySupported" });
    expect(againData.values).toEqual({ intent: "support" });
    const outsider = await refused(() => act(id, c.stranger, { intent: "support" }));
    expect(outsider.status).toBe(403);
    await act(id, bob, { intent: "support" });
    expect((await view(id, alice)).data!.project.supportCount).toBe(2);
    expect((await view(id, alice)).data!.viewer.supported).toBe(true);
    expect((await act(id, bob, { intent: "withdraw" })).headers.get("Location")).toBe(
      `/projects/${id}?done=withdrawn`,
    );
    const notSupporting = await refused(() => act(id, bob, { intent: "withdraw" }));
    expect(notSupporting.status).toBe(404);
    expect((await body<Refusal>(notSupporting)).errors._form?.key).toBe(
      "project:errors.notSupported",
    );
    expect((await view(id, null)).data!.project.supportCount).toBe(1);

    // Comments: one level of replies.
    const commented = await act(id, alice, { intent: "comment", body: "支持，楼道太黑了" });
    const top = Number(/#comment-(\d+)$/.exec(commented.headers.get("Location")!)![1]);
    const replied = await act(id, bob, {
      intent: "comment",
      body: "同意",
      parentId: String(top),
    });
    expect(replied.status).toBe(302);
    const reply = Number(/#comment-(\d+)$/.exec(replied.headers.get("Location")!)![1]);
    const nested = await refused(() =>
      act(id, alice, { intent: "comment", body: "回复的回复", parentId: String(reply) }),
    );
    expect(nested.status).toBe(400);
    const nestedData = await body<Refusal>(nested);
    expect(nestedData.errors.body?.key).toBe("project:errors.badParent");
    expect(nestedData.values.body).toBe("回复的回复");
    const emptyComment = await refused(() => act(id, alice, { intent: "comment", body: " " }));
    expect(emptyComment.status).toBe(400);
    expect((await body<Refusal>(emptyComment)).errors.body?.key).toBe("errors.required");
    expect((await view(id, null)).data!.comments.map((x) => [x.id, x.parentId])).toEqual([
      [top, null],
      [reply, top],
    ]);

    // Flags: not one's own, and a reason is needed.
    const own = await refused(() =>
      act(id, alice, { intent: "flag", commentId: String(top), reason: "自己举报自己" }),
    );
    expect(own.status).toBe(409);
    expect((await body<Refusal>(own)).errors._form?.key).toBe("project:errors.flagOwn");
    const noReason = await refused(() =>
      act(id, bob, { intent: "flag", commentId: String(top), reason: "" }),
    );
    expect(noReason.status).toBe(400);
    expect((await body<Refusal>(noReason)).errors.reason?.key).toBe("errors.required");
    // A reason too short carries its minimum, so the page can say "at least 2".
    const short = await refused(() =>
      act(id, bob, { intent: "flag", commentId: String(top), reason: "x" }),
    );
    expect(short.status).toBe(400);
    const shortData = await body<Refusal>(short);
    expect(shortData.errors.reason).toEqual({ key: "errors.tooShort", params: { min: 2 } });
    expect(shortData.values).toMatchObject({ intent: "flag", reason: "x" });
    const badComment = await refused(() =>
      act(id, bob, { intent: "flag", commentId: "abc", reason: "广告" }),
    );
    expect(badComment.status).toBe(400);
    expect((await body<Refusal>(badComment)).errors._form?.key).toBe("errors.badForm");
    expect(
      (await act(id, bob, { intent: "flag", commentId: String(top), reason: "广告" })).status,
    ).toBe(302);

    // Moderation is the committee's.
    const residentHides = await refused(() =>
      act(id, bob, { intent: "hide", commentId: String(top), reason: "不文明" }),
    );
    expect(residentHides.status).toBe(403);
    expect(
      (
        await act(id, c.committee, { intent: "hide", commentId: String(top), reason: "人身攻击" })
      ).headers.get("Location"),
    ).toBe(`/projects/${id}?done=hidden#comment-${top}`);
    expect((await view(id, null)).data!.comments[0]!.hidden).toBe(true);
    expect((await act(id, c.committee, { intent: "restore", commentId: String(top) })).status).toBe(
      302,
    );
    expect((await view(id, null)).data!.comments[0]!.hidden).toBe(false);

    // Unknown intents.
    for (const fields of [
      { intent: "explode" },
      {},
      { intent: ["support", "withdraw"] },
    ] as Fields[]) {
      const res = await refused(() => act(id, alice, fields));
      expect(res.status, JSON.stringify(fields)).toBe(400);
      expect((await body<Refusal>(res)).errors._form?.key).toBe("errors.badForm");
    }

    // Rating waits for completion.
    const tooEarly = await refused(() => act(id, alice, { intent: "rate", score: "5" }));
    expect(tooEarly.status).toBe(409);
    expect((await body<Refusal>(tooEarly)).errors._form?.key).toBe("project:errors.notCompleted");

    // Selected by the committee, carried out by the proposer.
    expect((await act(id, c.committee, { intent: "step", step: "select" })).status).toBe(302);
    expect((await act(id, c.proposer, { intent: "step", step: "start" })).status).toBe(302);
    const badSpent = await refused(() =>
      act(id, c.proposer, {
        intent: "progress",
        body: "已采购感应灯",
        spent: "12.5",
        onDate: "2024-05-01",
      }),
    );
    expect(badSpent.status).toBe(400);
    expect((await body<Refusal>(badSpent)).errors.spent?.key).toBe("project:errors.amountWhole");
    const future = await refused(() =>
      act(id, c.proposer, {
        intent: "progress",
        body: "已采购感应灯",
        spent: "100",
        onDate: "2999-01-01",
      }),
    );
    expect(future.status).toBe(400);
    expect((await body<Refusal>(future)).errors.onDate?.key).toBe("project:errors.dateInFuture");
    expect(
      (
        await act(id, c.proposer, {
          intent: "progress",
          body: "已采购感应灯",
          spent: "3000",
          onDate: "2024-05-01",
        })
      ).headers.get("Location"),
    ).toBe(`/projects/${id}?done=progress#updates`);
    const noReport = await refused(() => act(id, c.proposer, { intent: "step", step: "complete" }));
    expect(noReport.status).toBe(400);
    expect((await body<Refusal>(noReport)).errors.body?.key).toBe("errors.required");
    expect(
      (
        await act(id, c.proposer, {
          intent: "step",
          step: "complete",
          body: "全部安装完成并验收",
          spent: "1400",
          onDate: "2024-06-01",
        })
      ).status,
    ).toBe(302);
    const done = (await view(id, alice)).data!;
    expect(done.project.status).toBe("completed");
    expect(done.project.spentTotal).toBe(4400);
    expect(done.updates.map((u) => [u.kind, u.spent])).toEqual([
      ["progress", 3000],
      ["final", 1400],
    ]);

    for (const score of ["0", "6", "4.5", "x"]) {
      const res = await refused(() => act(id, alice, { intent: "rate", score }));
      expect(res.status, score).toBe(400);
      expect((await body<Refusal>(res)).errors.score?.key).toBe("project:errors.badScore");
    }
    expect((await act(id, alice, { intent: "rate", score: "5" })).headers.get("Location")).toBe(
      `/projects/${id}?done=rated#rating`,
    );
    const twice = await refused(() => act(id, alice, { intent: "rate", score: "4" }));
    expect(twice.status).toBe(409);
    expect((await body<Refusal>(twice)).errors._form?.key).toBe("project:errors.alreadyRated");
    expect((await view(id, alice)).data!.viewer.rated).toBe(5);
  });

  it("sends signed-out actions to sign in and answers 404 for unknown projects", async () => {
    const c = await cast();
    const id = idFrom(await propose(c.proposer, projectFields(c.community)));
    await act(id, c.proposer, { intent: "step", step: "submit" });
    const res = await refused(() => act(id, null, { intent: "support" }));
    expect(res.status).toBe(302);
    expect(res.headers.get("Location")).toBe(
      `/login?next=${encodeURIComponent(`/projects/${id}`)}`,
    );
    expect((await view(999_999, c.proposer)).status).toBe(404);
    const missing = await refused(() => act(999_999, c.residents[0]!, { intent: "support" }));
    expect(missing.status).toBe(404);
    expect((await run(projectLoader, get("/projects/abc"), { id: "abc" })).status).toBe(404);
  });
});

describe("editing a project", () => {
  it("removes and replaces the photo, and refuses strangers", async () => {
    const c = await cast();
    const id = idFrom(await propose(c.proposer, projectFields(c.community), { bytes: png }));
    const first = (await storedPhoto(id))!;
    expect(await uploaded()).toContain(first);

    const page = await run(editLoader, get(`/projects/${id}/edit`, c.proposer), { id: String(id) });
    expect(page.status).toBe(200);
    expect(
      (await run(editLoader, get(`/projects/${id}/edit`, c.stranger), { id: String(id) })).status,
    ).toBe(404);
    const strangerPost = await refused(() =>
      run(
        editAction,
        multipart(`/projects/${id}/edit`, projectFields(c.community), { cookie: c.stranger }),
        { id: String(id) },
      ),
    );
    expect(strangerPost.status).toBe(404);

    // A replaced photo takes the old one's place, in the edit's own transaction.
    const replaced = await run(
      editAction,
      multipart(`/projects/${id}/edit`, projectFields(c.community, { title: "楼道感应灯更换" }), {
        cookie: c.proposer,
        photo: { bytes: png },
      }),
      { id: String(id) },
    );
    expect(replaced.headers.get("Location")).toBe(`/projects/${id}?done=saved`);
    const second = (await storedPhoto(id))!;
    expect(second).not.toBe(first);
    expect(await uploaded()).toContain(second);
    expect(await uploaded()).not.toContain(first);
    expect((await photo(id, c.proposer)).headers.get("ETag")).toBe(`"${second}"`);
    expect((await photo(id, c.proposer, `"${first}"`)).status).toBe(200);

    const removed = await run(
      editAction,
      multipart(`/projects/${id}/edit`, projectFields(c.community, { removePhoto: "yes" }), {
        cookie: c.proposer,
      }),
      { id: String(id) },
    );
    expect(removed.status).toBe(302);
    expect(await storedPhoto(id)).toBeNull();
    expect(await uploaded()).not.toContain(second);
    expect((await photo(id, c.proposer)).status).toBe(404);
    expect((await view(id, c.proposer)).data!.project.hasPhoto).toBe(false);
  });

  it("refuses a bad edit with 400, keeping the rows and the old photo", async () => {
    const c = await cast();
    const id = idFrom(await propose(c.proposer, projectFields(c.community), { bytes: png }));
    const kept = await storedPhoto(id);
    const res = await refused(() =>
      run(
        editAction,
        multipart(
          `/projects/${id}/edit`,
          projectFields(c.community, {
            itemLabel: ["灯", ""],
            itemAmount: ["-3", ""],
            removePhoto: "yes",
          }),
          { cookie: c.proposer, photo: { bytes: png } },
        ),
        { id: String(id) },
      ),
    );
    expect(res.status).toBe(400);
    const data = await body<Refusal>(res);
    expect(data.errors.budget).toEqual({
      key: "project:errors.itemAmount",
      params: { row: 1, max: 1_000_000 },
    });
    expect(data.lists).toEqual({ itemLabel: ["灯", ""], itemAmount: ["-3", ""] });
    expect(await storedPhoto(id)).toBe(kept);
  });

  it("refuses to edit once submitted (409), and again after a return only for strangers (403)", async () => {
    const c = await cast();
    const id = idFrom(await propose(c.proposer, projectFields(c.community), { bytes: png }));
    const kept = await storedPhoto(id);
    await act(id, c.proposer, { intent: "step", step: "submit" });

    const page = await run(editLoader, get(`/projects/${id}/edit`, c.proposer), { id: String(id) });
    expect(page.status).toBe(409);
    expect((await body<{ error: { key: string } }>(page)).error.key).toBe(
      "project:errors.notEditable",
    );

    for (const change of [{}, { removePhoto: "yes" }] as Fields[]) {
      const res = await refused(() =>
        run(
          editAction,
          multipart(
            `/projects/${id}/edit`,
            projectFields(c.community, { title: "偷偷改标题", ...change }),
            {
              cookie: c.proposer,
              photo: { bytes: png },
            },
          ),
          { id: String(id) },
        ),
      );
      expect(res.status).toBe(409);
      const data = await body<Refusal>(res);
      expect(keys(data)).toEqual({ _form: "project:errors.notEditable" });
      expect(data.values.title).toBe("偷偷改标题");
    }
    expect(await storedPhoto(id)).toBe(kept);
    expect(await uploaded()).toContain(kept);

    await act(id, c.committee, { intent: "step", step: "startReview" });
    await act(id, c.committee, { intent: "step", step: "return", reason: "请补充预算明细" });
    expect(
      (await run(editLoader, get(`/projects/${id}/edit`, c.proposer), { id: String(id) })).status,
    ).toBe(200);
    const other = await run(editLoader, get(`/projects/${id}/edit`, c.residents[0]!), {
      id: String(id),
    });
    expect(other.status).toBe(403);
    expect((await body<{ error: { key: string } }>(other)).error.key).toBe("errors.forbidden");
    const otherPost = await refused(() =>
      run(
        editAction,
        multipart(`/projects/${id}/edit`, projectFields(c.community), { cookie: c.residents[0]! }),
        { id: String(id) },
      ),
    );
    expect(otherPost.status).toBe(403);
  });
});

describe("GET /projects", () => {
  let c1: number;
  let c2: number;
  let ids: Record<"elderly" | "culture" | "waste" | "canteen" | "draft", number>;
  let proposerCookie: string;

  async function list(search: string, cookie: string | null = null) {
    const res = await run(listLoader, get(`/projects${search}`, cookie));
    expect(res.status, search).toBe(200);
    return body<{
      items: Array<{ id: number; status: string; category: string; communityId: number }>;
      total: number;
      searched: boolean;
      filters: Record<string, unknown>;
      mine: Array<{ id: number }>;
    }>(res);
  }
  const listed = async (search: string) => (await list(search)).items.map((i) => i.id);
  const mineOf = (found: number[]) => {
    const all = new Set(Object.values(ids));
    return found.filter((id) => all.has(id)).sort((a, b) => a - b);
  };
  const sorted = (...xs: number[]) => [...xs].sort((a, b) => a - b);

  beforeAll(async () => {
    c1 = await makeCommunity("list-one");
    c2 = await makeCommunity("list-two");
    const proposerId = await makeUser();
    await makeMembership(proposerId, c1, "verified");
    await makeMembership(proposerId, c2, "verified");
    proposerCookie = await cookieFor(proposerId);
    const proposer = await actorFor(proposerId);
    const committeeId = await makeUser();
    await makeCommittee(committeeId, c1);
    const committee = await actorFor(committeeId);
    const residents = [];
    for (let i = 0; i < 2; i++) {
      const r = await makeUser();
      await makeMembership(r, c1, "verified");
      residents.push(await actorFor(r));
    }
    const make = async (
      communityId: number,
      category: string,
      title: string,
      description = "这是一个为社区居民服务的微实事项目，细节见附件说明。",
    ) => {
      const parsed = projectSchema.safeParse(
        projectFields(communityId, { category, title, description }),
      );
      if (!parsed.success) throw parsed.error;
      return runCommand(proposeProject, proposer, { ...parsed.data, photo: null });
    };
    ids = {
      elderly: await make(c1, "elderlyCare", "社区养老服务站"),
      culture: await make(c1, "culture", "楼道文化墙"),
      waste: await make(c1, "environment", "垃圾分类宣传"),
      canteen: await make(
        c2,
        "elderlyCare",
        "长者食堂",
        "为辖区长者提供助餐，是居家养老的重要一环，每天供应午餐。",
      ),
      draft: await make(c1, "elderlyCare", "养老助餐点"),
    };
    for (const k of ["elderly", "culture", "waste", "canteen"] as const) {
      await runCommand(takeStep, proposer, { id: ids[k], step: "submit" });
    }
    await runCommand(takeStep, committee, { id: ids.culture, step: "startReview" });
    await runCommand(supportProject, residents[0]!, { id: ids.elderly });
    await runCommand(supportProject, residents[1]!, { id: ids.elderly });
    await runCommand(supportProject, residents[0]!, { id: ids.waste });
  });

  it("filters by community, category, status and words, from the address bar", async () => {
    expect(sorted(...(await listed(`?community=${c1}`)))).toEqual(
      sorted(ids.elderly, ids.culture, ids.waste),
    );
    expect(await listed(`?community=${c2}`)).toEqual([ids.canteen]);
    expect(await listed(`?community=${c1}&category=elderlyCare`)).toEqual([ids.elderly]);
    expect(sorted(...(await listed(`?community=${c1}&status=submitted`)))).toEqual(
      sorted(ids.elderly, ids.waste),
    );

    const elderly = await list("?category=elderlyCare");
    expect(elderly.items.every((i) => i.category === "elderlyCare")).toBe(true);
    expect(mineOf(elderly.items.map((i) => i.id))).toEqual(sorted(ids.elderly, ids.canteen));

    const reviewing = await list("?status=underReview");
    expect(reviewing.items.every((i) => i.status === "underReview")).toBe(true);
    expect(mineOf(reviewing.items.map((i) => i.id))).toEqual([ids.culture]);

    const words = await list(`?q=${encodeURIComponent("养老")}`);
    expect(words.searched).toBe(true);
    // The title match and the description match; never the draft that says 养老 too.
    expect(sorted(...words.items.map((i) => i.id))).toEqual(sorted(ids.elderly, ids.canteen));
    expect(await listed(`?q=${encodeURIComponent("养老")}&community=${c2}`)).toEqual([ids.canteen]);
    expect(await listed(`?q=${encodeURIComponent("不存在的词语")}`)).toEqual([]);
  });

  it("sorts by supports when asked", async () => {
    expect(await listed(`?community=${c1}&sort=supported`)).toEqual([
      ids.elderly,
      ids.waste,
      ids.culture,
    ]);
  });

  it("never lists drafts, not even to their proposer (who finds them under 'mine')", async () => {
    const data = await list(`?community=${c1}&category=elderlyCare`, proposerCookie);
    expect(data.items.map((i) => i.id)).toEqual([ids.elderly]);
    expect(data.mine.map((m) => m.id)).toContain(ids.draft);
    expect((await list("?status=draft")).items.some((i) => i.status === "draft")).toBe(false);
  });

  it("ignores nonsense in the address bar and still answers 200", async () => {
    const plain = await listed(`?community=${c1}`);
    for (const junk of [
      "status=draft",
      "status=constructor",
      "category=%3Cscript%3Ealert(1)%3C%2Fscript%3E",
      "page=-1",
      "page=abc",
      "page=1e9",
      "sort=__proto__",
    ]) {
      const data = await list(`?community=${c1}&${junk}`);
      expect(
        data.items.map((i) => i.id),
        junk,
      ).toEqual(plain);
      expect(data.filters.status, junk).toBeUndefined();
      expect(data.filters.category, junk).toBeUndefined();
      expect(data.filters.page, junk).toBe(1);
    }
    const noCommunity = await list("?community=abc");
    expect(noCommunity.filters.communityId).toBeUndefined();
    expect(noCommunity.items.some((i) => i.id === ids.canteen)).toBe(true);
    for (const community of ["-1", "0", "1.5", "99999999999999999999"]) {
      expect(
        (await list(`?community=${community}`)).filters.communityId,
        community,
      ).toBeUndefined();
    }

    const long = await list(`?q=${encodeURIComponent("养".repeat(500))}`);
    expect(long.filters.q).toBe("养".repeat(100));
    expect(long.items).toEqual([]);
    // Cut in the middle of a surrogate pair, and FTS syntax, are still just words.
    for (const q of ["a" + "😀".repeat(250), '"养老" OR *', "NEAR(养老", "养老 AND"]) {
      const data = await list(`?q=${encodeURIComponent(q)}`);
      expect(Array.isArray(data.items), q).toBe(true);
    }
  });
});

describe("the community's support threshold", () => {
  async function post(community: number, cookie: string, fields: Fields) {
    return run(
      communityAction,
      formRequest(`/communities/${community}`, fields, { Cookie: cookie }),
      {
        id: String(community),
      },
    );
  }
  async function threshold(community: number) {
    const res = await run(communityLoader, get(`/communities/${community}`), {
      id: String(community),
    });
    return (await body<{ threshold: number | null }>(res)).threshold;
  }

  it("is set by the committee, and moves projects with enough supports under review", async () => {
    const c = await cast();
    const id = idFrom(await propose(c.proposer, projectFields(c.community)));
    await act(id, c.proposer, { intent: "step", step: "submit" });
    await act(id, c.residents[0]!, { intent: "support" });
    expect(await threshold(c.community)).toBeNull();

    const res = await post(c.community, c.committee, { intent: "threshold", threshold: "3" });
    expect(res.status).toBe(302);
    expect(res.headers.get("Location")).toBe(`/communities/${c.community}?done=thresholdSet`);
    expect(await threshold(c.community)).toBe(3);
    expect((await view(id, null)).data!.project.status).toBe("submitted");

    await post(c.community, c.committee, { intent: "threshold", threshold: "1" });
    expect(await threshold(c.community)).toBe(1);
    expect((await view(id, null)).data!.project.status).toBe("underReview");
  });

  it.each(["0", "abc", "1.5", "-2", "10001", "１２"])(
    "refuses %j with 400 on `threshold`, keeping it, writing nothing",
    async (value) => {
      const c = await cast();
      await post(c.community, c.committee, { intent: "threshold", threshold: "5" });
      const res = await refused(() =>
        post(c.community, c.committee, { intent: "threshold", threshold: value }),
      );
      expect(res.status).toBe(400);
      const data = await body<Refusal>(res);
      expect(keys(data)).toEqual({ threshold: "project:errors.badThreshold" });
      expect(data.values).toEqual({ intent: "threshold", threshold: value });
      expect(await threshold(c.community)).toBe(5);
    },
  );

  it("refuses a resident and the committee of another community with 403", async () => {
    const c = await cast();
    const otherCommittee = await makeUser();
    await makeCommittee(otherCommittee, await makeCommunity());
    for (const cookie of [c.residents[0]!, c.proposer, await cookieFor(otherCommittee)]) {
      const res = await refused(() =>
        post(c.community, cookie, { intent: "threshold", threshold: "3" }),
      );
      expect(res.status).toBe(403);
      expect((await body<Refusal>(res)).errors._form?.key).toBe("errors.forbidden");
    }
    expect(await threshold(c.community)).toBeNull();
  });
});
