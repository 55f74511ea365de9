import { describe, expect, it } from "vitest";
import { pickNextStatement, priorityOf, separationOf, tieBreak, type Candidate } from "./next";
import { windowState } from "./rules";

const s = (id: number, votes: number, separation = 0): Candidate => ({
  id,
  body: `statement ${id}`,
  votes,
  separation,
});

describe("the next statement", () => {
  it("never shows one the person answered, and none once all are answered", () => {
    const all = [s(1, 0), s(2, 0), s(3, 0)];
    for (let person = 1; person <= 20; person++) {
      expect(pickNextStatement(person, all, new Set([1, 2]))?.id).toBe(3);
      expect(pickNextStatement(person, all, new Set([1, 2, 3]))).toBeNull();
    }
    expect(pickNextStatement(1, [], new Set())).toBeNull();
  });

  it("prefers statements with few votes", () => {
    const all = [s(1, 40), s(2, 3), s(3, 12)];
    expect(pickNextStatement(7, all, new Set())?.id).toBe(2);
    expect(pickNextStatement(7, all, new Set([2]))?.id).toBe(3);
  });

  it("once a map exists, prefers a statement that separates the groups over one with fewer votes", () => {
    // 20 votes and a complete split beats 10 votes and none.
    expect(priorityOf({ votes: 20, separation: 1 })).toBeGreaterThan(
      priorityOf({ votes: 10, separation: 0 }),
    );
    const all = [s(1, 10, 0), s(2, 20, 1)];
    expect(pickNextStatement(3, all, new Set())?.id).toBe(2);
    // But a statement nobody has answered still comes first.
    expect(pickNextStatement(3, [...all, s(3, 0, 0)], new Set())?.id).toBe(3);
  });

  it("spreads people over equal statements, and shows one person the same one on reload", () => {
    const all = Array.from({ length: 10 }, (_, i) => s(i + 1, 0));
    const firsts = new Set<number>();
    for (let person = 1; person <= 50; person++) {
      const first = pickNextStatement(person, all, new Set())!.id;
      expect(pickNextStatement(person, all, new Set())!.id).toBe(first);
      firsts.add(first);
    }
    expect(firsts.size).toBeGreaterThan(5);
    expect(tieBreak(1, 2)).toBeGreaterThanOrEqual(0);
    expect(tieBreak(1, 2)).toBeLessThan(1);
  });

  it("measures separation as the spread of the groups' agreement", () => {
    expect(separationOf([])).toBe(0);
    expect(separationOf([{ agree: 5, seen: 10 }])).toBe(0);
    expect(
      separationOf([
        { agree: 9, seen: 10 },
        { agree: 1, seen: 10 },
      ]),
    ).toBeCloseTo(0.8);
    // A group that never saw it says nothing.
    expect(
      separationOf([
        { agree: 3, seen: 3 },
        { agree: 0, seen: 0 },
      ]),
    ).toBe(0);
  });
});

describe("the window", () => {
  const c = { opensAt: "2026-12-01T00:00:00.000Z", closesAt: "2026-12-05T00:00:00.000Z" };
  it("is upcoming, open, then closed at its time or when closed early", () => {
    expect(windowState({ ...c, closedAt: null }, new Date("2026-11-30T23:59:59Z"))).toBe(
      "upcoming",
    );
    expect(windowState({ ...c, closedAt: null }, new Date("2026-12-01T00:00:00Z"))).toBe("open");
    expect(windowState({ ...c, closedAt: null }, new Date("2026-12-05T00:00:00Z"))).toBe("closed");
    expect(
      windowState({ ...c, closedAt: "2026-12-02T00:00:00.000Z" }, new Date("2026-12-03T00:00:00Z")),
    ).toBe("closed");
  });
});
