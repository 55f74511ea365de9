import { describe, expect, it } from "vitest";
import { csvCell, csvHeader, csvRecord, DATASETS, FIELDS, parseFile, scaled } from "./datasets";

describe("CSV cells", () => {
  it("quote as RFC 4180 says", () => {
    expect(csvCell("plain")).toBe("plain");
    expect(csvCell('a "b", c')).toBe('"a ""b"", c"');
    expect(csvCell("line\r\nbreak")).toBe('"line\r\nbreak"');
    expect(csvCell("line\nbreak")).toBe('"line\nbreak"');
    expect(csvCell("")).toBe("");
  });

  it("defuse a text a spreadsheet would run as a formula", () => {
    expect(csvCell("=1+1")).toBe("'=1+1");
    expect(csvCell("+86 139")).toBe("'+86 139");
    expect(csvCell("-2")).toBe("'-2");
    expect(csvCell("@SUM(A1)")).toBe("'@SUM(A1)");
    expect(csvCell("\t=1")).toBe("'\t=1");
    expect(csvCell('=HYPERLINK("x")')).toBe('"\'=HYPERLINK(""x"")"');
    expect(csvCell("a=b")).toBe("a=b");
  });

  it("write numbers, booleans and no value as they are", () => {
    expect(csvCell(-2)).toBe("-2");
    expect(csvCell(73.45)).toBe("73.45");
    expect(csvCell(null)).toBe("");
    expect(csvCell(true)).toBe("true");
    expect(csvCell(false)).toBe("false");
  });

  it("make records in the fields' order, ended by CRLF", () => {
    const fields = [
      { name: "id", type: "integer" as const },
      { name: "title", type: "text" as const },
    ];
    expect(csvHeader(fields)).toBe("id,title\r\n");
    expect(csvRecord(fields, { title: "a,b", id: 3, extra: "never" })).toBe('3,"a,b"\r\n');
    expect(csvRecord(fields, {})).toBe(",\r\n");
  });
});

describe("datasets", () => {
  it("each has fields with distinct names", () => {
    for (const d of DATASETS) {
      const names = FIELDS[d].map((f) => f.name);
      expect(new Set(names).size, d).toBe(names.length);
    }
  });

  it("files are <dataset>.csv or <dataset>.json", () => {
    expect(parseFile("needs.csv")).toEqual({ dataset: "needs", format: "csv" });
    expect(parseFile("index.json")).toEqual({ dataset: "index", format: "json" });
    for (const bad of [
      "needs",
      "needs.xml",
      "users.csv",
      "NEEDS.csv",
      "needs.csv.csv",
      "",
      undefined,
    ])
      expect(parseFile(bad), String(bad)).toBeNull();
  });

  it("stored integers become the decimals they stand for", () => {
    expect(scaled(7345, 100)).toBe(73.45);
    expect(scaled(523, 1000)).toBe(0.523);
    expect(scaled(0, 100)).toBe(0);
    expect(scaled(null, 1000)).toBeNull();
  });
});
