import { describe, expect, it } from "vitest";
import { readPolisExport, readPolisGroups } from "./polis";

const comments = `timestamp,datetime,comment-id,author-id,agrees,disagrees,moderated,comment-body
1,a,0,1,1,0,1,"Plain, with a comma"
2,b,1,1,1,0,0,"Two
lines"
3,c,2,1,1,0,-1,Moderated out
`;
const votes = `timestamp,datetime,comment-id,voter-id,vote
10,x,0,5,1
11,x,0,5,-1
12,x,1,5,0
13,x,2,5,1
14,x,0,6,1
`;

describe("readPolisExport", () => {
  it("keeps accepted and unmoderated comments, the last vote per pair, passes on moderated-out", () => {
    const input = readPolisExport({ comments, votes });
    expect(input.statements).toEqual([0, 1, 2]);
    expect(input.zeroed).toBe(1);
    expect(input.votes).toEqual([
      { participant: 5, statement: 0, vote: -1 },
      { participant: 5, statement: 1, vote: 0 },
      { participant: 6, statement: 0, vote: 1 },
      // Polis zeroes a moderated-out column for every participant.
      { participant: 5, statement: 2, vote: 0 },
      { participant: 6, statement: 2, vote: 0 },
    ]);
  });

  it("can leave out unmoderated comments and moderated-out columns", () => {
    const input = readPolisExport(
      { comments, votes },
      { unmoderated: false, zeroModeratedOut: false },
    );
    expect(input.statements).toEqual([0]);
    expect(input.votes).toEqual([
      { participant: 5, statement: 0, vote: -1 },
      { participant: 6, statement: 0, vote: 1 },
    ]);
  });
});

describe("readPolisGroups", () => {
  it("reads group-id for the participants Polis placed", () => {
    const text = "participant,group-id,n-comments,n-votes\n0,1,0,9\n1,,0,2\n2,0,1,8\n";
    expect([...readPolisGroups(text)]).toEqual([
      [0, 1],
      [2, 0],
    ]);
  });
});
