/**
 * The social-organisation pages as Remix calls them: applying (with services and communities as
 * repeated fields), who sees a pending listing, the committee's decision, members and invitations,
 * editing, and the directory's URL filters. Every refusal is checked for its status, its key on
 * the right field, the form kept as typed (repeated fields in `lists`) and nothing written.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { getDb } from "../db/client.server";
import { loader as directoryLoader } from "~/routes/orgs._index";
import { action as orgAction, loader as orgLoader } from "~/routes/orgs.$id._index";
import { action as editAction, loader as editLoader } from "~/routes/orgs.$id.edit";
import { action as applyAction, loader as applyLoader } from "~/routes/orgs.new";
import type { Refusal } from "~/utils/forms.server";
import {
  cookieFor,
  makeCommittee,
  makeCommunity,
  makeOrganisation,
  makeUser,
  wholeDbSnapshot,
} from "./support/factories";
import { body, formRequest, run } from "./support/remix";

type Fields = Record<string, string | string[]>;

function get(urlPath: string, cookie: string | null = null): Request {
  return new Request(`http://localhost${urlPath}`, { headers: cookie ? { Cookie: cookie } : {} });
}

const headers = (cookie: string | null): Record<string, string> =>
  cookie ? { Cookie: cookie } : {};

function keys(data: Refusal): Record<string, string> {
  return Object.fromEntries(Object.entries(data.errors).map(([f, e]) => [f, e.key]));
}

/** Runs a request that must be refused, and proves that nothing in the database changed. */
async function refused(make: () => Promise<Response>): Promise<Response> {
  const before = await wholeDbSnapshot();
  const res = await make();
  expect(await wholeDbSnapshot()).toEqual(before);
  return res;
}

function application(communities: number[], change: Fields = {}): Fields {
  return {
    name: "绿洲社工服务中心",
    tier: "registered",
    registrationNumber: "52330100MJ0000000X",
    services: ["elderlyCare", "culture"],
    communities: communities.map(String),
    description: "为社区长者提供助餐、陪伴与探访服务，并组织邻里文化活动。",
    contact: "0571-12345678",
    ...change,
  };
}

function apply(cookie: string | null, fields: Fields) {
  return run(applyAction, formRequest("/orgs/new", fields, headers(cookie)));
}

function orgIdFrom(res: Response): number {
  const m = /^\/orgs\/(\d+)\?done=applied$/.exec(res.headers.get("Location") ?? "");
  expect(m, res.headers.get("Location") ?? `status ${res.status}`).not.toBeNull();
  return Number(m![1]);
}

function act(id: number, cookie: string | null, fields: Fields) {
  return run(orgAction, formRequest(`/orgs/${id}`, fields, headers(cookie)), { id: String(id) });
}

interface OrgPage {
  organisation: { status: string; decisionReason: string | null; name: string };
  services: string[];
  communities: Array<{ id: number }>;
  members: Array<{ userId: number; role: string; status: string }>;
  memberCount: number;
  invitedAs: string | null;
  isMember: boolean;
  canDecide: boolean;
  canEdit: boolean;
  canManageMembers: boolean;
}

async function page(id: number, cookie: string | null = null) {
  const res = await run(orgLoader, get(`/orgs/${id}`, cookie), { id: String(id) });
  return { status: res.status, data: res.status === 200 ? await body<OrgPage>(res) : null };
}

async function listing(id: number) {
  return getDb()
    .selectFrom("organisations")
    .select(["status", "decisionReason", "name", "createdBy"])
    .where("id", "=", id)
    .executeTakeFirstOrThrow();
}

async function membersOf(id: number) {
  return getDb()
    .selectFrom("organisationMembers")
    .select(["userId", "role", "status"])
    .where("organisationId", "=", id)
    .orderBy("userId")
    .execute();
}

/** Two communities with a committee member each, a committee elsewhere, an applicant, a stranger. */
async function cast() {
  const c1 = await makeCommunity();
  const c2 = await makeCommunity();
  const elsewhere = await makeCommunity();
  const committeeIds = [await makeUser(), await makeUser(), await makeUser()];
  await makeCommittee(committeeIds[0]!, c1);
  await makeCommittee(committeeIds[1]!, c2);
  await makeCommittee(committeeIds[2]!, elsewhere);
  const applicantId = await makeUser();
  return {
    c1,
    c2,
    applicantId,
    applicant: await cookieFor(applicantId),
    committee1: await cookieFor(committeeIds[0]!),
    committee2: await cookieFor(committeeIds[1]!),
    committeeElsewhere: await cookieFor(committeeIds[2]!),
    stranger: await cookieFor(await makeUser()),
  };
}

describe("applying for a listing (POST /orgs/new)", () => {
  it("creates a pending listing with its services, communities and the applicant as admin", async () => {
    const c = await cast();
    expect((await run(applyLoader, get("/orgs/new", c.applicant))).status).toBe(200);
    const res = await apply(c.applicant, application([c.c1, c.c2]));
    expect(res.status).toBe(302);
    const id = orgIdFrom(res);
    expect(await listing(id)).toMatchObject({
      status: "pending",
      name: "绿洲社工服务中心",
      createdBy: c.applicantId,
    });
    const mine = await page(id, c.applicant);
    expect(mine.status).toBe(200);
    expect([...mine.data!.services].sort()).toEqual(["culture", "elderlyCare"]);
    expect(mine.data!.communities.map((x) => x.id).sort((a, b) => a - b)).toEqual(
      [c.c1, c.c2].sort((a, b) => a - b),
    );
    expect(await membersOf(id)).toEqual([
      { userId: c.applicantId, role: "admin", status: "active" },
    ]);
  });

  it("takes a repeated service only once", async () => {
    const c = await cast();
    const id = orgIdFrom(
      await apply(c.applicant, application([c.c1], { services: ["culture", "culture"] })),
    );
    expect((await page(id, c.applicant)).data!.services).toEqual(["culture"]);
  });

  it.each<
    [string, (c: { c1: number; c2: number }) => Fields, string, string, Record<string, string[]>]
  >([
    [
      "no service",
      (c) => application([c.c1, c.c2], { services: [] }),
      "services",
      "project:errors.pickService",
      {},
    ],
    [
      "an unknown service",
      (c) => application([c.c1, c.c2], { services: ["elderlyCare", "bogus"] }),
      "services",
      "project:errors.badCategory",
      { services: ["elderlyCare", "bogus"] },
    ],
    [
      "no community",
      () => application([]),
      "communities",
      "project:errors.pickCommunity",
      { services: ["elderlyCare", "culture"] },
    ],
    [
      "an unknown community id",
      (c) => application([c.c1, 999_999]),
      "communities",
      "project:errors.pickCommunity",
      { services: ["elderlyCare", "culture"] },
    ],
    [
      "a malformed community id",
      (c) => application([c.c1], { communities: [String(c.c1), "abc"] }),
      "communities",
      "errors.invalidType",
      { services: ["elderlyCare", "culture"] },
    ],
    [
      "a name too short",
      (c) => application([c.c1, c.c2], { name: "绿" }),
      "name",
      "errors.tooShort",
      { services: ["elderlyCare", "culture"] },
    ],
    [
      "an unknown tier",
      (c) => application([c.c1, c.c2], { tier: "famous" }),
      "tier",
      "project:errors.badTier",
      { services: ["elderlyCare", "culture"] },
    ],
  ])(
    "refuses %s with 400, keeping the checkboxes as ticked",
    async (_label, make, field, key, lists) => {
      const c = await cast();
      const fields = make(c);
      const res = await refused(() => apply(c.applicant, fields));
      expect(res.status).toBe(400);
      const data = await body<Refusal>(res);
      expect(keys(data)).toEqual({ [field]: key });
      // Repeated fields come back as lists, exactly as sent (an empty list is not sent at all).
      const sentCommunities = fields.communities as string[];
      expect(data.lists).toEqual({
        ...lists,
        ...(sentCommunities.length > 1 ? { communities: sentCommunities } : {}),
      });
      if (sentCommunities.length === 1) expect(data.values.communities).toBe(sentCommunities[0]);
      expect(data.values).toMatchObject({
        description: fields.description,
        contact: "0571-12345678",
      });
      if (field !== "name") expect(data.values.name).toBe("绿洲社工服务中心");
    },
  );

  // formToObject (app/domain/validation.ts) assigns every field with `out[key] = ...`, so a field
  // named `__proto__` replaces the parsed form's prototype: a file part gives it `name` and `file`,
  // and the schema then reads a `name` that was never sent as a field.
  it("refuses a missing name even when a `__proto__` part is sent", async () => {
    const c = await cast();
    const form = new FormData();
    for (const [k, v] of Object.entries(application([c.c1]))) {
      if (k !== "name") for (const x of [v].flat()) form.append(k, x);
    }
    form.append("__proto__", new File(["x"], "冒名顶替的组织"));
    const req = new Request("http://localhost/orgs/new", {
      method: "POST",
      body: form,
      headers: { Cookie: c.applicant },
    });
    const res = await refused(() => run(applyAction, req));
    expect(res.status).toBe(400);
    expect(keys(await body<Refusal>(res)).name).toBe("errors.required");
  });

  it("sends a signed-out application to sign in, writing nothing", async () => {
    const c = await cast();
    const res = await refused(() => apply(null, application([c.c1])));
    expect(res.status).toBe(302);
    expect(res.headers.get("Location")).toBe(`/login?next=${encodeURIComponent("/orgs/new")}`);
  });
});

describe("a pending listing and the committee's decision", () => {
  it("is seen by its applicant and the committees it serves, not by anyone else", async () => {
    const c = await cast();
    const id = orgIdFrom(await apply(c.applicant, application([c.c1, c.c2])));
    expect((await page(id, null)).status).toBe(404);
    expect((await page(id, c.stranger)).status).toBe(404);
    expect((await page(id, c.committeeElsewhere)).status).toBe(404);
    for (const who of [c.committee1, c.committee2]) {
      const seen = await page(id, who);
      expect(seen.status).toBe(200);
      expect(seen.data!.canDecide).toBe(true);
      // Who belongs to an organisation is for its members.
      expect(seen.data!.members).toEqual([]);
      expect(seen.data!.memberCount).toBe(1);
    }
    const own = await page(id, c.applicant);
    expect(own.data!.canDecide).toBe(false);
    expect(own.data!.members.map((m) => m.userId)).toEqual([c.applicantId]);
    expect((await page(999_999, c.committee1)).status).toBe(404);
    expect((await run(orgLoader, get("/orgs/x"), { id: "x" })).status).toBe(404);
  });

  it("is verified by a committee it serves, once, and only by one", async () => {
    const c = await cast();
    const id = orgIdFrom(await apply(c.applicant, application([c.c1, c.c2])));
    for (const who of [c.applicant, c.stranger, c.committeeElsewhere]) {
      const res = await refused(() => act(id, who, { intent: "verify", reason: "" }));
      expect(res.status).toBe(403);
      expect(keys(await body<Refusal>(res))).toEqual({ _form: "errors.forbidden" });
    }
    const ok = await act(id, c.committee2, { intent: "verify", reason: "" });
    expect(ok.status).toBe(302);
    expect(ok.headers.get("Location")).toBe(`/orgs/${id}?done=decided`);
    expect((await listing(id)).status).toBe("verified");
    const audit = await getDb()
      .selectFrom("auditLog")
      .select(["action", "subjectType", "subjectId"])
      .where("subjectType", "=", "organisation")
      .where("subjectId", "=", id)
      .execute();
    expect(audit).toEqual([
      { action: "organisation.decide", subjectType: "organisation", subjectId: id },
    ]);
    // Now everyone sees it.
    expect((await page(id, null)).status).toBe(200);

    const late = await refused(() =>
      act(id, c.committee1, { intent: "decline", reason: "资料不全" }),
    );
    expect(late.status).toBe(409);
    const lateData = await body<Refusal>(late);
    expect(keys(lateData)).toEqual({ _form: "project:errors.organisationDecided" });
    expect(lateData.values).toEqual({ intent: "decline", reason: "资料不全" });
  });

  it("is declined only with a reason, which the applicant sees", async () => {
    const c = await cast();
    const id = orgIdFrom(await apply(c.applicant, application([c.c1])));
    for (const reason of [undefined, "", "   "]) {
      const fields: Fields = { intent: "decline" };
      if (reason !== undefined) fields.reason = reason;
      const res = await refused(() => act(id, c.committee1, fields));
      expect(res.status, JSON.stringify(reason)).toBe(400);
      expect(keys(await body<Refusal>(res))).toEqual({ reason: "project:errors.reasonRequired" });
    }
    const tooLong = await refused(() =>
      act(id, c.committee1, { intent: "decline", reason: "长".repeat(501) }),
    );
    expect(tooLong.status).toBe(400);
    const tooLongData = await body<Refusal>(tooLong);
    expect(keys(tooLongData)).toEqual({ reason: "errors.tooLong" });
    expect(tooLongData.errors.reason?.params).toEqual({ max: 500 });
    expect(tooLongData.values.reason).toBe("长".repeat(501));

    expect(
      (await act(id, c.committee1, { intent: "decline", reason: "登记证书已过期" })).status,
    ).toBe(302);
    expect(await listing(id)).toMatchObject({
      status: "declined",
      decisionReason: "登记证书已过期",
    });
    expect((await page(id, null)).status).toBe(404);
    expect((await page(id, c.applicant)).data!.organisation.decisionReason).toBe("登记证书已过期");
  });

  it("refuses unknown intents and signed-out posts", async () => {
    const c = await cast();
    const id = orgIdFrom(await apply(c.applicant, application([c.c1])));
    for (const fields of [
      { intent: "explode" },
      {},
      { intent: ["verify", "decline"] },
    ] as Fields[]) {
      const res = await refused(() => act(id, c.committee1, fields));
      expect(res.status, JSON.stringify(fields)).toBe(400);
      expect(keys(await body<Refusal>(res))).toEqual({ _form: "errors.badForm" });
    }
    const anon = await refused(() => act(id, null, { intent: "verify" }));
    expect(anon.status).toBe(302);
    expect(anon.headers.get("Location")).toMatch(/^\/login\?next=/);
    const missing = await refused(() => act(999_999, c.committee1, { intent: "verify" }));
    expect(missing.status).toBe(404);
  });
});

describe("members of an organisation", () => {
  let n = 0;
  /** A verified organisation, and someone to invite (by the login `xiaowang<n>`). */
  async function verifiedOrg() {
    const c = await cast();
    const id = orgIdFrom(await apply(c.applicant, application([c.c1])));
    await act(id, c.committee1, { intent: "verify", reason: "" });
    const login = `xiaowang${++n}`;
    const inviteeId = await makeUser({ username: login });
    return { ...c, id, login, inviteeId, invitee: await cookieFor(inviteeId) };
  }

  it("invites by login, and the invitee accepts on the organisation's page", async () => {
    const o = await verifiedOrg();
    const res = await act(o.id, o.applicant, {
      intent: "invite",
      login: ` ${o.login.toUpperCase()} `,
      role: "member",
    });
    expect(res.status).toBe(302);
    expect(res.headers.get("Location")).toBe(`/orgs/${o.id}?done=invited`);
    expect(await membersOf(o.id)).toContainEqual({
      userId: o.inviteeId,
      role: "member",
      status: "invited",
    });
    const seen = await page(o.id, o.invitee);
    expect(seen.data!.invitedAs).toBe("member");
    expect(seen.data!.isMember).toBe(false);

    // Someone else cannot accept it for them.
    const notMine = await refused(() => act(o.id, o.stranger, { intent: "accept" }));
    expect(notMine.status).toBe(404);
    expect(keys(await body<Refusal>(notMine))).toEqual({ _form: "project:errors.noInvitation" });

    const accepted = await act(o.id, o.invitee, { intent: "accept" });
    expect(accepted.headers.get("Location")).toBe(`/orgs/${o.id}?done=joined`);
    expect(await membersOf(o.id)).toContainEqual({
      userId: o.inviteeId,
      role: "member",
      status: "active",
    });
    const member = await page(o.id, o.invitee);
    expect(member.data!.isMember).toBe(true);
    expect(member.data!.canManageMembers).toBe(false);
    expect(member.data!.memberCount).toBe(2);

    const twice = await refused(() => act(o.id, o.invitee, { intent: "accept" }));
    expect(twice.status).toBe(404);
  });

  it("lets an invitee decline the invitation", async () => {
    const o = await verifiedOrg();
    await act(o.id, o.applicant, { intent: "invite", login: o.login, role: "admin" });
    const res = await act(o.id, o.invitee, { intent: "declineInvite" });
    expect(res.headers.get("Location")).toBe(`/orgs/${o.id}?done=saved`);
    expect((await membersOf(o.id)).map((m) => m.userId)).toEqual([o.applicantId]);
  });

  it("refuses bad invitations, writing nothing", async () => {
    const o = await verifiedOrg();
    await act(o.id, o.applicant, { intent: "invite", login: o.login, role: "member" });
    const cases: Array<[string, Fields, number, string, string]> = [
      [
        o.applicant,
        { intent: "invite", login: "nobody-here", role: "member" },
        404,
        "login",
        "community:errors.userNotFound",
      ],
      [
        o.applicant,
        { intent: "invite", login: "坏 名字", role: "member" },
        400,
        "login",
        "account:errors.loginFormat",
      ],
      [
        o.applicant,
        { intent: "invite", role: "member" },
        400,
        "login",
        "account:errors.loginFormat",
      ],
      [
        o.applicant,
        { intent: "invite", login: o.login, role: "owner" },
        400,
        "role",
        "errors.invalidChoice",
      ],
      [
        o.applicant,
        { intent: "invite", login: o.login, role: "member" },
        409,
        "login",
        "project:errors.alreadyInOrganisation",
      ],
      [
        o.stranger,
        { intent: "invite", login: o.login, role: "admin" },
        403,
        "_form",
        "errors.forbidden",
      ],
      [
        o.committee1,
        { intent: "invite", login: o.login, role: "admin" },
        403,
        "_form",
        "errors.forbidden",
      ],
    ];
    for (const [who, fields, status, field, key] of cases) {
      const res = await refused(() => act(o.id, who, fields));
      expect(res.status, JSON.stringify(fields)).toBe(status);
      const data = await body<Refusal>(res);
      expect(keys(data), JSON.stringify(fields)).toEqual({ [field]: key });
      if (typeof fields.login === "string") expect(data.values.login).toBe(fields.login);
    }
  });

  it("keeps the last admin, removes others, and lets members leave", async () => {
    const o = await verifiedOrg();
    const last = await refused(() =>
      act(o.id, o.applicant, { intent: "remove", userId: String(o.applicantId) }),
    );
    expect(last.status).toBe(409);
    expect(keys(await body<Refusal>(last))).toEqual({ _form: "project:errors.lastAdmin" });

    await act(o.id, o.applicant, { intent: "invite", login: o.login, role: "member" });
    await act(o.id, o.invitee, { intent: "accept" });
    // A member may not remove the admin, nor forge a malformed id.
    const forged = await refused(() =>
      act(o.id, o.invitee, { intent: "remove", userId: String(o.applicantId) }),
    );
    expect(forged.status).toBe(403);
    const malformed = await refused(() =>
      act(o.id, o.applicant, { intent: "remove", userId: "-1" }),
    );
    expect(malformed.status).toBe(400);
    expect(keys(await body<Refusal>(malformed))).toEqual({ _form: "errors.badForm" });
    const notThere = await refused(() =>
      act(o.id, o.applicant, { intent: "remove", userId: "999999" }),
    );
    expect(notThere.status).toBe(404);

    const left = await act(o.id, o.invitee, { intent: "remove", userId: String(o.inviteeId) });
    expect(left.headers.get("Location")).toBe("/orgs?done=left");
    expect((await membersOf(o.id)).map((m) => m.userId)).toEqual([o.applicantId]);

    await act(o.id, o.applicant, { intent: "invite", login: o.login, role: "admin" });
    await act(o.id, o.invitee, { intent: "accept" });
    // With a second admin, the first may go; then the second is the last.
    expect(
      (await act(o.id, o.invitee, { intent: "remove", userId: String(o.applicantId) })).headers.get(
        "Location",
      ),
    ).toBe(`/orgs/${o.id}?done=saved`);
    const nowLast = await refused(() =>
      act(o.id, o.invitee, { intent: "remove", userId: String(o.inviteeId) }),
    );
    expect(nowLast.status).toBe(409);
    expect(await membersOf(o.id)).toEqual([
      { userId: o.inviteeId, role: "admin", status: "active" },
    ]);
  });

  // The directory says invitees "accept the invitation on this page", and /orgs links an invited
  // person to it; but a listing that is not yet verified is hidden from everyone who is not an
  // active member, so the invitee of a pending organisation gets 404 there.
  it("shows a pending organisation's page to the person invited to it", async () => {
    const c = await cast();
    const id = orgIdFrom(await apply(c.applicant, application([c.c1])));
    const inviteeId = await makeUser({ username: "pendinginvitee" });
    const invited = await act(id, c.applicant, {
      intent: "invite",
      login: "pendinginvitee",
      role: "member",
    });
    expect(invited.status).toBe(302);
    const seen = await page(id, await cookieFor(inviteeId));
    expect(seen.status).toBe(200);
    expect(seen.data!.invitedAs).toBe("member");
  });
});

describe("editing a listing", () => {
  it("is for its admins only; a new community sends it back to the committees", async () => {
    const c = await cast();
    const id = orgIdFrom(await apply(c.applicant, application([c.c1])));
    await act(id, c.committee1, { intent: "verify", reason: "" });
    const memberId = await makeUser({ username: "orgmember" });
    await act(id, c.applicant, { intent: "invite", login: "orgmember", role: "member" });
    const member = await cookieFor(memberId);
    await act(id, member, { intent: "accept" });

    const edit = (cookie: string | null) =>
      run(editLoader, get(`/orgs/${id}/edit`, cookie), { id: String(id) });
    const post = (cookie: string | null, fields: Fields) =>
      run(editAction, formRequest(`/orgs/${id}/edit`, fields, headers(cookie)), {
        id: String(id),
      });

    expect((await edit(c.applicant)).status).toBe(200);
    for (const who of [member, c.stranger, c.committee1]) {
      const res = await edit(who);
      expect(res.status).toBe(403);
      expect((await body<{ error: { key: string } }>(res)).error.key).toBe("errors.forbidden");
      const posted = await refused(() => post(who, application([c.c1], { name: "改名的组织" })));
      expect(posted.status).toBe(403);
      const data = await body<Refusal>(posted);
      expect(keys(data)).toEqual({ _form: "errors.forbidden" });
      expect(data.values.name).toBe("改名的组织");
      expect(data.lists?.services).toEqual(["elderlyCare", "culture"]);
    }

    const bad = await refused(() =>
      post(c.applicant, application([c.c1, 999_999], { name: "新名字" })),
    );
    expect(bad.status).toBe(400);
    const badData = await body<Refusal>(bad);
    expect(keys(badData)).toEqual({ communities: "project:errors.pickCommunity" });
    expect(badData.lists).toEqual({
      services: ["elderlyCare", "culture"],
      communities: [String(c.c1), "999999"],
    });

    const renamed = await post(c.applicant, application([c.c1], { name: "绿洲长者服务社" }));
    expect(renamed.headers.get("Location")).toBe(`/orgs/${id}?done=saved`);
    expect(await listing(id)).toMatchObject({ name: "绿洲长者服务社", status: "verified" });

    await post(c.applicant, application([c.c1, c.c2], { name: "绿洲长者服务社" }));
    expect((await listing(id)).status).toBe("pending");
    expect((await page(id, c.committee2)).data!.canDecide).toBe(true);
  });
});

describe("the directory (GET /orgs)", () => {
  let c1: number;
  let c2: number;
  let ids: Record<"care" | "culture" | "charity" | "searchable" | "pending" | "declined", number>;

  async function list(search: string) {
    const res = await run(directoryLoader, get(`/orgs${search}`));
    expect(res.status, search).toBe(200);
    return body<{
      items: Array<{ id: number; tier: string; services: string[] }>;
      searched: boolean;
      filters: Record<string, unknown>;
    }>(res);
  }
  const listed = async (search: string) =>
    (await list(search)).items.map((i) => i.id).sort((a, b) => a - b);
  const sorted = (...xs: number[]) => [...xs].sort((a, b) => a - b);
  const ours = (found: number[]) => {
    const all = new Set(Object.values(ids));
    return found.filter((id) => all.has(id));
  };

  beforeAll(async () => {
    c1 = await makeCommunity("dir-one");
    c2 = await makeCommunity("dir-two");
    const committee = await makeUser();
    await makeCommittee(committee, c2);
    const applicant = await makeUser();
    const applicantCookie = await cookieFor(applicant);
    const searchable = orgIdFrom(
      await apply(
        applicantCookie,
        application([c2], {
          name: "晨曦调解工作室",
          services: ["mediation"],
          tier: "filed",
          description: "专注邻里纠纷调解与楼道议事，帮助居民协商解决停车、噪音等问题。",
        }),
      ),
    );
    await act(searchable, await cookieFor(committee), { intent: "verify", reason: "" });
    ids = {
      care: await makeOrganisation({
        communities: [c1],
        services: ["elderlyCare"],
        tier: "registered",
        name: "甲 长者关爱",
      }),
      culture: await makeOrganisation({
        communities: [c1, c2],
        services: ["culture", "environment"],
        tier: "registered",
        name: "乙 文化",
      }),
      charity: await makeOrganisation({
        communities: [c2],
        services: ["elderlyCare", "hardship"],
        tier: "charity",
        name: "丙 慈善",
      }),
      searchable,
      pending: await makeOrganisation({ communities: [c1], status: "pending", name: "丁 待审" }),
      declined: await makeOrganisation({
        communities: [c1],
        status: "declined",
        name: "戊 未通过",
      }),
    };
  });

  it("filters by community, service, tier and words; never lists unverified listings", async () => {
    expect(await listed(`?community=${c1}`)).toEqual(sorted(ids.care, ids.culture));
    expect(await listed(`?community=${c2}`)).toEqual(
      sorted(ids.culture, ids.charity, ids.searchable),
    );
    expect(await listed(`?community=${c2}&service=elderlyCare`)).toEqual([ids.charity]);
    expect(await listed(`?community=${c1}&tier=registered`)).toEqual(sorted(ids.care, ids.culture));

    const care = await list("?service=elderlyCare");
    expect(care.items.every((i) => i.services.includes("elderlyCare"))).toBe(true);
    expect(sorted(...ours(care.items.map((i) => i.id)))).toEqual(sorted(ids.care, ids.charity));
    const charities = await list("?tier=charity");
    expect(charities.items.every((i) => i.tier === "charity")).toBe(true);
    expect(ours(charities.items.map((i) => i.id))).toEqual([ids.charity]);

    const words = await list(`?q=${encodeURIComponent("调解")}`);
    expect(words.searched).toBe(true);
    expect(words.items.map((i) => i.id)).toEqual([ids.searchable]);
    expect(await listed(`?q=${encodeURIComponent("噪音")}&community=${c2}`)).toEqual([
      ids.searchable,
    ]);
    expect(await listed(`?q=${encodeURIComponent("调解")}&community=${c1}`)).toEqual([]);

    const everything = (await list("")).items.map((i) => i.id);
    expect(everything).not.toContain(ids.pending);
    expect(everything).not.toContain(ids.declined);
  });

  it("ignores nonsense in the address bar and still answers 200", async () => {
    const plain = await listed(`?community=${c1}`);
    for (const junk of [
      "service=%3Cscript%3E",
      "service=constructor",
      "tier=famous",
      "page=-1",
      "page=abc",
      "status=pending",
    ]) {
      const data = await list(`?community=${c1}&${junk}`);
      expect(
        data.items.map((i) => i.id).sort((a, b) => a - b),
        junk,
      ).toEqual(plain);
      expect(data.filters.service, junk).toBeUndefined();
      expect(data.filters.tier, junk).toBeUndefined();
      expect(data.filters.page, junk).toBe(1);
    }
    expect((await list("?community=abc")).filters.communityId).toBeUndefined();
    const long = await list(`?q=${encodeURIComponent("调".repeat(500))}`);
    expect(long.filters.q).toBe("调".repeat(100));
    expect(long.items).toEqual([]);
  });
});
