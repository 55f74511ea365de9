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
import { i18nConfig, loadUnitOfKey, namespaceOfKey, namespacesInData } from "~/i18n/config";
import { chunkBackend, type LocaleChunks } from "~/i18n/chunk-backend";
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

  /** A browser-like instance on the real backend, whose chunks answer when the test says. */
  async function browserLike() {
    const { errors, ...words } = zhVote;
    const pending = new Map<string, () => void>();
    const chunk = (name: string, data: Record<string, unknown>) => () =>
      new Promise<{ default: Record<string, unknown> }>((resolve) => {
        pending.set(name, () => resolve({ default: data }));
      });
    const locales: LocaleChunks = {
      "zh-CN/common": () => Promise.resolve({ default: zhCommon }),
      "zh-CN/vote": chunk("vote", words),
      "zh-CN/vote-errors": chunk("vote-errors", errors),
    };
    const instance = i18next.createInstance();
    await instance
      .use(initReactI18next)
      .use(chunkBackend(locales, instance))
      .init({ ...i18nConfig, lng: "zh-CN", fallbackLng: false, ns: ["common"] });
    /** Loads units, answering every chunk asked for meanwhile. */
    const load = async (units: string[]) => {
      const loading = instance.loadNamespaces(units);
      for (let i = 0; i < 5; i++) {
        await new Promise((r) => setTimeout(r, 0));
        for (const answer of pending.values()) answer();
      }
      await loading;
    };
    return { instance, load };
  }

  it("shows nothing until its words arrive, never the raw key", async () => {
    const { instance, load } = await browserLike();
    const refusal = h(Message, { k: "vote:errors.alreadyVoted" });
    expect(render(refusal, instance)).toBe("<p>[]</p>");
    // The namespace's words alone do not bring its errors.
    await load(["vote"]);
    expect(instance.t("vote:box.title")).toBe(zhVote.box.title);
    expect(render(refusal, instance)).toBe("<p>[]</p>");
    // Its errors do, and the words stay.
    await load(["vote-errors"]);
    expect(render(refusal, instance)).toBe(`<p>[${zhVote.errors.alreadyVoted}]</p>`);
    expect(instance.t("vote:box.title")).toBe(zhVote.box.title);
    // A default-namespace key needs nothing fetched.
    expect(render(h(Message, { k: "errors.required" }), instance)).toBe(
      `<p>[${zhCommon.errors.required}]</p>`,
    );
  });

  it("a namespace's errors loaded first bring its words along, and count it loaded", async () => {
    const { instance, load } = await browserLike();
    await load(["vote-errors"]);
    expect(instance.hasLoadedNamespace("vote")).toBe(true);
    expect(instance.t("vote:box.title")).toBe(zhVote.box.title);
    expect(instance.t("vote:errors.alreadyVoted")).toBe(zhVote.errors.alreadyVoted);
  });

  it("namespacesInData finds the namespaces of the keys in a page's data, and only those", () => {
    const state = {
      loaderData: { root: { locale: "zh-CN" }, "routes/x": { title: "议题: 停车" } },
      actionData: { "routes/x": { errors: { _form: { key: "vote:errors.closed" } } } },
      errors: { "routes/y": { data: { error: { key: "meeting:errors.full" } } } },
    };
    expect(namespacesInData(JSON.stringify(state)).sort()).toEqual([
      "meeting-errors",
      "vote-errors",
    ]);
    const words = { loaderData: { "routes/x": { status: "project:status.voting" } } };
    expect(namespacesInData(JSON.stringify(words))).toEqual(["project"]);
    // A namespace named in camel case is found too.
    const camel = {
      actionData: { "routes/x": { error: { key: "openData:errors.unknownDataset" } } },
    };
    expect(namespacesInData(JSON.stringify(camel))).toEqual(["openData-errors"]);
    expect(namespaceOfKey("errors.required")).toBeUndefined();
    expect(namespaceOfKey("nope:errors.x")).toBeUndefined();
    expect(namespaceOfKey("project:errors.x")).toBe("project");
  });

  it("a namespace's errors are their own load unit, but common's are part of common", () => {
    expect(loadUnitOfKey("vote:errors.closed")).toBe("vote-errors");
    expect(loadUnitOfKey("vote:box.title")).toBe("vote");
    expect(loadUnitOfKey("common:errors.tooLong")).toBe("common");
    expect(loadUnitOfKey("errors.required")).toBeUndefined();
    expect(loadUnitOfKey("vote:errorsLike")).toBe("vote");
  });
});
