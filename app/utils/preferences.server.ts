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

export function preferenceCookie(
  name: "lng" | "mode" | "text",
  value: string,
  secure: boolean,
): string {
  return `${name}=${encodeURIComponent(value)}; Path=/; Max-Age=${YEAR}; SameSite=Lax${secure ? "; Secure" : ""}`;
}

const isMode = (v: unknown): v is Mode => v === "full" || v === "lite";
export const isTextSize = (v: unknown): v is TextSize => v === "normal" || v === "large";

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

  const textParam = url.searchParams.get("text");
  let text: TextSize = isTextSize(cookies.text) ? cookies.text : "normal";
  if (isTextSize(textParam)) {
    text = textParam;
    if (cookies.text !== textParam) setCookies.push(preferenceCookie("text", textParam, secure));
  }
  return { lng, mode, text, setCookies };
}
