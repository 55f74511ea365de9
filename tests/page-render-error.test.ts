/**
 * A page whose component throws while rendering (app/entry.server.tsx renders with
 * `renderToString`, which throws): Remix renders the root's error boundary instead, a whole page
 * with status 500 in the reader's language, and the error is logged; nothing of the failed page
 * is sent.
 */
import { createRequestHandler } from "@remix-run/node";
import { afterEach, describe, expect, it, vi } from "vitest";
import * as root from "~/root";
import { routesBuild } from "./support/builds";

const SECRET = "half-rendered secret";
const boom = {
  default: function Boom(): never {
    throw new Error(`boom while rendering ${SECRET}`);
  },
};
const handler = createRequestHandler(
  routesBuild({ root: ["", undefined, root], "routes/boom": ["boom", "root", boom] }),
);

afterEach(() => vi.restoreAllMocks());

describe("a page that throws while rendering", () => {
  it("answers 500 with the root's error page, in the reader's language, and logs the error", async () => {
    const logged = vi.spyOn(console, "error").mockImplementation(() => undefined);
    for (const [lng, title] of [
      ["en", "Something went wrong"],
      ["zh-CN", "出错了"],
    ] as const) {
      const res = await handler(
        new Request("http://localhost/boom", { headers: { Cookie: `lng=${lng}` } }),
      );
      expect(res.status).toBe(500);
      expect(res.headers.get("Content-Type")).toBe("text/html; charset=utf-8");
      const html = await res.text();
      expect(html.startsWith("<!DOCTYPE html><html")).toBe(true);
      expect(html).toContain(`<h1 id="error-title">${title}</h1>`);
      expect(html).not.toContain(SECRET);
      expect(html.endsWith("</html>")).toBe(true);
    }
    expect(logged.mock.calls.some((c) => String(c[0]).includes("boom while rendering"))).toBe(true);
  });
});
