import { describe, expect, it } from "vitest";
import { fixedT, getT, i18nFor } from "./i18next.server";

describe("the per-process translators", () => {
  it("translate each language with its own instance, whatever was asked before", () => {
    expect(fixedT("en")("nav.home")).toBe("Home");
    expect(fixedT("zh-CN")("nav.home")).toBe("首页");
    expect(fixedT("en")("nav.home")).toBe("Home");
    expect(i18nFor("en").language).toBe("en");
    expect(i18nFor("zh-CN").language).toBe("zh-CN");
  });

  it("hand out one translator per language and namespace list", () => {
    expect(fixedT("en", "project")).toBe(fixedT("en", "project"));
    expect(fixedT("en", "project")).not.toBe(fixedT("en", "vote"));
    expect(fixedT("en", "project")).not.toBe(fixedT("zh-CN", "project"));
  });

  it("remember plain texts but interpolate every call with options afresh", () => {
    const t = fixedT("en");
    expect(t("nav.signedInAs", { name: "Li" })).toBe("Signed in as Li");
    expect(t("nav.signedInAs", { name: "Wang" })).toBe("Signed in as Wang");
    expect(t("errors.tooLong", { max: 20 })).toBe("At most 20 characters.");
    expect(t("common:nav.home")).toBe("Home");
    const p = fixedT("zh-CN", "project");
    expect(p("supportCount", { count: 3 })).toBe(p("supportCount", { count: 3 }));
    expect(p("supportCount", { count: 4 })).not.toBe(p("supportCount", { count: 3 }));
  });

  it("keep no more than a bounded number of texts, and stay right after forgetting", () => {
    const t = fixedT("en", ["common", "account"]);
    for (let i = 0; i < 10_000; i++) t("nav.signedInAs", { name: `person ${i}` });
    expect(t("nav.signedInAs", { name: "person 3" })).toBe("Signed in as person 3");
    expect(t("nav.home")).toBe("Home");
  });

  it("answer for a request by its language preference, and in Chinese for an unknown one", async () => {
    expect((await getT(new Request("http://x/?lng=en")))("nav.home")).toBe("Home");
    expect((await getT(new Request("http://x/")))("nav.home")).toBe("首页");
    expect((await getT(new Request("http://x/?lng=xx")))("nav.home")).toBe("首页");
  });
});
