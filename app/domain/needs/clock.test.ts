import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DomainError } from "../errors";
import { chinaDate, fromChinaTime } from "../time";
import {
  addWorkingDays,
  calendarFromFiles,
  checkDeadline,
  checkExtension,
  DEFAULT_LIMITS,
  deadlineFor,
  isOverdue,
  isWorkingDay,
  limitsFor,
  runningStep,
  streetLimitsSchema,
  workingDaysBetween,
  type WorkCalendar,
} from "./clock";
import { NEED_STATUSES } from "./machine";

// China's 2026 arrangements (State Council notice of 2025-11-04; shared/calendar/cn-2026.json).
const FILE_2026 = {
  year: 2026,
  holidays: [
    { name: "元旦", dates: ["2026-01-01", "2026-01-02", "2026-01-03"] },
    {
      name: "春节",
      dates: [
        "2026-02-15",
        "2026-02-16",
        "2026-02-17",
        "2026-02-18",
        "2026-02-19",
        "2026-02-20",
        "2026-02-21",
        "2026-02-22",
        "2026-02-23",
      ],
    },
    { name: "清明节", dates: ["2026-04-04", "2026-04-05", "2026-04-06"] },
    {
      name: "劳动节",
      dates: ["2026-05-01", "2026-05-02", "2026-05-03", "2026-05-04", "2026-05-05"],
    },
    { name: "端午节", dates: ["2026-06-19", "2026-06-20", "2026-06-21"] },
    { name: "中秋节", dates: ["2026-09-25", "2026-09-26", "2026-09-27"] },
    {
      name: "国庆节",
      dates: [
        "2026-10-01",
        "2026-10-02",
        "2026-10-03",
        "2026-10-04",
        "2026-10-05",
        "2026-10-06",
        "2026-10-07",
      ],
    },
  ],
  workingWeekends: [
    "2026-01-04",
    "2026-02-14",
    "2026-02-28",
    "2026-05-09",
    "2026-09-20",
    "2026-10-10",
  ],
};
const CAL: WorkCalendar = calendarFromFiles([FILE_2026]);
const H = CAL.holidays;
const W = CAL.workdays;
const NONE = new Set<string>();

/** A China wall-clock time. */
const cn = (date: string, time = "00:00") => fromChinaTime(date, time)!;
/** The last millisecond of a China day, as a deadline is. */
const endOf = (date: string) => new Date(cn(date).getTime() + 86_400_000 - 1);

describe("isWorkingDay", () => {
  it("is Monday to Friday, less holidays, plus make-up working weekend days", () => {
    expect(isWorkingDay("2026-12-04", H, W)).toBe(true); // Friday
    expect(isWorkingDay("2026-12-05", H, W)).toBe(false); // Saturday
    expect(isWorkingDay("2026-12-06", H, W)).toBe(false); // Sunday
    expect(isWorkingDay("2026-10-01", H, W)).toBe(false); // Thursday, National Day
    expect(isWorkingDay("2026-10-10", H, W)).toBe(true); // Saturday, 调休
    expect(isWorkingDay("2026-10-10", H)).toBe(false); // ... unless the list is left out
    expect(isWorkingDay("2026-01-04", H, W)).toBe(true); // Sunday, 调休
  });

  it("lets a make-up working day win over a holiday list that names it too", () => {
    expect(isWorkingDay("2026-12-05", new Set(["2026-12-05"]), new Set(["2026-12-05"]))).toBe(true);
  });
});

describe("addWorkingDays", () => {
  it("does not count the start's day, and ends at the end of the last working day", () => {
    // Monday morning, 1 working day: by the end of Tuesday.
    expect(addWorkingDays(cn("2026-12-07", "09:00"), 1, H, W)).toEqual(endOf("2026-12-08"));
    expect(addWorkingDays(cn("2026-12-07", "09:00"), 5, H, W)).toEqual(endOf("2026-12-14"));
    expect(addWorkingDays(cn("2026-12-07", "09:00"), 0, H, W)).toEqual(endOf("2026-12-07"));
  });

  it("skips weekends", () => {
    // Friday evening and Saturday: by the end of Monday.
    expect(addWorkingDays(cn("2026-12-04", "18:00"), 1, H, W)).toEqual(endOf("2026-12-07"));
    expect(addWorkingDays(cn("2026-12-05", "10:00"), 1, H, W)).toEqual(endOf("2026-12-07"));
    expect(addWorkingDays(cn("2026-12-06", "23:59"), 1, H, W)).toEqual(endOf("2026-12-07"));
    expect(addWorkingDays(cn("2026-12-03", "10:00"), 5, H, W)).toEqual(endOf("2026-12-10"));
  });

  it("skips holidays and counts make-up working days (National Day 2026)", () => {
    // Wednesday 30 September: 1–7 October off, Saturday 10 October worked.
    const eve = cn("2026-09-30", "10:00");
    expect(addWorkingDays(eve, 1, H, W)).toEqual(endOf("2026-10-08"));
    expect(addWorkingDays(eve, 2, H, W)).toEqual(endOf("2026-10-09"));
    expect(addWorkingDays(eve, 3, H, W)).toEqual(endOf("2026-10-10"));
    expect(addWorkingDays(eve, 4, H, W)).toEqual(endOf("2026-10-12"));
    // Without the make-up list, the Saturday is a weekend day.
    expect(addWorkingDays(eve, 3, H)).toEqual(endOf("2026-10-12"));
    // Without any list, a plain week.
    expect(addWorkingDays(eve, 1, NONE)).toEqual(endOf("2026-10-01"));
  });

  it("counts the Sunday before Mid-Autumn and the Saturdays around Spring Festival", () => {
    expect(addWorkingDays(cn("2026-09-18", "16:00"), 1, H, W)).toEqual(endOf("2026-09-20"));
    expect(addWorkingDays(cn("2026-02-13", "16:00"), 1, H, W)).toEqual(endOf("2026-02-14"));
    expect(addWorkingDays(cn("2026-02-13", "16:00"), 2, H, W)).toEqual(endOf("2026-02-24"));
    expect(addWorkingDays(cn("2026-02-26", "16:00"), 2, H, W)).toEqual(endOf("2026-02-28"));
  });

  it("turns the day at midnight China time (16:00 UTC), not at midnight UTC", () => {
    // 01:00 on Monday in China is still Sunday in UTC: the next working day is Tuesday.
    expect(addWorkingDays(new Date("2026-12-06T17:00:00Z"), 1, H, W)).toEqual(
      new Date("2026-12-08T15:59:59.999Z"),
    );
    // The last millisecond of Thursday and the first of Friday, China time.
    expect(addWorkingDays(new Date("2026-12-03T15:59:59.999Z"), 1, H, W)).toEqual(
      new Date("2026-12-04T15:59:59.999Z"),
    );
    expect(addWorkingDays(new Date("2026-12-03T16:00:00.000Z"), 1, H, W)).toEqual(
      new Date("2026-12-07T15:59:59.999Z"),
    );
    // A deadline's last millisecond is still its own day in China.
    expect(chinaDate(addWorkingDays(cn("2026-12-04"), 1, H, W))).toBe("2026-12-07");
  });

  it("refuses an invalid date", () => {
    const bad = new Date(Number.NaN);
    expect(() => addWorkingDays(bad, 0, H, W)).toThrow(RangeError);
    expect(() => workingDaysBetween(bad, cn("2026-12-07"), H, W)).toThrow(RangeError);
    expect(() => workingDaysBetween(cn("2026-12-07"), bad, H, W)).toThrow(RangeError);
  });

  it("refuses a count that is not a whole number of days", () => {
    for (const n of [-1, 1.5, Number.NaN, Infinity, 367]) {
      expect(() => addWorkingDays(cn("2026-12-07"), n, H, W)).toThrow(RangeError);
    }
  });

  it("always ends on a working day, after the start", () => {
    fc.assert(
      fc.property(
        fc.date({
          min: new Date("2025-12-01T00:00:00Z"),
          max: new Date("2026-12-31T00:00:00Z"),
          noInvalidDate: true,
        }),
        fc.integer({ min: 1, max: 40 }),
        (start, n) => {
          const due = addWorkingDays(start, n, H, W);
          expect(isWorkingDay(chinaDate(due), H, W)).toBe(true);
          expect(due.getTime()).toBeGreaterThan(start.getTime());
          expect(chinaDate(new Date(due.getTime() + 1))).not.toBe(chinaDate(due));
        },
      ),
    );
  });
});

describe("workingDaysBetween", () => {
  it("counts the working days after the first day up to and including the last", () => {
    expect(workingDaysBetween(cn("2026-12-07", "09:00"), cn("2026-12-07", "23:00"), H, W)).toBe(0);
    expect(workingDaysBetween(cn("2026-12-04", "18:00"), cn("2026-12-07", "08:00"), H, W)).toBe(1);
    expect(workingDaysBetween(cn("2026-12-04"), cn("2026-12-06"), H, W)).toBe(0);
    expect(workingDaysBetween(cn("2026-09-30"), cn("2026-10-11"), H, W)).toBe(3);
    expect(workingDaysBetween(cn("2026-09-30"), cn("2026-10-11"), H)).toBe(2);
    expect(workingDaysBetween(cn("2026-12-07"), cn("2026-12-04"), H, W)).toBe(-1);
  });

  it("turns the day at midnight China time", () => {
    // Friday 23:59:59.999 and Saturday 00:00 China are the same UTC day.
    const fri = new Date("2026-12-04T15:59:59.999Z");
    const sat = new Date("2026-12-04T16:00:00.000Z");
    const thu = new Date("2026-12-03T15:59:59.999Z");
    expect(workingDaysBetween(thu, fri, H, W)).toBe(1);
    expect(workingDaysBetween(fri, sat, H, W)).toBe(0);
    expect(
      workingDaysBetween(new Date("2026-12-06T15:00:00Z"), new Date("2026-12-06T17:00:00Z"), H, W),
    ).toBe(1);
  });

  it("undoes addWorkingDays, and turns round with its arguments", () => {
    fc.assert(
      fc.property(
        fc.date({
          min: new Date("2025-12-01T00:00:00Z"),
          max: new Date("2026-12-31T00:00:00Z"),
          noInvalidDate: true,
        }),
        fc.date({
          min: new Date("2025-12-01T00:00:00Z"),
          max: new Date("2026-12-31T00:00:00Z"),
          noInvalidDate: true,
        }),
        fc.integer({ min: 0, max: 60 }),
        (a, b, n) => {
          expect(workingDaysBetween(a, addWorkingDays(a, n, H, W), H, W)).toBe(n);
          expect(workingDaysBetween(a, b, H, W) + workingDaysBetween(b, a, H, W)).toBe(0);
        },
      ),
    );
  });
});

describe("deadlines", () => {
  const opts = { urgent: false, limits: DEFAULT_LIMITS, calendar: CAL };

  it("has the issue's defaults", () => {
    expect(DEFAULT_LIMITS).toEqual({
      accept: { workingDays: 1 },
      dispatch: { workingDays: 1 },
      resolve: { workingDays: 5 },
      urgentResolve: { calendarDays: 1 },
    });
  });

  it("runs the clock of the stretch a need is in, and none elsewhere", () => {
    const running = Object.fromEntries(NEED_STATUSES.map((s) => [s, runningStep(s, false)]));
    expect(running).toEqual({
      reported: "accept",
      accepted: null,
      escalated: "dispatch",
      dispatched: "resolve",
      returnedToRoom: "dispatch",
      resolved: null,
      checked: null,
      closed: null,
      merged: null,
      notForPlatform: null,
    });
    expect(runningStep("dispatched", true)).toBe("urgentResolve");
    expect(runningStep("reported", true)).toBe("accept");
  });

  it("gives each stretch its deadline from when it started", () => {
    const fri = cn("2026-12-04", "18:00");
    expect(deadlineFor("reported", fri, opts)).toEqual(endOf("2026-12-07"));
    expect(deadlineFor("returnedToRoom", fri, opts)).toEqual(endOf("2026-12-07"));
    expect(deadlineFor("dispatched", fri, opts)).toEqual(endOf("2026-12-11"));
    expect(deadlineFor("checked", fri, opts)).toBeNull();
  });

  it("gives an urgent need 24 hours, weekend or not", () => {
    const fri = cn("2026-12-04", "18:00");
    expect(deadlineFor("dispatched", fri, { ...opts, urgent: true })).toEqual(
      cn("2026-12-05", "18:00"),
    );
    expect(deadlineFor("dispatched", cn("2026-09-30", "22:30"), { ...opts, urgent: true })).toEqual(
      cn("2026-10-01", "22:30"),
    );
  });

  it("takes a street's own limits over the defaults", () => {
    const limits = limitsFor({ resolve: { workingDays: 3 }, accept: { calendarDays: 2 } });
    expect(limits).toEqual({
      accept: { calendarDays: 2 },
      dispatch: { workingDays: 1 },
      resolve: { workingDays: 3 },
      urgentResolve: { calendarDays: 1 },
    });
    const mon = cn("2026-12-07", "09:00");
    expect(deadlineFor("dispatched", mon, { ...opts, limits })).toEqual(endOf("2026-12-10"));
    expect(deadlineFor("reported", mon, { ...opts, limits })).toEqual(cn("2026-12-09", "09:00"));
    expect(limitsFor()).toEqual(DEFAULT_LIMITS);
  });

  it("reads a street's overrides, refusing anything else", () => {
    expect(streetLimitsSchema.parse({})).toEqual({});
    expect(streetLimitsSchema.parse({ resolve: { workingDays: 3 } })).toEqual({
      resolve: { workingDays: 3 },
    });
    for (const bad of [
      { resolve: { workingDays: 0 } },
      { resolve: { workingDays: 1.5 } },
      { resolve: { workingDays: -2 } },
      { resolve: { workingDays: 367 } },
      { resolve: { workingDays: "5" } },
      { resolve: { workingDays: 3, calendarDays: 1 } },
      { resolve: { hours: 3 } },
      { answer: { workingDays: 3 } },
      { resolve: null },
    ]) {
      expect({ bad, ok: streetLimitsSchema.safeParse(bad).success }).toEqual({ bad, ok: false });
    }
  });
});

describe("isOverdue", () => {
  it("is overdue from the millisecond after the deadline", () => {
    const due = endOf("2026-12-07");
    expect(isOverdue(due, new Date(due.getTime() - 1))).toBe(false);
    expect(isOverdue(due, due)).toBe(false);
    expect(isOverdue(due, new Date(due.getTime() + 1))).toBe(true);
    expect(isOverdue(due, cn("2026-12-08", "00:00"))).toBe(true);
    expect(isOverdue(null, cn("2099-01-01"))).toBe(false);
  });
});

describe("deadlines people set", () => {
  const now = cn("2026-12-07", "09:00");
  const refusal = (fn: () => unknown) => {
    try {
      fn();
      return "ok";
    } catch (e) {
      if (e instanceof DomainError) return `${e.status} ${e.key} ${e.field}`;
      throw e;
    }
  };

  it("refuses a dispatch deadline that is not in the future", () => {
    expect(checkDeadline(cn("2026-12-08"), now)).toEqual(cn("2026-12-08"));
    expect(refusal(() => checkDeadline(now, now))).toBe("400 need:errors.deadlineInPast deadline");
    expect(refusal(() => checkDeadline(cn("2026-12-01"), now))).toBe(
      "400 need:errors.deadlineInPast deadline",
    );
    expect(refusal(() => checkDeadline(new Date(Number.NaN), now))).toBe(
      "400 need:errors.deadlineInPast deadline",
    );
  });

  it("refuses an extension that does not give more time", () => {
    const current = endOf("2026-12-10");
    expect(checkExtension(current, endOf("2026-12-14"), now)).toEqual(endOf("2026-12-14"));
    expect(refusal(() => checkExtension(current, current, now))).toBe(
      "400 need:errors.extensionNotLater deadline",
    );
    expect(refusal(() => checkExtension(current, endOf("2026-12-01"), now))).toBe(
      "400 need:errors.deadlineInPast deadline",
    );
  });
});

describe("calendarFromFiles", () => {
  it("merges years' files and refuses a malformed one", () => {
    const next = {
      year: 2027,
      holidays: [{ name: "元旦", dates: ["2027-01-01"] }],
      workingWeekends: [],
    };
    const both = calendarFromFiles([FILE_2026, next]);
    expect(both.holidays.has("2027-01-01")).toBe(true);
    expect(both.holidays.has("2026-10-07")).toBe(true);
    expect(both.holidays.size).toBe(34);
    expect([...both.workdays!]).toEqual(FILE_2026.workingWeekends);
    expect(() => calendarFromFiles([{ ...next, workingWeekends: ["2027/02/06"] }])).toThrow();
    expect(() => calendarFromFiles([{ year: 2027 }])).toThrow();
  });
});
