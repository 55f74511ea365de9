/**
 * Reads and writes Pabulib `.pb` files (reader and writer in one file, so that a file written
 * here reads back the same), the public format of participatory-budgeting elections
 * (sections META, PROJECTS and VOTES, each a header row then `;`-separated rows with CSV quoting).
 * We read them to test our tallies against real cities' published winners, and write them so that
 * a closed budget round can be published in the same open format.
 */
import { parseDecimal, toDecimalString, type Rational } from "./rational";
import type { TallyInput } from "./tally";

export const VOTE_TYPES = ["approval", "choose-1", "ordinal", "cumulative", "scoring"] as const;
export type PbVoteType = (typeof VOTE_TYPES)[number];

/** The ballot of one vote, shaped by the file's `vote_type`. */
export type PbBallot =
  | { readonly type: "approval"; readonly approved: ReadonlySet<string> }
  | { readonly type: "ordinal"; readonly ranking: readonly string[] }
  | { readonly type: "cumulative" | "scoring"; readonly points: ReadonlyMap<string, number> };

export interface PbProject {
  readonly id: string;
  readonly cost: Rational;
  readonly name?: string;
  /** From the `selected` column when the file has one: true for "1" (a published winner). */
  readonly selected?: boolean;
  /** Every other column (votes, score, category, …) as written, by header name. */
  readonly extra: Readonly<Record<string, string>>;
}

export interface PbVote {
  readonly voterId: string;
  readonly ballot: PbBallot;
  /** Every other column (age, sex, voting_method, …) as written, by header name. */
  readonly extra: Readonly<Record<string, string>>;
}

export interface PbInstance {
  /** All META rows as written, budget and vote_type included. */
  readonly meta: Readonly<Record<string, string>>;
  readonly budget: Rational;
  readonly voteType: PbVoteType;
  /** In file order, which is submission order: the tallies break ties by it. */
  readonly projects: readonly PbProject[];
  readonly votes: readonly PbVote[];
}

export class PabulibError extends Error {
  constructor(
    message: string,
    /** 1-based line of the input where the problem is. */
    readonly line: number,
  ) {
    super(`line ${line}: ${message}`);
    this.name = "PabulibError";
  }
}

interface Row {
  readonly line: number;
  readonly fields: string[];
  readonly quoted: boolean[];
}

/**
 * Splits the text into rows of fields: `;` between fields, double quotes around a field that holds
 * `;`, quotes (doubled) or line breaks. Unquoted fields are trimmed, as pabutools does; quoted ones
 * are kept exactly, so a name with deliberate spaces survives a round trip.
 */
function* rows(text: string): Generator<Row> {
  let i = 0;
  let line = 1;
  const n = text.length;
  while (i < n) {
    const start = line;
    const fields: string[] = [];
    const quoted: boolean[] = [];
    for (;;) {
      // One field.
      let value = "";
      let wasQuoted = false;
      while (i < n && (text[i] === " " || text[i] === "\t")) i++;
      if (text[i] === '"') {
        wasQuoted = true;
        const opened = line;
        i++;
        for (;;) {
          if (i >= n) throw new PabulibError("a quoted field is never closed", opened);
          const ch = text[i]!;
          if (ch === '"') {
            if (text[i + 1] === '"') {
              value += '"';
              i += 2;
              continue;
            }
            i++;
            break;
          }
          if (ch === "\n" || (ch === "\r" && text[i + 1] !== "\n")) line++;
          value += ch;
          i++;
        }
        while (i < n && (text[i] === " " || text[i] === "\t")) i++;
        if (i < n && text[i] !== ";" && text[i] !== "\n" && text[i] !== "\r")
          throw new PabulibError(
            `unexpected "${text[i]}" after a closing quote` +
              // An unbalanced quote usually shows up lines later: say where it began.
              (opened === line ? "" : ` (the quoted field opened on line ${opened})`),
            line,
          );
      } else {
        const from = i;
        while (i < n && text[i] !== ";" && text[i] !== "\n" && text[i] !== "\r") i++;
        value = text.slice(from, i).trim();
      }
      fields.push(value);
      quoted.push(wasQuoted);
      if (i < n && text[i] === ";") {
        i++;
        continue;
      }
      break;
    }
    // End of the row: CRLF, LF, a lone CR, or the end of the text.
    if (text[i] === "\r") i++;
    if (text[i] === "\n") i++;
    line++;
    const blank = fields.length === 1 && fields[0] === "" && !quoted[0];
    if (!blank) yield { line: start, fields, quoted };
  }
}

const SECTIONS = ["meta", "projects", "votes"] as const;
type Section = (typeof SECTIONS)[number];

const NEEDED_COLUMNS: Record<Section, readonly string[]> = {
  meta: [],
  projects: ["project_id", "cost"],
  votes: ["voter_id", "vote"],
};

function sectionOf(row: Row): Section | null {
  if (row.quoted[0]) return null; // a quoted "votes" is data, not a section line
  const name = row.fields[0]!.toLowerCase();
  if (!(SECTIONS as readonly string[]).includes(name)) return null;
  return row.fields.slice(1).every((f) => f === "") ? (name as Section) : null;
}

function decimal(text: string, what: string, line: number): Rational {
  try {
    return parseDecimal(text);
  } catch {
    throw new PabulibError(`${what} "${text}" is not a number`, line);
  }
}

function ids(text: string): string[] {
  return text
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
}

/** Reads a `.pb` file. Throws a PabulibError naming the line for anything malformed. */
export function parsePabulib(text: string): PbInstance {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const meta: Record<string, string> = {};
  const projects: PbProject[] = [];
  const votes: PbVote[] = [];
  const projectIds = new Set<string>();
  const voterIds = new Set<string>();
  const seen = new Set<Section>();
  let section: Section | null = null;
  let header: string[] | null = null;
  let metaLine = 1;
  let voteType: PbVoteType | null = null;

  for (const row of rows(text)) {
    const s = sectionOf(row);
    if (s) {
      if (seen.has(s)) throw new PabulibError(`a second ${s.toUpperCase()} section`, row.line);
      const expected = SECTIONS[seen.size]!;
      if (s !== expected)
        throw new PabulibError(
          `${s.toUpperCase()} section where ${expected.toUpperCase()} was expected`,
          row.line,
        );
      seen.add(s);
      section = s;
      header = null;
      if (s === "meta") metaLine = row.line;
      if (s === "votes") voteType = readVoteType(meta, row.line);
      continue;
    }
    if (!section) throw new PabulibError("expected the META section first", row.line);
    if (!header) {
      header = row.fields;
      if (section === "meta" && header.length !== 2)
        throw new PabulibError("the META header must be key;value", row.line);
      for (const col of NEEDED_COLUMNS[section])
        if (!header.includes(col))
          throw new PabulibError(
            `the ${section.toUpperCase()} header has no "${col}" column`,
            row.line,
          );
      if (new Set(header).size !== header.length)
        throw new PabulibError("the header names a column twice", row.line);
      continue;
    }
    if (row.fields.length !== header.length)
      throw new PabulibError(
        `${row.fields.length} fields where the header has ${header.length}`,
        row.line,
      );
    const cols = header;
    const get = (name: string) => row.fields[cols.indexOf(name)]!;
    const extraOf = (skip: readonly string[]) => {
      const extra: Record<string, string> = {};
      cols.forEach((c, k) => {
        if (!skip.includes(c)) extra[c] = row.fields[k]!;
      });
      return extra;
    };

    if (section === "meta") {
      const [key, value] = row.fields as [string, string];
      if (key === "") throw new PabulibError("a META row has no key", row.line);
      if (key in meta) throw new PabulibError(`META key "${key}" appears twice`, row.line);
      meta[key] = value;
    } else if (section === "projects") {
      const id = get("project_id");
      if (id === "") throw new PabulibError("a project has no id", row.line);
      if (id.includes(",")) throw new PabulibError(`project id "${id}" contains a comma`, row.line);
      if (projectIds.has(id)) throw new PabulibError(`project ${id} appears twice`, row.line);
      const cost = decimal(get("cost"), `the cost of project ${id}`, row.line);
      if (cost.num < 0n) throw new PabulibError(`project ${id} has a negative cost`, row.line);
      projectIds.add(id);
      projects.push({
        id,
        cost,
        ...(cols.includes("name") ? { name: get("name") } : {}),
        ...(cols.includes("selected") ? { selected: get("selected") === "1" } : {}),
        extra: extraOf(["project_id", "cost", "name", "selected"]),
      });
    } else {
      const voterId = get("voter_id");
      if (voterId === "") throw new PabulibError("a vote has no voter_id", row.line);
      if (voterIds.has(voterId)) throw new PabulibError(`voter ${voterId} votes twice`, row.line);
      voterIds.add(voterId);
      const named = ids(get("vote"));
      const once = new Set<string>();
      for (const id of named) {
        if (!projectIds.has(id))
          throw new PabulibError(`voter ${voterId} votes for unknown project ${id}`, row.line);
        if (once.has(id))
          throw new PabulibError(`voter ${voterId} names project ${id} twice`, row.line);
        once.add(id);
      }
      let ballot: PbBallot;
      let skip = ["voter_id", "vote"];
      if (voteType === "approval" || voteType === "choose-1")
        ballot = { type: "approval", approved: once };
      else if (voteType === "ordinal") ballot = { type: "ordinal", ranking: named };
      else {
        if (!cols.includes("points"))
          throw new PabulibError(`${voteType} votes need a "points" column`, row.line);
        skip = [...skip, "points"];
        const pts = ids(get("points"));
        if (pts.length !== named.length)
          throw new PabulibError(
            `voter ${voterId} names ${named.length} projects but gives ${pts.length} points`,
            row.line,
          );
        const points = new Map<string, number>();
        named.forEach((id, k) => {
          const v = Number(pts[k]);
          if (!/^\d+$/.test(pts[k]!) || !Number.isSafeInteger(v))
            throw new PabulibError(`voter ${voterId} gives "${pts[k]}" points`, row.line);
          points.set(id, v);
        });
        ballot = { type: voteType!, points } as PbBallot;
      }
      votes.push({ voterId, ballot, extra: extraOf(skip) });
    }
  }
  for (const s of SECTIONS)
    if (!seen.has(s))
      throw new PabulibError(`the ${s.toUpperCase()} section is missing`, lineCount(text));
  if (!("budget" in meta)) throw new PabulibError("META has no budget", metaLine);
  const budget = decimal(meta.budget!, "the budget", metaLine);
  if (budget.num < 0n) throw new PabulibError("the budget is negative", metaLine);
  return { meta, budget, voteType: voteType!, projects, votes };
}

function readVoteType(meta: Record<string, string>, line: number): PbVoteType {
  const t = meta.vote_type;
  if (t === undefined) throw new PabulibError("META has no vote_type", line);
  if (!(VOTE_TYPES as readonly string[]).includes(t))
    throw new PabulibError(`vote_type "${t}" is not one we can read`, line);
  return t as PbVoteType;
}

function lineCount(text: string): number {
  return text.split(/\r\n|\r|\n/).length;
}

/** The instance as the tallies take it: projects in file order, the budget, one ballot per vote. */
export function toTallyInput(pb: PbInstance): TallyInput {
  return {
    projects: pb.projects.map((p) => ({ id: p.id, cost: p.cost })),
    budget: pb.budget,
    ballots: pb.votes.map((v) => v.ballot),
  };
}

// ---------------------------------------------------------------------------------------------
// Writing

function field(value: string, first = false): string {
  const needsQuotes =
    /[;"\r\n]/.test(value) ||
    value !== value.trim() ||
    (first && (SECTIONS as readonly string[]).includes(value.toLowerCase()));
  return needsQuotes ? `"${value.replace(/"/g, '""')}"` : value;
}

function line(values: readonly string[]): string {
  return values.map((v, k) => field(v, k === 0)).join(";");
}

function idList(list: Iterable<string>): string {
  const out = [...list];
  for (const id of out)
    if (id.includes(",") || id !== id.trim() || id === "")
      throw new RangeError(`project id "${id}" cannot be written in a vote list`);
  return out.join(",");
}

function columnsOf(rowsExtra: readonly Readonly<Record<string, string>>[]): string[] {
  const cols: string[] = [];
  for (const e of rowsExtra) for (const k of Object.keys(e)) if (!cols.includes(k)) cols.push(k);
  return cols;
}

/**
 * Writes a `.pb` file. `budget`, `vote_type`, `num_projects` and `num_votes` in META are taken
 * from the instance itself, so an exported file cannot contradict its own contents; the other META
 * rows are written as given. Line ends are LF.
 */
export function writePabulib(pb: PbInstance): string {
  const meta: Record<string, string> = { ...pb.meta };
  meta.budget = toDecimalString(pb.budget);
  meta.vote_type = pb.voteType;
  meta.num_projects = String(pb.projects.length);
  meta.num_votes = String(pb.votes.length);
  const out: string[] = ["META", "key;value"];
  for (const [k, v] of Object.entries(meta)) out.push(line([k, v]));

  const hasName = pb.projects.some((p) => p.name !== undefined);
  const hasSelected = pb.projects.some((p) => p.selected !== undefined);
  const projectExtra = columnsOf(pb.projects.map((p) => p.extra));
  out.push("PROJECTS");
  out.push(
    line([
      "project_id",
      "cost",
      ...(hasName ? ["name"] : []),
      ...(hasSelected ? ["selected"] : []),
      ...projectExtra,
    ]),
  );
  for (const p of pb.projects) {
    if (p.id.includes(",")) throw new RangeError(`project id "${p.id}" contains a comma`);
    out.push(
      line([
        p.id,
        toDecimalString(p.cost),
        ...(hasName ? [p.name ?? ""] : []),
        ...(hasSelected ? [p.selected ? "1" : "0"] : []),
        ...projectExtra.map((c) => p.extra[c] ?? ""),
      ]),
    );
  }

  const withPoints = pb.voteType === "cumulative" || pb.voteType === "scoring";
  const voteExtra = columnsOf(pb.votes.map((v) => v.extra));
  out.push("VOTES");
  out.push(line(["voter_id", "vote", ...(withPoints ? ["points"] : []), ...voteExtra]));
  for (const v of pb.votes) {
    const b = v.ballot;
    let vote: string;
    let points: string[] = [];
    if (b.type === "approval") {
      if (pb.voteType !== "approval" && pb.voteType !== "choose-1")
        throw new RangeError(`an approval ballot in a ${pb.voteType} file`);
      vote = idList(b.approved);
    } else if (b.type === "ordinal") {
      if (pb.voteType !== "ordinal")
        throw new RangeError(`an ordinal ballot in a ${pb.voteType} file`);
      vote = idList(b.ranking);
    } else {
      if (!withPoints) throw new RangeError(`a points ballot in a ${pb.voteType} file`);
      vote = idList(b.points.keys());
      points = [[...b.points.values()].join(",")];
    }
    out.push(line([v.voterId, vote, ...points, ...voteExtra.map((c) => v.extra[c] ?? "")]));
  }
  return out.join("\n") + "\n";
}
