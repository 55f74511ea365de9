import { createInstance, type i18n, type TFunction } from "i18next";
import { initReactI18next } from "react-i18next";
import { readPreferences } from "~/utils/preferences.server";
import { i18nConfig, namespaces, supportedLngs, type Lng } from "./config";
import { resources } from "./resources.server";

/*
 * One initialised i18next instance per language, built once per process, and one fixed translator
 * per language and namespace list. The locale files are bundled into the server build, so nothing
 * is ever fetched, and nothing here changes between requests. Building an instance per request
 * (and another per getFixedT call, as remix-i18next does) cost several per cent of a page's CPU
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
    rememberTranslations(instance);
    return [lng, instance];
  }),
);

/** How many texts one translator keeps before it starts afresh: a bound on memory. */
const REMEMBERED = 4_000;

/** The memo key of a call whose options are all plain values (names, counts); otherwise none. */
function memoKey(args: unknown[]): string | undefined {
  const [key, options] = args;
  if (typeof key !== "string" || args.length > 2) return undefined;
  if (args.length === 1) return key;
  if (typeof options !== "object" || options === null) return undefined;
  let id = key;
  for (const [name, value] of Object.entries(options)) {
    if (typeof value !== "string" && typeof value !== "number") return undefined;
    id += `\u0000${name}\u0000${typeof value}\u0000${value}`;
  }
  return id;
}

/**
 * Every translator the instance hands out (to `useTranslation` too) is made once per namespace list
 * and remembers what it has translated: `t("project:supportCount", { count: 3 })` comes out the
 * same on every render, yet i18next walks the language hierarchy, formats the language code and
 * interpolates for each call (about a fifth of a page's CPU time under load). Only calls whose
 * options are plain strings and numbers are remembered; when a translator has kept REMEMBERED texts
 * it forgets them all and starts again, so names in options cannot grow it without bound.
 */
function rememberTranslations(instance: i18n) {
  const make = instance.getFixedT.bind(instance);
  const made = new Map<string, TFunction>();
  instance.getFixedT = ((
    lng: string | readonly string[] | null,
    ns?: string | readonly string[],
    keyPrefix?: string,
  ) => {
    const id = JSON.stringify([lng, ns, keyPrefix]);
    let t = made.get(id);
    if (!t) {
      const raw = make(lng, ns as string, keyPrefix) as unknown as (...args: unknown[]) => string;
      const texts = new Map<string, string>();
      const remembering = (...args: unknown[]) => {
        const key = memoKey(args);
        if (key === undefined) return raw(...args);
        let text = texts.get(key);
        if (text === undefined) {
          text = raw(...args);
          if (texts.size >= REMEMBERED) texts.clear();
          texts.set(key, text);
        }
        return text;
      };
      t = Object.assign(remembering, raw) as unknown as TFunction;
      made.set(id, t);
    }
    return t;
  }) as i18n["getFixedT"];
}

/** The process's i18next instance for one language, for the page renderer's provider. */
export function i18nFor(lng: Lng): i18n {
  return instances.get(lng)!;
}

/** A translator fixed to one language and namespace list (made once: see above). */
export function fixedT(lng: Lng, ns: string | readonly string[] = "common"): TFunction {
  return i18nFor(lng).getFixedT(lng, ns as string[]);
}

/** A translator for server-side text (page titles, guard pages). */
export function getT(request: Request, ns: string | string[] = "common") {
  return Promise.resolve(fixedT(readPreferences(request).lng, ns));
}
