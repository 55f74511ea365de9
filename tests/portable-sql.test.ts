/**
 * Engine-specific SQL stays in db/ (DESIGN, rule 1): nothing under app/ (tests aside) names one
 * engine's functions, catalogue or error text. db/portable.ts has the helpers for what differs
 * (listAgg, jsonArrayElements, containsText, isUniqueViolation); add one there, with its test in
 * db/portable.test.ts, rather than writing SQLite's own words in a service.
 */
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const root = path.resolve("app");

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return sources(full);
    return /\.(ts|tsx|js|mjs)$/.test(e.name) && !/\.test\.tsx?$/.test(e.name) ? [full] : [];
  });
}

const files = sources(root).map((f) => ({
  file: path.relative(process.cwd(), f).split(path.sep).join("/"),
  text: fs.readFileSync(f, "utf8"),
}));

/** SQLite's own words: functions, catalogue, pragmas and error text (as SQLite writes the latter). */
const SQLITE_ONLY: Array<[string, RegExp]> = [
  ["group_concat", /\bgroup_concat\b/i],
  ["json_each", /\bjson_each\b/i],
  ["instr(", /\binstr\s*\(/i],
  ["UNIQUE constraint", /\bUNIQUE constraint\b/],
  ["SQLITE_", /\bSQLITE_[A-Z]/],
  ["sqlite_master", /\bsqlite_(?:master|schema)\b/i],
  ["pragma ", /\bpragma\s/i],
];

/**
 * Places that still use them, being moved onto db/portable.ts by the areas' conversions; empty
 * this list as they land (an entry that no longer matches fails, so it cannot go stale).
 */
const ALLOWED: Array<{ file: string; word: string }> = [];

function hits(list: ReadonlyArray<{ file: string; text: string }>) {
  return list.flatMap(({ file, text }) =>
    SQLITE_ONLY.flatMap(([word, pattern]) =>
      text
        .split("\n")
        .flatMap((line, i) => (pattern.test(line) ? [{ file, word, line: i + 1 }] : [])),
    ),
  );
}

const allowed = (h: { file: string; word: string }) =>
  ALLOWED.some((a) => a.file === h.file && a.word === h.word);

describe("engine-specific SQL", () => {
  const found = hits(files);

  it("reads the app's sources", () => {
    expect(files.length).toBeGreaterThan(50);
  });

  it("is nowhere in app/ (use db/portable.ts)", () => {
    const places = found.filter((h) => !allowed(h)).map((h) => `${h.file}:${h.line} ${h.word}`);
    expect(places).toEqual([]);
  });

  it("allows only places that still need it", () => {
    const stale = ALLOWED.filter((a) => !found.some((h) => h.file === a.file && h.word === a.word));
    expect(stale, "remove these from ALLOWED").toEqual([]);
  });

  it("would catch each word it looks for", () => {
    // A test that cannot fail is a defect: each pattern matches its own example.
    const examples = [
      "select group_concat(name, ',') from t",
      "from ballots b, json_each(b.choices) j",
      "where instr(display_name, ?) > 0",
      "/UNIQUE constraint failed: participations/",
      'e.code === "SQLITE_CONSTRAINT"',
      "select name from sqlite_master",
      "await sql`pragma foreign_keys`",
    ];
    const example = hits(examples.map((text, i) => ({ file: `example${i}`, text })));
    SQLITE_ONLY.forEach(([word], i) =>
      expect(
        example.some((h) => h.file === `example${i}` && h.word === word),
        word,
      ).toBe(true),
    );
    // Words that only look alike, and prose about constraints, are not caught.
    const alike = [
      "title.substr(0, 4); reinstr(x); group_concatenate(); pragmatic choices",
      "// a unique constraint on (poll_id, user_id) is the last guard",
    ];
    expect(hits(alike.map((text) => ({ file: "alike", text })))).toEqual([]);
  });
});
