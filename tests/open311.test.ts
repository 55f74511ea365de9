/**
 * The Open311 GeoReport v2 intake (issue 15, item 8), over real HTTP: an Express server on a
 * random port, set up as server.ts sets it up (the HTTP guard, then Remix's request handler) with
 * the API's routes and the admins' keys page. An admin issues a key on the page; the key sends a
 * need in; the need reads back with its public fields only; the lists filter; and every refusal —
 * a revoked or wrong key, malformed JSON, an oversized body, an unknown service_code or grid, too
 * many requests — answers in Open311's error format and writes nothing.
 */
import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import { createRequestHandler as expressHandler } from "@remix-run/express";
import express from "express";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { getDb } from "../db/client.server";
import { routesBuild } from "./support/builds";
import {
  cookieFor,
  gridsOf,
  makeCommunity,
  makeResident,
  makeUser,
  wholeDbSnapshot,
} from "./support/factories";
import * as entry from "~/entry.server";
import * as root from "~/root";
import * as keysPage from "~/routes/needs.keys";
import * as one from "~/routes/open311.v2.requests.$id";
import * as requests from "~/routes/open311.v2.requests[.json]";
import * as services from "~/routes/open311.v2.services[.json]";
import { NEED_CATEGORIES } from "~/domain/needs/categories";
import { reportNeed, takeNeedStep } from "~/services/needs/commands.server";
import { run } from "~/services/runner/command.server";
import { hashKey } from "~/services/needs/intake.server";

const build = routesBuild({
  root: ["", undefined, root],
  "routes/needs.keys": ["needs/keys", "root", keysPage],
  "routes/open311.v2.services[.json]": ["open311/v2/services.json", "root", services],
  "routes/open311.v2.requests[.json]": ["open311/v2/requests.json", "root", requests],
  "routes/open311.v2.requests.$id": ["open311/v2/requests/:id", "root", one],
});

let server: Server;
let base: string;
let adminCookie: string;
let community: number;
let grid: number;
let gridCode: string;

beforeAll(async () => {
  const app = express();
  app.use((req, res, next) => entry.liuhe.httpGuard(req, res, next));
  app.all("*", expressHandler({ build, mode: "production" }));
  server = app.listen(0, "127.0.0.1");
  await new Promise((r) => server.once("listening", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  adminCookie = await cookieFor(await makeUser({ isAdmin: true }));
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  delete process.env.INTAKE_RATE_PER_HOUR;
});

beforeEach(async () => {
  delete process.env.INTAKE_RATE_PER_HOUR;
  community = await makeCommunity("open311");
  grid = (await gridsOf(community))[0]!;
  gridCode = (
    await getDb()
      .selectFrom("areas")
      .select("code")
      .where("id", "=", grid)
      .executeTakeFirstOrThrow()
  ).code;
});

/** Issues a key on the admins' page, as a browser without JavaScript would; returns the key. */
async function issueKey(channel = "12345", label = "市长热线转办系统"): Promise<string> {
  const res = await fetch(`${base}/needs/keys`, {
    method: "POST",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      cookie: adminCookie,
      origin: base,
    },
    body: new URLSearchParams({ intent: "issue", channel, label }).toString(),
  });
  expect(res.status).toBe(200);
  const html = await res.text();
  const key = /<code class="secret">([^<]+)<\/code>/.exec(html)?.[1];
  expect(key, "the page shows the new key").toMatch(/^lh311_[A-Za-z0-9_-]{43}$/);
  return key!;
}

function post(fields: Record<string, string>, headers: Record<string, string> = {}) {
  return fetch(`${base}/open311/v2/requests.json`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
    body: new URLSearchParams(fields).toString(),
  });
}

const need = (key: string, over: Record<string, string> = {}) => ({
  api_key: key,
  service_code: "repairsFacilities",
  description: "3幢楼道灯坏了一个多月，晚上上下楼很危险。",
  address_id: gridCode,
  ...over,
});

/** The Open311 error format, with the status the body repeats. */
async function expectOpen311Error(res: Response, status: number, words: RegExp) {
  expect(res.status).toBe(status);
  expect(res.headers.get("content-type")).toMatch(/^application\/json/);
  const body = (await res.json()) as Array<{ code: number; description: string }>;
  expect(body).toEqual([{ code: status, description: expect.stringMatching(words) }]);
}

/** Every key anywhere in a JSON value. */
function keysOf(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(keysOf);
  if (value !== null && typeof value === "object") {
    return Object.entries(value).flatMap(([k, v]) => [k, ...keysOf(v)]);
  }
  return [];
}

describe("keys", () => {
  it("are issued on the admins' page, kept hashed, shown once, listed and revoked", async () => {
    const key = await issueKey("96315", "消费者投诉热线");
    const row = await getDb()
      .selectFrom("intakeKeys")
      .selectAll()
      .where("channel", "=", "96315")
      .executeTakeFirstOrThrow();
    expect(row.keyHash).toBe(hashKey(key));
    expect(JSON.stringify(row)).not.toContain(key);
    const page = await (
      await fetch(`${base}/needs/keys`, { headers: { cookie: adminCookie } })
    ).text();
    expect(page).toContain("消费者投诉热线");
    expect(page).not.toContain(key);
    // Issuing is in the audit log of no area, without the key.
    const audit = await getDb()
      .selectFrom("auditLog")
      .select(["action", "details", "areaId"])
      .where("subjectType", "=", "intakeKey")
      .where("subjectId", "=", row.id)
      .execute();
    expect(audit).toEqual([
      { action: "need.manageKeys", areaId: null, details: expect.stringContaining("96315") },
    ]);
    expect(audit[0]!.details).not.toContain(key);

    const revoked = await fetch(`${base}/needs/keys`, {
      method: "POST",
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        cookie: adminCookie,
        origin: base,
      },
      body: `intent=revoke&keyId=${row.id}`,
      redirect: "manual",
    });
    expect(revoked.status).toBe(302);
    const after = await getDb()
      .selectFrom("intakeKeys")
      .select("revokedAt")
      .where("id", "=", row.id)
      .executeTakeFirstOrThrow();
    expect(after.revokedAt).not.toBeNull();
  });

  it("are managed on a page that works without JavaScript, in 长辈版 and in English", async () => {
    for (const [mode, lng, title] of [
      ["lite", "zh-CN", "其他渠道的数据接口密钥"],
      ["full", "en", "Other channels&#x27; API keys"],
    ] as const) {
      const res = await fetch(`${base}/needs/keys`, {
        headers: { cookie: `${adminCookie}; mode=${mode}; lng=${lng}` },
      });
      expect(res.status).toBe(200);
      const html = await res.text();
      expect(html).toContain(`<h1 id="keys-title">${title}</h1>`);
      expect(html.includes("\0"), "NUL bytes in the page").toBe(false);
      // Plain forms that post to the page itself.
      expect(html).toMatch(/<form[^>]*method="post"[^>]*>[\s\S]*name="intent" value="issue"/);
      if (mode === "lite") expect(html).not.toMatch(/<script/);
    }
  });

  it("are for admins only: a resident's page and form are refused", async () => {
    const resident = await cookieFor((await makeResident(community)).userId!);
    expect((await fetch(`${base}/needs/keys`, { headers: { cookie: resident } })).status).toBe(403);
    const before = await wholeDbSnapshot();
    const res = await fetch(`${base}/needs/keys`, {
      method: "POST",
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        cookie: resident,
        origin: base,
      },
      body: "intent=issue&channel=12345&label=forged",
    });
    expect(res.status).toBe(403);
    expect(await wholeDbSnapshot()).toEqual(before);
  });

  it("refuses a channel name outside the pattern, and the site's own channels", async () => {
    const before = await wholeDbSnapshot();
    for (const channel of ["A", "12 345", "web", "x".repeat(21)]) {
      const res = await fetch(`${base}/needs/keys`, {
        method: "POST",
        headers: {
          "content-type": "application/x-www-form-urlencoded",
          cookie: adminCookie,
          origin: base,
        },
        body: new URLSearchParams({ intent: "issue", channel, label: "测试渠道" }).toString(),
      });
      expect(res.status, channel).toBe(400);
    }
    expect(await wholeDbSnapshot()).toEqual(before);
  });
});

describe("GET services.json", () => {
  it("lists every category in the language asked for", async () => {
    const zh = (await (await fetch(`${base}/open311/v2/services.json`)).json()) as Array<
      Record<string, unknown>
    >;
    expect(zh.map((s) => s.service_code)).toEqual([...NEED_CATEGORIES]);
    expect(zh[1]).toMatchObject({
      service_code: "repairsFacilities",
      service_name: "维修与设施",
      metadata: false,
      type: "realtime",
    });
    const en = (await (await fetch(`${base}/open311/v2/services.json?lang=en`)).json()) as Array<
      Record<string, unknown>
    >;
    expect(en[1]!.service_name).toBe("Repairs and facilities");
    const accept = (await (
      await fetch(`${base}/open311/v2/services.json`, {
        headers: { "accept-language": "en-GB,en;q=0.8" },
      })
    ).json()) as Array<Record<string, unknown>>;
    expect(accept[1]!.service_name).toBe("Repairs and facilities");
  });
});

describe("POST requests.json", () => {
  it("sends a need in, marked with the key's channel, audited, and reads it back without personal data", async () => {
    const key = await issueKey("12345");
    const res = await post(
      need(key, {
        address_string: `杭州市 ${gridCode} 3幢2单元`,
        media_url: "https://12345.example.cn/p/1.jpg",
        first_name: "王",
        last_name: "大爷",
        phone: "13800138000",
        email: "wang@example.cn",
      }),
    );
    expect(res.status).toBe(201);
    const [answer] = (await res.json()) as Array<{
      service_request_id: string;
      service_notice: string;
    }>;
    expect(answer!.service_request_id).toMatch(/^\d+$/);
    expect(answer!.service_notice).toBeTruthy();
    const id = Number(answer!.service_request_id);

    const row = await getDb()
      .selectFrom("needs")
      .selectAll()
      .where("id", "=", id)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({
      channel: "12345",
      reporterId: null,
      gridId: grid,
      communityId: community,
      category: "repairsFacilities",
      status: "reported",
      mediaUrl: "https://12345.example.cn/p/1.jpg",
    });
    // Nothing of the caller's person is kept anywhere.
    expect(JSON.stringify(await wholeDbSnapshot())).not.toMatch(/13800138000|wang@example|大爷/);
    const steps = await getDb()
      .selectFrom("needSteps")
      .selectAll()
      .where("needId", "=", id)
      .execute();
    expect(steps).toEqual([
      expect.objectContaining({ step: "report", role: "channel", actorId: null }),
    ]);
    const audit = await getDb()
      .selectFrom("auditLog")
      .select(["action", "areaId", "details", "actorId"])
      .where("subjectType", "=", "need")
      .where("subjectId", "=", id)
      .execute();
    expect(audit).toEqual([
      {
        action: "need.intake",
        areaId: community,
        actorId: null,
        details: expect.stringContaining('"channel":"12345"'),
      },
    ]);

    const got = await fetch(`${base}/open311/v2/requests/${id}.json`);
    expect(got.status).toBe(200);
    const body = (await got.json()) as Array<Record<string, unknown>>;
    expect(body).toHaveLength(1);
    expect(body[0]).toMatchObject({
      service_request_id: String(id),
      status: "open",
      service_code: "repairsFacilities",
      service_name: "维修与设施",
      description: "3幢楼道灯坏了一个多月，晚上上下楼很危险。",
      address_id: gridCode,
      media_url: "https://12345.example.cn/p/1.jpg",
      agency_responsible: null,
    });
    const forbidden =
      /reporter|user|resident|actor|name_?zh|phone|email|first_name|last_name|account|channel/i;
    expect(keysOf(body).filter((k) => forbidden.test(k) && k !== "service_name")).toEqual([]);
  });

  it("takes a JSON body as well, with the channel's own reference: a repeat answers the same id", async () => {
    const key = await issueKey("110");
    const send = () =>
      fetch(`${base}/open311/v2/requests.json`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          api_key: key,
          service_code: "safetyHazard",
          description: "楼道里堆满了纸箱，消防通道被堵。",
          address_id: gridCode,
          attribute: { ref: "110-2026-000123" },
        }),
      });
    const first = await send();
    expect(first.status).toBe(201);
    const [{ service_request_id: id }] = (await first.json()) as [{ service_request_id: string }];
    const before = await getDb().selectFrom("needs").select("id").execute();
    const again = await send();
    expect(again.status).toBe(200);
    expect(
      ((await again.json()) as Array<{ service_request_id: string }>)[0]!.service_request_id,
    ).toBe(id);
    expect(await getDb().selectFrom("needs").select("id").execute()).toEqual(before);
  });

  it("is not refused as a cross-site form: API clients send no cookie, and a browser's Origin is not our host", async () => {
    const key = await issueKey("labour");
    const res = await post(need(key), { origin: "https://tool.example.cn" });
    expect(res.status).toBe(201);
  });
});

describe("GET requests.json", () => {
  it("lists public fields only, newest first, and filters by service_code, status and dates", async () => {
    const key = await issueKey("12345");
    const ids: number[] = [];
    for (const [code, text] of [
      ["repairsFacilities", "小区门口的路灯不亮已经一周了。"],
      ["neighbourDispute", "楼上邻居每天深夜装修，王某某家不听劝。"],
    ] as const) {
      const res = await post(
        need(key, { service_code: code, description: text, address_string: "5幢" }),
      );
      ids.push(
        Number(
          ((await res.json()) as Array<{ service_request_id: string }>)[0]!.service_request_id,
        ),
      );
    }
    // A resident's own report, and a need that is closed.
    const resident = await makeResident(community);
    const own = await run(reportNeed, resident, {
      communityId: community,
      gridId: grid,
      category: "environmentSanitation",
      place: "垃圾房",
      description: "垃圾房三天没有清运，气味很大。",
      visibility: "auto",
      photo: null,
    });
    const committee = await makeUser();
    const { makeCommittee, actorFor } = await import("./support/factories");
    await makeCommittee(committee, community);
    await run(takeNeedStep, await actorFor(committee), {
      needId: own,
      step: "markNotForPlatform",
      note: "属于物业合同纠纷，请找业委会。",
      unitId: undefined,
      deadline: undefined,
      urgent: false,
      into: undefined,
      photo: null,
    });

    const listAll = async (query = "") => {
      const res = await fetch(`${base}/open311/v2/requests.json${query}`);
      expect(res.status, query).toBe(200);
      return (await res.json()) as Array<Record<string, unknown>>;
    };
    // Only this test's needs (the file's other tests sent some too).
    const ours = new Set([...ids, own].map(String));
    const list = async (query = "") =>
      (await listAll(query)).filter((r) => ours.has(String(r.service_request_id)));
    const all = await list();
    expect(all.map((r) => Number(r.service_request_id))).toEqual([own, ids[1], ids[0]]);
    const [closed, dispute, lamp] = all;
    // A private need (a neighbour dispute) shows its category and place names, never its text.
    expect(dispute).toMatchObject({
      service_code: "neighbourDispute",
      description: null,
      status_notes: null,
    });
    expect(JSON.stringify(all)).not.toContain("王某某");
    expect(String(dispute!.address)).not.toContain("5幢");
    expect(String(lamp!.address)).toContain("5幢");
    expect(closed).toMatchObject({
      status: "closed",
      status_notes: "属于物业合同纠纷，请找业委会。",
    });
    // The resident's account is nowhere in the answer.
    const names = await getDb().selectFrom("users").select(["displayName", "username"]).execute();
    for (const u of names) {
      expect(JSON.stringify(all)).not.toContain(`"${u.displayName}"`);
    }
    const forbidden = /reporter|user|resident|actor|phone|email|account|channel/i;
    expect(keysOf(all).filter((k) => forbidden.test(k))).toEqual([]);

    expect(
      (await list("?service_code=neighbourDispute")).map((r) => Number(r.service_request_id)),
    ).toEqual([ids[1]]);
    expect((await list("?service_code=neighbourDispute,environmentSanitation")).length).toBe(2);
    expect((await list("?status=closed")).map((r) => Number(r.service_request_id))).toEqual([own]);
    expect((await list("?status=open")).length).toBe(2);
    expect(await list("?start_date=2099-01-01")).toEqual([]);
    expect(await list("?end_date=2000-01-01T00:00:00Z")).toEqual([]);
    const today = new Date().toISOString().slice(0, 10);
    expect((await list(`?start_date=${today}T00:00:00Z`)).length).toBe(3);
    // The default span is the last 90 days: a need from long ago is left out unless asked for.
    await getDb()
      .updateTable("needs")
      .set({ createdAt: "2020-01-01T00:00:00.000Z" })
      .where("id", "=", ids[0]!)
      .execute();
    expect((await list()).length).toBe(2);
    expect((await list("?start_date=2019-12-31")).length).toBe(3);
  });

  it("refuses bad filters in the Open311 format", async () => {
    await expectOpen311Error(
      await fetch(`${base}/open311/v2/requests.json?service_code=nope`),
      400,
      /service_code/,
    );
    await expectOpen311Error(
      await fetch(`${base}/open311/v2/requests.json?status=pending`),
      400,
      /status/,
    );
    await expectOpen311Error(
      await fetch(`${base}/open311/v2/requests.json?start_date=yesterday`),
      400,
      /ISO 8601/,
    );
    await expectOpen311Error(
      await fetch(`${base}/open311/v2/requests/abc.json`),
      404,
      /没有这件诉求/,
    );
    await expectOpen311Error(
      await fetch(`${base}/open311/v2/requests/999999.json?lang=en`),
      404,
      /no such request/,
    );
  });
});

describe("refusals: each in the Open311 format, and nothing written", () => {
  let key: string;
  beforeEach(async () => {
    key = await issueKey("12345");
  });

  const refused = async (send: () => Promise<Response>, status: number, words: RegExp) => {
    const before = await wholeDbSnapshot();
    await expectOpen311Error(await send(), status, words);
    expect(await wholeDbSnapshot()).toEqual(before);
  };

  it("a missing, wrong or revoked key: 401", async () => {
    const { api_key: _none, ...nokey } = need(key);
    await refused(() => post(nokey), 401, /api_key/);
    await refused(() => post(need("lh311_" + "x".repeat(43))), 401, /密钥不对或已被吊销/);
    await refused(() => post(need(key.slice(0, -1))), 401, /密钥/);
    const row = await getDb()
      .selectFrom("intakeKeys")
      .select("id")
      .where("keyHash", "=", hashKey(key))
      .executeTakeFirstOrThrow();
    await fetch(`${base}/needs/keys`, {
      method: "POST",
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        cookie: adminCookie,
        origin: base,
      },
      body: `intent=revoke&keyId=${row.id}`,
      redirect: "manual",
    });
    await refused(() => post(need(key), { "accept-language": "en" }), 401, /wrong or revoked/);
  });

  it("malformed JSON, a JSON that is no object, another content type: 400", async () => {
    const json =
      (body: string, type = "application/json") =>
      () =>
        fetch(`${base}/open311/v2/requests.json`, {
          method: "POST",
          headers: { "content-type": type },
          body,
        });
    await refused(json(`{"api_key": "${key}", "service_code": `), 400, /JSON/);
    await refused(json(`["${key}"]`), 400, /JSON/);
    await refused(json(`api_key=${key}`, "text/plain"), 400, /application\/json/);
  });

  it("an oversized body: 413, from the route and from the guard", async () => {
    await refused(() => post(need(key, { description: "很长".repeat(40_000) })), 413, /太大/);
    await refused(
      () =>
        fetch(`${base}/open311/v2/requests.json?lang=en`, {
          method: "POST",
          headers: { "content-type": "application/x-www-form-urlencoded" },
          body: "x".repeat(4 * 1024 * 1024),
        }),
      413,
      /too large/,
    );
  });

  it("a service_code that does not exist, a bad description or media_url: 400", async () => {
    await refused(() => post(need(key, { service_code: "potholes" })), 400, /^service_code: /);
    await refused(() => post(need(key, { description: "短" })), 400, /^description: /);
    await refused(() => post(need(key, { media_url: "javascript:alert(1)" })), 400, /^media_url: /);
  });

  it("an unknown grid, or none: 400", async () => {
    await refused(() => post(need(key, { address_id: "no-such-grid" })), 400, /网格编码/);
    const { address_id: _a, ...nogrid } = need(key);
    await refused(() => post({ ...nogrid, address_string: "某某小区 3幢" }), 400, /网格编码/);
    await refused(() => post(nogrid), 400, /address_id/);
    // A community's code is not a grid's.
    const c = await getDb()
      .selectFrom("areas")
      .select("code")
      .where("id", "=", community)
      .executeTakeFirstOrThrow();
    await refused(() => post(need(key, { address_id: c.code })), 400, /网格编码/);
  });

  it("past the key's hourly limit: 429, while another key still sends", async () => {
    process.env.INTAKE_RATE_PER_HOUR = "2";
    expect((await post(need(key))).status).toBe(201);
    expect((await post(need(key))).status).toBe(201);
    await refused(() => post(need(key)), 429, /一小时内提交得太多/);
    const other = await issueKey("96315");
    expect((await post(need(other))).status).toBe(201);
  });
});
