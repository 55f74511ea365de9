import { describe, expect, it } from "vitest";
import { noticeText, type Translate } from "./text";

/** A translator that shows which key and values it was given. */
const t: Translate = (key, options) => `${key}${options ? JSON.stringify(options) : ""}`;

describe("noticeText", () => {
  it("says a notice by its kind's key, with the reason apart and its subject's link", () => {
    const said = noticeText(
      t,
      {
        kind: "membership.decided",
        subjectType: "community",
        subjectId: 7,
        params: JSON.stringify({
          community: { zh: "翠苑区", en: "Cuiyuan" },
          status: "declined",
          reason: "地址不符",
        }),
      },
      "en",
    );
    expect(said).toEqual({
      text: 'notice:kinds.membershipDeclined{"community":"Cuiyuan","startsAt":""}',
      reason: 'notice:reason{"reason":"地址不符"}',
      href: "/communities/7",
    });
  });

  it("gives a moved meeting's new time in the reader's words, and no reason when none was given", () => {
    const notice = {
      kind: "meeting.changed",
      subjectType: "meeting",
      subjectId: 3,
      params: JSON.stringify({
        topic: "停车",
        what: ["time"],
        startsAt: "2026-12-24T06:30:00.000Z",
        place: "议事厅",
        reason: null,
      }),
    };
    const zh = noticeText(t, notice, "zh-CN");
    expect(zh.text).toMatch(/^notice:kinds\.meetingMoved/);
    expect(zh.text).not.toContain("2026-12-24T06:30");
    expect(zh.text).toContain("14:30");
    expect(zh.reason).toBeNull();
    expect(zh.href).toBe("/meetings/3");
  });
});
