import { describe, expect, it } from "vitest";
import { adjustedRandIndex } from "./ari";
import { computeOpinionMap } from "./map";
import { syntheticConversation } from "./synthetic";
import type { OpinionVote, VoteCell } from "./types";

const cells = (rows: Record<number, OpinionVote[]>): VoteCell[] =>
  Object.entries(rows).flatMap(([p, votes]) =>
    votes.map((vote, j) => ({ participant: Number(p), statement: j + 1, vote })),
  );

describe("computeOpinionMap: too few to draw", () => {
  it("says so when there are no votes", () => {
    const map = computeOpinionMap([], [1, 2, 3]);
    expect(map).toMatchObject({ status: "tooFew", reason: "votes", k: 0, points: [], groups: [] });
  });

  it("says so with fewer than 2 voted statements", () => {
    const votes = cells({ 1: [1], 2: [-1], 3: [1], 4: [0], 5: [1] });
    const map = computeOpinionMap(votes, [1, 2]);
    expect(map).toMatchObject({ status: "tooFew", reason: "statements", statements: 1, votes: 5 });
    expect(map.stats).toEqual([{ statement: 1, agree: 3, disagree: 1, pass: 1, perGroup: [] }]);
  });

  it("says so with fewer than 4 participants with enough votes, and ignores other statements", () => {
    const ten = (v: OpinionVote) => Array.from({ length: 10 }, () => v);
    const votes = [
      ...cells({ 1: ten(1), 2: ten(-1), 3: ten(1) }),
      // Participant 4 voted on 6 of the 10 accepted statements: below 7, not placed.
      ...cells({ 4: [1, 1, 1, 1, 1, 1] }),
      // Participant 5's votes are on statement 11, not accepted.
      ...Array.from({ length: 10 }, () => ({ participant: 5, statement: 11, vote: 1 as const })),
    ];
    const accepted = Array.from({ length: 10 }, (_, j) => j + 1);
    const map = computeOpinionMap(votes, accepted);
    expect(map).toMatchObject({
      status: "tooFew",
      reason: "participants",
      participantsVoting: 4,
      participantsInMap: 3,
      statements: 10,
      votes: 36,
    });
  });

  it("asks for every statement when there are fewer than 7", () => {
    // 3 statements: a participant needs all 3.
    const votes = cells({
      1: [1, 1, 1],
      2: [1, 1, -1],
      3: [-1, -1, -1],
      4: [-1, -1, 1],
      5: [1, 1],
    });
    const map = computeOpinionMap(votes, [1, 2, 3]);
    expect(map.status).toBe("ok");
    expect(map.participantsInMap).toBe(4);
    expect(map.points.map((p) => p.participant).sort()).toEqual([1, 2, 3, 4]);
  });

  it("says so when everyone voted alike (nothing separates anyone)", () => {
    const same = cells({ 1: [1, 1], 2: [1, 1], 3: [1, 1], 4: [1, 1] });
    expect(computeOpinionMap(same, [1, 2])).toMatchObject({ status: "tooFew", reason: "votes" });
  });
});

describe("computeOpinionMap on a synthetic conversation", () => {
  const conv = syntheticConversation({
    participants: 300,
    statements: 60,
    groups: [3, 2],
    minVotes: 8,
    tail: 1.2,
    fidelity: 0.85,
    seed: 4,
  });
  const map = computeOpinionMap(conv.votes, conv.statements);

  it("recovers the groups the votes were drawn from", () => {
    expect(map.status).toBe("ok");
    expect(map.k).toBe(2);
    const truth = map.points.map((p) => conv.truth.get(p.participant)!);
    expect(
      adjustedRandIndex(
        truth,
        map.points.map((p) => p.group),
      ),
    ).toBeGreaterThan(0.9);
    // Largest group first.
    expect(map.groups[0]!.size).toBeGreaterThanOrEqual(map.groups[1]!.size);
    expect(map.groups.map((g) => g.size).reduce((a, b) => a + b)).toBe(map.participantsInMap);
  });

  it("fills every part of the contract", () => {
    expect(map.explained![0]).toBeGreaterThan(map.explained![1]);
    expect(map.explained![0] + map.explained![1]).toBeLessThanOrEqual(1);
    expect(map.silhouette).toBeGreaterThan(0);
    expect(map.stats).toHaveLength(60);
    for (const g of map.groups) {
      expect(g.representative.length).toBeGreaterThan(0);
      for (const r of g.representative) expect(r.z).toBeGreaterThan(1.2816);
    }
    const scores = map.divisive.map((s) => s.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    expect(map.divisive.length).toBeGreaterThan(0);
  });

  it("is the same every time, whatever the order of the votes", () => {
    const again = computeOpinionMap([...conv.votes].reverse(), [...conv.statements].reverse());
    expect(again).toEqual(map);
  });

  it("keeps the previous numbering (a relabelled previous assignment comes back as given)", () => {
    const previous = map.points.map((p) => ({ participant: p.participant, group: 1 - p.group }));
    const next = computeOpinionMap(conv.votes, conv.statements, { previous });
    expect(next.points.map((p) => p.group)).toEqual(previous.map((a) => a.group));
    expect(next.groups.map((g) => g.size)).toEqual([...map.groups.map((g) => g.size)].reverse());
  });

  it("keeps a participant of the previous map even below the vote threshold", () => {
    const inMap = map.points.find((p) => p.participant === conv.votes[0]!.participant)!;
    expect(inMap).toBeDefined();
    expect(inMap.participant).toBe(1);
    // Statements rejected since: participant 1 has at most 3 votes left, fewer than 7.
    const light = conv.votes.filter((v) => v.participant !== 1 || v.statement <= 3);
    const before = computeOpinionMap(light, conv.statements);
    expect(before.points.some((p) => p.participant === 1)).toBe(false);
    const after = computeOpinionMap(light, conv.statements, {
      previous: [...map.points.map((p) => ({ participant: p.participant, group: p.group }))],
    });
    expect(after.points.some((p) => p.participant === 1)).toBe(true);
  });
});
