import { describe, expect, it } from "vitest";
import {
  dayAfter,
  endOfChinaDay,
  isMonth,
  isMonthOver,
  lastMonthOver,
  lastMonths,
  monthBounds,
  monthOf,
  nextMonth,
  parseMonth,
  previousMonth,
} from "./month";

describe("index months", () => {
  it("reads YYYY-MM and refuses anything else", () => {
    expect(parseMonth("2026-11")).toEqual([2026, 11]);
    for (const bad of [
      "2026-13",
      "2026-00",
      "2026-1",
      "26-11",
      "2026-11-01",
      "",
      " 2026-11",
      "1999-12",
      null,
      202611,
    ]) {
      expect(parseMonth(bad), String(bad)).toBeNull();
      expect(isMonth(bad)).toBe(false);
    }
  });

  it("bounds a month in China time (UTC+8) as UTC instants, half-open", () => {
    expect(monthBounds("2026-11")).toEqual({
      from: "2026-10-31T16:00:00.000Z",
      to: "2026-11-30T16:00:00.000Z",
    });
    // December runs into the next year; February of a leap year has 29 days.
    expect(monthBounds("2026-12").to).toBe("2026-12-31T16:00:00.000Z");
    expect(monthBounds("2028-02").to).toBe("2028-02-29T16:00:00.000Z");
    expect(() => monthBounds("2026-13")).toThrow(RangeError);
  });

  it("places an instant in its China month", () => {
    expect(monthOf(new Date("2026-11-30T15:59:59.999Z"))).toBe("2026-11");
    expect(monthOf(new Date("2026-11-30T16:00:00.000Z"))).toBe("2026-12");
  });

  it("steps back and forward across years", () => {
    expect(previousMonth("2026-01")).toBe("2025-12");
    expect(nextMonth("2025-12")).toBe("2026-01");
    expect(lastMonths("2026-02", 4)).toEqual(["2025-11", "2025-12", "2026-01", "2026-02"]);
    expect(lastMonths("2026-02", 0)).toEqual([]);
    expect(lastMonths("2026-02", -3)).toEqual([]);
  });

  it("says a month is over only once it has ended in China", () => {
    expect(isMonthOver("2026-11", new Date("2026-11-30T15:59:59.999Z"))).toBe(false);
    expect(isMonthOver("2026-11", new Date("2026-11-30T16:00:00.000Z"))).toBe(true);
    expect(isMonthOver("2027-01", new Date("2026-12-02T00:00:00Z"))).toBe(false);
    expect(lastMonthOver(new Date("2026-11-30T16:30:00Z"))).toBe("2026-11");
  });

  it("ends a China day at the next day's midnight in China", () => {
    expect(dayAfter("2026-12-31")).toBe("2027-01-01");
    expect(endOfChinaDay("2026-11-30")).toBe("2026-11-30T16:00:00.000Z");
  });
});
