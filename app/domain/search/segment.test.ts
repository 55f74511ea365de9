import { describe, expect, it } from "vitest";
import {
  keyWords,
  QUERY_MAX_TERMS,
  documentVector,
  indexColumns,
  indexRow,
  matchExpression,
  toTsQuery,
  tsQuery,
} from "./segment";

const BREAK = "\uE000";

describe("indexColumns", () => {
  it("keeps segmenter words and every CJK character, in order, repeats included", () => {
    const { words, chars } = indexColumns("为老旧小区加装电梯，老旧");
    expect(words).toBe("为 老旧 小区 加 装 电梯 老旧");
    expect(chars).toBe(`为 老 旧 小 区 加 装 电 梯 ${BREAK} 老 旧`);
  });

  it("lowercases and NFKC-normalises Latin words and leaves them out of chars", () => {
    const { words, chars } = indexColumns("Elevators for ＯＬＤ blocks, 养老 2024");
    expect(words).toBe("elevators for old blocks 养老 2024");
    expect(chars).toBe("养 老");
  });

  it("never lets two texts, or CJK split by punctuation or a Latin word, be adjacent", () => {
    expect(indexColumns("加", "装").chars).toBe(`加 ${BREAK} 装`);
    expect(indexColumns("加", "装").words).toBe(`加 ${BREAK} 装`);
    expect(indexColumns("加。装").chars).toBe(`加 ${BREAK} 装`);
    expect(indexColumns("加 A 装").chars).toBe(`加 ${BREAK} 装`);
    expect(indexColumns("", "  ", "加装").chars).toBe("加 装");
  });

  it("drops diacritics, as unicode61 does, so that both engines see the same tokens", () => {
    expect(indexColumns("Café CRÈME x\u0301y").words).toBe("cafe creme xy");
    expect(matchExpression("CAFÉ")).toBe('words : "cafe"*');
    expect(matchExpression("\u0301")).toBeNull();
  });

  it("splits a word that mixes scripts and keeps only letters and numbers", () => {
    expect(indexColumns("A区 don't 😀").words).toBe("a 区 don t");
    expect(indexColumns("\uE000").words).toBe("");
  });
});

describe("keyWords", () => {
  it("keeps the words of two characters or more (three letters in Latin), once, longest first", () => {
    expect(keyWords("我觉得消防通道上不能停车，应该管起来")).toEqual([
      "觉得",
      "消防",
      "通道",
      "不能",
      "停车",
      "应该",
      "起来",
    ]);
    expect(keyWords("Lift the lift in 老旧电梯 up")).toEqual(["lift", "the", "老旧", "电梯"]);
    expect(keyWords("的了吗")).toEqual([]);
    expect(keyWords("一二三四五六七八九十，甲乙丙丁戊己庚辛壬癸，子丑寅卯", 3)).toHaveLength(3);
  });
});

describe("matchExpression", () => {
  it("turns a CJK run into a phrase of characters, with the words for ranking only", () => {
    expect(matchExpression("养老")).toBe(
      '(chars : "养 老" OR (chars : "养 老" AND words : "养老"))',
    );
    // 加装 is two words to the segmenter, one run to us.
    expect(matchExpression("加装")).toBe(
      '(chars : "加 装" OR (chars : "加 装" AND words : "加 装"))',
    );
  });

  it("cuts a run into its words, each a phrase, all required, with the whole run as a boost", () => {
    const must = '(chars : "老 旧" AND chars : "小 区" AND chars : "电 梯")';
    expect(matchExpression("老旧小区电梯")).toBe(
      `(${must} OR (${must} AND (chars : "老 旧 小 区 电 梯" OR words : "老旧 小区 电梯")))`,
    );
  });

  it("glues one-character words to each other, or else to the next word", () => {
    // 为|老旧|小区|加|装|电梯, 小区|的|电梯, 电梯|坏|了
    expect(matchExpression("为老旧小区加装电梯")).toContain(
      '(chars : "为 老 旧" AND chars : "小 区" AND chars : "加 装" AND chars : "电 梯")',
    );
    expect(matchExpression("小区的电梯")).toContain('(chars : "小 区" AND chars : "的 电 梯")');
    expect(matchExpression("电梯坏了")).toContain('(chars : "电 梯" AND chars : "坏 了")');
  });

  it("counts each piece of a run towards the term limit", () => {
    const latin = Array.from({ length: QUERY_MAX_TERMS - 2 }, (_, i) => `w${i}`).join(" ");
    const expr = matchExpression(`${latin} 老旧小区电梯`)!;
    expect(expr).toContain('(chars : "老 旧" AND chars : "小 区")');
    expect(expr).not.toContain('chars : "电 梯"');
  });

  it("prefix-matches lowercased Latin words and numbers, all terms required", () => {
    expect(matchExpression("Elevator ＡＢＣ 2024")).toBe(
      'words : "elevator"* AND words : "abc"* AND words : "2024"*',
    );
  });

  it("keeps CJK runs apart where the query has a space, and mixes them with Latin words", () => {
    expect(matchExpression("养老 电梯 lift")).toBe(
      [
        '(chars : "养 老" OR (chars : "养 老" AND words : "养老"))',
        '(chars : "电 梯" OR (chars : "电 梯" AND words : "电梯"))',
        'words : "lift"*',
      ].join(" AND "),
    );
  });

  it("returns null when there is nothing to search for", () => {
    for (const q of ["", "   ", "。，！", '"', "*", "-", "😀🎉", "\u0301", "\uE000"]) {
      expect(matchExpression(q), JSON.stringify(q)).toBeNull();
    }
  });

  it("drops repeated terms and stops at the term limit", () => {
    expect(matchExpression("lift LIFT lift")).toBe('words : "lift"*');
    const many = Array.from({ length: 30 }, (_, i) => `w${i}`).join(" ");
    const expr = matchExpression(many)!;
    expect(expr.split(" AND ")).toHaveLength(QUERY_MAX_TERMS);
    expect(expr).toContain('"w11"*');
    expect(expr).not.toContain('"w12"*');
  });

  it("looks at the first 100 characters only", () => {
    const expr = matchExpression(`${"养".repeat(100)}电梯`)!;
    expect(expr).toContain(`chars : "${Array(100).fill("养").join(" ")}"`);
    expect(expr).not.toContain("电");
  });

  // Every phrase must be `col : "letters, numbers, spaces"` (with * after a Latin word), joined
  // by AND/OR and parentheses that this module wrote: nothing from the input is syntax. The check
  // folds each parenthesised group of phrases into one phrase until the top level is left.
  function wellFormed(expression: string): boolean {
    let s = expression.replace(/(?:words|chars) : "[\p{L}\p{N}]+(?: [\p{L}\p{N}]+)*"\*?/gu, "P");
    for (let before = ""; before !== s;) {
      before = s;
      s = s.replace(/\(P(?: (?:AND|OR) P)*\)/g, "P");
    }
    return /^P(?: AND P)*$/.test(s);
  }

  it("has a shape check that refuses injected syntax", () => {
    expect(wellFormed('(chars : "养 老" OR (chars : "养 老" AND words : "养老"))')).toBe(true);
    expect(wellFormed('words : "a" OR "b"*')).toBe(false);
    expect(wellFormed('words : "a*"*')).toBe(false);
    expect(wellFormed('chars : "养 老" NOT words : "x"*')).toBe(false);
    expect(wellFormed('(words : "a"* AND words : "b"*')).toBe(false);
    expect(wellFormed('words : "a"* OR words : "b"*')).toBe(false);
  });

  it.each([
    'a" OR "b',
    "NEAR(",
    "NEAR(a b, 2)",
    "-x",
    "^x",
    "col:x",
    "chars:养老",
    "a AND NOT b",
    "(养老) OR {电梯}",
    "x\u0301y",
    "😀养老😀",
    "ＡＢＣ",
    '养"老',
    "'; drop table projects_fts; --",
    "\u0000a\u0000",
    "老旧小区(电梯)OR加装",
  ])("cannot be made invalid by %j", (q) => {
    // null is a valid answer (nothing to search for); anything else must have the shape.
    const expression = matchExpression(q) ?? 'words : "x"';
    expect(wellFormed(expression), expression).toBe(true);
  });

  it("searches for operators as plain words and turns full-width letters into ASCII", () => {
    expect(matchExpression('a" OR "b')).toBe('words : "a"* AND words : "or"* AND words : "b"*');
    expect(matchExpression("col:x")).toBe('words : "col x"*');
    expect(matchExpression("NEAR(")).toBe('words : "near"*');
    expect(matchExpression("ＡＢＣ")).toBe('words : "abc"*');
    expect(matchExpression('养"老')).toBe(
      '(chars : "养" OR (chars : "养" AND words : "养")) AND (chars : "老" OR (chars : "老" AND words : "老"))',
    );
  });
});

const titleOnly = (words: string, chars: string) => ({
  titleWords: words,
  titleChars: chars,
  words: "",
  chars: "",
});

describe("documentVector", () => {
  it("puts words (A) then chars (B) at their positions, a BREAK and the gap holding none", () => {
    const { words, chars } = indexColumns("为老旧小区加装电梯。Café", "养老");
    expect(documentVector(titleOnly(words, chars))).toBe(
      "'为':1A,11B '老旧':2A '小区':3A '加':4A,16B '装':5A,17B '电梯':6A 'cafe':7A '养老':9A " +
        "'老':12B,22B '旧':13B '小':14B '区':15B '电':18B '梯':19B '养':21B",
    );
  });

  it("quotes lexemes, and is empty for empty columns", () => {
    expect(documentVector(titleOnly("it's a\\b", ""))).toBe("'it''s':1A 'a\\\\b':2A");
    expect(documentVector(titleOnly("", ""))).toBe("");
  });

  it("puts the title's words and chars (A, B) before the other texts' (C, D)", () => {
    expect(documentVector(indexRow("加装电梯", "为老旧小区加装电梯。Lift"))).toBe(
      "'加':1A,5B,13C,23D '装':2A,6B,14C,24D '电梯':3A,15C '电':7B,25D '梯':8B,26D " +
        "'为':10C,18D '老旧':11C '小区':12C 'lift':16C '老':19D '旧':20D '小':21D '区':22D",
    );
  });
});

describe("toTsQuery and tsQuery", () => {
  it("writes phrases with <->, weights for columns, :* for a prefix, & and |", () => {
    expect(tsQuery("养老")).toBe("(('养':BD <-> '老':BD) | (('养':BD <-> '老':BD) & ('养老':AC)))");
    expect(tsQuery("col:x 2024")).toBe("('col':AC <-> 'x':*AC) & ('2024':*AC)");
    expect(tsQuery("。")).toBeNull();
  });

  it("lists each distinct phrase once, for ranking", () => {
    expect(toTsQuery(matchExpression("养老")!).phrases).toEqual([
      "'养':BD <-> '老':BD",
      "'养老':AC",
    ]);
  });

  it("looks in the title alone for the scope title (weights A and B)", () => {
    expect(toTsQuery(matchExpression("加装 lift")!, "title").query).toBe(
      "(('加':B <-> '装':B) | (('加':B <-> '装':B) & ('加':A <-> '装':A))) & ('lift':*A)",
    );
  });

  it("quotes what it is given and refuses what matchExpression never writes", () => {
    expect(toTsQuery('words : "it\'s"').query).toBe("('it''s':AC)");
    const bad = ['"x"', 'words : "a" NOT words : "b"', "words : x", 'chars : " "', "a:*"];
    for (const expression of bad) {
      expect(() => toTsQuery(expression), expression).toThrow(/not a match expression/);
    }
  });
});
