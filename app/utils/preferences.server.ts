/**
 * The reader's language and 长辈版 choice: `?lng=` and `?mode=` switch them and a cookie keeps them.
 * Accept-Language is deliberately ignored: zh-CN is the default unless the reader picks English
 * (see README, Decisions).
 */
import { fallbackLng, isLng, type Lng } from "~/i18n/config";

export type Mode = "full" | "lite";
const YEAR = 365 * 24 * 60 * 60;

export interface Preferences {
  lng: Lng;
  mode: Mode;
  /** Set-Cookie values to send when the request changed a preference. */
  setCookies: string[];
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

export function preferenceCookie(name: "lng" | "mode", value: string, secure: boolean): string {
  return `${name}=${encodeURIComponent(value)}; Path=/; Max-Age=${YEAR}; SameSite=Lax${secure ? "; Secure" : ""}`;
}

const isMode = (v: unknown): v is Mode => v === "full" || v === "lite";

export function readPreferences(request: Request): Preferences {
  const url = new URL(request.url);
  const cookies = parseCookies(request.headers.get("Cookie"));
  const secure = url.protocol === "https:";
  const setCookies: string[] = [];

  const lngParam = url.searchParams.get("lng");
  let lng: Lng = isLng(cookies.lng) ? cookies.lng : fallbackLng;
  if (isLng(lngParam)) {
    lng = lngParam;
    if (cookies.lng !== lngParam) setCookies.push(preferenceCookie("lng", lngParam, secure));
  }

  const modeParam = url.searchParams.get("mode");
  let mode: Mode = isMode(cookies.mode) ? cookies.mode : "full";
  if (isMode(modeParam)) {
    mode = modeParam;
    if (cookies.mode !== modeParam) setCookies.push(preferenceCookie("mode", modeParam, secure));
  }
  return { lng, mode, setCookies };
}
