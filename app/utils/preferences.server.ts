/**
 * The reader's language, 长辈版 and text-size choices: `?lng=`, `?mode=` and `?text=` switch them
 * and a cookie keeps each.
 * Accept-Language is deliberately ignored: zh-CN is the default unless the reader picks English
 * (see README, Decisions).
 */
import { fallbackLng, isLng, type Lng } from "~/i18n/config";

export type Mode = "full" | "lite";
/** Large text matters in standard mode; 长辈版 is large type already. */
export type TextSize = "normal" | "large";
const YEAR = 365 * 24 * 60 * 60;

export interface Preferences {
  lng: Lng;
  mode: Mode;
  text: TextSize;
  /** Set-Cookie values to send when the request changed a preference. */
  readonly setCookies: readonly string[];
}

export function parseCookies(header: string | null | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (header ?? "").split(";")) {
    const i = part.indexOf("=");
    if (i < 0) continue;
    const name = part.slice(0, i).trim();
    if (!name || name in out) continue;
    try {
      out[name] = decodeURIComponent(part.slice(i + 1).trim());
    } catch {
      out[name] = part.slice(i + 1).trim();
    }
  }
  return out;
}

export function preferenceCookie(
  name: "lng" | "mode" | "text",
  value: string,
  secure: boolean,
): string {
  return `${name}=${encodeURIComponent(value)}; Path=/; Max-Age=${YEAR}; SameSite=Lax${secure ? "; Secure" : ""}`;
}

const isMode = (v: unknown): v is Mode => v === "full" || v === "lite";
const isTextSize = (v: unknown): v is TextSize => v === "normal" || v === "large";

/**
 * What a request chose, read once per request: a page's root and route loaders and the document's
 * rendering each ask (a URL and the cookies parsed three times a page, 0.5 % of its CPU). Frozen,
 * since every asker shares it.
 */
const readAlready = new WeakMap<Request, Preferences>();

export function readPreferences(request: Request): Preferences {
  let prefs = readAlready.get(request);
  if (!prefs) {
    prefs = readNow(request);
    readAlready.set(request, prefs);
  }
  return prefs;
}

function readNow(request: Request): Preferences {
  const url = new URL(request.url);
  const cookies = parseCookies(request.headers.get("Cookie"));
  const secure = url.protocol === "https:";
  const setCookies: string[] = [];
  /** The choice in the address (remembered in its cookie when it is new), the cookie's, or none. */
  const choice = <T extends string>(name: "lng" | "mode" | "text", is: (v: unknown) => v is T) => {
    const param = url.searchParams.get(name);
    const kept = cookies[name];
    if (!is(param)) return is(kept) ? kept : undefined;
    if (cookies[name] !== param) setCookies.push(preferenceCookie(name, param, secure));
    return param;
  };
  const lng = choice("lng", isLng) ?? fallbackLng;
  const mode = choice("mode", isMode) ?? "full";
  const text = choice("text", isTextSize) ?? "normal";
  return Object.freeze({ lng, mode, text, setCookies: Object.freeze(setCookies) });
}
