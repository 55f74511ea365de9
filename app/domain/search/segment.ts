/**
 * Turning text into the two columns of the full-text tables (`words`, `chars`), and a resident's
 * query into an FTS5 MATCH expression over them. Pure: no database here.
 *
 * Why two columns: Intl.Segmenter cuts Chinese by dictionary and context (为老旧小区加装电梯 →
 * 为|老旧|小区|加|装|电梯, 养老院 → 养老|院), so a query word is often not a token of the text.
 * `chars` holds every CJK character as its own token, and a CJK query becomes a phrase of
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
 */

const segmenter = new Intl.Segmenter("zh", { granularity: "word" });

/**
 * Ends a CJK run in the stored columns. A private-use character: unicode61 indexes it as a token
 * (category Co), and neither stored text nor a query can contain one, because both keep only
 * letters, marks and numbers — so no phrase can ever match across it.
 */
const BREAK = "\uE000";

/** Longest query looked at, in characters; longer input is cut, not refused. */
export const QUERY_MAX_CHARS = 100;
/** Most terms in one MATCH expression; each is a CJK run or a Latin/number word. */
export const QUERY_MAX_TERMS = 12;

// Han (with 々 and 〇), kana (with ー) and hangul. Script_Extensions puts the CJK punctuation
// 、。「」 in these scripts too, so the lookahead keeps only letters and letter-numbers.
const CJK = /(?=[\p{L}\p{Nl}])[\p{scx=Han}\p{scx=Hiragana}\p{scx=Katakana}\p{scx=Hangul}]/u;
// What unicode61 keeps inside a token (besides Co, dropped here on purpose, see BREAK). Marks stay
// so that the tokenizer, not this file, decides what to do with a diacritic or a Devanagari sign.
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
      const trimmed = latin.trim().replace(/\s+/g, " ");
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
 * (empty, punctuation, emoji). Every term must match (AND). Safe for any input: each term is a
 * double-quoted string of letters, marks, numbers and spaces, so quotes, *, ^, :, parentheses and
 * NEAR/AND/OR/NOT in the input are either dropped or searched for as plain words.
 */
export function matchExpression(query: string): string | null {
  // Cut by code points, so a surrogate pair is never split.
  const cut = Array.from(query).slice(0, QUERY_MAX_CHARS).join("");
  const terms: string[] = [];
  for (const piece of scan(normalise(cut))) {
    let term: string;
    if (piece.kind === "latin") {
      // Prefix match, so elevator finds elevators.
      term = `words : "${piece.text}"*`;
    } else {
      const phrase = `chars : "${[...piece.run].join(" ")}"`;
      const whole = words(piece.run);
      // `P OR (P AND W)` matches exactly the rows P matches; W is there only so that bm25 counts
      // the rows where the run is also a run of whole segmenter words.
      term = whole.length ? `(${phrase} OR (${phrase} AND words : "${whole.join(" ")}"))` : phrase;
    }
    if (!terms.includes(term)) terms.push(term);
    if (terms.length === QUERY_MAX_TERMS) break;
  }
  return terms.length ? terms.join(" AND ") : null;
}
