/**
 * Recounts a Pabulib file with the site's own tallies, so anyone can check a published result:
 *
 *   npm run tally -- FILE.pb --method greedy|mes
 *
 * Prints the funded project ids, one per line, in the order the method bought them. `mes` is the
 * Method of Equal Shares with add-one completion. Exit codes: 0 done, 1 the file cannot be read or
 * is not valid Pabulib, 2 bad arguments.
 */
import fs from "node:fs";
import { parsePabulib, toTallyInput } from "../app/domain/voting/pabulib";
import { equalShares, greedy } from "../app/domain/voting/tally";

const USAGE = `usage: npm run tally -- FILE.pb --method greedy|mes

  --method greedy   greedy by approvals (points for cumulative ballots); ties go to the
                    project listed first in the file
  --method mes      Method of Equal Shares, cost utilities, add-one completion

Prints the selected project ids, one per line, in the order they were bought.`;

function fail(code: 1 | 2, message: string): never {
  process.stderr.write(`tally: ${message}\n`);
  if (code === 2) process.stderr.write(`${USAGE}\n`);
  process.exit(code);
}

const args = process.argv.slice(2);
if (args.includes("--help") || args.includes("-h")) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
let method: string | undefined;
const files: string[] = [];
for (let i = 0; i < args.length; i++) {
  const a = args[i]!;
  if (a === "--method") {
    method = args[++i];
    if (method === undefined) fail(2, "--method needs a value");
  } else if (a.startsWith("--method=")) method = a.slice("--method=".length);
  else if (a.startsWith("-")) fail(2, `unknown option ${a}`);
  else files.push(a);
}
if (files.length !== 1) fail(2, files.length === 0 ? "no file given" : "give exactly one file");
if (method === undefined) fail(2, "no --method given");
if (method !== "greedy" && method !== "mes") fail(2, `unknown method "${method}"`);

let text: string;
try {
  text = fs.readFileSync(files[0]!, "utf8");
} catch (e) {
  fail(1, `cannot read ${files[0]}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
}
let input;
try {
  input = toTallyInput(parsePabulib(text));
} catch (e) {
  fail(1, `${files[0]}: ${(e as Error).message}`);
}
const result = method === "greedy" ? greedy(input) : equalShares(input, { completion: "add-one" });
process.stdout.write(result.selected.map((id) => `${id}\n`).join(""));
