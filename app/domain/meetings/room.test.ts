import { describe, expect, it } from "vitest";
import { fieldErrors } from "../validation";
import { floorInput, muteInput, postInput, slowModeInput } from "./room";
import {
  DEFAULT_TURN_SECONDS,
  MAX_MUTE_MINUTES,
  MESSAGE_MAX,
  messageLength,
  QUICK_MUTE_MINUTES,
  SLOW_MODE_CHOICES,
  TURN_SECONDS,
} from "./rules";

const errors = (r: { success: boolean; error?: Parameters<typeof fieldErrors>[0] }) =>
  r.error ? fieldErrors(r.error) : {};

describe("the room's inputs", () => {
  it("take a form's strings and a socket's numbers alike", () => {
    expect(slowModeInput.parse({ meetingId: "3", seconds: "30", intent: "slowMode" })).toEqual({
      meetingId: 3,
      seconds: 30,
    });
    expect(slowModeInput.parse({ meetingId: 3, seconds: 30 })).toEqual({
      meetingId: 3,
      seconds: 30,
    });
    expect(floorInput.parse({ meetingId: "3", userId: "", seconds: "120" })).toEqual({
      meetingId: 3,
      userId: undefined,
      seconds: 120,
    });
  });

  it("accept every choice the room page offers", () => {
    for (const seconds of SLOW_MODE_CHOICES) {
      expect(slowModeInput.safeParse({ meetingId: 1, seconds: String(seconds) }).success).toBe(
        true,
      );
    }
    for (const seconds of [...TURN_SECONDS, DEFAULT_TURN_SECONDS]) {
      expect(floorInput.safeParse({ meetingId: 1, seconds: String(seconds) }).success).toBe(true);
    }
    expect(QUICK_MUTE_MINUTES).toBeLessThanOrEqual(MAX_MUTE_MINUTES);
    expect(
      muteInput.safeParse({ meetingId: 1, userId: 2, minutes: QUICK_MUTE_MINUTES, reason: "刷屏" })
        .success,
    ).toBe(true);
  });

  it("refuse what the page never sends as a tampered form, not as zero", () => {
    for (const seconds of ["", null, true, "1e2", "-1", 601, 7.5]) {
      expect(errors(slowModeInput.safeParse({ meetingId: 1, seconds })), String(seconds)).toEqual({
        _form: { key: "errors.badForm" },
      });
    }
    expect(errors(floorInput.safeParse({ meetingId: 1, seconds: 7 }))).toEqual({
      _form: { key: "errors.badForm" },
    });
  });

  it("refuse what a person typed with its own message", () => {
    expect(errors(postInput.safeParse({ meetingId: 1, body: "  " }))).toEqual({
      body: { key: "meeting:errors.messageEmpty" },
    });
    expect(errors(postInput.safeParse({ meetingId: 1 }))).toEqual({
      body: { key: "meeting:errors.messageEmpty" },
    });
    expect(errors(postInput.safeParse({ meetingId: 1, body: "长".repeat(2001) }))).toEqual({
      body: { key: "errors.tooLong", params: { max: 2000 } },
    });
    expect(
      errors(muteInput.safeParse({ meetingId: 1, userId: 2, minutes: 10, reason: " " })),
    ).toEqual({ reason: { key: "meeting:errors.reasonRequired" } });
  });

  it("count a message's length as the page does before sending it", () => {
    // Characters, not UTF-16 units; as stored (NFC: e + ◌́ is one é), trimmed.
    const edges = ["长", "😀", "e\u0301", "a"].flatMap((c) =>
      [MESSAGE_MAX, MESSAGE_MAX + 1].map((n) => `  ${c.repeat(n)}\n`),
    );
    for (const body of edges) {
      const accepted = postInput.safeParse({ meetingId: 1, body }).success;
      expect(accepted, `${body.length} units`).toBe(messageLength(body) <= MESSAGE_MAX);
    }
    expect(messageLength(" 😀e\u0301 ")).toBe(2);
  });
});
