import { describe, expect, it } from "vitest";
import { csvObjects, parseCsv } from "./csv";

describe("parseCsv (RFC 4180)", () => {
  it("splits fields and records, LF or CRLF, ignoring a final line break", () => {
    expect(parseCsv("a,b\r\n1,2\n3,\n")).toEqual([
      ["a", "b"],
      ["1", "2"],
      ["3", ""],
    ]);
  });

  it("keeps commas, doubled quotes and line breaks inside quoted fields", () => {
    expect(parseCsv('id,body\n1,"say ""hi"", then\nleave"\n2,plain')).toEqual([
      ["id", "body"],
      ["1", 'say "hi", then\nleave'],
      ["2", "plain"],
    ]);
  });

  it("drops a byte-order mark and refuses an unclosed quote", () => {
    expect(parseCsv("\uFEFFx\n1")).toEqual([["x"], ["1"]]);
    expect(() => parseCsv('x\n"open')).toThrow(/not closed/);
  });

  it("names the fields by the header line", () => {
    expect(csvObjects("comment-id,moderated\n3,-1\n4\n")).toEqual([
      { "comment-id": "3", moderated: "-1" },
      { "comment-id": "4", moderated: "" },
    ]);
  });
});
