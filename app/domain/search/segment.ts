/**
 * Turning text into the two columns of the full-text tables (`words`, `chars`), and a resident's
 * query into a search expression over them: an FTS5 MATCH expression (SQLite), and the same
 * expression as a tsquery over a tsvector this file builds (PostgreSQL). Pure: no database here.
 *
 * A row's title has the two columns of its own (`title_words`, `title_chars`, see `indexRow`), so
 * that a match there can rank first; an expression's `words` and `chars` look in both.
 *
 * Why two columns: Intl.Segmenter cuts Chinese by dictionary and context (为老旧小区加装电梯 →
 * 为|老旧|小区|加|装|电梯, 养老院 → 养老|院), so a query word is often not a token of the text.
 * `chars` holds every CJK character as its own token, and a CJK query word becomes a phrase of
 * characters, which matches wherever the characters stand side by side, however they were cut.
 * `words` holds the segmenter's words: English and numbers are matched there, and for CJK it only
 * raises the rank of texts where the query is a whole word (养老 in 社区养老服务站 outranks the
 * accidental 养老 inside 培养老师), never deciding whether a text matches.
 *
 * Adjacency rule, the same for texts and queries: a CJK run is a stretch of CJK characters with
 * nothing between them. Anything else (space, punctuation, a Latin word, the end of one text and
 * the start of the next) ends the run, and `chars` gets a BREAK token there. So 加装 matches across
 * the segmenter's 加|装, but not across 加。装, nor across a title ending in 加 and a description
 * starting with 装. The cost: a text that writes 养老 服务 with a space is not found by 养老服务
 * typed without one (the query 养老 服务, with the space, finds it). Chinese prose rarely puts
 * spaces inside a phrase, and a false match between a title and a description would be more
 * confusing than that miss.
 *
 * Several words in one run: a query run is cut into its segmenter words, each a phrase of
 * characters, all required, in any order and with anything between them, so 老旧小区电梯 finds
 * 老旧小区加装电梯. A one-character word (加, 的) would match almost any text alone, so it is glued
 * to its neighbours: 老旧|小区|加|装|电梯 → 老旧 · 小区 · 加装 · 电梯, and a run of two or more
 * characters never has a piece shorter than two. A run that is one piece (养老, or 加装 glued
 * from 加|装) is one phrase, so the adjacency rule holds for it as before. Texts where the whole
 * run stands together, or is a run of whole segmenter words, rank higher.
 */

const segmenter = new Intl.Segmenter("zh", { granularity: "word" });

/**
 * Ends a CJK run in the stored columns. A private-use character: unicode61 indexes it as a token
 * (category Co), and neither stored text nor a query can contain one, because both keep only
 * letters and numbers — so no phrase can ever match across it. In a tsvector it is a position
 * with no lexeme (see `documentVector`).
 */
const BREAK = "\uE000";

/** Longest query looked at, in characters; longer input is cut, not refused. */
export const QUERY_MAX_CHARS = 100;
/** Most terms in one MATCH expression; each is a piece of a CJK run or a Latin/number word. */
export const QUERY_MAX_TERMS = 12;

// Han (with 々 and 〇), kana (with ー) and hangul. Script_Extensions puts the CJK punctuation
// 、。「」 in these scripts too, so the lookahead keeps only letters and letter-numbers.
const CJK = /(?=[\p{L}\p{Nl}])[\p{scx=Han}\p{scx=Hiragana}\p{scx=Katakana}\p{scx=Hangul}]/u;
// What unicode61 keeps inside a token (besides Co, dropped here on purpose, see BREAK).
const TOKEN_CHAR = /[\p{L}\p{M}\p{N}]/u;
const LETTER_OR_NUMBER = /[\p{L}\p{N}]/u;

type Piece = { kind: "cjk"; run: string } | { kind: "latin"; text: string };

function normalise(text: string): string {
  return text.normalize("NFKC").toLowerCase();
}

/**
 * Splits normalised text into CJK runs and Latin/number words, in order. Characters inside a Latin
 * word that are not token characters (the ' of don't, the . of 3.5, the : of col:x, which ICU
 * keeps inside one word) become spaces: unicode61 would split there anyway, and without them the
 * text is safe to put between double quotes.
 */
function scan(text: string): Piece[] {
  const pieces: Piece[] = [];
  let run = "";
  const endRun = () => {
    if (run) pieces.push({ kind: "cjk", run });
    run = "";
  };
  for (const { segment, isWordLike } of segmenter.segment(text)) {
    if (!isWordLike) {
      endRun();
      continue;
    }
    // One ICU word may mix scripts (a区, 5g网络 in some contexts): split it where the script changes.
    let latin = "";
    const endLatin = () => {
      // Marks go, as unicode61's remove_diacritics 2 drops them (café → cafe), so that the
      // tokens are final here, whatever engine indexes them.
      const folded = latin.normalize("NFD").replace(/\p{M}/gu, "").normalize("NFC");
      const trimmed = folded.trim().replace(/\s+/g, " ");
      // A lone combining mark is no token for unicode61, and an empty phrase would make the whole
      // AND match nothing.
      if (LETTER_OR_NUMBER.test(trimmed)) pieces.push({ kind: "latin", text: trimmed });
      latin = "";
    };
    for (const ch of segment) {
      if (CJK.test(ch)) {
        endLatin();
        run += ch;
      } else {
        endRun();
        latin += TOKEN_CHAR.test(ch) ? ch : " ";
      }
    }
    endLatin();
  }
  endRun();
  return pieces;
}

function words(run: string): string[] {
  return [...segmenter.segment(run)].filter((s) => s.isWordLike).map((s) => s.segment);
}

const length = (s: string) => Array.from(s).length;

/**
 * A query run cut into the pieces that must each stand together in a text: its segmenter words,
 * with one-character words glued to each other, or else to the next word (the last one to the
 * word before). Every piece has two characters or more unless the run has one.
 */
function pieces(run: string): string[] {
  const out: string[] = [];
  let singles = "";
  for (const { segment } of segmenter.segment(run)) {
    if (length(segment) < 2) {
      singles += segment;
      continue;
    }
    if (length(singles) >= 2) out.push(singles);
    out.push(length(singles) === 1 ? singles + segment : segment);
    singles = "";
  }
  if (length(singles) >= 2 || !out.length) out.push(singles);
  else out[out.length - 1] += singles;
  return out;
}

/**
 * The `words` and `chars` columns for a row made of several texts (e.g. title, summary,
 * description). Texts are never adjacent to each other in either column (see the adjacency rule).
 */
export function indexColumns(...texts: string[]): { words: string; chars: string } {
  const wordTokens: string[] = [];
  const charTokens: string[] = [];
  const breakAfter = (tokens: string[]) => {
    if (tokens.length && tokens[tokens.length - 1] !== BREAK) tokens.push(BREAK);
  };
  for (const text of texts) {
    for (const piece of scan(normalise(text))) {
      if (piece.kind === "latin") {
        wordTokens.push(piece.text);
      } else {
        wordTokens.push(...words(piece.run));
        charTokens.push(...piece.run);
      }
      // Whatever follows a run (a Latin word, another run after punctuation) is not adjacent.
      breakAfter(charTokens);
    }
    breakAfter(wordTokens);
    breakAfter(charTokens);
  }
  // A trailing BREAK carries no meaning; dropping it keeps the stored text tidy.
  if (wordTokens[wordTokens.length - 1] === BREAK) wordTokens.pop();
  if (charTokens[charTokens.length - 1] === BREAK) charTokens.pop();
  return { words: wordTokens.join(" "), chars: charTokens.join(" ") };
}

/**
 * An FTS5 MATCH expression for what a resident typed, or null when there is nothing to search for
 * (empty, punctuation, emoji). Every term must match (AND). Safe for any input: each phrase is a
 * double-quoted string of letters, numbers and spaces, so quotes, *, ^, :, parentheses and
 * NEAR/AND/OR/NOT in the input are either dropped or searched for as plain words.
 */
export function matchExpression(query: string): string | null {
  // Cut by code points, so a surrogate pair is never split.
  const cut = Array.from(query).slice(0, QUERY_MAX_CHARS).join("");
  const terms: string[] = [];
  let left = QUERY_MAX_TERMS;
  const chars = (text: string) => `chars : "${[...text].join(" ")}"`;
  for (const piece of scan(normalise(cut))) {
    let term: string;
    let size = 1;
    if (piece.kind === "latin") {
      // Prefix match, so elevator finds elevators.
      term = `words : "${piece.text}"*`;
    } else {
      const parts = pieces(piece.run).slice(0, left);
      size = parts.length;
      const all = parts.map(chars).join(" AND ");
      const must = size > 1 ? `(${all})` : all;
      const whole = words(piece.run);
      // Boosts: the whole run standing together, the run as whole segmenter words.
      const boosts = size > 1 ? [chars(piece.run)] : [];
      if (whole.length) boosts.push(`words : "${whole.join(" ")}"`);
      // `M OR (M AND B)` matches exactly the rows M matches; B is there only so that bm25 counts
      // the rows where a boost holds too.
      const boost = boosts.length > 1 ? `(${boosts.join(" OR ")})` : boosts[0];
      term = boost ? `(${must} OR (${must} AND ${boost}))` : must;
    }
    if (terms.includes(term)) continue;
    terms.push(term);
    left -= size;
    if (left === 0) break;
  }
  return terms.length ? terms.join(" AND ") : null;
}

/**
 * The words of a text worth matching one by one, for "is this much like that?" (near-duplicate
 * statements): the segmenter's words of two characters or more, Latin words of three letters or
 * more, each once, at most `max`, longest first. A single character (的, 上, 我) says too little
 * about what a text is about to count as a shared word.
 */
export function keyWords(text: string, max = 8): string[] {
  const seen = new Set<string>();
  for (const w of indexColumns(text).words.split(" ")) {
    if (w === BREAK || seen.has(w)) continue;
    const latin = /^[a-z0-9]+$/.test(w);
    if ((latin && w.length >= 3) || (!latin && [...w].length >= 2)) seen.add(w);
  }
  return [...seen].sort((a, b) => [...b].length - [...a].length).slice(0, max);
}

/** A lexeme between single quotes, for a tsvector or tsquery literal. */
function quote(lexeme: string): string {
  return `'${lexeme.replace(/\\/g, "\\\\").replace(/'/g, "''")}'`;
}

/** An index row's four text columns: the title's `words` and `chars`, and the other texts'. */
export interface IndexRow {
  titleWords: string;
  titleChars: string;
  words: string;
  chars: string;
}

/** The index row of a title and the other texts (summary, description…). */
export function indexRow(title: string, ...texts: string[]): IndexRow {
  const t = indexColumns(title);
  return { titleWords: t.words, titleChars: t.chars, ...indexColumns(...texts) };
}

/**
 * tsvector weights: the title's words A and chars B, the other texts' words C and chars D. A match
 * expression's `words` is A or C, its `chars` B or D (`toTsQuery`); the title alone, A or B.
 */
const WEIGHTS = [
  ["titleWords", "A"],
  ["titleChars", "B"],
  ["words", "C"],
  ["chars", "D"],
] as const;

/**
 * The tsvector literal of an index row: every token of each column in the order of `WEIGHTS`, at
 * its position in order, so that a tsquery phrase (`<->`) means side by side. A BREAK, and the gap
 * between two columns, take a position and hold no lexeme, so no phrase matches across them.
 * Built here and cast, not parsed by PostgreSQL, whose parser would drop BREAK (it treats U+E000
 * as blank) and cut CJK its own way. PostgreSQL keeps positions up to 16383 and the first 256 of
 * each lexeme: far beyond a project's 5,500 characters in most texts.
 */
export function documentVector(row: IndexRow): string {
  const positions = new Map<string, string[]>();
  let position = 0;
  for (const [column, weight] of WEIGHTS) {
    for (const token of row[column].split(" ")) {
      position++;
      if (token === BREAK || !token) continue;
      const at = positions.get(token) ?? [];
      positions.set(token, at);
      at.push(`${position}${weight}`);
    }
    position++;
  }
  return [...positions].map(([lexeme, at]) => `${quote(lexeme)}:${at.join(",")}`).join(" ");
}

/** Where a match expression looks: the whole row, or its title alone. */
export type MatchScope = "row" | "title";

/**
 * A match expression (from `matchExpression`) as a tsquery literal with the same meaning over
 * `documentVector`: a phrase is its tokens joined by `<->`, weights A and C for `words` and B and
 * D for `chars` (A and B alone for the scope "title"), `:*` on the last token where FTS5 has
 * `"…"*`; AND and OR become & and |. Also the distinct phrases, each a tsquery, for ranking.
 * Anything else in the expression is refused.
 */
export function toTsQuery(
  expression: string,
  scope: MatchScope = "row",
): { query: string; phrases: string[] } {
  const phrases: string[] = [];
  const query = expression.replace(
    /(words|chars) : "([^"\s]+(?: [^"\s]+)*)"(\*?)|\b(AND|OR)\b|([^()\s])/gu,
    (_, column: string, text: string, star: string, op: string, stray: string) => {
      if (stray) throw new Error(`not a match expression: ${expression}`);
      if (op) return op === "AND" ? "&" : "|";
      const weight = (column === "words" ? "AC" : "BD").slice(0, scope === "title" ? 1 : 2);
      const tokens = text.split(" ");
      const phrase = tokens
        .map((t, i) => `${quote(t)}:${star && i === tokens.length - 1 ? "*" : ""}${weight}`)
        .join(" <-> ");
      if (!phrases.includes(phrase)) phrases.push(phrase);
      return `(${phrase})`;
    },
  );
  return { query, phrases };
}

/** The tsquery literal equivalent to `matchExpression(query)`, or null likewise. */
export function tsQuery(query: string): string | null {
  const expression = matchExpression(query);
  return expression === null ? null : toTsQuery(expression).query;
}
