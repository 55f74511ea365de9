/**
 * A small RFC 4180 reader for the Polis export (no CSV parser is among the project's
 * dependencies): fields separated by commas, records by CRLF or LF, a field in double quotes may
 * hold commas, line breaks and doubled quotes (""). A byte-order mark and a final line break are
 * ignored.
 */
export function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = "";
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let quoted = false;
  // Whether the current record has begun: "a\n\nb" holds an empty record, "a\n" does not.
  let started = false;
  const endField = () => {
    record.push(field);
    field = "";
  };
  const endRecord = () => {
    endField();
    records.push(record);
    record = [];
    started = false;
  };
  while (i < text.length) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
        i++;
        continue;
      }
      field += c;
      i++;
      continue;
    }
    started = true;
    if (c === '"' && field === "") {
      quoted = true;
      i++;
    } else if (c === ",") {
      endField();
      i++;
    } else if (c === "\r" && text[i + 1] === "\n") {
      endRecord();
      i += 2;
    } else if (c === "\n" || c === "\r") {
      endRecord();
      i++;
    } else {
      field += c;
      i++;
    }
  }
  if (quoted) throw new Error("CSV: a quoted field is not closed");
  if (started || field !== "" || record.length > 0) endRecord();
  return records;
}

/** Records as objects keyed by the header line's names. */
export function csvObjects(text: string): Record<string, string>[] {
  const [header, ...rows] = parseCsv(text);
  if (!header) return [];
  return rows
    .filter((r) => !(r.length === 1 && r[0] === ""))
    .map((r) => Object.fromEntries(header.map((name, j) => [name, r[j] ?? ""])));
}
