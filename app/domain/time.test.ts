import { describe, expect, it } from "vitest";
import { chinaDate, chinaToday, fromChinaTime } from "./time";

describe("China time", () => {
  it("turns to the next day at 16:00 UTC, not at midnight UTC", () => {
    expect(chinaToday(new Date("2026-12-01T15:59:59Z"))).toBe("2026-12-01");
    expect(chinaToday(new Date("2026-12-01T16:00:00Z"))).toBe("2026-12-02");
    // The first eight hours of a China day are still the previous day in UTC.
    expect(chinaDate("2026-12-01T17:30:00.000Z")).toBe("2026-12-02");
  });

  it("reads a wall-clock time as China time", () => {
    expect(fromChinaTime("2026-12-02", "09:30")?.toISOString()).toBe("2026-12-02T01:30:00.000Z");
    expect(fromChinaTime("2026-13-40")).toBeNull();
  });
});
