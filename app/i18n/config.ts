/** i18next settings shared by the server and the browser. */
export const supportedLngs = ["zh-CN", "en"] as const;
export type Lng = (typeof supportedLngs)[number];
export const fallbackLng: Lng = "zh-CN";
export const defaultNS = "common";
export const namespaces = [
  "common",
  "account",
  "community",
  "permissions",
  "meeting",
  "project",
  "vote",
  "assist",
] as const;

/**
 * What every page may need: refusals and error pages can carry keys of any of these. The
 * 权责清单's long "permissions" file is loaded only by the pages that ask for it, and so is the
 * service window's "assist" (its refusals arise only on its own pages).
 */
export const sharedNamespaces = namespaces.filter((n) => n !== "permissions" && n !== "assist");

export function isLng(value: unknown): value is Lng {
  return typeof value === "string" && (supportedLngs as readonly string[]).includes(value);
}

export const i18nConfig = {
  supportedLngs: [...supportedLngs],
  fallbackLng,
  defaultNS,
  // Keys are written "ns:key"; a dot inside a key is nesting.
  nsSeparator: ":",
  interpolation: { escapeValue: false },
  react: { useSuspense: false },
};
