import { describe, expect, it } from "vitest";
import { parseCookies, readPreferences } from "./preferences.server";

const req = (url: string, cookie?: string) =>
  new Request(`http://localhost${url}`, { headers: cookie ? { Cookie: cookie } : {} });

describe("preferences", () => {
  it("defaults to Chinese and the standard mode, whatever the browser asks for", () => {
    const p = readPreferences(
      new Request("http://localhost/", { headers: { "Accept-Language": "en-US" } }),
    );
    expect(p).toEqual({ lng: "zh-CN", mode: "full", text: "normal", setCookies: [] });
  });

  it("switches with ?lng and ?mode and remembers them in cookies", () => {
    const p = readPreferences(req("/?lng=en&mode=lite"));
    expect(p.lng).toBe("en");
    expect(p.mode).toBe("lite");
    expect(p.setCookies).toEqual([
      expect.stringMatching(/^lng=en; Path=\/; Max-Age=\d+; SameSite=Lax$/),
      expect.stringMatching(/^mode=lite; Path=\/;/),
    ]);
  });

  it("reads the cookies and does not set them again", () => {
    expect(readPreferences(req("/", "lng=en; mode=lite; text=large"))).toEqual({
      lng: "en",
      mode: "lite",
      text: "large",
      setCookies: [],
    });
  });

  it("ignores unknown values", () => {
    const p = readPreferences(req("/?lng=fr&mode=huge&text=huge", "lng=xx; mode=yy; text=big"));
    expect(p).toEqual({ lng: "zh-CN", mode: "full", text: "normal", setCookies: [] });
  });

  it("switches to large text with ?text and back, remembering it in a cookie", () => {
    const large = readPreferences(req("/projects?text=large"));
    expect(large.text).toBe("large");
    expect(large.setCookies).toEqual([
      expect.stringMatching(/^text=large; Path=\/; Max-Age=\d+; SameSite=Lax$/),
    ]);
    const normal = readPreferences(req("/?text=normal", "text=large"));
    expect(normal.text).toBe("normal");
    expect(normal.setCookies).toEqual([expect.stringMatching(/^text=normal;/)]);
    // Already the cookie's value: nothing to set.
    expect(readPreferences(req("/?text=large", "text=large")).setCookies).toEqual([]);
    // A bad value in the address keeps the remembered choice.
    expect(readPreferences(req("/?text=LARGE", "text=large")).text).toBe("large");
  });

  it("marks cookies Secure over https", () => {
    const p = readPreferences(new Request("https://liuhe.example/?lng=en"));
    expect(p.setCookies[0]).toMatch(/; Secure$/);
  });

  it("parses cookie headers, keeping the first of duplicates", () => {
    expect(parseCookies("a=1; b=%E4%B8%AD; a=2; bad; c=%zz")).toEqual({
      a: "1",
      b: "中",
      c: "%zz",
    });
  });

  it("reads a request once: its askers share one frozen answer, another request is read anew", () => {
    const first = req("/?lng=en", "mode=lite");
    const p = readPreferences(first);
    expect(readPreferences(first)).toBe(p);
    expect(p).toMatchObject({ lng: "en", mode: "lite" });
    expect(Object.isFrozen(p) && Object.isFrozen(p.setCookies)).toBe(true);
    // The same address with other cookies is another request, with its own choices.
    const second = req("/?lng=en", "mode=full");
    expect(readPreferences(second)).not.toBe(p);
    expect(readPreferences(second).mode).toBe("full");
  });
});
