import { describe, expect, it } from "vitest";
import { formatDate, formatDateTime, formatDay, formatMonth, formatTime } from "./format";

const zone = "Asia/Shanghai";
const fresh = (lng: string, options: Intl.DateTimeFormatOptions, at: Date) =>
  new Intl.DateTimeFormat(lng, options).format(at);

describe("dates as the reader reads them, kept once written", () => {
  const iso = "2026-12-05T06:30:00.000Z"; // 14:30 in China

  it("writes what a formatter of its own would, in both languages, again and again", () => {
    for (const lng of ["zh-CN", "en"] as const) {
      for (let i = 0; i < 3; i++) {
        expect(formatDateTime(iso, lng)).toBe(
          fresh(lng, { dateStyle: "medium", timeStyle: "short", timeZone: zone }, new Date(iso)),
        );
        expect(formatDate(iso, lng)).toBe(
          fresh(lng, { dateStyle: "medium", timeZone: zone }, new Date(iso)),
        );
        expect(formatTime(iso, lng)).toBe(
          fresh(lng, { timeStyle: "short", timeZone: zone }, new Date(iso)),
        );
        expect(formatDay("2026-12-05", lng)).toBe(
          fresh(lng, { dateStyle: "medium", timeZone: "UTC" }, new Date("2026-12-05T00:00:00Z")),
        );
        expect(formatMonth("2026-05", lng)).toBe(
          fresh(lng, { year: "numeric", month: "long", timeZone: "UTC" }, new Date("2026-05-01")),
        );
      }
    }
    expect(formatTime(iso, "zh-CN")).toBe("14:30");
    expect(formatMonth("2026-05", "en")).toBe("May 2026");
  });

  it("keeps one language's text from the other's, and one style's from another's", () => {
    expect(formatDate(iso, "zh-CN")).not.toBe(formatDate(iso, "en"));
    expect(formatDate(iso, "en")).not.toBe(formatDateTime(iso, "en"));
    // The same day read as a date in China time and as a calendar day in UTC: both keyed apart.
    const lateUtc = "2026-12-05T20:00:00.000Z"; // already 6 December in China
    expect(formatDate(lateUtc, "en")).toBe("Dec 6, 2026");
    expect(formatDay("2026-12-05", "en")).toBe("Dec 5, 2026");
  });

  it("stays right past its bound, and a bad time is refused every time, never kept", () => {
    const start = Date.UTC(2020, 0, 1);
    for (let i = 0; i < 5000; i++) {
      const at = new Date(start + i * 3_600_000).toISOString();
      if (i % 997 === 0)
        expect(formatDateTime(at, "en")).toBe(
          fresh("en", { dateStyle: "medium", timeStyle: "short", timeZone: zone }, new Date(at)),
        );
      else formatDateTime(at, "en");
    }
    expect(formatTime(iso, "zh-CN")).toBe("14:30");
    expect(() => formatDateTime("not a time", "en")).toThrow(RangeError);
    expect(() => formatDateTime("not a time", "en")).toThrow(RangeError);
  });
});
