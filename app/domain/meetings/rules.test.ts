import { describe, expect, it } from "vitest";
import { canMoveCommitment, canMoveTo, isOverdue, nextStatus, waitBeforePosting } from "./rules";
import { calendar, fold } from "./ics";

describe("meeting status", () => {
  it("moves scheduled → live → closed → published, one step at a time", () => {
    expect(nextStatus("scheduled")).toBe("live");
    expect(nextStatus("live")).toBe("closed");
    expect(nextStatus("closed")).toBe("published");
    expect(nextStatus("published")).toBeNull();
    expect(canMoveTo("scheduled", "closed")).toBe(false);
    expect(canMoveTo("live", "scheduled")).toBe(false);
  });
});

describe("commitments", () => {
  it("go open → in progress → done or dropped, never back", () => {
    expect(canMoveCommitment("open", "in_progress")).toBe(true);
    expect(canMoveCommitment("in_progress", "done")).toBe(true);
    expect(canMoveCommitment("open", "dropped")).toBe(true);
    expect(canMoveCommitment("done", "open")).toBe(false);
    expect(canMoveCommitment("in_progress", "open")).toBe(false);
  });

  it("are overdue when unfinished past their date", () => {
    expect(isOverdue({ status: "open", dueDate: "2026-01-01" }, "2026-01-02")).toBe(true);
    expect(isOverdue({ status: "open", dueDate: "2026-01-02" }, "2026-01-02")).toBe(false);
    expect(isOverdue({ status: "done", dueDate: "2026-01-01" }, "2026-01-02")).toBe(false);
  });
});

describe("pacing in the room", () => {
  const now = new Date("2026-11-27T10:00:10Z");
  const ago = (s: number) => new Date(now.getTime() - s * 1000);

  it("allows five messages in ten seconds, then asks to wait", () => {
    expect(waitBeforePosting([ago(1), ago(2), ago(3), ago(4)], now, 0)).toEqual({
      reason: null,
      seconds: 0,
    });
    expect(waitBeforePosting([ago(1), ago(2), ago(3), ago(4), ago(6)], now, 0)).toEqual({
      reason: "rate",
      seconds: 4,
    });
    expect(waitBeforePosting([ago(1), ago(2), ago(3), ago(4), ago(11)], now, 0).reason).toBeNull();
  });

  it("holds slow mode: one message per N seconds", () => {
    expect(waitBeforePosting([ago(10)], now, 30)).toEqual({ reason: "slow", seconds: 20 });
    expect(waitBeforePosting([ago(31)], now, 30).reason).toBeNull();
    expect(waitBeforePosting([], now, 30).reason).toBeNull();
  });
});

describe("iCalendar", () => {
  it("folds long lines at 75 octets without breaking characters", () => {
    const line = `SUMMARY:${"议".repeat(60)}`;
    const folded = fold(line);
    for (const part of folded.split("\r\n"))
      expect(Buffer.byteLength(part)).toBeLessThanOrEqual(75);
    expect(folded.replace(/\r\n /g, "")).toBe(line);
  });

  it("escapes text and writes UTC times", () => {
    const ics = calendar("东坡路议事会", [
      {
        uid: "meeting-1@liuhe",
        start: "2026-12-01T06:30:00.000Z",
        end: "2026-12-01T08:00:00.000Z",
        summary: "加装电梯; 议题, 讨论",
        description: "第一行\n第二行",
        location: "社区活动室",
        url: "http://localhost/meetings/1",
        updated: "2026-11-27T00:00:00.000Z",
      },
    ]);
    expect(ics).toContain("DTSTART:20261201T063000Z\r\n");
    expect(ics).toContain("SUMMARY:加装电梯\\; 议题\\, 讨论\r\n");
    expect(ics).toContain("DESCRIPTION:第一行\\n第二行\r\n");
    expect(ics.startsWith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n")).toBe(true);
    expect(ics.endsWith("END:VCALENDAR\r\n")).toBe(true);
  });
});
