import { describe, expect, it } from "vitest";
import zh from "../../../public/locales/zh-CN/notice.json";
import en from "../../../public/locales/en/notice.json";
import { INVITED_SEAT_KINDS } from "../meetings/rules";
import { STEP_NAMES } from "../projects/rules";
import { isNoticeKind, isProtected, KINDS, NOTICE_KINDS, noticeLink, noticeMessage } from "./kinds";
import { NEED_CATEGORIES } from "../needs/categories";
import { STEP_NAMES as NEED_STEPS } from "../needs/machine";
import { NEED_ASSIGN_STEPS, protectsOwner } from "./kinds";

const stored = (kind: string, params: unknown, subjectType = "community", subjectId = 7) => ({
  kind,
  subjectType,
  subjectId,
  params: JSON.stringify(params),
});

/** A key of the `notice` namespace, looked up in a locale file. */
function lookup(file: unknown, key: string): unknown {
  return key
    .replace(/^notice:/, "")
    .split(".")
    .reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], file);
}

describe("notice kinds", () => {
  it("protects one's own membership and proposals, not others' requests", () => {
    expect(isProtected("membership.decided")).toBe(true);
    expect(isProtected("project.stepped")).toBe(true);
    expect(isProtected("membership.asked")).toBe(false);
    expect(Object.keys(KINDS).sort()).toEqual([...NOTICE_KINDS].sort());
    expect(isNoticeKind("membership.asked")).toBe(true);
    expect(isNoticeKind("poll.opened")).toBe(false);
    expect(isNoticeKind(null)).toBe(false);
  });

  it("links a notice to its subject's page", () => {
    expect(noticeLink({ subjectType: "community", subjectId: 7 })).toBe("/communities/7");
    expect(noticeLink({ subjectType: "project", subjectId: 9 })).toBe("/projects/9");
    // Unknown subjects (a newer process wrote one) lead back to the inbox, never to a bad URL.
    expect(noticeLink({ subjectType: "spaceship", subjectId: 1 })).toBe("/notifications");
    expect(noticeLink({ subjectType: "project", subjectId: null })).toBe("/notifications");
  });

  it("says each kind in the reader's language, with the place name in that language", () => {
    const place = { zh: "翠苑一区", en: "Cuiyuan 1" };
    expect(noticeMessage(stored("membership.asked", { community: place }), "zh-CN")).toEqual({
      key: "notice:kinds.membershipAsked",
      params: { community: "翠苑一区" },
      reason: null,
    });
    expect(noticeMessage(stored("membership.asked", { community: place }), "en").params).toEqual({
      community: "Cuiyuan 1",
    });
    const declined = noticeMessage(
      stored("membership.decided", { community: place, status: "declined", reason: "地址不符" }),
      "zh-CN",
    );
    expect([declined.key, declined.reason]).toEqual([
      "notice:kinds.membershipDeclined",
      "地址不符",
    ]);
    expect(
      noticeMessage(
        stored("membership.decided", { community: place, status: "verified", reason: null }),
        "en",
      ).key,
    ).toBe("notice:kinds.membershipVerified");
    const returned = noticeMessage(
      stored("project.stepped", { title: "扶手", step: "return", reason: "写细" }, "project"),
      "zh-CN",
    );
    expect(returned).toEqual({
      key: "notice:kinds.projectStepped.return",
      params: { title: "扶手" },
      reason: "写细",
    });
  });

  it("reads unknown kinds, steps and broken params as a plain notice, never throwing", () => {
    expect(noticeMessage(stored("poll.opened", {}), "en").key).toBe("notice:kinds.other");
    expect(noticeMessage(stored("project.stepped", { step: "fly" }), "en").key).toBe(
      "notice:kinds.projectStepped.other",
    );
    const broken = {
      kind: "membership.asked",
      subjectType: "community",
      subjectId: 1,
      params: "{",
    };
    expect(noticeMessage(broken, "zh-CN")).toEqual({
      key: "notice:kinds.membershipAsked",
      params: { community: "" },
      reason: null,
    });
  });

  it("has a sentence in both languages for every key it can give", () => {
    const keys = [
      "notice:kinds.membershipAsked",
      "notice:kinds.membershipVerified",
      "notice:kinds.membershipDeclined",
      "notice:kinds.meetingMoved",
      "notice:kinds.meetingChanged",
      "notice:kinds.meetingCancelled",
      "notice:kinds.voteCancelled",
      "notice:kinds.other",
      ...[
        "submit",
        "autoReview",
        "startReview",
        "accept",
        "reject",
        "return",
        "select",
        "start",
        "complete",
        "abandon",
        "other",
      ].map((s) => `notice:kinds.projectStepped.${s}`),
    ];
    for (const key of keys) {
      expect(typeof lookup(zh, key), key).toBe("string");
      expect(typeof lookup(en, key), key).toBe("string");
    }
    // Every step of the project lifecycle has its own sentence.
    for (const step of [...STEP_NAMES, "autoReview"]) {
      const { key } = noticeMessage(stored("project.stepped", { step }, "project"), "en");
      expect(key, step).toBe(`notice:kinds.projectStepped.${step}`);
    }
    // A meeting's change reads as moved when its time or its place changed, and each alone does.
    for (const [what, key] of [
      [["time"], "notice:kinds.meetingMoved"],
      [["place"], "notice:kinds.meetingMoved"],
      [["agenda", "seats"], "notice:kinds.meetingChanged"],
    ] as const) {
      const n = stored("meeting.changed", { topic: "t", what, startsAt: "", place: "" }, "meeting");
      expect(noticeMessage(n, "en").key, what.join()).toBe(key);
    }
    for (const [kind, subject] of [
      ["meeting.cancelled", "meeting"],
      ["vote.cancelled", "poll"],
    ] as const) {
      expect(keys).toContain(noticeMessage(stored(kind, { reason: "r" }, subject), "en").key);
    }
    for (const step of ["submit", "accept", "bogus"]) {
      const { key } = noticeMessage(stored("project.stepped", { step }, "project"), "en");
      expect(keys).toContain(key);
    }
  });
});

describe("the second slice's kinds", () => {
  it("protects only one's own organisation's verdict", () => {
    expect(isProtected("organisation.decided")).toBe(true);
    for (const kind of [
      "seat.invited",
      "organisation.invited",
      "minutes.published",
      "project.supported",
      "comment.replied",
    ] as const) {
      expect(isProtected(kind), kind).toBe(false);
    }
    expect(KINDS["organisation.invited"].subject).toBe("organisation");
    expect(KINDS["comment.replied"].subject).toBe("project");
  });

  it("links an organisation to its page, and a reply to its place on the project's page", () => {
    expect(noticeLink({ subjectType: "organisation", subjectId: 3 })).toBe("/orgs/3");
    const reply = stored("comment.replied", { title: "t", commentId: 12 }, "project");
    expect(noticeLink(reply)).toBe("/projects/7#comment-12");
    // A broken reply id leads to the project, never to a bad anchor; other kinds have none.
    expect(noticeLink(stored("comment.replied", { commentId: "12<" }, "project"))).toBe(
      "/projects/7",
    );
    expect(noticeLink({ ...reply, params: "{" })).toBe("/projects/7");
    expect(noticeLink(stored("project.supported", { commentId: 12 }, "project"))).toBe(
      "/projects/7",
    );
  });

  it("has a sentence in both languages for every key it can give, unknown values included", () => {
    const messages = [
      ...[...INVITED_SEAT_KINDS, "resident", "bogus"].map((seat) =>
        stored("seat.invited", { topic: "t", seat }, "meeting"),
      ),
      ...["admin", "member", "bogus"].map((role) =>
        stored("organisation.invited", { name: "n", role }, "organisation"),
      ),
      ...["verified", "declined"].map((status) =>
        stored("organisation.decided", { name: "n", status, reason: "r" }, "organisation"),
      ),
      stored("minutes.published", { topic: "t" }, "meeting"),
      ...["accept", "select", "complete", "bogus"].map((step) =>
        stored("project.supported", { title: "t", step }, "project"),
      ),
      stored("comment.replied", { title: "t", commentId: 1 }, "project"),
    ].map((n) => noticeMessage(n, "en"));
    const keys = new Set(messages.map((m) => m.key));
    expect(keys.size).toBe(15);
    for (const key of keys) {
      expect(key).not.toBe("notice:kinds.other");
      expect(typeof lookup(zh, key), key).toBe("string");
      expect(typeof lookup(en, key), key).toBe("string");
    }
    for (const seat of INVITED_SEAT_KINDS) {
      const m = noticeMessage(stored("seat.invited", { topic: "议题", seat }, "meeting"), "zh-CN");
      expect(m).toEqual({
        key: `notice:kinds.seatInvited.${seat}`,
        params: { topic: "议题" },
        reason: null,
      });
    }
    const declined = noticeMessage(
      stored("organisation.decided", { name: "n", status: "declined", reason: "缺材料" }),
      "zh-CN",
    );
    expect([declined.key, declined.reason]).toEqual([
      "notice:kinds.organisationDeclined",
      "缺材料",
    ]);
  });
});

/** 民情's kinds: a sentence in both languages for every step, category and level. */
describe("need notices", () => {
  function expectSentence(key: string) {
    expect(typeof lookup(zh, key), `zh-CN ${key}`).toBe("string");
    expect(typeof lookup(en, key), `en ${key}`).toBe("string");
  }

  it("protect the reporter's own report only; the staff's may be switched off", () => {
    expect(NOTICE_KINDS.filter((k) => protectsOwner(k))).toEqual(["need.stepped"]);
    for (const k of ["need.stepped", "need.assigned", "need.overdue"] as const) {
      expect(isProtected(k), k).toBe(false);
    }
  });

  it("say each step of the loop to the residents, each hand-over and level to the staff", () => {
    const keys = new Set<string>();
    for (const step of NEED_STEPS) {
      const m = noticeMessage(
        stored("need.stepped", { step, category: "other" }, "need", 12),
        "en",
      );
      expect(m.key, step).toBe(`notice:kinds.needStepped.${step}`);
      keys.add(m.key);
    }
    for (const step of NEED_ASSIGN_STEPS) {
      const m = noticeMessage(
        stored("need.assigned", { step, category: "other" }, "need", 12),
        "en",
      );
      expect(m.key, step).toBe(`notice:kinds.needAssigned.${step}`);
      keys.add(m.key);
    }
    for (const [level, who] of [
      [1, "commandRoom"],
      [2, "admins"],
    ] as const) {
      const m = noticeMessage(
        stored("need.overdue", { level, category: "other" }, "need", 12),
        "en",
      );
      expect(m.key).toBe(`notice:kinds.needOverdue.${who}`);
      keys.add(m.key);
    }
    // Something a newer process wrote reads as "moved on" / "yours to deal with".
    for (const kind of ["need.stepped", "need.assigned"]) {
      const m = noticeMessage(
        stored(kind, { step: "fly", category: "nonsense" }, "need", 12),
        "zh-CN",
      );
      expect(m.key).toMatch(/\.other$/);
      expect(m.params.category).toBe("other");
      keys.add(m.key);
    }
    for (const key of keys) expectSentence(key);
    for (const c of NEED_CATEGORIES) expectSentence(`notice:needCategories.${c}`);
  });

  it("carry the need's number, what was done, the reason and where it was merged", () => {
    const m = noticeMessage(
      stored(
        "need.stepped",
        {
          step: "merge",
          category: "safetyHazard",
          reason: "重复",
          done: null,
          into: 30,
        },
        "need",
        12,
      ),
      "zh-CN",
    );
    expect(m).toEqual({
      key: "notice:kinds.needStepped.merge",
      params: { id: "12", category: "safetyHazard", done: "", into: "30" },
      reason: "重复",
    });
    expect(noticeLink({ subjectType: "need", subjectId: 12 })).toBe("/needs/12");
  });
});
