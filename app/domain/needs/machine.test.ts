import { describe, expect, it } from "vitest";
import { DomainError } from "../errors";
import {
  ANSWER_DAYS,
  availableSteps,
  checkNote,
  checkStep,
  isNeedStatus,
  isNeedStep,
  isOpen,
  NEED_NOTE_MAX,
  NEED_ROLES,
  NEED_STATUSES,
  nextStatus,
  rehandlingCount,
  REOPEN_DAYS,
  ROLE_TABLE,
  STEP_NAMES,
  STEPS,
  type LoopFacts,
  type NeedRole,
  type NeedStatus,
  type NeedStep,
} from "./machine";

const DAY = 86_400_000;
const NOW = new Date("2026-12-02T02:00:00Z");
const ago = (days: number, ms = 0) => new Date(NOW.getTime() - days * DAY - ms);

// Written out by hand rather than read from STEPS, so that a change to the machine fails here.
const ALL_STATUSES: NeedStatus[] = [
  "reported",
  "accepted",
  "escalated",
  "dispatched",
  "returnedToRoom",
  "resolved",
  "checked",
  "closed",
  "merged",
  "notForPlatform",
];
const ALL_ROLES: NeedRole[] = [
  "gridWorker",
  "commandRoom",
  "unit",
  "reporter",
  "meToo",
  "committee",
  "system",
];
const BEFORE_RESOLUTION: NeedStatus[] = [
  "reported",
  "accepted",
  "escalated",
  "dispatched",
  "returnedToRoom",
];

/** "back" = to the unit when it was dispatched, else to the grid worker. */
const MACHINE: Record<
  NeedStep,
  { from: NeedStatus[]; to: NeedStatus | "back"; roles: NeedRole[]; note: boolean }
> = {
  accept: { from: ["reported"], to: "accepted", roles: ["gridWorker"], note: false },
  resolveOnSpot: {
    from: ["reported", "accepted"],
    to: "checked",
    roles: ["gridWorker"],
    note: true,
  },
  escalate: { from: ["accepted"], to: "escalated", roles: ["gridWorker"], note: false },
  dispatch: {
    from: ["escalated", "returnedToRoom"],
    to: "dispatched",
    roles: ["commandRoom"],
    note: false,
  },
  returnToRoom: { from: ["dispatched"], to: "returnedToRoom", roles: ["unit"], note: true },
  askExtension: { from: ["dispatched"], to: "dispatched", roles: ["unit"], note: true },
  resolve: { from: ["dispatched"], to: "resolved", roles: ["unit"], note: true },
  check: { from: ["resolved"], to: "checked", roles: ["gridWorker"], note: false },
  answerSatisfied: { from: ["checked"], to: "closed", roles: ["reporter", "meToo"], note: false },
  answerPartly: { from: ["checked"], to: "closed", roles: ["reporter", "meToo"], note: false },
  answerNotSatisfied: { from: ["checked"], to: "back", roles: ["reporter", "meToo"], note: false },
  autoClose: { from: ["checked"], to: "closed", roles: ["system"], note: false },
  reopen: { from: ["closed"], to: "back", roles: ["reporter", "meToo"], note: true },
  merge: { from: BEFORE_RESOLUTION, to: "merged", roles: ["committee"], note: false },
  markNotForPlatform: {
    from: BEFORE_RESOLUTION,
    to: "notForPlatform",
    roles: ["committee"],
    note: true,
  },
};

/** Facts under which every time rule lets the step through: only order and role can refuse. */
const open = (over: Partial<LoopFacts> = {}): LoopFacts => ({
  dispatched: true,
  extensionsAsked: 0,
  checkedAt: ago(ANSWER_DAYS),
  closedAt: ago(1),
  now: NOW,
  ...over,
});

function outcome(fn: () => unknown): number | string {
  try {
    const r = fn();
    return typeof r === "string" ? r : "ok";
  } catch (e) {
    if (e instanceof DomainError) return `${e.status} ${e.key}`;
    throw e;
  }
}

describe("the loop's machine", () => {
  it("has the statuses, roles and steps written down here", () => {
    expect([...NEED_STATUSES]).toEqual(ALL_STATUSES);
    expect([...NEED_ROLES]).toEqual(ALL_ROLES);
    expect(STEP_NAMES).toEqual(Object.keys(MACHINE));
    for (const step of STEP_NAMES) {
      const m = MACHINE[step];
      expect({ step, ...m }).toEqual({
        step,
        from: [...STEPS[step].from],
        to: STEPS[step].to === "backToHandler" ? "back" : STEPS[step].to,
        roles: [...STEPS[step].roles],
        note: STEPS[step].needsNote,
      });
      expect(ROLE_TABLE[step]).toEqual(m.roles);
    }
  });

  it("asks for a note where a reason or what was done must be said", () => {
    expect(STEP_NAMES.filter((s) => STEPS[s].needsNote)).toEqual([
      "resolveOnSpot",
      "returnToRoom",
      "askExtension",
      "resolve",
      "reopen",
      "markNotForPlatform",
    ]);
  });

  it("leaves merged and not-for-platform for good, and closed only by reopening", () => {
    const leaving = (s: NeedStatus) => STEP_NAMES.filter((st) => MACHINE[st].from.includes(s));
    expect(leaving("merged")).toEqual([]);
    expect(leaving("notForPlatform")).toEqual([]);
    expect(leaving("closed")).toEqual(["reopen"]);
    expect(ALL_STATUSES.filter((s) => !isOpen(s))).toEqual(["closed", "merged", "notForPlatform"]);
  });

  it("lets the timed job do nothing but close an unanswered need", () => {
    expect(STEP_NAMES.filter((s) => STEPS[s].roles.includes("system"))).toEqual(["autoClose"]);
    expect(STEPS.autoClose.roles).toEqual(["system"]);
  });

  it("recognises step and status names and nothing else", () => {
    for (const s of STEP_NAMES) expect(isNeedStep(s)).toBe(true);
    for (const s of ALL_STATUSES) expect(isNeedStatus(s)).toBe(true);
    for (const s of ["constructor", "toString", "__proto__", "Accept", "", 1, null, undefined]) {
      expect(isNeedStep(s)).toBe(false);
      expect(isNeedStatus(s)).toBe(false);
    }
  });
});

describe("checkStep: every step × every status × every role", () => {
  for (const role of ALL_ROLES) {
    for (const dispatched of [true, false]) {
      it(`${role}, ${dispatched ? "dispatched to a unit" : "never dispatched"}`, () => {
        const grid: string[] = [];
        const expected: string[] = [];
        for (const step of STEP_NAMES) {
          for (const status of ALL_STATUSES) {
            const got = outcome(() => checkStep([role], status, step, open({ dispatched })).to);
            grid.push(`${step}@${status}=${got}`);
            const m = MACHINE[step];
            const want = !m.roles.includes(role)
              ? "403 errors.forbidden"
              : !m.from.includes(status)
                ? "409 need:errors.stepNotAllowed"
                : m.to === "back"
                  ? dispatched
                    ? "dispatched"
                    : "accepted"
                  : m.to;
            expected.push(`${step}@${status}=${want}`);
          }
        }
        expect(grid).toEqual(expected);
      });
    }
  }

  it("refuses someone with no role in the need everything", () => {
    for (const step of STEP_NAMES) {
      for (const status of ALL_STATUSES) {
        expect(outcome(() => checkStep([], status, step, open()))).toBe("403 errors.forbidden");
      }
    }
  });

  it("takes any one of several roles (a grid worker who is also the reporter)", () => {
    const both: NeedRole[] = ["gridWorker", "reporter"];
    expect(checkStep(both, "checked", "answerSatisfied", open()).to).toBe("closed");
    expect(checkStep(both, "reported", "accept", open()).to).toBe("accepted");
  });

  it("checks the role before the status, so a stranger learns nothing about where it stands", () => {
    expect(outcome(() => checkStep(["reporter"], "closed", "dispatch", open()))).toBe(
      "403 errors.forbidden",
    );
  });

  it("names the step and the status when refusing a step out of order", () => {
    try {
      nextStatus("reported", "resolve", open());
      expect.unreachable();
    } catch (e) {
      expect(e).toMatchObject({
        status: 409,
        key: "need:errors.stepNotAllowed",
        params: { step: "resolve", status: "reported" },
      });
    }
  });
});

describe("the loop's own rules", () => {
  it("gives more time once only", () => {
    expect(nextStatus("dispatched", "askExtension", open({ extensionsAsked: 0 }))).toBe(
      "dispatched",
    );
    for (const n of [1, 2]) {
      expect(
        outcome(() => nextStatus("dispatched", "askExtension", open({ extensionsAsked: n }))),
      ).toBe("409 need:errors.extensionUsed");
    }
    // Once per need: a need re-handled after "not satisfied" does not get a second extension.
    expect(availableSteps(["unit"], "dispatched", open({ extensionsAsked: 1 }))).toEqual([
      "returnToRoom",
      "resolve",
    ]);
    expect(availableSteps(["unit"], "dispatched", open())).toEqual([
      "returnToRoom",
      "askExtension",
      "resolve",
    ]);
  });

  it("sends 'not satisfied' back to the unit, or to the grid worker after an on-the-spot fix", () => {
    expect(nextStatus("checked", "answerNotSatisfied", open({ dispatched: true }))).toBe(
      "dispatched",
    );
    expect(nextStatus("checked", "answerNotSatisfied", open({ dispatched: false }))).toBe(
      "accepted",
    );
  });

  it("closes an unanswered need only when the reporter's 14 days are over", () => {
    const at = (checkedAt: Date | null) =>
      outcome(() => nextStatus("checked", "autoClose", open({ checkedAt })));
    expect(at(ago(ANSWER_DAYS))).toBe("closed");
    expect(at(ago(ANSWER_DAYS + 3))).toBe("closed");
    expect(at(ago(ANSWER_DAYS - 1, DAY - 1))).toBe("409 need:errors.answerWindowOpen");
    expect(at(ago(0))).toBe("409 need:errors.answerWindowOpen");
    expect(at(null)).toBe("409 need:errors.answerWindowOpen");
    expect(ANSWER_DAYS).toBe(14);
  });

  it("reopens a closed need within 14 days, and never after", () => {
    const at = (closedAt: Date | null) =>
      outcome(() => nextStatus("closed", "reopen", open({ closedAt, dispatched: true })));
    expect(at(ago(0))).toBe("dispatched");
    expect(at(ago(REOPEN_DAYS))).toBe("dispatched");
    expect(at(ago(REOPEN_DAYS, 1))).toBe("409 need:errors.reopenExpired");
    expect(at(ago(400))).toBe("409 need:errors.reopenExpired");
    expect(at(null)).toBe("409 need:errors.reopenExpired");
    expect(nextStatus("closed", "reopen", open({ closedAt: ago(1), dispatched: false }))).toBe(
      "accepted",
    );
    expect(REOPEN_DAYS).toBe(14);
    expect(availableSteps(["reporter"], "closed", open({ closedAt: ago(15) }))).toEqual([]);
  });

  it("counts re-handling: each 'not satisfied' and each reopening", () => {
    expect(STEP_NAMES.filter((s) => STEPS[s].rehandles)).toEqual(["answerNotSatisfied", "reopen"]);
    expect(rehandlingCount([])).toBe(0);
    expect(
      rehandlingCount([
        "accept",
        "escalate",
        "dispatch",
        "askExtension",
        "resolve",
        "check",
        "answerPartly",
      ]),
    ).toBe(0);
    expect(
      rehandlingCount([
        "accept",
        "escalate",
        "dispatch",
        "resolve",
        "check",
        "answerNotSatisfied",
        "resolve",
        "check",
        "answerNotSatisfied",
        "resolve",
        "check",
        "answerSatisfied",
        "reopen",
      ]),
    ).toBe(3);
  });

  it("walks the whole loop the issue describes", () => {
    let s: NeedStatus = "reported";
    let facts = open({ dispatched: false, checkedAt: null, closedAt: null });
    const take = (roles: NeedRole[], step: NeedStep) => {
      s = checkStep(roles, s, step, facts).to;
      return s;
    };
    expect(take(["gridWorker"], "accept")).toBe("accepted");
    expect(take(["gridWorker"], "escalate")).toBe("escalated");
    expect(take(["commandRoom"], "dispatch")).toBe("dispatched");
    facts = { ...facts, dispatched: true };
    expect(take(["unit"], "returnToRoom")).toBe("returnedToRoom");
    expect(take(["commandRoom"], "dispatch")).toBe("dispatched");
    expect(take(["unit"], "askExtension")).toBe("dispatched");
    facts = { ...facts, extensionsAsked: 1 };
    expect(take(["unit"], "resolve")).toBe("resolved");
    expect(take(["gridWorker"], "check")).toBe("checked");
    expect(take(["meToo"], "answerNotSatisfied")).toBe("dispatched");
    expect(outcome(() => take(["unit"], "askExtension"))).toBe("409 need:errors.extensionUsed");
    expect(take(["unit"], "resolve")).toBe("resolved");
    expect(take(["gridWorker"], "check")).toBe("checked");
    expect(take(["reporter"], "answerSatisfied")).toBe("closed");
  });
});

describe("availableSteps", () => {
  it("agrees with the table everywhere (time rules open)", () => {
    for (const role of ALL_ROLES) {
      for (const status of ALL_STATUSES) {
        const expected = STEP_NAMES.filter(
          (step) => MACHINE[step].roles.includes(role) && MACHINE[step].from.includes(status),
        );
        expect({ role, status, steps: availableSteps([role], status, open()) }).toEqual({
          role,
          status,
          steps: expected,
        });
      }
    }
  });

  it("shows the buttons each desk needs", () => {
    const fresh = open({ checkedAt: ago(1) });
    expect(availableSteps(["gridWorker"], "reported", fresh)).toEqual(["accept", "resolveOnSpot"]);
    expect(availableSteps(["gridWorker"], "accepted", fresh)).toEqual([
      "resolveOnSpot",
      "escalate",
    ]);
    expect(availableSteps(["commandRoom"], "returnedToRoom", fresh)).toEqual(["dispatch"]);
    expect(availableSteps(["reporter"], "checked", fresh)).toEqual([
      "answerSatisfied",
      "answerPartly",
      "answerNotSatisfied",
    ]);
    expect(availableSteps(["system"], "checked", fresh)).toEqual([]);
    expect(availableSteps(["committee"], "resolved", fresh)).toEqual([]);
    expect(availableSteps(["committee"], "escalated", fresh)).toEqual([
      "merge",
      "markNotForPlatform",
    ]);
  });
});

describe("checkNote", () => {
  it("requires a note exactly where the step needs one", () => {
    for (const step of STEP_NAMES) {
      for (const blank of [undefined, null, "", "  \n\t "]) {
        expect(outcome(() => checkNote(step, blank))).toBe(
          MACHINE[step].note ? "400 need:errors.noteRequired" : "ok",
        );
      }
      expect(checkNote(step, "  修好了路灯 ")).toBe("修好了路灯");
    }
    expect(checkNote("accept", "")).toBeNull();
  });

  it("counts characters, not UTF-16 units, against the limit", () => {
    expect(checkNote("resolve", "修".repeat(NEED_NOTE_MAX))).toHaveLength(NEED_NOTE_MAX);
    expect(checkNote("resolve", "😀".repeat(NEED_NOTE_MAX))).toHaveLength(NEED_NOTE_MAX * 2);
    expect(() => checkNote("resolve", "修".repeat(NEED_NOTE_MAX + 1))).toThrow(
      expect.objectContaining({
        status: 400,
        key: "need:errors.noteTooLong",
        params: { max: NEED_NOTE_MAX },
        field: "note",
      }),
    );
  });
});
