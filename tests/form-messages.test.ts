/**
 * How refusals read (issue 14, item 5) and where their words come from. A refusal with nothing to
 * correct is a plain notice, not a list under "请修改以下内容"; one with fields keeps the heading and
 * links each field. A browser holds only its page's namespaces: a key from another is fetched on
 * first use and shows as nothing until it arrives, never as the raw key; a page the server rendered
 * with such a key loads its namespace before hydrating (`namespacesInData`).
 */
import i18next from "i18next";
import { createElement as h } from "react";
import { renderToString } from "react-dom/server";
import { I18nextProvider, initReactI18next } from "react-i18next";
import { describe, expect, it } from "vitest";
import { ErrorSummary, useKeyMessage } from "~/components/forms";
import { i18nConfig, namespaceOfKey, namespacesInData } from "~/i18n/config";
import { i18nFor } from "~/i18n/i18next.server";
import zhCommon from "../public/locales/zh-CN/common.json";
import zhVote from "../public/locales/zh-CN/vote.json";

const render = (node: ReturnType<typeof h>, i18n = i18nFor("zh-CN")) =>
  renderToString(h(I18nextProvider, { i18n }, node));

describe("ErrorSummary", () => {
  it("a refusal with nothing to correct is a notice: no 'correct the following' heading", () => {
    const html = render(
      h(ErrorSummary, { errors: { _form: { key: "vote:errors.alreadyVoted" } } }),
    );
    expect(html).toContain('role="alert"');
    expect(html).toContain(zhVote.errors.alreadyVoted);
    expect(html).not.toContain(zhCommon.forms.errorSummary);
    expect(html).not.toContain("<ul");
  });

  it("a refusal of fields keeps the heading and links each field to its input", () => {
    const html = render(
      h(ErrorSummary, {
        errors: { title: { key: "errors.required" }, _form: { key: "vote:errors.alreadyVoted" } },
        labels: { title: "标题" },
      }),
    );
    expect(html).toContain(zhCommon.forms.errorSummary);
    expect(html).toContain('href="#f-title"');
    expect(html).toContain(zhVote.errors.alreadyVoted);
  });
});

describe("a key from a namespace the page did not load", () => {
  function Message({ k }: { k: string }) {
    const message = useKeyMessage();
    return h("p", null, `[${message(k)}]`);
  }

  it("shows nothing until its namespace arrives, never the raw key", async () => {
    // A browser-like instance: common loaded, vote not yet (its backend answers later).
    let answer: (data: Record<string, unknown>) => void = () => {};
    const instance = i18next.createInstance();
    await instance
      .use(initReactI18next)
      .use({
        type: "backend",
        init() {},
        read(_lng: string, ns: string, cb: (e: Error | null, d: unknown) => void) {
          if (ns === "common") return cb(null, zhCommon);
          answer = (data) => cb(null, data);
        },
      })
      .init({ ...i18nConfig, lng: "zh-CN", fallbackLng: false, ns: ["common"] });
    expect(render(h(Message, { k: "vote:errors.alreadyVoted" }), instance)).toBe("<p>[]</p>");
    // Fetched, it reads as the words.
    const loading = instance.loadNamespaces("vote");
    answer(zhVote);
    await loading;
    expect(render(h(Message, { k: "vote:errors.alreadyVoted" }), instance)).toBe(
      `<p>[${zhVote.errors.alreadyVoted}]</p>`,
    );
    // A default-namespace key needs nothing fetched.
    expect(render(h(Message, { k: "errors.required" }), instance)).toBe(
      `<p>[${zhCommon.errors.required}]</p>`,
    );
  });

  it("namespacesInData finds the namespaces of the keys in a page's data, and only those", () => {
    const state = {
      loaderData: { root: { locale: "zh-CN" }, "routes/x": { title: "议题: 停车" } },
      actionData: { "routes/x": { errors: { _form: { key: "vote:errors.closed" } } } },
      errors: { "routes/y": { data: { error: { key: "meeting:errors.full" } } } },
    };
    expect(namespacesInData(JSON.stringify(state)).sort()).toEqual(["meeting", "vote"]);
    expect(namespaceOfKey("errors.required")).toBeUndefined();
    expect(namespaceOfKey("nope:errors.x")).toBeUndefined();
    expect(namespaceOfKey("project:errors.x")).toBe("project");
  });
});
