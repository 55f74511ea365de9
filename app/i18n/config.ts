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
 * The namespaces whose keys appear in a page's data (`window.__remixContext.state`: loader data,
 * action data, route errors): a page the server rendered with a refusal from another namespace
 * hydrates with that namespace already loaded, so the text matches. Keys are the only strings
 * in the data shaped `"ns:key"` with a known namespace.
 */
export function namespacesInData(json: string): Namespace[] {
  const found = new Set<Namespace>();
  for (const m of json.matchAll(/"([a-z]+):[A-Za-z]/g)) {
    const ns = namespaceOfKey(`${m[1]}:`);
    if (ns) found.add(ns);
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
