import { describe, expect, it } from "vitest";
import {
  daysBetween,
  formatDays,
  formatRate,
  handlingRounds,
  heatBucket,
  isMonth,
  median,
  monthOf,
  monthRange,
  onTimeRate,
  rate,
  recentMonths,
  roundCounts,
  satisfaction,
  type TimedStep,
} from "./figures";

describe("months, in China time", () => {
  it("turns a month into the instants it spans, from China's midnight", () => {
    expect(monthRange("2026-06")).toEqual({
      from: "2026-05-31T16:00:00.000Z",
      to: "2026-06-30T16:00:00.000Z",
    });
    expect(monthRange("2026-12").to).toBe("2026-12-31T16:00:00.000Z");
  });
  it("puts 1 July 07:00 China time (still 30 June in UTC) in July", () => {
    expect(monthOf(new Date("2026-06-30T23:00:00Z"))).toBe("2026-07");
    expect(monthOf(new Date("2026-06-30T15:59:59Z"))).toBe("2026-06");
  });
  it("lists the recent months newest first, across a year", () => {
    expect(recentMonths(new Date("2026-02-10T00:00:00Z"), 3)).toEqual([
      "2026-02",
      "2026-01",
      "2025-12",
    ]);
  });
  it("accepts only YYYY-MM", () => {
    expect(isMonth("2026-06")).toBe(true);
    for (const bad of ["2026-13", "2026-6", "26-06", "2026-06-01", "", null, "1999-01"]) {
      expect(isMonth(bad), String(bad)).toBe(false);
    }
    expect(() => monthRange("2026-00")).toThrow(RangeError);
  });
});

describe("rates and medians", () => {
  it("gives null, not NaN, for a zero denominator, and shows it as —", () => {
    expect(rate(0, 0)).toBeNull();
    expect(rate(1, 4)).toBe(0.25);
    expect(formatRate(rate(0, 0), "en")).toBe("—");
    expect(formatRate(0.25, "en")).toBe("25%");
    expect(formatRate(2 / 3, "zh-CN")).toBe("67%");
    expect(formatRate(0, "en")).toBe("0%");
  });
  it("takes the middle value, or the mean of the two middle ones", () => {
    expect(median([])).toBeNull();
    expect(median([3])).toBe(3);
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });
  it("counts calendar days as fractions and shows one decimal", () => {
    expect(daysBetween("2026-06-08T02:00:00.000Z", "2026-06-11T14:00:00.000Z")).toBe(3.5);
    expect(formatDays(3.5, "en")).toBe("3.5");
    expect(formatDays(2, "zh-CN")).toBe("2.0");
    expect(formatDays(2.04, "en")).toBe("2.0");
    expect(formatDays(null, "en")).toBe("—");
  });
  it("counts 'partly satisfied' as satisfied, and no answers as none", () => {
    expect(satisfaction({ satisfied: 1, partly: 1, notSatisfied: 2 })).toBe(0.5);
    expect(satisfaction({ satisfied: 0, partly: 0, notSatisfied: 0 })).toBeNull();
  });
  it("buckets heat by quarters of the largest cell, 0 only for none", () => {
    expect([0, 1, 2, 3, 4, 5, 8].map((v) => heatBucket(v, 8))).toEqual([0, 1, 1, 2, 2, 3, 4]);
    expect(heatBucket(0, 0)).toBe(0);
    expect(heatBucket(1, 100)).toBe(1);
  });
});

describe("handling rounds and the on-time rate", () => {
  const NOW = new Date("2026-07-01T00:00:00Z");
  const s = (step: string, at: string, extra: Partial<TimedStep> = {}): TimedStep => ({
    step,
    at: `2026-06-${at}T02:00:00.000Z`,
    deadlineAt: null,
    unitId: null,
    toStatus: "dispatched",
    ...extra,
  });
  const due = (day: string) => `2026-06-${day}T15:59:59.999Z`;

  it("is on time when resolved by the deadline, late after it", () => {
    expect(
      handlingRounds(
        [s("dispatch", "08", { unitId: 1, deadlineAt: due("15") }), s("resolve", "15")],
        NOW,
      ),
    ).toEqual([{ unitId: 1, outcome: "onTime" }]);
    expect(
      handlingRounds(
        [s("dispatch", "08", { unitId: 1, deadlineAt: due("15") }), s("resolve", "16")],
        NOW,
      ),
    ).toEqual([{ unitId: 1, outcome: "late" }]);
  });

  it("moves the deadline with an extension, and starts a new round on 'not satisfied'", () => {
    const rounds = handlingRounds(
      [
        s("dispatch", "08", { unitId: 2, deadlineAt: due("15") }),
        s("askExtension", "12", { unitId: 2, deadlineAt: due("20") }),
        s("resolve", "18", { unitId: 2 }),
        s("answerNotSatisfied", "19", { toStatus: "checked" }),
        s("answerNotSatisfied", "19", { deadlineAt: due("22") }),
        s("resolve", "25", { unitId: 2 }),
        s("reopen", "26", { deadlineAt: due("29") }),
      ],
      NOW,
    );
    expect(rounds).toEqual([
      { unitId: 2, outcome: "onTime" },
      { unitId: 2, outcome: "late" },
      // Still open on 1 July, its deadline (29 June) passed: late.
      { unitId: 2, outcome: "late" },
    ]);
    expect(roundCounts(rounds)).toEqual({ onTime: 1, late: 2 });
    expect(onTimeRate(roundCounts(rounds))).toBeCloseTo(1 / 3);
  });

  it("does not count a returned round, nor one still within its deadline", () => {
    const rounds = handlingRounds(
      [
        s("dispatch", "08", { unitId: 1, deadlineAt: due("15") }),
        s("returnToRoom", "09", { unitId: 1 }),
        s("dispatch", "10", { unitId: 3, deadlineAt: "2026-07-03T15:59:59.999Z" }),
      ],
      NOW,
    );
    expect(rounds).toEqual([
      { unitId: 1, outcome: "returned" },
      { unitId: 3, outcome: "pending" },
    ]);
    expect(onTimeRate(roundCounts(rounds))).toBeNull();
    // A need never dispatched (resolved on the spot, then sent back to the grid worker) has none.
    expect(handlingRounds([s("answerNotSatisfied", "09", { toStatus: "accepted" })], NOW)).toEqual(
      [],
    );
  });
});
