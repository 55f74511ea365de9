/**
 * Open data (`/open-data`, issue 17 item 5): the datasets, their fields and types, the licence,
 * and the file formats. Pure: the service reads the rows (app/services/open-data), the page and
 * the downloads describe them from here, so a field listed on the page is a column of the file.
 * Field descriptions are translated under `openData:datasets.<dataset>.fields.<field>`.
 */

export const DATASETS = ["index", "meetings", "projects", "rounds", "polls", "needs"] as const;
export type DatasetId = (typeof DATASETS)[number];
export const isDataset = (s: string): s is DatasetId => (DATASETS as readonly string[]).includes(s);

export const FORMATS = ["csv", "json"] as const;
export type Format = (typeof FORMATS)[number];

/** What a column holds; named on the page and in the JSON's `fields`. */
export type FieldType =
  "integer" | "decimal" | "text" | "boolean" | "dateTime" | "date" | "month" | "url";

export interface FieldSpec {
  name: string;
  type: FieldType;
}

export type Cell = string | number | boolean | null;
export type Row = Record<string, Cell>;

const f = (name: string, type: FieldType): FieldSpec => ({ name, type });
const areaFields = (prefix: string) => [
  f(`${prefix}Id`, "integer"),
  f(`${prefix}NameZh`, "text"),
  f(`${prefix}NameEn`, "text"),
];

/**
 * Every dataset's columns, in file order. Nothing personal: no resident's name, account, phone,
 * reporter or free text a resident wrote; organisations appear by their public listing's name.
 */
export const FIELDS: Record<DatasetId, readonly FieldSpec[]> = {
  index: [
    f("snapshotId", "integer"),
    f("month", "month"),
    f("methodVersion", "integer"),
    f("computedAt", "dateTime"),
    f("areaId", "integer"),
    f("areaLevel", "text"),
    f("areaNameZh", "text"),
    f("areaNameEn", "text"),
    f("node", "text"),
    f("score", "decimal"),
    f("value", "decimal"),
    f("numerator", "integer"),
    f("denominator", "integer"),
    f("residents", "integer"),
  ],
  meetings: [
    f("id", "integer"),
    f("councilId", "integer"),
    f("councilName", "text"),
    f("areaId", "integer"),
    f("areaLevel", "text"),
    f("areaNameZh", "text"),
    f("areaNameEn", "text"),
    f("topic", "text"),
    f("startsAt", "dateTime"),
    f("endsAt", "dateTime"),
    f("status", "text"),
    f("cancelled", "boolean"),
    f("roomPublic", "boolean"),
    f("minutesPublished", "boolean"),
    f("commitments", "integer"),
    f("commitmentsDone", "integer"),
  ],
  projects: [
    f("id", "integer"),
    ...areaFields("community"),
    f("title", "text"),
    f("category", "text"),
    f("status", "text"),
    f("budget", "integer"),
    f("spent", "integer"),
    f("proposerKind", "text"),
    f("organisationId", "integer"),
    f("organisationName", "text"),
    f("supports", "integer"),
    f("submittedAt", "dateTime"),
    f("startsOn", "date"),
    f("endsOn", "date"),
    f("updatedAt", "dateTime"),
  ],
  rounds: [
    f("roundId", "integer"),
    f("roundTitle", "text"),
    ...areaFields("community"),
    f("method", "text"),
    f("budget", "integer"),
    f("spent", "integer"),
    f("opensAt", "dateTime"),
    f("closesAt", "dateTime"),
    f("talliedAt", "dateTime"),
    f("ballots", "integer"),
    f("projectId", "integer"),
    f("projectTitle", "text"),
    f("cost", "integer"),
    f("approvals", "integer"),
    f("selected", "boolean"),
    f("ballotsCsv", "url"),
    f("ballotsJson", "url"),
    f("pabulib", "url"),
  ],
  polls: [
    f("pollId", "integer"),
    f("question", "text"),
    ...areaFields("community"),
    f("meetingId", "integer"),
    f("method", "text"),
    f("opensAt", "dateTime"),
    f("closesAt", "dateTime"),
    f("ballots", "integer"),
    f("optionId", "integer"),
    f("optionCode", "text"),
    f("optionLabel", "text"),
    f("votes", "integer"),
    f("ballotsCsv", "url"),
    f("ballotsJson", "url"),
  ],
  needs: [
    f("id", "integer"),
    f("category", "text"),
    f("status", "text"),
    ...areaFields("street"),
    ...areaFields("community"),
    ...areaFields("grid"),
    f("reportedAt", "dateTime"),
    f("closedAt", "dateTime"),
    f("intensity", "integer"),
  ],
};

/** One licence for every dataset; its name and the attribution are also in both languages on the page. */
export const LICENCE = {
  id: "CC-BY-4.0",
  name: "Creative Commons Attribution 4.0 International",
  url: "https://creativecommons.org/licenses/by/4.0/",
  attribution: "六和议事 / Liuhe",
} as const;

/** `index.csv` → the dataset and format it names, or null for anything else. */
export function parseFile(file: string | undefined): { dataset: DatasetId; format: Format } | null {
  const m = /^([a-z]+)\.(csv|json)$/.exec(file ?? "");
  if (!m || !isDataset(m[1]!)) return null;
  return { dataset: m[1], format: m[2] as Format };
}

/**
 * CSV files start with a byte-order mark: Excel as installed in China opens a CSV without one in
 * the system's code page (GBK) and shows UTF-8 Chinese as mojibake; with it, Excel reads UTF-8.
 * Other readers (Python's csv with utf-8-sig, R, LibreOffice) skip it.
 */
export const CSV_BOM = "\uFEFF";

/**
 * One CSV cell, RFC 4180 quoting; a text starting with =, +, - or @ (or a tab or carriage return,
 * which some spreadsheets skip before reading a formula) gets a leading apostrophe so a spreadsheet
 * shows it instead of running it (CSV injection). The published ballots' CSV uses it too. Numbers are written
 * as they are (a negative number is data, not a formula); null is the empty cell.
 */
export function csvCell(value: Cell): string {
  if (value === null) return "";
  if (typeof value === "number") return String(value);
  if (typeof value === "boolean") return value ? "true" : "false";
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** One CSV record in the fields' order, ended by CRLF as RFC 4180 says. */
export function csvRecord(fields: readonly FieldSpec[], row: Row): string {
  return `${fields.map((field) => csvCell(row[field.name] ?? null)).join(",")}\r\n`;
}

export function csvHeader(fields: readonly FieldSpec[]): string {
  return `${fields.map((field) => csvCell(field.name)).join(",")}\r\n`;
}

/** A stored integer in hundredths or thousandths as the decimal it stands for (7345 → 73.45). */
export function scaled(value: number | null, per: 100 | 1000): number | null {
  return value === null ? null : value / per;
}
