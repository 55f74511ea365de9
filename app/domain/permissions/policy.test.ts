import { describe, expect, it } from "vitest";
import { DomainError } from "../errors";
import { actions, ANONYMOUS, authorize, can, decide, policy, roles, type Actor } from "./policy";
import zh from "../../../public/locales/zh-CN/permissions.json";
import en from "../../../public/locales/en/permissions.json";

const resident: Actor = {
  userId: 1,
  isAdmin: false,
  committeeOf: null,
  verifiedIn: [10],
  orgMemberOf: [],
  orgAdminOf: [],
  gridWorkerOf: [],
  commandRoomOf: [],
  unitOf: [],
};
const committee: Actor = {
  userId: 2,
  isAdmin: false,
  committeeOf: 10,
  verifiedIn: [],
  orgMemberOf: [],
  orgAdminOf: [],
  gridWorkerOf: [],
  commandRoomOf: [],
  unitOf: [],
};
const otherCommittee: Actor = {
  userId: 3,
  isAdmin: false,
  committeeOf: 11,
  verifiedIn: [],
  orgMemberOf: [],
  orgAdminOf: [],
  gridWorkerOf: [],
  commandRoomOf: [],
  unitOf: [],
};
const admin: Actor = {
  userId: 4,
  isAdmin: true,
  committeeOf: null,
  verifiedIn: [],
  orgMemberOf: [],
  orgAdminOf: [],
  gridWorkerOf: [],
  commandRoomOf: [],
  unitOf: [],
};

describe("permission policy", () => {
  it("lets anyone read public pages", () => {
    for (const a of [ANONYMOUS, resident, committee, admin]) {
      expect(can(a, "community.view", { communityId: 10 })).toBe(true);
      expect(can(a, "permissions.view")).toBe(true);
    }
  });

  it("asks anonymous people to sign in, and refuses signed-in people outright", () => {
    expect(decide(ANONYMOUS, "membership.request", { communityId: 10 })).toEqual({
      ok: false,
      reason: "signInRequired",
    });
    expect(decide(resident, "membership.decide", { communityId: 10 })).toEqual({
      ok: false,
      reason: "forbidden",
    });
    // Registering is for people who are signed out: signing in would not help.
    expect(decide(resident, "account.register")).toEqual({ ok: false, reason: "forbidden" });
    expect(decide(ANONYMOUS, "account.register")).toEqual({ ok: true });
  });

  it("scopes the committee to its own community", () => {
    expect(can(committee, "membership.decide", { communityId: 10 })).toBe(true);
    expect(can(otherCommittee, "membership.decide", { communityId: 10 })).toBe(false);
    expect(can(committee, "membership.decide", {})).toBe(false);
    expect(can(admin, "membership.decide", { communityId: 10 })).toBe(false);
  });

  it("keeps appointing the committee to platform admins", () => {
    expect(can(admin, "committee.appoint", { communityId: 10 })).toBe(true);
    expect(can(committee, "committee.appoint", { communityId: 10 })).toBe(false);
  });

  it("lets people withdraw only their own requests", () => {
    expect(can(resident, "membership.withdraw", { ownerId: 1 })).toBe(true);
    expect(can(resident, "membership.withdraw", { ownerId: 2 })).toBe(false);
    expect(can(ANONYMOUS, "membership.withdraw", { ownerId: 1 })).toBe(false);
  });

  it("throws translated refusals with 401 or 403", () => {
    const refusal = (fn: () => void): DomainError => {
      try {
        fn();
      } catch (e) {
        return e as DomainError;
      }
      throw new Error("expected a refusal");
    };
    const forbidden = refusal(() => authorize(resident, "committee.appoint", { communityId: 10 }));
    expect(forbidden).toBeInstanceOf(DomainError);
    expect([forbidden.status, forbidden.key]).toEqual([403, "errors.forbidden"]);
    const signIn = refusal(() => authorize(ANONYMOUS, "membership.request"));
    expect([signIn.status, signIn.key]).toEqual([401, "errors.signInRequired"]);
    expect(() => authorize(committee, "membership.decide", { communityId: 10 })).not.toThrow();
  });

  it("has a label for every action and role in both languages (the 权责清单 shows them)", () => {
    // Action names contain a dot, which i18next reads as nesting: actions.membership.decide.
    for (const action of actions) {
      expect(zh.actions, action).toHaveProperty(action.split("."));
      expect(en.actions, action).toHaveProperty(action.split("."));
    }
    for (const role of Object.keys(roles)) {
      expect(zh.roles).toHaveProperty([role]);
      expect(en.roles).toHaveProperty([role]);
    }
    // And no stale labels for actions that no longer exist.
    const labelled = Object.entries(zh.actions).flatMap(([group, entries]) =>
      Object.keys(entries).map((name) => `${group}.${name}`),
    );
    expect(labelled.sort()).toEqual([...actions].sort());
  });

  it("marks the committee and admin actions that write to the audit log", () => {
    for (const action of actions) {
      const entry = policy[action] as { group: string; audited?: boolean };
      if (entry.group === "admin") expect(entry.audited, action).toBe(true);
    }
    expect((policy["membership.decide"] as { audited?: boolean }).audited).toBe(true);
  });

  it("lets another channel's API key send needs in and nothing else a visitor may do", () => {
    const channel: Actor = { ...ANONYMOUS, intakeKey: { id: 1, channel: "12345" } };
    expect(can(channel, "need.intake", { communityId: 10 })).toBe(true);
    // A key is no visitor who could sign up or sign in, and no person.
    expect(can(channel, "account.register")).toBe(false);
    expect(can(channel, "account.login")).toBe(false);
    const writes = actions.filter(
      (a) => !(policy[a] as { reads?: boolean }).reads && a !== "need.intake",
    );
    expect(writes.filter((a) => can(channel, a, { communityId: 10, isPublic: true }))).toEqual([]);
    // No person holds the role: not a resident, a committee member nor an admin.
    for (const a of [ANONYMOUS, resident, committee, admin]) {
      expect(can(a, "need.intake", { communityId: 10 })).toBe(false);
    }
    expect(() => authorize(channel, "need.intake", { communityId: 10 })).not.toThrow();
    expect(can(admin, "need.manageKeys")).toBe(true);
    expect(can(committee, "need.manageKeys", { communityId: 10 })).toBe(false);
  });
});
