/**
 * The iCalendar writer against injection (issue 13, defect 7): whatever a meeting's text holds,
 * it stays inside its own property value, and a calendar reads it back as written.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { calendar, type CalendarEvent } from "./ics";

const event = (over: Partial<CalendarEvent> = {}): CalendarEvent => ({
  uid: "meeting-1@liuhe",
  start: "2026-12-01T06:30:00.000Z",
  end: "2026-12-01T08:00:00.000Z",
  summary: "加装电梯",
  description: "三幢加装电梯意见征集",
  location: "社区活动室",
  url: "http://localhost/meetings/1",
  updated: "2026-11-27T00:00:00.000Z",
  ...over,
});

/** The properties the writer itself emits, in order, for one event. */
const OWN = [
  "BEGIN",
  "VERSION",
  "PRODID",
  "CALSCALE",
  "METHOD",
  "X-WR-CALNAME",
  "X-WR-TIMEZONE",
  "BEGIN",
  "UID",
  "DTSTAMP",
  "SEQUENCE",
  "DTSTART",
  "DTEND",
  "SUMMARY",
  "DESCRIPTION",
  "LOCATION",
  "URL",
  "STATUS",
  "END",
  "END",
];

/** RFC 5545 §3.1: physical lines end in CRLF, a CRLF and a space continue the line before. */
function contentLines(ics: string): string[] {
  expect(ics.endsWith("\r\n")).toBe(true);
  return ics.replace(/\r\n /g, "").slice(0, -2).split("\r\n");
}

/** Name and value of a content line without parameters (the writer emits none). */
function property(line: string): { name: string; value: string } {
  const colon = line.indexOf(":");
  return { name: line.slice(0, colon), value: line.slice(colon + 1) };
}

/** RFC 5545 §3.3.11, read side; an escape it does not define fails the test. */
function unescapeText(value: string): string {
  return value.replace(/\\(.)|[;,]/gs, (m, c: string | undefined) => {
    if (c === undefined) throw new Error(`unescaped ${m} in ${JSON.stringify(value)}`);
    if (c === "n" || c === "N") return "\n";
    if (c === "\\" || c === ";" || c === ",") return c;
    throw new Error(`bad escape \\${c} in ${JSON.stringify(value)}`);
  });
}

/** What a TEXT value can carry: control characters dropped, every line break one "\n". */
const expected = (s: string) =>
  s.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, "").replace(/\r\n|\r|\n/g, "\n");

describe("iCalendar text", () => {
  it("keeps a description's lone CRs inside the description (no injected properties)", () => {
    const description = "议题说明\rURL:http://evil.example/\rX-INJ:1";
    const ics = calendar("东坡路议事会", [event({ description })]);
    const lines = contentLines(ics);
    expect(lines.map((l) => property(l).name)).toEqual(OWN);
    expect(lines.filter((l) => l.startsWith("URL:"))).toEqual(["URL:http://localhost/meetings/1"]);
    expect(lines.some((l) => l.startsWith("X-INJ"))).toBe(false);
    // Nor does any physical line, folded or not, hold a line break of its own.
    expect(ics.split("\r\n").some((l) => /[\r\n]/.test(l))).toBe(false);
    const desc = lines.find((l) => l.startsWith("DESCRIPTION:"))!;
    expect(unescapeText(property(desc).value)).toBe("议题说明\nURL:http://evil.example/\nX-INJ:1");
  });

  it("writes every line break form as \\n, and no NUL or other control character", () => {
    const ics = calendar("a\0b", [
      event({ summary: "x\u0001y\u007fz\tw", description: "1\r\n2\n3\r4" }),
    ]);
    expect(ics).toContain("X-WR-CALNAME:ab\r\n");
    expect(ics).toContain("SUMMARY:xyz\tw\r\n");
    expect(ics).toContain("DESCRIPTION:1\\n2\\n3\\n4\r\n");
    expect(ics).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/);
  });

  it("reads back what it wrote, for any text, in lines of at most 75 octets", () => {
    // Text as people paste it: any code point, line breaks of all three kinds, the characters
    // TEXT escapes, colons, and C0 controls.
    const piece = fc.oneof(
      fc.string({ unit: "binary" }),
      fc.string({ unit: "grapheme" }),
      fc.constantFrom("\r", "\n", "\r\n", "\n\r", "\\", ";", ",", ":", "\\n", "\t", " ", "议"),
      fc.integer({ min: 0, max: 0x1f }).map((c) => String.fromCharCode(c)),
      fc.constantFrom("\u007f", "\u0085", "\u2028", "😀"),
    );
    const text = fc.array(piece, { maxLength: 40 }).map((parts) => parts.join(""));
    fc.assert(
      fc.property(text, text, text, text, (name, summary, description, location) => {
        const ics = calendar(name, [event({ summary, description, location })]);

        // Folding (§3.1): CRLF only as line ends, each physical line at most 75 octets and whole
        // UTF-8 characters (a strict decoder accepts each one on its own).
        const bytes = Buffer.from(ics, "utf8");
        const decoder = new TextDecoder("utf-8", { fatal: true });
        let start = 0;
        for (let i = 0; i < bytes.length; i++) {
          if (bytes[i] === 0x0a) expect(bytes[i - 1]).toBe(0x0d);
          if (bytes[i] === 0x0d) {
            expect(bytes[i + 1]).toBe(0x0a);
            const line = bytes.subarray(start, i);
            expect(line.length).toBeLessThanOrEqual(75);
            expect(() => decoder.decode(line)).not.toThrow();
            start = i + 2;
          }
        }
        expect(start).toBe(bytes.length);
        expect(ics).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/);

        // Unfolded, the lines are exactly the writer's own properties, each value free of CR
        // and LF, and each text value reads back as the text (less what TEXT cannot carry).
        const lines = contentLines(ics);
        expect(lines.map((l) => property(l).name)).toEqual(OWN);
        const values = new Map<string, string>();
        for (const l of lines) {
          const { name: key, value } = property(l);
          expect(value).not.toMatch(/[\r\n]/);
          values.set(key, value);
        }
        expect(unescapeText(values.get("X-WR-CALNAME")!)).toBe(expected(name));
        expect(unescapeText(values.get("SUMMARY")!)).toBe(expected(summary));
        expect(unescapeText(values.get("DESCRIPTION")!)).toBe(expected(description));
        expect(unescapeText(values.get("LOCATION")!)).toBe(expected(location));
      }),
      { numRuns: 300 },
    );
  });
});
