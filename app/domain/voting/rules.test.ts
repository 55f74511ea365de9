import { describe, expect, it } from "vitest";
import { DomainError } from "../errors";
import {
  checkOpen,
  checkPollChoices,
  checkRoundChoices,
  countPoll,
  formatReceipt,
  normaliseReceipt,
  phaseOf,
  RECEIPT_ALPHABET,
  type RoundRules,
} from "./rules";

/** The refusal a call throws, as { status, key, params }; fails when it does not throw one. */
function refusalOf(fn: () => unknown) {
  try {
    fn();
  } catch (e) {
    if (e instanceof DomainError) return { status: e.status, key: e.key, params: e.params };
    throw e;
  }
  throw new Error("expected a refusal, but it was accepted");
}

const window = { opensAt: "2026-12-01T01:00:00.000Z", closesAt: "2026-12-08T01:00:00.000Z" };
const at = (iso: string) => new Date(iso);

describe("phaseOf and checkOpen", () => {
  it.each([
    ["2026-11-30T00:00:00.000Z", "upcoming"],
    ["2026-12-01T00:59:59.999Z", "upcoming"],
    // Opening time belongs to the window…
    ["2026-12-01T01:00:00.000Z", "open"],
    ["2026-12-04T12:00:00.000Z", "open"],
    ["2026-12-08T00:59:59.999Z", "open"],
    // …closing time does not.
    ["2026-12-08T01:00:00.000Z", "closed"],
    ["2027-01-01T00:00:00.000Z", "closed"],
  ])("at %s the window is %s", (now, phase) => {
    expect(phaseOf(window, at(now))).toBe(phase);
  });

  it("refuses before opening and after closing with different keys, and lets the open window be", () => {
    expect(refusalOf(() => checkOpen(window, at("2026-12-01T00:59:59.999Z")))).toMatchObject({
      status: 409,
      key: "vote:errors.notOpenYet",
    });
    expect(refusalOf(() => checkOpen(window, at("2026-12-08T01:00:00.000Z")))).toMatchObject({
      status: 409,
      key: "vote:errors.closed",
    });
    expect(() => checkOpen(window, at("2026-12-01T01:00:00.000Z"))).not.toThrow();
    expect(() => checkOpen(window, at("2026-12-08T00:59:59.999Z"))).not.toThrow();
  });
});

describe("checkPollChoices", () => {
  const options = [11, 12, 13, 14];
  const single = { method: "single" as const, maxChoices: 1 };
  const approval = { method: "approval" as const, maxChoices: 2 };
  const yesNo = { method: "yesNo" as const, maxChoices: 1 };

  it("accepts valid ballots and returns the ids sorted", () => {
    expect(checkPollChoices(single, options, [13])).toEqual([13]);
    expect(checkPollChoices(yesNo, options, [11])).toEqual([11]);
    expect(checkPollChoices(approval, options, [14, 11])).toEqual([11, 14]);
    expect(checkPollChoices(approval, options, [12])).toEqual([12]);
  });

  it.each([
    ["an unknown option", single, [99], 400, "vote:errors.noSuchOption"],
    ["an unknown option among known ones", approval, [11, 99], 400, "vote:errors.noSuchOption"],
    ["the same option twice", approval, [11, 11], 400, "vote:errors.duplicateChoice"],
    [
      "the same option twice in a single-choice poll",
      single,
      [12, 12],
      400,
      "vote:errors.duplicateChoice",
    ],
    ["no option", single, [], 400, "vote:errors.chooseOne"],
    ["no option in an approval poll", approval, [], 400, "vote:errors.chooseOne"],
    ["two options in a single-choice poll", single, [11, 12], 400, "vote:errors.tooManyChoices"],
    ["two options in a yes-no poll", yesNo, [11, 12], 400, "vote:errors.tooManyChoices"],
    [
      "more options than k in an approval poll",
      approval,
      [11, 12, 13],
      400,
      "vote:errors.tooManyChoices",
    ],
  ] as const)("refuses %s", (_what, poll, chosen, status, key) => {
    expect(refusalOf(() => checkPollChoices(poll, options, chosen))).toMatchObject({ status, key });
  });

  it("says how many an approval poll allows", () => {
    expect(refusalOf(() => checkPollChoices(approval, options, [11, 12, 13])).params).toEqual({
      max: 2,
    });
    expect(refusalOf(() => checkPollChoices(single, options, [11, 12])).params).toEqual({ max: 1 });
  });

  it("refuses an id of another poll even when it is a plausible number", () => {
    // Ids 1..10 exist in the database for other polls; this poll has 11..14 only.
    expect(refusalOf(() => checkPollChoices(single, options, [10]))).toMatchObject({
      key: "vote:errors.noSuchOption",
    });
  });
});

describe("checkRoundChoices", () => {
  const costs = new Map([
    [1, 3000],
    [2, 5000],
    [3, 2000],
    [4, 9000],
  ]);
  const rules: RoundRules = { budget: 10_000, minProjects: 1, maxProjects: null };

  it("accepts a ballot that fits the budget exactly", () => {
    expect(checkRoundChoices(rules, costs, [2, 1, 3])).toEqual([1, 2, 3]);
    expect(checkRoundChoices(rules, costs, [4])).toEqual([4]);
  });

  it("refuses a ballot one yuan over the budget, and says by how much", () => {
    const over = refusalOf(() => checkRoundChoices({ ...rules, budget: 9_999 }, costs, [1, 2, 3]));
    expect(over).toEqual({
      status: 400,
      key: "vote:errors.overBudget",
      params: { total: 10_000, budget: 9_999 },
    });
    expect(refusalOf(() => checkRoundChoices(rules, costs, [4, 1]))).toMatchObject({
      key: "vote:errors.overBudget",
    });
  });

  it("keeps to the minimum and maximum number of projects", () => {
    const twoToThree: RoundRules = { budget: 100_000, minProjects: 2, maxProjects: 3 };
    expect(refusalOf(() => checkRoundChoices(twoToThree, costs, [1]))).toEqual({
      status: 400,
      key: "vote:errors.tooFewProjects",
      params: { min: 2 },
    });
    expect(refusalOf(() => checkRoundChoices(twoToThree, costs, [1, 2, 3, 4]))).toEqual({
      status: 400,
      key: "vote:errors.tooManyProjects",
      params: { max: 3 },
    });
    expect(checkRoundChoices(twoToThree, costs, [1, 2])).toEqual([1, 2]);
    expect(checkRoundChoices(twoToThree, costs, [3, 2, 1])).toEqual([1, 2, 3]);
    // With no maximum, every project may be chosen if the money allows.
    expect(checkRoundChoices({ ...twoToThree, maxProjects: null }, costs, [1, 2, 3, 4])).toEqual([
      1, 2, 3, 4,
    ]);
  });

  it("refuses an empty ballot (the minimum is at least one) and unknown or repeated projects", () => {
    expect(refusalOf(() => checkRoundChoices(rules, costs, []))).toMatchObject({
      key: "vote:errors.tooFewProjects",
    });
    expect(refusalOf(() => checkRoundChoices(rules, costs, [1, 5]))).toMatchObject({
      status: 400,
      key: "vote:errors.noSuchProject",
    });
    // A repeated project must not be counted (or paid for) twice.
    expect(refusalOf(() => checkRoundChoices(rules, costs, [3, 3]))).toMatchObject({
      status: 400,
      key: "vote:errors.duplicateChoice",
    });
  });
});

describe("countPoll", () => {
  it("counts each ballot's options, keeps the options' order and zero for the unchosen", () => {
    const counts = countPoll([7, 5, 9], [[5], [5, 7], [7], [5]]);
    expect([...counts]).toEqual([
      [7, 2],
      [5, 3],
      [9, 0],
    ]);
  });

  it("ignores ids that are not options of the poll", () => {
    expect([...countPoll([1, 2], [[1], [3], [2, 4]])]).toEqual([
      [1, 1],
      [2, 1],
    ]);
  });

  it("counts nothing from no ballots", () => {
    expect([...countPoll([1, 2], [])]).toEqual([
      [1, 0],
      [2, 0],
    ]);
  });
});

describe("receipts", () => {
  const shape = /^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/;

  it("uses 32 symbols without I, L, O or U", () => {
    expect(RECEIPT_ALPHABET).toHaveLength(32);
    expect(new Set(RECEIPT_ALPHABET).size).toBe(32);
    expect(RECEIPT_ALPHABET).not.toMatch(/[ILOU]/);
  });

  it("formats 12 symbols from the alphabet in groups of four", () => {
    expect(formatReceipt(Uint8Array.from([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]))).toBe(
      "0123-4567-89AB",
    );
    // Bytes wrap modulo 32: 32 → 0, 63 → Z, 255 → Z, 200 → 200 - 192 = 8.
    expect(formatReceipt(Uint8Array.from([32, 63, 255, 200, 31, 30, 18, 19, 20, 21, 22, 23]))).toBe(
      "0ZZ8-ZYJK-MNPQ",
    );
    for (let seed = 0; seed < 50; seed++) {
      const bytes = Uint8Array.from({ length: 12 }, (_, i) => (seed * 37 + i * 101) % 256);
      const r = formatReceipt(bytes);
      expect(r).toMatch(shape);
      // What the site prints reads back as itself.
      expect(normaliseReceipt(r)).toBe(r);
    }
  });

  it("reads what people type: case, spaces and dashes do not matter", () => {
    expect(normaliseReceipt("abcd-efgh-jkmn")).toBe("ABCD-EFGH-JKMN");
    expect(normaliseReceipt("  abcd efgh  jkmn ")).toBe("ABCD-EFGH-JKMN");
    expect(normaliseReceipt("ABCDEFGHJKMN")).toBe("ABCD-EFGH-JKMN");
    expect(normaliseReceipt("ab-cd-ef-gh-jk-mn")).toBe("ABCD-EFGH-JKMN");
  });

  it("reads O as 0 and I or L as 1", () => {
    expect(normaliseReceipt("OOOO-IIII-LLLL")).toBe("0000-1111-1111");
    expect(normaliseReceipt("o1l0-iabc-defg")).toBe("0110-1ABC-DEFG");
  });

  it.each([
    ["too short", "ABCD-EFGH-JKM"],
    ["too long", "ABCD-EFGH-JKMNP"],
    ["empty", ""],
    ["a U, which no receipt has", "ABCD-EFGH-JKMU"],
    ["punctuation", "ABCD_EFGH_JKMN"],
    ["a Chinese character", "ABCD-EFGH-JKM回"],
  ])("refuses a receipt that is %s", (_what, typed) => {
    expect(normaliseReceipt(typed)).toBeNull();
  });
});
