import { describe, expect, it } from "vitest";
import { isCrossSite } from "./http-guard.server";

describe("cross-site check", () => {
  it("allows same-origin posts and clients that send no Origin", () => {
    expect(isCrossSite({ host: "liuhe.example", origin: "https://liuhe.example" })).toBe(false);
    expect(isCrossSite({ host: "localhost:3000", origin: "http://localhost:3000" })).toBe(false);
    expect(isCrossSite({ host: "localhost:3000" })).toBe(false);
    expect(isCrossSite({ host: "localhost:3000", "sec-fetch-site": "same-origin" })).toBe(false);
  });

  it("refuses other origins, opaque origins and browsers that say cross-site", () => {
    expect(isCrossSite({ host: "liuhe.example", origin: "https://evil.example" })).toBe(true);
    expect(isCrossSite({ host: "localhost:3000", origin: "http://localhost:3001" })).toBe(true);
    expect(isCrossSite({ host: "liuhe.example", origin: "null" })).toBe(true);
    expect(isCrossSite({ host: "liuhe.example", origin: "not a url" })).toBe(true);
    expect(isCrossSite({ host: "liuhe.example", "sec-fetch-site": "cross-site" })).toBe(true);
  });

  it("allows origins named in PUBLIC_ORIGIN (behind a proxy)", () => {
    process.env.PUBLIC_ORIGIN = "https://liuhe.example";
    try {
      expect(isCrossSite({ host: "127.0.0.1:3000", origin: "https://liuhe.example" })).toBe(false);
    } finally {
      delete process.env.PUBLIC_ORIGIN;
    }
  });
});
