/** 民情's notice kinds: a sentence in both languages for every step, category and level. */
import { describe, expect, it } from "vitest";
import zh from "../../../public/locales/zh-CN/notice.json";
import en from "../../../public/locales/en/notice.json";
import { NEED_CATEGORIES } from "../needs/categories";
import { STEP_NAMES } from "../needs/machine";
import {
  isProtected,
  NEED_ASSIGN_STEPS,
  NOTICE_KINDS,
  noticeLink,
  noticeMessage,
  protectsOwner,
} from "./kinds";

const stored = (kind: string, params: unknown) => ({
  kind,
  subjectType: "need",
  subjectId: 12,
  params: JSON.stringify(params),
});

function lookup(file: unknown, key: string): unknown {
  return key
    .replace(/^notice:/, "")
    .split(".")
    .reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], file);
}

function expectSentence(key: string) {
  expect(typeof lookup(zh, key), `zh-CN ${key}`).toBe("string");
  expect(typeof lookup(en, key), `en ${key}`).toBe("string");
}

describe("need notices", () => {
  it("protect the reporter's own report only; the staff's may be switched off", () => {
    expect(NOTICE_KINDS.filter((k) => protectsOwner(k))).toEqual(["need.stepped"]);
    for (const k of ["need.stepped", "need.assigned", "need.overdue"] as const) {
      expect(isProtected(k), k).toBe(false);
    }
  });

  it("say each step of the loop to the residents, each hand-over and level to the staff", () => {
    const keys = new Set<string>();
    for (const step of STEP_NAMES) {
      const m = noticeMessage(stored("need.stepped", { step, category: "other" }), "en");
      expect(m.key, step).toBe(`notice:kinds.needStepped.${step}`);
      keys.add(m.key);
    }
    for (const step of NEED_ASSIGN_STEPS) {
      const m = noticeMessage(stored("need.assigned", { step, category: "other" }), "en");
      expect(m.key, step).toBe(`notice:kinds.needAssigned.${step}`);
      keys.add(m.key);
    }
    for (const [level, who] of [
      [1, "commandRoom"],
      [2, "admins"],
    ] as const) {
      const m = noticeMessage(stored("need.overdue", { level, category: "other" }), "en");
      expect(m.key).toBe(`notice:kinds.needOverdue.${who}`);
      keys.add(m.key);
    }
    // Something a newer process wrote reads as "moved on" / "yours to deal with".
    for (const kind of ["need.stepped", "need.assigned"]) {
      const m = noticeMessage(stored(kind, { step: "fly", category: "nonsense" }), "zh-CN");
      expect(m.key).toMatch(/\.other$/);
      expect(m.params.category).toBe("other");
      keys.add(m.key);
    }
    for (const key of keys) expectSentence(key);
    for (const c of NEED_CATEGORIES) expectSentence(`notice:needCategories.${c}`);
  });

  it("carry the need's number, what was done, the reason and where it was merged", () => {
    const m = noticeMessage(
      stored("need.stepped", {
        step: "merge",
        category: "safetyHazard",
        reason: "重复",
        done: null,
        into: 30,
      }),
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
