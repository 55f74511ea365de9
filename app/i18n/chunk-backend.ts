/**
 * The browser's i18next backend: it reads the locale chunks that app/i18n/locale-chunks.vite.ts
 * made, "zh-CN/vote" (a namespace's words) and "zh-CN/vote-errors" (its refusals). The unit
 * "vote-errors" (config.ts `loadUnitOfKey`) is read as the two together and put into "vote",
 * which then counts as loaded, so its words must come along; the unit itself is stored as nothing.
 */
import type { BackendModule, i18n } from "i18next";
import { ERRORS_SUFFIX } from "./config";

export type LocaleChunks = Record<string, () => Promise<{ default: Record<string, unknown> }>>;

export function chunkBackend(
  locales: LocaleChunks,
  instance: Pick<i18n, "addResourceBundle">,
): BackendModule {
  return {
    type: "backend",
    init() {},
    read(language, unit, callback) {
      const load = async (name: string) => {
        const chunk = locales[`${language}/${name}`];
        if (!chunk) throw new Error(`no locale ${language}/${name}`);
        return (await chunk()).default;
      };
      if (!unit.endsWith(ERRORS_SUFFIX)) {
        load(unit).then(
          (words) => callback(null, words),
          (err: Error) => callback(err, false),
        );
        return;
      }
      const ns = unit.slice(0, -ERRORS_SUFFIX.length);
      Promise.all([load(ns), load(unit)]).then(
        ([words, errors]) => {
          instance.addResourceBundle(language, ns, { ...words, errors }, false, true);
          callback(null, {});
        },
        (err: Error) => callback(err, false),
      );
    },
  };
}
