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
  "need",
  "notice",
  "index",
  "openData",
  "conversations",
] as const;

/** The namespace a key names ("vote:errors.closed" → "vote"), or undefined for a default-namespace key. */
export function namespaceOfKey(key: string): Namespace | undefined {
  const at = key.indexOf(":");
  if (at < 0) return undefined;
  const ns = key.slice(0, at);
  return (namespaces as readonly string[]).includes(ns) ? (ns as Namespace) : undefined;
}

export type Namespace = (typeof namespaces)[number];

/**
 * The browser fetches each namespace but `common` in two parts (app/i18n/locale-chunks.vite.ts):
 * its words, loaded for the pages that declare it, and its `errors`, loaded only when one is to be
 * shown. The errors of "vote" load as the unit "vote-errors", which is no namespace of its own:
 * loading it puts the errors (and the words, if they were not there yet) into "vote".
 */
export const ERRORS_SUFFIX = "-errors";

/** What the browser must have loaded to show a key: its namespace, or its namespace's errors. */
export function loadUnitOfKey(key: string): string | undefined {
  const ns = namespaceOfKey(key);
  if (!ns) return undefined;
  return ns !== defaultNS && key.startsWith(`${ns}:errors.`) ? `${ns}${ERRORS_SUFFIX}` : ns;
}

/**
 * The load units (see `loadUnitOfKey`) of the keys in a page's data (`window.__remixContext.state`:
 * loader data, action data, route errors): a page the server rendered with a refusal from another
 * namespace hydrates with that refusal's words already loaded, so the text matches. Keys are the
 * only strings in the data shaped `"ns:key"` with a known namespace.
 */
export function namespacesInData(json: string): string[] {
  const found = new Set<string>();
  for (const m of json.matchAll(/"([a-z][A-Za-z]*):((?:errors\.)?)[A-Za-z]/g)) {
    const unit = loadUnitOfKey(`${m[1]}:${m[2]}x`);
    if (unit) found.add(unit);
  }
  return [...found];
}

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
