import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { PabulibError, parsePabulib, writePabulib, type PbInstance } from "./pabulib";
import { rational } from "./rational";

const r = rational;
const file = (...lines: string[]) => lines.join("\n") + "\n";

const APPROVAL = file(
  "META",
  "key;value",
  "description;Test round",
  "num_projects;3",
  "num_votes;3",
  "budget;1000",
  "vote_type;approval",
  "PROJECTS",
  "project_id;cost;votes;name;selected;category",
  '1;600;2;"Benches; and bins";1;public space',
  '2;300;2;"The ""green"" corner";1;None',
  "3;250.50;1;Library;0;education,culture",
  "VOTES",
  "voter_id;vote;age",
  "v1;1,2;30",
  "v2;2,1,3;",
  "v3;;71",
);

/** Reads `text` and returns the error it throws, for checking the message and the line. */
function failure(text: string): PabulibError {
  try {
    parsePabulib(text);
  } catch (e) {
    if (e instanceof PabulibError) return e;
    throw e;
  }
  throw new Error("parsed without error");
}

describe("parsePabulib", () => {
  it("reads META, projects with their columns, and approval ballots as sets", () => {
    const pb = parsePabulib(APPROVAL);
    expect(pb.meta).toMatchObject({ description: "Test round", budget: "1000" });
    expect(pb.budget).toEqual(r(1000));
    expect(pb.voteType).toBe("approval");
    expect(pb.projects).toEqual([
      {
        id: "1",
        cost: r(600),
        name: "Benches; and bins",
        selected: true,
        extra: { votes: "2", category: "public space" },
      },
      {
        id: "2",
        cost: r(300),
        name: 'The "green" corner',
        selected: true,
        extra: { votes: "2", category: "None" },
      },
      {
        id: "3",
        cost: r(501, 2),
        name: "Library",
        selected: false,
        extra: { votes: "1", category: "education,culture" },
      },
    ]);
    expect(pb.votes).toEqual([
      {
        voterId: "v1",
        ballot: { type: "approval", approved: new Set(["1", "2"]) },
        extra: { age: "30" },
      },
      {
        voterId: "v2",
        ballot: { type: "approval", approved: new Set(["1", "2", "3"]) },
        extra: { age: "" },
      },
      { voterId: "v3", ballot: { type: "approval", approved: new Set() }, extra: { age: "71" } },
    ]);
  });

  it("is not thrown by a BOM, CRLF, lone CR, blank lines or trailing empty lines", () => {
    const crlf =
      "\uFEFF" + APPROVAL.replace(/\n/g, "\r\n").replace("PROJECTS", "\r\nPROJECTS") + "\r\n\r\n";
    expect(parsePabulib(crlf)).toEqual(parsePabulib(APPROVAL));
    expect(parsePabulib(APPROVAL.replace(/\n/g, "\r"))).toEqual(parsePabulib(APPROVAL));
  });

  it("keeps the order of ordinal ballots", () => {
    const pb = parsePabulib(
      file(
        "META",
        "key;value",
        "budget;10",
        "vote_type;ordinal",
        "PROJECTS",
        "project_id;cost",
        "a;5",
        "b;5",
        "c;5",
        "VOTES",
        "voter_id;vote",
        "1;c,a,b",
        "2;b",
      ),
    );
    expect(pb.votes.map((v) => v.ballot)).toEqual([
      { type: "ordinal", ranking: ["c", "a", "b"] },
      { type: "ordinal", ranking: ["b"] },
    ]);
  });

  it("pairs cumulative and scoring votes with their points", () => {
    const text = (type: string) =>
      file(
        "META",
        "key;value",
        "budget;10",
        `vote_type;${type}`,
        "max_sum_points;10",
        "PROJECTS",
        "project_id;cost",
        "a;5",
        "b;5",
        "VOTES",
        "voter_id;vote;points;sex",
        "1;b,a;7,3;F",
        "2;a;10;M",
      );
    const pb = parsePabulib(text("cumulative"));
    expect(pb.votes[0]).toEqual({
      voterId: "1",
      ballot: {
        type: "cumulative",
        points: new Map([
          ["b", 7],
          ["a", 3],
        ]),
      },
      extra: { sex: "F" },
    });
    expect(parsePabulib(text("scoring")).votes[1]!.ballot).toEqual({
      type: "scoring",
      points: new Map([["a", 10]]),
    });
  });

  it("reads choose-1 as approval and decimal budgets exactly", () => {
    const pb = parsePabulib(
      APPROVAL.replace("vote_type;approval", "vote_type;choose-1").replace(
        "budget;1000",
        "budget;102533,36",
      ),
    );
    expect(pb.budget).toEqual(r(10253336, 100));
    expect(pb.votes[0]!.ballot).toEqual({ type: "approval", approved: new Set(["1", "2"]) });
  });

  it("reads a quoted field across lines and still counts lines right after it", () => {
    const text = APPROVAL.replace('"Benches; and bins"', '"Benches\nand bins"').replace(
      "v3;;71",
      "v3;9;71",
    );
    const e = failure(text);
    // The vote for project 9 is on line 18 of the file, one further down than without the break.
    expect(e.line).toBe(18);
    expect(e.message).toBe("line 18: voter v3 votes for unknown project 9");
    expect(parsePabulib(text.replace("v3;9;71", "v3;;71")).projects[0]!.name).toBe(
      "Benches\nand bins",
    );
  });

  it("names the line of each malformed input", () => {
    const cases: [string, number, RegExp][] = [
      [
        APPROVAL.replace("3;250.50;1;Library;0;education,culture", "3;250;1;Library;0"),
        12,
        /5 fields where the header has 6/,
      ],
      [APPROVAL.replace("3;250.50", "3;25o"), 12, /the cost of project 3 "25o" is not a number/],
      [APPROVAL.replace("3;250.50", "3;-250"), 12, /negative cost/],
      [APPROVAL.replace("3;250.50", "2;250"), 12, /project 2 appears twice/],
      [APPROVAL.replace("budget;1000\n", ""), 1, /META has no budget/],
      [APPROVAL.replace("budget;1000", "budget;lots"), 1, /the budget "lots" is not a number/],
      [APPROVAL.replace("v2;2,1,3", "v2;2,1,2"), 16, /voter v2 names project 2 twice/],
      [APPROVAL.replace("v3;;71", "v1;;71"), 17, /voter v1 votes twice/],
      [APPROVAL.replace("vote_type;approval", "vote_type;quadratic"), 13, /vote_type "quadratic"/],
      [APPROVAL.replace("vote_type;approval\n", ""), 12, /META has no vote_type/],
      [APPROVAL.replace("v3;;71", 'v3;"7;71'), 17, /a quoted field is never closed/],
      [
        APPROVAL.replace('"Benches; and bins"', '"Benches; and bins'),
        11,
        /unexpected "T" after a closing quote \(the quoted field opened on line 10\)/,
      ],
      [
        APPROVAL.replace('"Benches; and bins"', '"Benches"x'),
        10,
        /unexpected "x" after a closing quote/,
      ],
      [APPROVAL.replace("META\n", ""), 1, /expected the META section first/],
      [APPROVAL.replace("PROJECTS", "VOTES"), 8, /VOTES section where PROJECTS was expected/],
      [APPROVAL.replace("project_id;cost;votes", "id;cost;votes"), 9, /no "project_id" column/],
      [
        APPROVAL.replace("description;Test round", "budget;5"),
        6,
        /META key "budget" appears twice/,
      ],
      [APPROVAL.slice(0, APPROVAL.indexOf("VOTES")), 13, /the VOTES section is missing/],
    ];
    for (const [text, line, message] of cases) {
      const e = failure(text);
      expect(e.message, String(message)).toMatch(message);
      expect(e.line, String(message)).toBe(line);
      expect(e.message.startsWith(`line ${line}: `)).toBe(true);
    }
    const points = file(
      "META",
      "key;value",
      "budget;10",
      "vote_type;cumulative",
      "PROJECTS",
      "project_id;cost",
      "a;5",
      "b;5",
      "VOTES",
      "voter_id;vote;points",
      "1;a,b;7",
      "2;a;x",
    );
    expect(failure(points).message).toBe("line 11: voter 1 names 2 projects but gives 1 points");
    expect(failure(points.replace("1;a,b;7", "1;a,b;7,3")).message).toBe(
      'line 12: voter 2 gives "x" points',
    );
  });
});

describe("writePabulib", () => {
  const round: PbInstance = {
    meta: {
      description: "Liuhe budget round 7",
      country: "China",
      currency: "CNY",
      rule: "greedy",
    },
    budget: r(8000),
    voteType: "approval",
    projects: [
      { id: "11", cost: r(5000), name: "Shade; benches", selected: true, extra: { votes: "2" } },
      {
        id: "12",
        cost: r(2500),
        name: ' "Quoted" with spaces ',
        selected: false,
        extra: { votes: "1" },
      },
      { id: "13", cost: r(501, 2), name: "Half a yuan", selected: true, extra: { votes: "0" } },
    ],
    votes: [
      { voterId: "1", ballot: { type: "approval", approved: new Set(["11", "12"]) }, extra: {} },
      // A voter id that reads like a section line must come back as a vote.
      { voterId: "votes", ballot: { type: "approval", approved: new Set(["11"]) }, extra: {} },
      { voterId: "3", ballot: { type: "approval", approved: new Set() }, extra: {} },
    ],
  };

  it("round-trips a closed round, with META counts taken from the contents", () => {
    const text = writePabulib(round);
    const back = parsePabulib(text);
    expect(back).toEqual({
      ...round,
      meta: {
        ...round.meta,
        budget: "8000",
        vote_type: "approval",
        num_projects: "3",
        num_votes: "3",
      },
    });
    expect(text).toContain('11;5000;"Shade; benches";1;2');
    expect(text).toContain("13;250.5;Half a yuan;1;0");
    expect(text).toContain('"votes";11');
  });

  it("round-trips points and ordinal ballots", () => {
    const points: PbInstance = {
      ...round,
      voteType: "cumulative",
      votes: [
        {
          voterId: "1",
          ballot: {
            type: "cumulative",
            points: new Map([
              ["12", 4],
              ["11", 6],
            ]),
          },
          extra: { sex: "F" },
        },
      ],
    };
    expect(parsePabulib(writePabulib(points)).votes).toEqual(points.votes);
    const ordinal: PbInstance = {
      ...round,
      voteType: "ordinal",
      votes: [{ voterId: "1", ballot: { type: "ordinal", ranking: ["13", "11"] }, extra: {} }],
    };
    expect(parsePabulib(writePabulib(ordinal)).votes).toEqual(ordinal.votes);
  });

  it("refuses what it cannot write faithfully", () => {
    expect(() => writePabulib({ ...round, budget: r(1, 3) })).toThrow(/no finite decimal/);
    expect(() => writePabulib({ ...round, voteType: "ordinal" })).toThrow(/approval ballot/);
    expect(() =>
      writePabulib({ ...round, projects: [{ ...round.projects[0]!, id: "1,2" }] }),
    ).toThrow(/comma/);
  });

  const dir = process.env.PABULIB_DIR ?? path.resolve(process.cwd(), "../shared/pabulib");
  const files = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith(".pb")) : [];

  it("round-trips every shared Pabulib file", () => {
    expect(files.length).toBeGreaterThan(0);
    const regenerated = ["budget", "vote_type", "num_projects", "num_votes"];
    for (const f of files) {
      const pb = parsePabulib(fs.readFileSync(path.join(dir, f), "utf8"));
      const back = parsePabulib(writePabulib(pb));
      expect(back.projects, f).toEqual(pb.projects);
      expect(back.votes, f).toEqual(pb.votes);
      expect(back.budget, f).toEqual(pb.budget);
      const strip = (m: Readonly<Record<string, string>>) =>
        Object.fromEntries(Object.entries(m).filter(([k]) => !regenerated.includes(k)));
      expect(strip(back.meta), f).toEqual(strip(pb.meta));
    }
  });
});
