/**
 * Recomputes the opinion map of a Polis open-data export with the site's own functions, so a
 * researcher can compare Liuhe's groups with Polis's:
 *
 *   npm run opinion-map -- FOLDER [--min-votes N] [--exclude-unmoderated]
 *
 * Reads FOLDER/comments.csv and FOLDER/votes.csv (the last vote per voter and comment counts;
 * comments moderated out are treated as Polis treats them, see app/domain/opinion/polis.ts) and
 * prints `groups: K`, then `PARTICIPANT_ID,GROUP` for each participant placed in the map (groups
 * from 0). When the votes are too few for a map it prints `groups: 0` and says why on stderr.
 * Exit codes: 0 done, 1 the files cannot be read, 2 bad arguments.
 */
import fs from "node:fs";
import path from "node:path";
import { mapPolisExport } from "../app/domain/opinion/polis";

const USAGE = `usage: npm run opinion-map -- FOLDER [--min-votes N] [--exclude-unmoderated]

  FOLDER                 a Polis export holding comments.csv and votes.csv
  --min-votes N          votes a participant needs to be placed (default 7, or every
                         comment when there are fewer); the shared Polis exports place
                         participants with a single vote, --min-votes 1 does the same
  --exclude-unmoderated  leave out comments with moderated = 0 (Polis keeps them unless the
                         conversation is strictly moderated)

Prints "groups: K", then PARTICIPANT_ID,GROUP per participant in the map.`;

function fail(code: 1 | 2, message: string): never {
  process.stderr.write(`opinion-map: ${message}\n`);
  if (code === 2) process.stderr.write(`${USAGE}\n`);
  process.exit(code);
}

const args = process.argv.slice(2);
if (args.includes("--help") || args.includes("-h")) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
let folder: string | null = null;
let minVotes = 7;
let unmoderated = true;
for (let i = 0; i < args.length; i++) {
  const a = args[i]!;
  if (a === "--min-votes") {
    minVotes = Number(args[++i]);
    if (!Number.isInteger(minVotes) || minVotes < 1)
      fail(2, "--min-votes needs a whole number ≥ 1");
  } else if (a === "--exclude-unmoderated") unmoderated = false;
  else if (a.startsWith("--")) fail(2, `unknown option ${a}`);
  else if (folder === null) folder = a;
  else fail(2, "one folder only");
}
if (folder === null) fail(2, "no folder given");

let files: { comments: string; votes: string };
try {
  files = {
    comments: fs.readFileSync(path.join(folder, "comments.csv"), "utf8"),
    votes: fs.readFileSync(path.join(folder, "votes.csv"), "utf8"),
  };
} catch (error) {
  fail(1, (error as Error).message);
}

let map;
try {
  map = mapPolisExport(files, { unmoderated, minVotes });
} catch (error) {
  fail(1, (error as Error).message);
}
const lines = [`groups: ${map.k}`];
for (const p of [...map.points].sort((a, b) => a.participant - b.participant)) {
  lines.push(`${p.participant},${p.group}`);
}
process.stdout.write(`${lines.join("\n")}\n`);
if (map.status === "tooFew") process.stderr.write(`opinion-map: too few ${map.reason} for a map\n`);
