import { describe, expect, it } from "vitest";
import { buildMatrix, votesToEnter } from "./matrix";

describe("buildMatrix", () => {
  it("imputes a missing vote with the statement's mean among its voters", () => {
    const m = buildMatrix(
      [
        { participant: 10, statement: 1, vote: 1 },
        { participant: 11, statement: 1, vote: -1 },
        { participant: 11, statement: 2, vote: 1 },
        { participant: 12, statement: 1, vote: 1 },
        { participant: 12, statement: 2, vote: 0 },
      ],
      [1, 2],
    );
    expect(m.participants).toEqual([10, 11, 12]);
    expect(m.statements).toEqual([1, 2]);
    // Participant 10 did not vote on statement 2: mean of 1 and 0 = 0.5.
    expect([...m.values]).toEqual([1, 0.5, -1, 1, 1, 0]);
    expect(Number.isNaN(m.raw[1]!)).toBe(true);
    expect([...m.means]).toEqual([1 / 3, 0.5]);
    expect([...m.votesPerParticipant]).toEqual([1, 2, 2]);
    expect(m.votes).toBe(5);
  });

  it("ignores statements not accepted and keeps the last vote per pair", () => {
    const m = buildMatrix(
      [
        { participant: 1, statement: 5, vote: 1 },
        { participant: 1, statement: 6, vote: 1 },
        { participant: 1, statement: 5, vote: -1 },
      ],
      [5],
    );
    expect(m.statements).toEqual([5]);
    expect([...m.raw]).toEqual([-1]);
    expect(m.votes).toBe(1);
  });

  it("leaves out a vote that is not −1, 0 or 1", () => {
    const m = buildMatrix(
      [
        { participant: 1, statement: 5, vote: 1 },
        { participant: 2, statement: 5, vote: 2 as never },
        { participant: 1, statement: 5, vote: Number.NaN as never },
      ],
      [5],
    );
    expect(m.participants).toEqual([1]);
    expect([...m.raw]).toEqual([1]);
  });

  it("asks for 7 votes, or every statement when there are fewer", () => {
    expect(votesToEnter(7, 40)).toBe(7);
    expect(votesToEnter(7, 4)).toBe(4);
  });
});
