import { RemixI18Next } from "remix-i18next/server";
import { readPreferences } from "~/utils/preferences.server";
import { fallbackLng, i18nConfig, supportedLngs } from "./config";
import { resources } from "./resources.server";

export const i18next = new RemixI18Next({
  detection: {
    supportedLanguages: [...supportedLngs],
    fallbackLanguage: fallbackLng,
    order: ["custom"],
    findLocale: async (request) => readPreferences(request).lng,
  },
  i18next: { ...i18nConfig, resources },
});

/** A translator for server-side text (page titles, guard pages). */
export function getT(request: Request, ns: string | string[] = "common") {
  return i18next.getFixedT(request, ns as "common");
}
