/**
 * 朗读: full mode only, reads the page's `[data-read-aloud]` text through the browser's own speech
 * synthesis, one sentence at a time. It renders nothing on the server, in 长辈版 (no script) and
 * in browsers without a voice for the page's language, so a button is never shown that cannot work.
 */
import { useLocation } from "@remix-run/react";
import { useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { hasHan, pickVoice, splitSentences } from "~/utils/sentences";

interface Voices {
  page: SpeechSynthesisVoice;
  zh: SpeechSynthesisVoice | undefined;
}

export function ReadAloud() {
  const { t, i18n } = useTranslation("common");
  const lng = i18n.language;
  const { pathname } = useLocation();
  const [voices, setVoices] = useState<Voices>();
  const [reading, setReading] = useState(false);
  // Bumped on every start and stop, so the `end` of an utterance from a stopped run does nothing.
  const run = useRef(0);
  // The utterance being spoken: Chrome may garbage-collect one before its `end` fires unless
  // something holds it.
  const current = useRef<SpeechSynthesisUtterance>();

  const stop = () => {
    run.current++;
    current.current = undefined;
    setReading(false);
    window.speechSynthesis.cancel();
  };

  useEffect(() => {
    const synth = typeof window === "undefined" ? undefined : window.speechSynthesis;
    if (!synth) return;
    // Voices often arrive after the page loads (Chrome fills the list asynchronously).
    const pick = () => {
      const all = synth.getVoices();
      const page = pickVoice(all, lng);
      setVoices(page && { page, zh: pickVoice(all, "zh-CN") });
    };
    pick();
    synth.addEventListener("voiceschanged", pick);
    return () => synth.removeEventListener("voiceschanged", pick);
  }, [lng]);

  // Leaving the page, or going to another page of the same kind, stops the reading.
  useEffect(
    () => () => {
      if (current.current) stop();
    },
    [pathname],
  );

  if (!voices) return null;

  const start = (v: Voices) => {
    const text = Array.from(
      document.querySelectorAll<HTMLElement>("[data-read-aloud]"),
      (el) => el.innerText,
    ).join("\n");
    const sentences = splitSentences(text);
    const synth = window.speechSynthesis;
    synth.cancel();
    const mine = ++run.current;
    setReading(true);
    const say = (i: number) => {
      if (run.current !== mine) return;
      const sentence = sentences[i];
      if (sentence === undefined) return stop();
      // Demo content is Chinese on English pages too: Chinese sentences get a Chinese voice.
      const voice = hasHan(sentence) && v.zh ? v.zh : v.page;
      const u = new SpeechSynthesisUtterance(sentence);
      u.voice = voice;
      u.lang = voice.lang;
      u.onend = () => say(i + 1);
      u.onerror = () => run.current === mine && stop();
      current.current = u;
      synth.speak(u);
    };
    say(0);
  };

  return (
    <p className="read-aloud">
      <button type="button" onClick={() => (reading ? stop() : start(voices))}>
        {t(reading ? "readAloud.stop" : "readAloud.start")}
      </button>
    </p>
  );
}
