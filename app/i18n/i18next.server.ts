import { createInstance, type i18n, type TFunction } from "i18next";
import { initReactI18next } from "react-i18next";
import { readPreferences } from "~/utils/preferences.server";
import { i18nConfig, isLng, namespaces, supportedLngs, type Lng } from "./config";
import { resources } from "./resources.server";

/*
 * One initialised i18next instance per language, built once per process, and one fixed translator
 * per language and namespace list. The locale files are bundled into the server build, so nothing
 * is ever fetched, and nothing here changes between requests. Building an instance per request
 * (and another per getFixedT call, as remix-i18next does) cost about a quarter of a page's CPU
 * time under load. The instances are never switched to another language: each stays its own.
 */
const instances = new Map<Lng, i18n>(
  supportedLngs.map((lng) => {
    const instance = createInstance();
    void instance.use(initReactI18next).init({
      ...i18nConfig,
      lng,
      ns: [...namespaces],
      resources,
      initImmediate: false,
    });
    return [lng, instance];
  }),
);

/** The process's i18next instance for one language, for the page renderer's provider. */
export function i18nFor(lng: Lng): i18n {
  return instances.get(lng)!;
}

const translators = new Map<string, TFunction>();

/** A translator fixed to one language and namespace list, built once and kept. */
export function fixedT(lng: Lng, ns: string | readonly string[] = "common"): TFunction {
  const key = `${lng}|${String(ns)}`;
  let t = translators.get(key);
  if (!t) {
    t = i18nFor(lng).getFixedT(lng, ns as string[]);
    translators.set(key, t);
  }
  return t;
}

/** For callers written against remix-i18next: the same translator, for a request or a language. */
export const i18next = {
  getFixedT: (of: Request | string, ns: string | readonly string[] = "common") =>
    Promise.resolve(
      fixedT(
        typeof of === "string"
          ? isLng(of)
            ? of
            : i18nConfig.fallbackLng
          : readPreferences(of).lng,
        ns,
      ),
    ),
};

/** A translator for server-side text (page titles, guard pages). */
export function getT(request: Request, ns: string | string[] = "common") {
  return i18next.getFixedT(request, ns);
}
