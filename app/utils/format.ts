import type { Lng } from "~/i18n/config";
import { sitePath } from "./site-path";

/** Liuhe serves Hangzhou: times are shown in China time on the server and in the browser alike. */
export const DISPLAY_TIME_ZONE = "Asia/Shanghai";

/*
 * Intl formatters are costly to build and never change: one per language and style, built on first
 * use and kept (a formatter built per call was about 4 % of a page's CPU time under load).
 */
const STYLES = {
  dateTime: { dateStyle: "medium", timeStyle: "short", timeZone: DISPLAY_TIME_ZONE },
  date: { dateStyle: "medium", timeZone: DISPLAY_TIME_ZONE },
  day: { dateStyle: "medium", timeZone: "UTC" },
  time: { timeStyle: "short", timeZone: DISPLAY_TIME_ZONE },
  /** A month ("2026-05" read as its first day, UTC), as "2026年5月" / "May 2026". */
  month: { year: "numeric", month: "long", timeZone: "UTC" },
} satisfies Record<string, Intl.DateTimeFormatOptions>;
const dateFormats = new Map<string, Intl.DateTimeFormat>();
function dates(lng: Lng, style: keyof typeof STYLES): Intl.DateTimeFormat {
  const key = `${lng}|${style}`;
  let f = dateFormats.get(key);
  if (!f) dateFormats.set(key, (f = new Intl.DateTimeFormat(lng, STYLES[style])));
  return f;
}
const numberFormats = new Map<Lng, Intl.NumberFormat>();
const NUMBER_STYLES = {
  /** One decimal, always shown (the index's scores). */
  oneDecimal: { minimumFractionDigits: 1, maximumFractionDigits: 1 },
  /** Up to three decimals, as many as there are. */
  upTo3: { maximumFractionDigits: 3 },
  /** A share as a percentage with up to one decimal. */
  percent: { style: "percent", maximumFractionDigits: 1 },
  /** A share as a whole percentage. */
  wholePercent: { style: "percent", maximumFractionDigits: 0 },
  /** Up to two decimals, as many as there are. */
  upTo2: { maximumFractionDigits: 2 },
} satisfies Record<string, Intl.NumberFormatOptions>;
const styledNumbers = new Map<string, Intl.NumberFormat>();

/** A number formatter of one of the styles above, built once per language and style. */
export function numberFormat(lng: Lng, style: keyof typeof NUMBER_STYLES): Intl.NumberFormat {
  const key = `${lng}|${style}`;
  let f = styledNumbers.get(key);
  if (!f) styledNumbers.set(key, (f = new Intl.NumberFormat(lng, NUMBER_STYLES[style])));
  return f;
}

/** A month ("YYYY-MM") in words: "2026年5月", "May 2026". */
export function formatMonth(month: string, lng: Lng): string {
  return dates(lng, "month").format(new Date(`${month}-01T00:00:00Z`));
}

export function formatDateTime(iso: string, lng: Lng): string {
  return dates(lng, "dateTime").format(new Date(iso));
}

export function formatDate(iso: string, lng: Lng): string {
  return dates(lng, "date").format(new Date(iso));
}

export function areaName(area: { nameZh: string; nameEn: string }, lng: Lng): string {
  return lng === "en" ? area.nameEn : area.nameZh;
}

/** The current URL with one query switch changed, for the language and 长辈版 links. */
export function withParam(pathname: string, search: string, key: string, value: string): string {
  const params = new URLSearchParams(search);
  params.set(key, value);
  // The other switch is already remembered in its cookie; do not carry it along.
  params.delete(key === "lng" ? "mode" : "lng");
  return `${sitePath(pathname)}?${params.toString()}`;
}

/** Whole yuan, grouped the reader's way: 12,000 元 / ¥12,000. */
export function formatYuan(amount: number, lng: Lng): string {
  let f = numberFormats.get(lng);
  if (!f) numberFormats.set(lng, (f = new Intl.NumberFormat(lng, { maximumFractionDigits: 0 })));
  const n = f.format(amount);
  return lng === "zh-CN" ? `${n} 元` : `¥${n}`;
}

/** A calendar date (YYYY-MM-DD) as written in the reader's language, without time-zone shifts. */
export function formatDay(day: string, lng: Lng): string {
  return dates(lng, "day").format(new Date(`${day}T00:00:00Z`));
}

export function formatTime(iso: string, lng: Lng): string {
  return dates(lng, "time").format(new Date(iso));
}
