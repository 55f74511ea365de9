import { describe, expect, it } from "vitest";
import { DomainError } from "../errors";
import { ANONYMOUS, type Actor } from "../permissions/policy";
import {
  availableSteps,
  averageRating,
  checkStep,
  isEditable,
  isPublicStatus,
  isStep,
  isSupportable,
  PROJECT_STATUSES,
  projectTarget,
  STEP_NAMES,
  STEPS,
  type ProjectRef,
  type ProjectStatus,
  type Step,
} from "./rules";

const COMMUNITY = 1;
const OTHER_COMMUNITY = 2;
const ORGANISATION = 10;
const OTHER_ORGANISATION = 11;
const PROPOSER = 100;

const actor = (a: Partial<Actor> & { userId: number }): Actor => ({
  isAdmin: false,
  committeeOf: null,
  verifiedIn: [],
  orgMemberOf: [],
  orgAdminOf: [],
  gridWorkerOf: [],
  commandRoomOf: [],
  unitOf: [],
  ...a,
});

// Written out by hand rather than read from STEPS, so that a change to the machine fails here.
const ALL_STATUSES: ProjectStatus[] = [
  "draft",
  "submitted",
  "underReview",
  "accepted",
  "rejected",
  "returned",
  "selected",
  "inProgress",
  "completed",
  "abandoned",
];

const MACHINE: Record<Step, { from: ProjectStatus[]; to: ProjectStatus; needsReason: boolean }> = {
  submit: { from: ["draft", "returned"], to: "submitted", needsReason: false },
  startReview: { from: ["submitted"], to: "underReview", needsReason: false },
  accept: { from: ["underReview"], to: "accepted", needsReason: false },
  reject: { from: ["underReview"], to: "rejected", needsReason: true },
  return: { from: ["underReview"], to: "returned", needsReason: true },
  select: { from: ["accepted"], to: "selected", needsReason: false },
  start: { from: ["selected"], to: "inProgress", needsReason: false },
  complete: { from: ["inProgress"], to: "completed", needsReason: false },
  abandon: { from: ["selected", "inProgress"], to: "abandoned", needsReason: true },
};

type Who =
  | "proposer"
  | "orgMember"
  | "orgAdmin"
  | "committee"
  | "otherCommittee"
  | "resident"
  | "otherOrgMember"
  | "admin"
  | "anonymous";

const PEOPLE: Record<Who, Actor> = {
  // The proposer of an organisation's project is one of its members (and here also a resident).
  proposer: actor({ userId: PROPOSER, verifiedIn: [COMMUNITY], orgMemberOf: [ORGANISATION] }),
  orgMember: actor({ userId: 101, orgMemberOf: [ORGANISATION] }),
  orgAdmin: actor({ userId: 102, orgMemberOf: [ORGANISATION], orgAdminOf: [ORGANISATION] }),
  committee: actor({ userId: 103, committeeOf: COMMUNITY }),
  otherCommittee: actor({ userId: 104, committeeOf: OTHER_COMMUNITY }),
  resident: actor({ userId: 105, verifiedIn: [COMMUNITY] }),
  otherOrgMember: actor({
    userId: 106,
    orgMemberOf: [OTHER_ORGANISATION],
    verifiedIn: [COMMUNITY],
  }),
  admin: actor({ userId: 107, isAdmin: true }),
  anonymous: ANONYMOUS,
};

/** Who may take each step, by hand: the project's own people carry it out, its committee decides. */
const ALLOWED: Record<Who, Step[]> = {
  proposer: ["submit", "start", "complete", "abandon"],
  orgMember: ["submit", "start", "complete", "abandon"],
  orgAdmin: ["submit", "start", "complete", "abandon"],
  committee: [
    "startReview",
    "accept",
    "reject",
    "return",
    "select",
    "start",
    "complete",
    "abandon",
  ],
  otherCommittee: [],
  resident: [],
  otherOrgMember: [],
  admin: [],
  anonymous: [],
};

const project = (status: ProjectStatus, over: Partial<ProjectRef> = {}): ProjectRef => ({
  status,
  communityId: COMMUNITY,
  proposerId: PROPOSER,
  organisationId: ORGANISATION,
  ...over,
});

function outcome(fn: () => unknown): number | "ok" {
  try {
    fn();
    return "ok";
  } catch (e) {
    if (e instanceof DomainError) return e.status;
    throw e;
  }
}

describe("the state machine", () => {
  it("has the statuses and steps written down here", () => {
    expect([...PROJECT_STATUSES]).toEqual(ALL_STATUSES);
    expect(STEP_NAMES).toEqual(Object.keys(MACHINE));
    for (const step of STEP_NAMES) {
      expect({ step, ...MACHINE[step] }).toEqual({
        step,
        from: [...STEPS[step].from],
        to: STEPS[step].to,
        needsReason: STEPS[step].needsReason,
      });
    }
  });

  it("asks for a reason exactly for rejecting, returning and abandoning", () => {
    expect(STEP_NAMES.filter((s) => STEPS[s].needsReason)).toEqual(["reject", "return", "abandon"]);
  });

  it("has no way out of rejected, completed and abandoned", () => {
    const leaving = (s: ProjectStatus) =>
      STEP_NAMES.filter((step) => MACHINE[step].from.includes(s));
    expect(leaving("rejected")).toEqual([]);
    expect(leaving("completed")).toEqual([]);
    expect(leaving("abandoned")).toEqual([]);
    expect(leaving("returned")).toEqual(["submit"]);
  });

  it("recognises step names and nothing else", () => {
    for (const s of STEP_NAMES) expect(isStep(s)).toBe(true);
    for (const s of ["constructor", "toString", "__proto__", "Submit", "", 1, null, undefined]) {
      expect(isStep(s)).toBe(false);
    }
  });
});

describe("checkStep: every step × every status × every role", () => {
  for (const who of Object.keys(PEOPLE) as Who[]) {
    it(`${who}`, () => {
      const a = PEOPLE[who];
      const grid: string[] = [];
      const expected: string[] = [];
      for (const step of STEP_NAMES) {
        for (const status of ALL_STATUSES) {
          const got = outcome(() => checkStep(a, project(status), step));
          grid.push(`${step}@${status}=${got}`);
          const roleOk = ALLOWED[who].includes(step);
          const want = !roleOk
            ? who === "anonymous"
              ? 401
              : 403
            : MACHINE[step].from.includes(status)
              ? "ok"
              : 409;
          expected.push(`${step}@${status}=${want}`);
        }
      }
      expect(grid).toEqual(expected);
    });
  }

  it("returns the rule of the step it allows", () => {
    expect(checkStep(PEOPLE.committee, project("underReview"), "reject")).toMatchObject({
      to: "rejected",
      needsReason: true,
    });
  });

  it("names the step and the status in a 409, and the action in a 403/401", () => {
    const wrongStatus = (() => {
      try {
        checkStep(PEOPLE.committee, project("draft"), "accept");
      } catch (e) {
        return e;
      }
    })() as DomainError;
    expect(wrongStatus).toMatchObject({
      status: 409,
      key: "project:errors.stepNotAllowed",
      params: { step: "accept", status: "draft" },
    });
    expect(() => checkStep(PEOPLE.resident, project("underReview"), "accept")).toThrow(
      expect.objectContaining({ status: 403, key: "errors.forbidden" }),
    );
    expect(() => checkStep(ANONYMOUS, project("underReview"), "accept")).toThrow(
      expect.objectContaining({ status: 401, key: "errors.signInRequired" }),
    );
  });

  it("checks the role before the status, so a stranger learns nothing about where it stands", () => {
    expect(outcome(() => checkStep(PEOPLE.resident, project("completed"), "submit"))).toBe(403);
    expect(outcome(() => checkStep(ANONYMOUS, project("completed"), "accept"))).toBe(401);
  });

  it("gives an organisation's members nothing on a resident's own project", () => {
    const own = project("draft", { organisationId: null });
    expect(outcome(() => checkStep(PEOPLE.orgMember, own, "submit"))).toBe(403);
    expect(outcome(() => checkStep(PEOPLE.proposer, own, "submit"))).toBe("ok");
  });

  it("lets the organisation carry on when the proposer's account is gone", () => {
    const orphan = project("draft", { proposerId: null });
    expect(outcome(() => checkStep(PEOPLE.orgMember, orphan, "submit"))).toBe("ok");
    expect(outcome(() => checkStep(PEOPLE.resident, orphan, "submit"))).toBe(403);
  });

  it("gives a committee no power over another community's project", () => {
    const there = project("underReview", { communityId: OTHER_COMMUNITY });
    expect(outcome(() => checkStep(PEOPLE.committee, there, "accept"))).toBe(403);
    expect(outcome(() => checkStep(PEOPLE.otherCommittee, there, "accept"))).toBe("ok");
  });
});

describe("availableSteps", () => {
  it("agrees with checkStep everywhere", () => {
    for (const who of Object.keys(PEOPLE) as Who[]) {
      for (const status of ALL_STATUSES) {
        const expected = STEP_NAMES.filter(
          (step) => ALLOWED[who].includes(step) && MACHINE[step].from.includes(status),
        );
        expect({ who, status, steps: availableSteps(PEOPLE[who], project(status)) }).toEqual({
          who,
          status,
          steps: expected,
        });
      }
    }
  });

  it("shows the buttons a project page needs", () => {
    const { proposer, committee, resident } = PEOPLE;
    expect(availableSteps(proposer, project("draft"))).toEqual(["submit"]);
    expect(availableSteps(proposer, project("returned"))).toEqual(["submit"]);
    expect(availableSteps(proposer, project("underReview"))).toEqual([]);
    expect(availableSteps(committee, project("submitted"))).toEqual(["startReview"]);
    expect(availableSteps(committee, project("underReview"))).toEqual([
      "accept",
      "reject",
      "return",
    ]);
    expect(availableSteps(committee, project("accepted"))).toEqual(["select"]);
    expect(availableSteps(committee, project("selected"))).toEqual(["start", "abandon"]);
    expect(availableSteps(proposer, project("inProgress"))).toEqual(["complete", "abandon"]);
    expect(availableSteps(committee, project("draft"))).toEqual([]);
    for (const s of ALL_STATUSES) expect(availableSteps(resident, project(s))).toEqual([]);
  });
});

describe("status predicates", () => {
  it("lets only draft and returned projects be edited", () => {
    expect(ALL_STATUSES.filter(isEditable)).toEqual(["draft", "returned"]);
  });

  it("hides only drafts", () => {
    expect(ALL_STATUSES.filter((s) => !isPublicStatus(s))).toEqual(["draft"]);
  });

  it("takes supports only before the work starts", () => {
    expect(ALL_STATUSES.filter(isSupportable)).toEqual([
      "submitted",
      "underReview",
      "accepted",
      "selected",
    ]);
  });
});

describe("projectTarget", () => {
  it("names the organisation for its projects, the proposer for a resident's own", () => {
    expect(projectTarget({ communityId: 1, proposerId: 2, organisationId: 3 })).toEqual({
      communityId: 1,
      organisationId: 3,
    });
    expect(projectTarget({ communityId: 1, proposerId: 2, organisationId: null })).toEqual({
      communityId: 1,
      ownerId: 2,
    });
    expect(projectTarget({ communityId: 1, proposerId: null, organisationId: null })).toEqual({
      communityId: 1,
    });
  });

  it("takes an organisation's project away from a proposer who has left the organisation", () => {
    const former = actor({ userId: PROPOSER, verifiedIn: [COMMUNITY] });
    for (const step of STEP_NAMES) {
      const status = MACHINE[step].from[0]!;
      expect(outcome(() => checkStep(former, project(status), step))).toBe(403);
    }
    expect(availableSteps(former, project("draft"))).toEqual([]);
  });
});

describe("averageRating", () => {
  it("is null without ratings and rounds to one decimal", () => {
    expect(averageRating(0, 0)).toBeNull();
    expect(averageRating(9, 2)).toBe(4.5);
    expect(averageRating(10, 3)).toBe(3.3);
    expect(averageRating(11, 3)).toBe(3.7);
    expect(averageRating(5, 1)).toBe(5);
  });
});
