import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parsePabulib, toTallyInput, type PbInstance } from "./pabulib";
import {
  add,
  cmp,
  div,
  floor,
  le,
  rational,
  sub,
  toRational,
  ZERO,
  type Rational,
} from "./rational";
import {
  equalShares,
  equalSharesWithComparison,
  greedy,
  TallyInputError,
  type Ballot,
  type TallyInput,
} from "./tally";

const r = rational;

/** `n` identical approval ballots. */
const times = (n: number, ids: string[]): string[][] => Array.from({ length: n }, () => ids);

describe("greedy", () => {
  it("funds by approvals, skipping what no longer fits, and says why each project lost", () => {
    const res = greedy({
      projects: [
        { id: "big", cost: 150 },
        { id: "a", cost: 40 },
        { id: "b", cost: 50 },
        { id: "c", cost: 20 },
      ],
      budget: 100,
      ballots: [...times(5, ["big", "a", "b", "c"]), ...times(3, ["a", "b"]), ["a"]],
    });
    // big costs more than the whole budget; c comes after a and b, when 10 is left.
    expect(res.selected).toEqual(["a", "b"]);
    expect(res.projects.map((p) => [p.id, p.score, p.rank, p.status])).toEqual([
      ["big", 5, 3, "tooExpensive"],
      ["a", 9, 1, "selected"],
      ["b", 8, 2, "selected"],
      ["c", 5, 4, "tooExpensive"], // tied with big, listed after it
    ]);
    expect(res.totalCost).toEqual(r(90));
    expect(res.leftover).toEqual(r(10));
  });

  it("funds a project that takes exactly the money left", () => {
    const res = greedy({
      projects: [
        { id: "a", cost: 70 },
        { id: "b", cost: 30n },
        { id: "c", cost: 1 },
      ],
      budget: 100n,
      ballots: [["a", "b", "c"], ["a", "b"], ["a"]],
    });
    expect(res.selected).toEqual(["a", "b"]);
    expect(res.leftover).toEqual(ZERO);
    expect(res.projects[2]!.status).toBe("tooExpensive");
  });

  it("breaks ties by submission order, not by the ids' alphabetical order", () => {
    const ballots = times(2, ["a", "b", "c"]);
    const input = (order: string[]): TallyInput => ({
      projects: order.map((id) => ({ id, cost: 60 })),
      budget: 100,
      ballots,
    });
    expect(greedy(input(["b", "a", "c"])).selected).toEqual(["b"]);
    expect(greedy(input(["c", "b", "a"])).selected).toEqual(["c"]);
    expect(greedy(input(["c", "b", "a"])).projects.map((p) => p.rank)).toEqual([1, 2, 3]);
  });

  it("funds a project nobody approved if money is left, as pabutools does, unless minScore says no", () => {
    const input: TallyInput = {
      projects: [
        { id: "liked", cost: 50 },
        { id: "ignored", cost: 30 },
      ],
      budget: 100,
      ballots: times(2, ["liked"]),
    };
    const plain = greedy(input);
    expect(plain.selected).toEqual(["liked", "ignored"]);
    expect(plain.projects[1]).toMatchObject({ score: 0, supporters: 0, selected: true });
    const strict = greedy(input, { minScore: 1 });
    expect(strict.selected).toEqual(["liked"]);
    expect(strict.projects[1]!.status).toBe("belowThreshold");
  });

  it("ranks ordinal ballots by how many name a project and points ballots by total points", () => {
    const projects = ["x", "y", "z"].map((id) => ({ id, cost: 50 }));
    const ordinal: Ballot[] = [
      { type: "ordinal", ranking: ["y", "x"] },
      { type: "ordinal", ranking: ["x"] },
      { type: "ordinal", ranking: ["z", "x"] },
    ];
    expect(greedy({ projects, budget: 100, ballots: ordinal }).selected).toEqual(["x", "y"]);
    const points: Ballot[] = [
      {
        type: "cumulative",
        points: new Map([
          ["z", 9],
          ["x", 1],
        ]),
      },
      {
        type: "cumulative",
        points: new Map([
          ["x", 5],
          ["y", 5],
        ]),
      },
      {
        type: "cumulative",
        points: new Map([
          ["y", 2],
          ["z", 0],
        ]),
      },
    ];
    const res = greedy({ projects, budget: 100, ballots: points });
    expect(res.projects.map((p) => [p.score, p.supporters])).toEqual([
      [6, 2],
      [7, 2],
      [9, 1], // the 0 points do not make a supporter
    ]);
    expect(res.selected).toEqual(["z", "y"]);
  });

  it("handles budgets and costs with decimals exactly", () => {
    const res = greedy({
      projects: [
        { id: "a", cost: r(8000) },
        { id: "b", cost: r(9453336, 100) }, // 94533.36
      ],
      budget: r(10253336, 100), // 102533.36: exactly both
      ballots: [["a", "b"]],
    });
    expect(res.selected).toEqual(["a", "b"]);
    expect(res.leftover).toEqual(ZERO);
  });
});

describe("equal shares", () => {
  // 60 voters want the a-projects, 40 the b-projects; greedy gives the majority everything.
  const factions: TallyInput = {
    projects: ["a1", "a2", "a3", "b1", "b2", "b3"].map((id) => ({ id, cost: 100 })),
    budget: 300,
    ballots: [...times(60, ["a1", "a2", "a3"]), ...times(40, ["b1", "b2", "b3"])],
  };

  it("differs from greedy on the classic example: the minority gets its share", () => {
    expect(greedy(factions).selected).toEqual(["a1", "a2", "a3"]);
    const mes = equalShares(factions, { completion: "add-one" });
    expect(mes.selected).toEqual(["a1", "a2", "b1"]);
    expect(mes.projects.map((p) => p.round)).toEqual([1, 2, null, 3, null, null]);
  });

  it("leaves money unspent without completion, and add-one spends it", () => {
    // Shares of 3: a1 costs each a-voter 5/3, leaving 80 among them, too little for a2; b1 costs
    // each b-voter 5/2. A third of the budget is left.
    const plain = equalShares(factions, { completion: "none" });
    expect(plain.selected).toEqual(["a1", "b1"]);
    expect(plain.leftover).toEqual(r(100));
    expect(plain.startingShare).toEqual(r(3));
    expect(plain.projects[0]!.pricePerSupporter).toEqual(r(5, 3));
    expect(plain.projects[3]!.pricePerSupporter).toEqual(r(5, 2));
    // One more unit each: the a-voters can buy a2 as well, and the budget is spent exactly.
    const completed = equalShares(factions, { completion: "add-one" });
    expect(completed.startingShare).toEqual(r(4));
    expect(completed.increments).toBe(1);
    expect(completed.totalCost).toEqual(r(300));
  });

  it("keeps the last outcome within budget when the next raise would overspend", () => {
    const input: TallyInput = {
      projects: [
        { id: "A", cost: 11 },
        { id: "B", cost: 8 },
        { id: "C", cost: 5 },
      ],
      budget: 15,
      ballots: [["A"], [], ["A", "B"], [], ["B", "C"]],
    };
    // Shares of 3 buy nothing. At 4 and 5, B's two supporters buy it (price 4 each) and 7 is
    // left, enough for C but not for its one supporter. At 6, A (price 5.5 of 11) and B (4 of 8)
    // tie at half their cost; A is listed first and wins, then C: 16 > 15. So the outcome at 5
    // stands.
    const res = equalShares(input, { completion: "add-one" });
    expect(res.selected).toEqual(["B"]);
    expect(res.startingShare).toEqual(r(5));
    expect(res.increments).toBe(2);
    expect(equalShares(input, { completion: "none" }).selected).toEqual([]);
    // With B listed first it wins that tie, and the raises go on until 8, where A is bought too.
    const bFirst = {
      ...input,
      projects: [input.projects[1]!, input.projects[0]!, input.projects[2]!],
    };
    const res2 = equalShares(bFirst, { completion: "add-one" });
    expect(res2.selected).toEqual(["B"]);
    expect(res2.startingShare).toEqual(r(7));
  });

  it("breaks exact ties by submission order", () => {
    const input = (order: string[]): TallyInput => ({
      projects: order.map((id) => ({ id, cost: 100 })),
      budget: 150,
      ballots: times(10, ["p", "q"]),
    });
    expect(equalShares(input(["p", "q"]), { completion: "add-one" }).selected).toEqual(["p"]);
    expect(equalShares(input(["q", "p"]), { completion: "add-one" }).selected).toEqual(["q"]);
  });

  it("never funds a project nobody supports or one dearer than the budget", () => {
    const res = equalShares(
      {
        projects: [
          { id: "huge", cost: 1000 },
          { id: "nobody", cost: 1 },
          { id: "ok", cost: 50 },
        ],
        budget: 100,
        ballots: times(5, ["huge", "ok"]),
      },
      { completion: "add-one" },
    );
    expect(res.selected).toEqual(["ok"]);
    expect(res.projects.map((p) => p.selected)).toEqual([false, false, true]);
    expect(cmp(res.totalCost, r(100))).toBeLessThanOrEqual(0);
  });

  it("takes a supported free project before the rounds, and copes with no ballots", () => {
    const projects = [
      { id: "free", cost: 0 },
      { id: "paid", cost: 10 },
    ];
    const res = equalShares(
      { projects, budget: 10, ballots: [["free", "paid"]] },
      { completion: "none" },
    );
    expect(res.selected).toEqual(["free", "paid"]);
    expect(res.projects.map((p) => p.round)).toEqual([0, 1]);
    const empty = equalShares({ projects, budget: 10, ballots: [] }, { completion: "add-one" });
    expect(empty.selected).toEqual([]);
    expect(empty.voters).toBe(0);
  });
});

describe("input checks", () => {
  const base: TallyInput = { projects: [{ id: "a", cost: 1 }], budget: 10, ballots: [["a"]] };
  it("refuses ballots and projects that cannot be right", () => {
    expect(() => greedy({ ...base, ballots: [["a"], ["zz"]] })).toThrow(
      /ballot 2 names unknown project zz/,
    );
    expect(() => equalShares({ ...base, ballots: [["a", "a"]] }, { completion: "none" })).toThrow(
      /names project a twice/,
    );
    expect(() => greedy({ ...base, projects: [base.projects[0]!, base.projects[0]!] })).toThrow(
      TallyInputError,
    );
    expect(() => greedy({ ...base, projects: [{ id: "a", cost: -1 }] })).toThrow(/negative cost/);
    expect(() => greedy({ ...base, budget: -5 })).toThrow(/budget is negative/);
    expect(() => greedy({ ...base, projects: [{ id: "a", cost: 1.5 }] })).toThrow(/safe integer/);
    expect(() =>
      greedy({ ...base, ballots: [{ type: "scoring", points: new Map([["a", -2]]) }] }),
    ).toThrow(/-2 points/);
  });
});

// ---------------------------------------------------------------------------------------------
// Equal Shares against a transcription of pabutools' algorithm: voter by voter, no grouping, no
// money classes, no skipping of raises. Random small elections, built to tie often.

function naiveRun(input: TallyInput, share: Rational): string[] {
  const ballots = input.ballots as string[][];
  const money = ballots.map(() => share);
  const projects = input.projects.map((p) => ({ id: p.id, cost: toRational(p.cost) }));
  const supporters = projects.map((p) => ballots.flatMap((b, i) => (b.includes(p.id) ? [i] : [])));
  const chosen = projects.flatMap((p, i) =>
    p.cost.num === 0n && supporters[i]!.length > 0 ? [i] : [],
  );
  let remaining = projects.flatMap((p, i) =>
    p.cost.num > 0n && supporters[i]!.length > 0 ? [i] : [],
  );
  for (;;) {
    let best = -1;
    let bestAfford = ZERO;
    let bestRho = ZERO;
    remaining = remaining.filter((p) => {
      const sup = [...supporters[p]!].sort((x, y) => cmp(money[x]!, money[y]!));
      const cost = projects[p]!.cost;
      let paid = ZERO;
      let k = sup.length;
      for (const v of sup) {
        const rho = div(sub(cost, paid), r(k));
        if (le(rho, money[v]!)) {
          const afford = div(rho, cost);
          if (best < 0 || cmp(afford, bestAfford) < 0)
            [best, bestAfford, bestRho] = [p, afford, rho];
          return true;
        }
        paid = add(paid, money[v]!);
        k--;
      }
      return false; // supporters cannot pay for it
    });
    if (best < 0) return chosen.map((i) => projects[i]!.id);
    for (const v of supporters[best]!)
      money[v] = sub(money[v]!, cmp(money[v]!, bestRho) < 0 ? money[v]! : bestRho);
    chosen.push(best);
    remaining = remaining.filter((p) => p !== best);
  }
}

function naiveAddOne(input: TallyInput, start: Rational, stopWhenExhaustive: boolean) {
  const budget = toRational(input.budget);
  const cost = new Map(input.projects.map((p) => [p.id, toRational(p.cost)]));
  const supported = new Set((input.ballots as string[][]).flat());
  const candidates = [...cost].filter(([id, c]) => supported.has(id) && c.num > 0n);
  let previous: { selected: string[]; share: Rational | null } | null = null;
  for (let k = 0; k < 100_000; k++) {
    const share = add(start, r(k));
    const selected = naiveRun(input, share);
    let spent = ZERO;
    for (const id of selected) spent = add(spent, cost.get(id)!);
    if (cmp(spent, budget) > 0) return previous!;
    const left = sub(budget, spent);
    const exhaustive = [...cost].every(
      ([id, c]) => selected.includes(id) || !supported.has(id) || c.num === 0n || cmp(c, left) > 0,
    );
    if (stopWhenExhaustive && exhaustive) return { selected, share };
    // Everything supported is bought and fits: raising further never overspends, and only the
    // order of purchase could still change. Compare the set alone.
    if (!stopWhenExhaustive && candidates.every(([id]) => selected.includes(id)))
      return { selected: [...selected].sort(), share: null };
    previous = { selected, share };
  }
  throw new Error("naive add-one did not stop");
}

function randomElection(seed: number): TallyInput {
  let a = seed >>> 0;
  const rnd = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const P = 2 + Math.floor(rnd() * 6);
  const N = Math.floor(rnd() * 24);
  // Few distinct costs and popular projects make exact ties common.
  const costs = [0, 5, 10, 10, 15, 20, 30, 40, 60];
  const projects = Array.from({ length: P }, (_, i) => ({
    id: `p${i}`,
    cost:
      seed % 5 === 0
        ? r(1 + Math.floor(rnd() * 400), 8) // costs with decimals
        : r(costs[Math.floor(rnd() * costs.length)]!),
  }));
  const q = 0.2 + rnd() * 0.5;
  const ballots = Array.from({ length: N }, () =>
    projects.filter(() => rnd() < q).map((p) => p.id),
  );
  const total = projects.reduce((s, p) => add(s, p.cost), ZERO);
  // A budget below the total cost (so completion has something to decide), sometimes fractional.
  const budget = r(
    Math.max(1, Math.floor(Number(total.num / total.den) * (0.2 + rnd() * 0.7)) * 4 + (seed % 3)),
    4,
  );
  return { projects, budget, ballots };
}

describe("equal shares agrees with a voter-by-voter transcription of pabutools", () => {
  it("on 400 random small elections, with and without completion, and Wieliczka's start", () => {
    for (let seed = 1; seed <= 400; seed++) {
      const input = randomElection(seed);
      const N = input.ballots.length;
      const exact = N === 0 ? ZERO : div(toRational(input.budget), r(N));
      const ctx = `seed ${seed}: ${JSON.stringify(input, (_, v) => (typeof v === "bigint" ? String(v) : v))}`;

      const none = equalShares(input, { completion: "none" });
      expect(none.selected, ctx).toEqual(N === 0 ? [] : naiveRun(input, exact));

      const addOne = equalShares(input, { completion: "add-one" });
      if (N > 0) {
        const want = naiveAddOne(input, exact, true);
        expect({ selected: addOne.selected, share: addOne.startingShare }, ctx).toEqual(want);
      }
      expect(cmp(addOne.totalCost, toRational(input.budget)), ctx).toBeLessThanOrEqual(0);

      if (N > 0) {
        const start = r(floor(exact));
        const want = naiveAddOne(input, start, false);
        const got = equalSharesWithComparison(input).equalShares;
        if (want.share === null) expect([...got.selected].sort(), ctx).toEqual(want.selected);
        else expect({ selected: got.selected, share: got.startingShare }, ctx).toEqual(want);
      }
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Real elections: the method the shared README names must reproduce each city's winners.

const PABULIB_DIR = process.env.PABULIB_DIR ?? path.resolve(process.cwd(), "../shared/pabulib");

type Expected =
  | { method: "greedy"; minScoreFromMeta?: boolean }
  | { method: "equalShares" }
  | { method: "comparison" }
  | { method: "none" };

/** The README's table, file by file. */
const README_TABLE: Record<string, Expected> = {
  Poland_Warszawa_2017_Anin: { method: "greedy" },
  Poland_Warszawa_2017_Przyczolek_Grochowski: { method: "greedy" },
  Poland_Warszawa_2017_Stara_Milosna: { method: "greedy" },
  Poland_Warszawa_2019_Las: { method: "greedy" },
  Poland_Warszawa_2019_Targowek_Mieszkaniowy: { method: "greedy" },
  Poland_Krakow_2019_Bienczyce: { method: "greedy" },
  Poland_Czestochowa_2024_Podjasnogorska: { method: "greedy" },
  Poland_Gdynia_2022_Kamienna_Gora__small: { method: "greedy" },
  Netherlands_Assen_2024: { method: "equalShares" },
  Poland_Swiecie_2023: { method: "equalShares" },
  Poland_Wieliczka_2023_Green_Budget: { method: "comparison" },
  // Not expected by the README; greedy with the file's minimum score does reproduce it.
  Poland_Lodz_2020_Nr_33: { method: "greedy", minScoreFromMeta: true },
  Hungary_Budapest_2022_VIII_Jozsefvaros: { method: "none" },
};

/** For a file the README does not list yet: go by the rule its META names. */
function fromMeta(pb: PbInstance): Expected {
  const rule = pb.meta.rule ?? "";
  if (rule === "greedy" || rule === "greedy-no-skip") return { method: "greedy" };
  if (rule === "greedy-threshold") return { method: "greedy", minScoreFromMeta: true };
  if (rule === "equalshares/add1") return { method: "equalShares" };
  if (rule === "equalshares/add1-comparison") return { method: "comparison" };
  return { method: "none" };
}

function tally(pb: PbInstance, expected: Expected): string[] {
  const input = toTallyInput(pb);
  switch (expected.method) {
    case "greedy": {
      const threshold = pb.meta.min_project_score_threshold;
      const minScore = expected.minScoreFromMeta && threshold ? Number(threshold) : 0;
      return greedy(input, { minScore }).selected;
    }
    case "equalShares":
      return equalShares(input, { completion: "add-one" }).selected;
    case "comparison":
      return equalSharesWithComparison(input).selected;
    case "none":
      return [];
  }
}

const files = fs.existsSync(PABULIB_DIR)
  ? fs
      .readdirSync(PABULIB_DIR)
      .filter((f) => f.endsWith(".pb"))
      .sort()
  : [];

describe(`Pabulib instances in ${PABULIB_DIR}`, () => {
  it("are all there", () => {
    // Without this, a missing folder would run no comparison and pass.
    expect(files.map((f) => f.replace(/\.pb$/, ""))).toEqual(
      expect.arrayContaining(Object.keys(README_TABLE)),
    );
  });

  it.each(files)("%s: the named method reproduces the published winners", (file) => {
    const pb = parsePabulib(fs.readFileSync(path.join(PABULIB_DIR, file), "utf8"));
    const expected = README_TABLE[file.replace(/\.pb$/, "")] ?? fromMeta(pb);
    const input = toTallyInput(pb);

    // The tallies count what the file's own columns say they should.
    const g = greedy(input);
    g.projects.forEach((p, i) => {
      const cols = pb.projects[i]!.extra;
      if (pb.voteType === "cumulative" || pb.voteType === "scoring") {
        if (cols.score !== undefined) expect(String(p.score), p.id).toBe(cols.score);
      } else if (cols.votes !== undefined) expect(String(p.supporters), p.id).toBe(cols.votes);
    });
    expect(cmp(g.totalCost, pb.budget)).toBeLessThanOrEqual(0);

    if (expected.method === "none") {
      // Nothing published to compare with: the tallies must still run and keep to the budget.
      const mes = equalShares(input, { completion: "add-one" });
      expect(cmp(mes.totalCost, pb.budget)).toBeLessThanOrEqual(0);
      return;
    }
    const published = pb.projects.filter((p) => p.selected).map((p) => p.id);
    expect(published.length).toBeGreaterThan(0);
    expect([...tally(pb, expected)].sort()).toEqual([...published].sort());
  });
});
