/**
 * The production server over plain HTTP: health, refusals rendered in the reader's language with
 * what they typed kept, the guard's 403 and 413, and the database unchanged after each refusal.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { openDatabase, type DB } from "../db/client.server";

const base = () => inject("baseURL");
let db: DB;

beforeAll(() => {
  db = openDatabase(inject("dbPath"));
});
afterAll(async () => {
  await db?.destroy();
});

async function counts() {
  const users = await db
    .selectFrom("users")
    .select(db.fn.countAll<number>().as("n"))
    .executeTakeFirstOrThrow();
  const sessions = await db
    .selectFrom("sessions")
    .select(db.fn.countAll<number>().as("n"))
    .executeTakeFirstOrThrow();
  const memberships = await db
    .selectFrom("memberships")
    .select(db.fn.countAll<number>().as("n"))
    .executeTakeFirstOrThrow();
  return { users: users.n, sessions: sessions.n, memberships: memberships.n };
}

function post(path: string, body: string, headers: Record<string, string> = {}) {
  return fetch(`${base()}${path}`, {
    method: "POST",
    redirect: "manual",
    headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: base(), ...headers },
    body,
  });
}

describe("over HTTP", () => {
  it("answers /healthz with the database's state", async () => {
    const res = await fetch(`${base()}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: "ok", database: "ok" });
  });

  it("forbids framing by other sites and type sniffing", async () => {
    const res = await fetch(`${base()}/login`);
    expect(res.headers.get("x-frame-options")).toBe("DENY");
    expect(res.headers.get("content-security-policy")).toMatch(/frame-ancestors 'none'/);
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
  });

  it("compresses pages", async () => {
    const res = await fetch(`${base()}/`, { headers: { "Accept-Encoding": "gzip" } });
    expect(res.headers.get("content-encoding")).toBe("gzip");
  });

  it.each([
    ["zh-CN", "密码至少 8 位。"],
    ["en", "The password needs at least 8 characters."],
  ])("refuses a short password in %s, keeping what was typed", async (lng, message) => {
    const before = await counts();
    const res = await post(
      "/join",
      new URLSearchParams({
        displayName: "王阿姨",
        login: "wangayi2",
        password: "short",
        consent: "yes",
      }).toString(),
      { Cookie: `lng=${lng}` },
    );
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain(message);
    expect(html).toContain('value="王阿姨"');
    expect(html).toContain('value="wangayi2"');
    expect(html).not.toContain('value="short"');
    expect(await counts()).toEqual(before);
  });

  it("refuses a taken username with 400", async () => {
    const before = await counts();
    const res = await post(
      "/join",
      new URLSearchParams({
        displayName: "x",
        login: "resident",
        password: "long enough",
        consent: "yes",
      }).toString(),
    );
    expect(res.status).toBe(400);
    expect(await res.text()).toContain("这个用户名或手机号已被注册");
    expect(await counts()).toEqual(before);
  });

  it.each([
    ["zh-CN", "提交的内容太大"],
    ["en", "too large"],
  ])("refuses a 10 MB body with 413 in %s", async (lng, message) => {
    const before = await counts();
    const res = await post("/join", `displayName=${"x".repeat(10 * 1024 * 1024)}`, {
      Cookie: `lng=${lng}`,
    });
    expect(res.status).toBe(413);
    expect(await res.text()).toContain(message);
    expect(await counts()).toEqual(before);
  });

  it.each([
    ["zh-CN", "这个请求来自其他网站"],
    ["en", "came from another website"],
  ])("refuses a cross-site POST with 403 in %s", async (lng, message) => {
    const before = await counts();
    const res = await post(
      "/join",
      new URLSearchParams({
        displayName: "x",
        login: "crosssite",
        password: "long enough",
        consent: "yes",
      }).toString(),
      { Origin: "https://evil.example", Cookie: `lng=${lng}` },
    );
    expect(res.status).toBe(403);
    expect(await res.text()).toContain(message);
    expect(await counts()).toEqual(before);
  });

  it("serves 长辈版 without any script and with its stylesheet inline", async () => {
    const res = await fetch(`${base()}/join?mode=lite`);
    const html = await res.text();
    expect(html).not.toMatch(/<script/i);
    // The inline stylesheet carries the response's nonce (the page's CSP allows no other).
    const nonce = /'nonce-([^']+)'/.exec(res.headers.get("content-security-policy") ?? "")?.[1];
    expect(html).toContain(`<style nonce="${nonce}">`);
    expect(res.headers.get("set-cookie")).toMatch(/mode=lite/);
  });

  it("sets <html lang> from ?lng and remembers it", async () => {
    const res = await fetch(`${base()}/?lng=en`);
    expect(await res.text()).toMatch(/<html lang="en"/);
    const cookie = res.headers.get("set-cookie")!.split(";")[0]!;
    const again = await fetch(`${base()}/permissions`, { headers: { Cookie: cookie } });
    expect(await again.text()).toMatch(/<html lang="en"/);
  });

  it.each(["full", "lite"])(
    "links the icons from a %s page and serves them, /favicon.ico included",
    async (mode) => {
      const html = await (
        await fetch(`${base()}/`, { headers: { Cookie: `mode=${mode}` } })
      ).text();
      const linked = (rel: string) =>
        [...html.matchAll(/<link\b[^>]*>/g)]
          .map((m) => m[0])
          .filter((tag) => tag.includes(`rel="${rel}"`))
          .map((tag) => /href="([^"]+)"/.exec(tag)?.[1]);
      expect(linked("icon").sort()).toEqual(["/favicon.ico", "/favicon.svg"]);
      expect(linked("apple-touch-icon")).toEqual(["/apple-touch-icon.png"]);

      const get = async (path: string) => {
        const res = await fetch(`${base()}${path}`);
        expect(res.status, path).toBe(200);
        return {
          type: res.headers.get("content-type"),
          body: Buffer.from(await res.arrayBuffer()),
        };
      };
      // Asked for by browsers and tools that never read the page.
      const ico = await get("/favicon.ico");
      expect(ico.type).toMatch(/^image\/(x-icon|vnd\.microsoft\.icon)/);
      expect([...ico.body.subarray(0, 4)]).toEqual([0, 0, 1, 0]);
      expect(ico.body.readUInt16LE(4)).toBeGreaterThanOrEqual(2); // images at several sizes
      const svg = await get("/favicon.svg");
      expect(svg.type).toMatch(/^image\/svg\+xml/);
      expect(svg.body.toString()).toMatch(/^<svg[^>]*viewBox/);
      const png = await get("/apple-touch-icon.png");
      expect(png.type).toBe("image/png");
      // The PNG's header chunk: 180×180, as iOS asks.
      expect(png.body.subarray(12, 16).toString()).toBe("IHDR");
      expect([png.body.readUInt32BE(16), png.body.readUInt32BE(20)]).toEqual([180, 180]);
      // Small enough to cost nothing: a few KB in all.
      expect(ico.body.length + svg.body.length + png.body.length).toBeLessThan(12 * 1024);
    },
  );

  it("lists every policy action on /permissions", async () => {
    const { actions } = await import("../app/domain/permissions/policy");
    const html = await (await fetch(`${base()}/permissions`)).text();
    for (const action of actions) expect(html).toContain(`data-action="${action}"`);
  });

  it("serves open data as files: a CSV with its BOM and a JSON with its fields, streamed", async () => {
    const csv = await fetch(`${base()}/open-data/projects.csv`, {
      headers: { "Accept-Encoding": "gzip" },
    });
    expect(csv.status).toBe(200);
    expect(csv.headers.get("content-type")).toMatch(/^text\/csv; charset=utf-8/);
    expect(csv.headers.get("content-disposition")).toMatch(
      /^attachment; filename="liuhe-projects-\d{4}-\d{2}-\d{2}\.csv"$/,
    );
    expect(csv.headers.get("cache-control")).toBe("public, max-age=300");
    const bytes = Buffer.from(await csv.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(bytes.subarray(3).toString("utf8")).toMatch(/^id,communityId,/);
    const json = await fetch(`${base()}/open-data/meetings.json`, {
      headers: { Cookie: "lng=en" },
    });
    expect(json.status).toBe(200);
    const body = (await json.json()) as { dataset: string; fields: unknown[]; rows: unknown[] };
    expect(body.dataset).toBe("meetings");
    expect(body.rows.length).toBeGreaterThan(0);
    const unknown = await fetch(`${base()}/open-data/users.csv`, { headers: { Cookie: "lng=en" } });
    expect(unknown.status).toBe(404);
    expect(await unknown.text()).toContain("There is no such open data file");
  });
});
