import { describe, expect, it } from "vitest";
import { hasHan, MAX_SENTENCE, pickVoice, splitSentences } from "./sentences";

describe("splitSentences", () => {
  it("cuts Chinese text at 。！？； wherever they are", () => {
    expect(splitSentences("楼道灯坏了。老人看不清台阶！怎么办？先修三幢；再修五幢")).toEqual([
      "楼道灯坏了。",
      "老人看不清台阶！",
      "怎么办？",
      "先修三幢；",
      "再修五幢",
    ]);
  });

  it("keeps closing quotes and repeated marks with their sentence", () => {
    expect(splitSentences("他说：“好。”大家同意？！然后散会。")).toEqual([
      "他说：“好。”",
      "大家同意？！",
      "然后散会。",
    ]);
  });

  it("cuts English text at . ! ? followed by a space, not inside numbers or words", () => {
    expect(splitSentences('Costs 3.5 yuan. Really? "Yes!" See liuhe.example.org for more')).toEqual(
      ["Costs 3.5 yuan.", "Really?", '"Yes!"', "See liuhe.example.org for more"],
    );
  });

  it("treats line and paragraph breaks as sentence ends and drops empty pieces", () => {
    expect(splitSentences("议程\n\n  征集意见 限时 30 分钟\n · \n费用分摊")).toEqual([
      "议程",
      "征集意见 限时 30 分钟",
      "费用分摊",
    ]);
    expect(splitSentences("  \n\n ")).toEqual([]);
  });

  it("mixes scripts in one text", () => {
    expect(splitSentences("Description\n东坡路社区。Street lights. 更新")).toEqual([
      "Description",
      "东坡路社区。",
      "Street lights.",
      "更新",
    ]);
  });

  it("cuts an over-long sentence after a comma, or hard when there is none", () => {
    const clause = "一二三四五六七八九十".repeat(5);
    const pieces = splitSentences(`${clause}，${clause}，${clause}。`);
    expect(pieces).toEqual([`${clause}，${clause}，`, `${clause}。`]);
    const solid = "字".repeat(MAX_SENTENCE * 2 + 5);
    const hard = splitSentences(solid);
    expect(hard.map((s) => s.length)).toEqual([MAX_SENTENCE, MAX_SENTENCE, 5]);
    expect(hard.join("")).toBe(solid);
  });
});

describe("hasHan", () => {
  it("tells Chinese text from other text", () => {
    expect(hasHan("Agenda: 费用分摊")).toBe(true);
    expect(hasHan("Agenda, 30 minutes")).toBe(false);
  });
});

describe("pickVoice", () => {
  const voices = [
    { name: "Tingting TW", lang: "zh-TW" },
    { name: "Samantha", lang: "en-US" },
    { name: "Huihui", lang: "zh_CN" },
    { name: "Thomas", lang: "fr-FR" },
  ];

  it("prefers the exact locale, however it is spelt", () => {
    expect(pickVoice(voices, "zh-CN")?.name).toBe("Huihui");
  });

  it("falls back to any voice of the language", () => {
    expect(pickVoice(voices, "en")?.name).toBe("Samantha");
    expect(pickVoice(voices.slice(0, 2), "zh-CN")?.name).toBe("Tingting TW");
  });

  it("finds nothing when no voice speaks the language", () => {
    expect(pickVoice(voices, "de")).toBeUndefined();
    expect(pickVoice([], "zh-CN")).toBeUndefined();
    // "en" must not match a language that merely starts with the same letters.
    expect(pickVoice([{ lang: "eng" }], "en")).toBeUndefined();
  });
});
