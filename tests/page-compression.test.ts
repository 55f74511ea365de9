/**
 * A page goes whole and compressed in one go (app/entry.server.tsx): gzipped when the client takes
 * gzip, with its Content-Length either way, and the same HTML as uncompressed; Express's
 * `compression`, in front as server.ts puts it, passes the gzipped page through untouched rather
 * than compressing it twice.
 */
import type { AddressInfo } from "node:net";
import http from "node:http";
import { gunzipSync } from "node:zlib";
import { createRequestHandler as expressHandler } from "@remix-run/express";
import { createRequestHandler } from "@remix-run/node";
import compression from "compression";
import express from "express";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { homeBuild } from "./support/builds";

const build = homeBuild;
const handler = createRequestHandler(build());

async function page(url: string, acceptEncoding?: string) {
  const headers: Record<string, string> = { Cookie: "lng=en" };
  if (acceptEncoding !== undefined) headers["Accept-Encoding"] = acceptEncoding;
  const res = await handler(new Request(url, { headers }));
  return { res, bytes: Buffer.from(await res.arrayBuffer()) };
}

/** The page's HTML with this response's nonce taken out, so that two responses compare. */
const sameBut = (html: string) => html.replace(/nonce-[A-Za-z0-9+/=]+|nonce="[^"]*"/g, "nonce");

describe("a page", () => {
  it("is gzipped for a client that takes gzip, with its length, and unzips to the plain page", async () => {
    const plain = await page("http://localhost/");
    const zipped = await page("http://localhost/", "gzip, deflate, br");
    expect(plain.res.headers.get("Content-Encoding")).toBe(null);
    expect(zipped.res.headers.get("Content-Encoding")).toBe("gzip");
    for (const { res, bytes } of [plain, zipped]) {
      expect(res.status).toBe(200);
      expect(res.headers.get("Content-Length")).toBe(String(bytes.length));
      expect(res.headers.get("Vary")).toBe("Cookie, Accept-Encoding");
    }
    const unzipped = gunzipSync(zipped.bytes);
    expect(unzipped.length).toBeGreaterThan(zipped.bytes.length * 2);
    expect(unzipped.includes(0)).toBe(false);
    const html = unzipped.toString("utf8");
    expect(html).toMatch(/^<!DOCTYPE html>/);
    expect(html).toMatch(/<\/html>$/);
    expect(sameBut(html)).toBe(sameBut(plain.bytes.toString("utf8")));
  });

  it("is not gzipped when the client refuses gzip or does not name it", async () => {
    for (const asked of ["gzip;q=0, identity", "identity", "br", ""]) {
      const { res, bytes } = await page("http://localhost/", asked);
      expect(res.headers.get("Content-Encoding"), asked).toBe(null);
      expect(bytes.toString("utf8"), asked).toMatch(/^<!DOCTYPE html>[^]*<\/html>$/);
    }
  });

  it("keeps its status: a page not found is gzipped and still 404", async () => {
    const { res, bytes } = await page("http://localhost/no-such-page", "gzip");
    expect(res.status).toBe(404);
    expect(res.headers.get("Content-Encoding")).toBe("gzip");
    expect(gunzipSync(bytes).toString("utf8")).toContain("</html>");
  });
});

describe("behind Express's compression, as server.ts serves", () => {
  let server: http.Server;
  let port = 0;
  beforeAll(async () => {
    const app = express();
    app.use(compression());
    app.all("*", expressHandler({ build: build(), mode: "production" }));
    server = app.listen(0, "127.0.0.1");
    await new Promise((r) => server.once("listening", r));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise((r) => server.close(r)));

  /** The raw response: node's client, which (unlike fetch) unzips nothing. */
  const raw = (headers: Record<string, string>) =>
    new Promise<{ headers: http.IncomingHttpHeaders; body: Buffer }>((resolve, reject) => {
      http
        .get({ host: "127.0.0.1", port, path: "/", headers }, (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () => resolve({ headers: res.headers, body: Buffer.concat(chunks) }));
        })
        .on("error", reject);
    });

  it("gets the page gzipped once, with its length, not chunked", async () => {
    const { headers, body } = await raw({ "Accept-Encoding": "gzip", Cookie: "lng=en" });
    expect(headers["content-encoding"]).toBe("gzip");
    expect(headers["content-length"]).toBe(String(body.length));
    expect(headers["transfer-encoding"]).toBeUndefined();
    expect(gunzipSync(body).toString("utf8")).toMatch(/^<!DOCTYPE html>[^]*<\/html>$/);
  });

  it("gets the plain page when the client asks for no encoding", async () => {
    const { headers, body } = await raw({ Cookie: "lng=en" });
    expect(headers["content-encoding"]).toBeUndefined();
    expect(body.toString("utf8")).toMatch(/^<!DOCTYPE html>[^]*<\/html>$/);
  });
});
