/**
 * Text for speech synthesis: cut into sentences, so reading can be followed and stopped sentence
 * by sentence, and no utterance is so long that a browser drops it (Chrome's online voices stop
 * after about 15 seconds of one utterance).
 */

/** Longest piece handed to the speech engine at once, in characters. */
export const MAX_SENTENCE = 120;

// Chinese full stops end a sentence wherever they are; closing quotes and brackets stay with it.
const CJK_END = "。！？；";
const LATIN_END = ".!?";
const CLOSERS = "”’」』）)》\"'";
// Where an over-long sentence may be cut: after a comma-like mark.
const PAUSE = /[，、：,:]/;

export function splitSentences(text: string): string[] {
  const out: string[] = [];
  for (const line of text.split(/\s*\n\s*/)) {
    let start = 0;
    for (let i = 0; i < line.length; i++) {
      const c = line[i]!;
      const cjk = CJK_END.includes(c);
      if (!cjk && !LATIN_END.includes(c)) continue;
      let end = i + 1;
      while (end < line.length && (CJK_END + LATIN_END + CLOSERS).includes(line[end]!)) end++;
      // "3.5", "e.g.x" and "…!?" inside a word are not sentence ends: Latin ones need a space after.
      if (!cjk && end < line.length && !/\s/.test(line[end]!)) continue;
      push(out, line.slice(start, end));
      start = end;
      i = end - 1;
    }
    push(out, line.slice(start));
  }
  return out;
}

function push(out: string[], sentence: string) {
  let rest = sentence.trim();
  while (rest.length > MAX_SENTENCE) {
    let cut = -1;
    for (let i = MAX_SENTENCE - 1; i > 0 && cut < 0; i--) if (PAUSE.test(rest[i]!)) cut = i + 1;
    if (cut < 0) cut = MAX_SENTENCE;
    add(out, rest.slice(0, cut));
    rest = rest.slice(cut).trim();
  }
  add(out, rest);
}

function add(out: string[], piece: string) {
  // A lone "·" or dash says nothing; a sentence needs a letter or a digit.
  if (/[\p{L}\p{N}]/u.test(piece)) out.push(piece.trim());
}

/** Whether text is (at least partly) Chinese, so a Chinese voice should read it. */
export function hasHan(text: string): boolean {
  return /\p{Script=Han}/u.test(text);
}

interface Voice {
  lang: string;
}

/**
 * The voice for a page language: the exact locale first (zh-CN), then any voice of that language
 * (zh-TW, en-GB…). Some platforms spell locales with an underscore (Android: "zh_CN").
 */
export function pickVoice<V extends Voice>(voices: readonly V[], lng: string): V | undefined {
  const norm = (lang: string) => lang.replace("_", "-").toLowerCase();
  const want = norm(lng);
  const base = want.split("-")[0]!;
  return (
    voices.find((v) => norm(v.lang) === want) ??
    voices.find((v) => norm(v.lang) === base || norm(v.lang).startsWith(`${base}-`))
  );
}
