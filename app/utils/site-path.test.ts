import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { safeNext, sitePath } from "./site-path";

const BASE = "http://liuhe.invalid/";
const ORIGIN = new URL(BASE).origin;

/** A path a browser, given it as a `Location` or an href on this site, keeps on this site. */
function staysHere(result: string): boolean {
  return (
    result.startsWith("/") &&
    !result.startsWith("//") &&
    !result.startsWith("/\\") &&
    new URL(result, BASE).origin === ORIGIN &&
    new URL(result, "https://another.invalid/x/y").origin === "https://another.invalid"
  );
}

/** What `redirect()` and a header would refuse: characters outside printable ASCII. */
const headerSafe = (s: string) => /^[\x21-\x7e]*$/.test(s);

/** Strings made mostly of what URL parsers treat specially. */
const tricky = fc.string({
  unit: fc.constantFrom(
    ..."/\\/\\:.@?#%&=ab",
    "\t",
    "\n",
    "\r",
    " ",
    "\u0000",
    "\u007f",
    "\u3000",
    "中",
    "%2F",
    "%5C",
    "%09",
    "%0A",
    "//",
    "evil.example",
    "http:",
    "https:",
    "javascript:",
  ),
  maxLength: 24,
});
const anything = fc.oneof(
  tricky,
  fc.string({ unit: "binary", maxLength: 40 }),
  fc.webUrl({ withQueryParameters: true, withFragments: true }),
  fc.webPath(),
);

describe("safeNext", () => {
  it.each([
    ["/settings", "/settings"],
    ["/projects/3?tab=budget#items", "/projects/3?tab=budget#items"],
    ["/communities?welcome=1", "/communities?welcome=1"],
    ["/projects/new", "/projects/new"],
    ["/a/../b", "/b"],
    ["/中文", "/%E4%B8%AD%E6%96%87"],
    ["/\u3000", "/%E3%80%80"],
    ["\u3000", "/%E3%80%80"],
    ["http://liuhe.invalid/settings", "/settings"],
  ])("keeps the on-site %j as %j", (next, expected) => {
    expect(safeNext(next)).toBe(expected);
  });

  it.each([
    "/\t/evil.example/phish",
    "/\n/evil.example/phish",
    "/\r\n/evil.example/phish",
    "//evil.example",
    "///evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "\\/evil.example",
    " //evil.example",
    "\t//evil.example",
    "https://evil.example",
    "HTTPS://evil.example/x",
    "https:evil.example",
    "ftp://evil.example",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    " javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "http://liuhe.invalid@evil.example/",
    "http://[",
    "",
    null,
    undefined,
  ])("drops %j", (next) => {
    expect(safeNext(next)).toBe("/");
    expect(safeNext(next, "/communities?welcome=1")).toBe("/communities?welcome=1");
  });

  it("never leads off this site, and is always a value a Location header takes", () => {
    fc.assert(
      fc.property(anything, (next) => {
        const result = safeNext(next);
        expect(staysHere(result)).toBe(true);
        expect(headerSafe(result)).toBe(true);
        expect(() => new Headers({ Location: result })).not.toThrow();
        // What it answers it answers again: the value is already in its final form.
        expect(safeNext(result)).toBe(result);
      }),
      { numRuns: 2000 },
    );
  });

  it("keeps any on-site path as a browser would reach it (`/.//x` as `/x`, not `//x`)", () => {
    fc.assert(
      fc.property(fc.webPath(), (path) => {
        fc.pre(path.startsWith("/") && !path.startsWith("//"));
        const expected = new URL(path, BASE);
        const pathname = expected.pathname.replace(/^\/+/, "/");
        expect(safeNext(path)).toBe(pathname + expected.search + expected.hash);
      }),
    );
  });
});

describe("sitePath", () => {
  it.each([
    ["/projects", "/projects"],
    ["//evil.example/x", "/evil.example/x"],
    ["///evil.example/x", "/evil.example/x"],
    ["/\\evil.example/x", "/evil.example/x"],
    ["\\\\evil.example/x", "/evil.example/x"],
    ["/.//evil.example/x", "/evil.example/x"],
    ["", "/"],
  ])("makes %j the on-site %j", (pathname, expected) => {
    expect(sitePath(pathname)).toBe(expected);
  });

  it("never leads off this site", () => {
    fc.assert(
      fc.property(anything, (pathname) => {
        const result = sitePath(pathname);
        expect(staysHere(result)).toBe(true);
        expect(headerSafe(result)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });
});
