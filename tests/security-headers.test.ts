/**
 * Security headers (issue 13, defect 10). Whole pages, rendered by Remix's own request handler
 * with the app's root and entry: standard pages allow only the scripts that carry this response's
 * nonce, 长辈版 pages no script at all; and, through an Express app set up as server.ts sets
 * it up, every response (static files too) carries the headers once, HSTS only over HTTPS.
 */
import fs from "node:fs";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { createRequestHandler as expressHandler } from "@remix-run/express";
import { createRequestHandler } from "@remix-run/node";
import express from "express";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { homeBuild } from "./support/builds";
import * as entry from "~/entry.server";
import { makeNonce, securityHeaders } from "~/utils/security-headers.server";

const build = homeBuild;

const handler = createRequestHandler(build());

async function page(url: string, mode: "full" | "lite" = "full") {
  const res = await handler(new Request(url, { headers: { Cookie: `mode=${mode}` } }));
  return { res, html: await res.text() };
}

/** The directives of a policy, by name. */
function directives(csp: string | null): Map<string, string> {
  return new Map(
    (csp ?? "")
      .split(";")
      .map((d) => d.trim())
      .filter(Boolean)
      .map((d) => [d.split(/\s+/)[0]!, d.split(/\s+/).slice(1).join(" ")]),
  );
}

describe("a standard page", () => {
  it("lets only the scripts carrying this response's nonce run, and each of ours carries it", async () => {
    const nonces = [];
    for (const url of ["http://localhost/", "http://localhost/no-such-page"]) {
      const { res, html } = await page(url);
      const csp = directives(res.headers.get("Content-Security-Policy"));
      const nonce = /^'nonce-([A-Za-z0-9+/=]+)' 'strict-dynamic'$/.exec(
        csp.get("script-src")!,
      )?.[1];
      expect(nonce, url).toBeTruthy();
      nonces.push(nonce);
      const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
      expect(scripts.length, url).toBeGreaterThanOrEqual(2);
      for (const tag of scripts) expect(tag).toContain(` nonce="${nonce}"`);
      expect(csp.get("object-src")).toBe("'none'");
      expect(csp.get("base-uri")).toBe("'none'");
      expect(csp.get("form-action")).toBe("'self'");
      expect(csp.get("connect-src")).toBe("'self'");
      expect(csp.get("frame-ancestors")).toBe("'none'");
      expect(csp.get("default-src")).toBe("'self'");
      expect(res.headers.get("Permissions-Policy")).toMatch(/camera=\(\).*microphone=\(\)/);
      expect(res.headers.get("X-Content-Type-Options")).toBe("nosniff");
    }
    // A nonce of each response's own.
    const again = await page("http://localhost/");
    const third = /'nonce-([^']+)'/.exec(again.res.headers.get("Content-Security-Policy")!)?.[1];
    expect(new Set([...nonces, third]).size).toBe(3);
  });
});

describe("nonces", () => {
  it("are 128 bits each and never repeat, across the batches they are drawn in", () => {
    // Several batches of 64: a slice handed out twice, or a batch reused, would repeat one.
    const many = Array.from({ length: 64 * 5 + 7 }, makeNonce);
    expect(new Set(many).size).toBe(many.length);
    for (const n of many) expect(Buffer.from(n, "base64")).toHaveLength(16);
  });
});

describe("a 长辈版 page", () => {
  it("allows no script, and its inline stylesheet carries the nonce", async () => {
    const { res, html } = await page("http://localhost/", "lite");
    const csp = directives(res.headers.get("Content-Security-Policy"));
    expect(csp.get("script-src")).toBe("'none'");
    expect(html).not.toContain("<script");
    // Its stylesheet is inline (under Vitest, ?raw reads it empty and the page links it instead).
    const nonce = /'nonce-([^']+)'/.exec(csp.get("style-src-elem")!)?.[1];
    for (const [tag] of html.matchAll(/<style\b[^>]*>/g))
      expect(tag).toBe(`<style nonce="${nonce}">`);
    expect(res.headers.get("Permissions-Policy")).toContain("geolocation=()");
  });
});

describe("HSTS on pages", () => {
  it("is absent over HTTP and present over HTTPS", async () => {
    expect((await page("http://localhost/")).res.headers.get("Strict-Transport-Security")).toBe(
      null,
    );
    expect((await page("https://localhost/")).res.headers.get("Strict-Transport-Security")).toBe(
      "max-age=31536000; includeSubDomains",
    );
  });
});

describe("behind Express, as server.ts serves", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "liuhe-static-"));
  let server: ReturnType<ReturnType<typeof express>["listen"]>;
  let base = "";
  beforeAll(async () => {
    fs.writeFileSync(path.join(dir, "a.css"), "body{}");
    const app = express();
    app.set("trust proxy", "loopback");
    app.use(securityHeaders);
    app.use(express.static(dir));
    app.use((req, res, next) => entry.liuhe.httpGuard(req, res, next));
    app.all("*", expressHandler({ build: build(), mode: "production" }));
    server = app.listen(0, "127.0.0.1");
    await new Promise((r) => server.once("listening", r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((r) => server.close(r));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("gives static files the headers and a policy that allows nothing", async () => {
    const res = await fetch(`${base}/a.css`);
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Security-Policy")).toBe(
      "default-src 'none'; frame-ancestors 'none'",
    );
    expect(res.headers.get("X-Content-Type-Options")).toBe("nosniff");
    expect(res.headers.get("X-Frame-Options")).toBe("DENY");
    expect(res.headers.get("Referrer-Policy")).toBe("same-origin");
    expect(res.headers.get("Permissions-Policy")).toContain("camera=()");
    expect(res.headers.get("Strict-Transport-Security")).toBe(null);
  });

  it("sends a page one policy, its own, and each header once", async () => {
    const res = await fetch(`${base}/`, { headers: { Cookie: "mode=full" } });
    expect(res.status).toBe(200);
    // Two policies would both be enforced; fetch joins repeated headers with ", ".
    expect(res.headers.get("Content-Security-Policy")).toMatch(
      /^default-src 'self'; script-src 'nonce-[^']+' 'strict-dynamic';[^,]*$/,
    );
    expect(res.headers.get("X-Frame-Options")).toBe("DENY");
    expect(res.headers.get("Permissions-Policy")!.match(/camera=/g)).toHaveLength(1);
    expect(res.headers.get("X-Content-Type-Options")).toBe("nosniff");
    await res.text();
  });

  it("sends HSTS only when the (trusted) proxy says the request came over HTTPS", async () => {
    const plain = await fetch(`${base}/a.css`);
    expect(plain.headers.get("Strict-Transport-Security")).toBe(null);
    for (const p of ["/a.css", "/"]) {
      const res = await fetch(`${base}${p}`, { headers: { "X-Forwarded-Proto": "https" } });
      expect([p, res.headers.get("Strict-Transport-Security")]).toEqual([
        p,
        "max-age=31536000; includeSubDomains",
      ]);
      await res.text();
    }
  });
});
