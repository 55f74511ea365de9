/**
 * Frozen migrations: a migration that main already has is never edited, renamed or deleted; a
 * change to the schema is a new migration. Each migration file is compared, byte for byte, with
 * its content in the commit that added it to main (FROZEN_AT names a later commit for the one file
 * that was edited before this test existed), and every migration main ever had must still exist.
 * A migration that main does not have yet (new on a branch, or not committed) is free to change.
 *
 * Why git history and not a checksum table written by the migrator: such a table only notices an
 * edit on a database that ran the old version. Every test and CI database is migrated fresh, so
 * the edit would land unnoticed and surface on a deployed database, too late to undo; and the
 * bundled server has no source text to hash. Git already records what each file was when it
 * shipped, so the comparison needs no new table and fails before the edit lands. Without git or
 * without the history (an exported tarball, a shallow clone) the history checks are skipped, with
 * the reason in the test's name.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { migrations } from "../db/migrations/index";

const DIR = "db/migrations";

/** Files that changed after main first had them, frozen at the commit that holds them as they are. */
const FROZEN_AT: Record<string, { commit: string; why: string }> = {
  "20261127_1920_foundation.ts": {
    commit: "8ef765f4f8f1221613a24d0879fd406d8f7dd365",
    why: "PostgreSQL: the audit log's append-only triggers per engine; SQLite's statements unchanged",
  },
  "20261127_2230_projects.ts": {
    commit: "8ef765f4f8f1221613a24d0879fd406d8f7dd365",
    why: "PostgreSQL: full-text tables with a tsvector and GIN index; SQLite's statements unchanged",
  },
  "20261128_0100_assistance.ts": {
    commit: "bca4374591fc73d530976085a08e8aeb62741810",
    why: "project_events.assisted_by added before release (99d200f), then formatted in a merge",
  },
  "20261202_0600_need_board_order.ts": {
    commit: "212798b31de29dc025d04ca3554e05a0b2e46103",
    why: "the desk's index added on its branch (bench-needs) before it landed; merged as one",
  },
  "20261204_0100_index.ts": {
    commit: "ecf3231a755f3a1ddfaa80b066be5dcee0a0a731",
    why: "formatted (prettier) before it landed: committed first without the format check",
  },
};

const migrationFiles = fs
  .readdirSync(DIR)
  .filter((f) => f.endsWith(".ts") && f !== "index.ts" && !f.endsWith(".test.ts"))
  .sort();

type History =
  | { ok: true; root: string; ref: string; git: (...args: string[]) => string }
  | { ok: false; reason: string };

function history(): History {
  const git = (...args: string[]) =>
    execFileSync("git", args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim();
  let root: string;
  try {
    root = git("rev-parse", "--show-toplevel");
    if (git("rev-parse", "--is-shallow-repository") === "true") {
      return { ok: false, reason: "a shallow clone has no history to compare with" };
    }
  } catch {
    return { ok: false, reason: "git or a git repository is unavailable" };
  }
  const inRoot = (...args: string[]) =>
    execFileSync("git", ["-C", root, ...args], {
      encoding: "utf8",
      maxBuffer: 64 * 1024 * 1024,
      stdio: ["ignore", "pipe", "pipe"],
    });
  // What main holds; a clone without a local main falls back to its remote's, then to HEAD.
  const ref = ["main", "origin/main", "HEAD"].find((r) => {
    try {
      inRoot("rev-parse", "--verify", "--quiet", `${r}^{commit}`);
      return true;
    } catch {
      return false;
    }
  });
  if (!ref) return { ok: false, reason: "the repository has no commits" };
  return { ok: true, root, ref, git: inRoot };
}

const h = history();
const skipped = h.ok ? "" : ` (skipped: ${h.reason})`;
if (!h.ok) console.warn(`tests/migrations-frozen: history checks skipped: ${h.reason}`);

/** The commit that added a file to the history of `ref`, oldest first; null if it never did. */
function addedIn(file: string): string | null {
  if (!h.ok) return null;
  const out = h.git("log", h.ref, "--diff-filter=A", "--format=%H", "--", `${DIR}/${file}`).trim();
  return out === "" ? null : out.split("\n").at(-1)!;
}

describe("frozen migrations", () => {
  it("are all listed in db/migrations/index.ts, under their own names, in order", () => {
    expect(Object.keys(migrations)).toEqual(migrationFiles.map((f) => f.replace(/\.ts$/, "")));
  });

  it.skipIf(!h.ok)(`are as main first had them${skipped}`, () => {
    if (!h.ok) return;
    // Not vacuous: the first migration is found in main's history.
    expect(addedIn(migrationFiles[0]!)).toMatch(/^[0-9a-f]{40}$/);
    const edited: string[] = [];
    for (const file of migrationFiles) {
      const added = addedIn(file);
      if (added === null) continue; // not on main yet: still free to change
      const baseline = FROZEN_AT[file]?.commit ?? added;
      const then = h.git("show", `${baseline}:${DIR}/${file}`);
      const now = fs.readFileSync(path.join(h.root, DIR, file), "utf8");
      if (now !== then) {
        edited.push(
          `${file}: edited since ${baseline.slice(0, 7)} (git diff ${baseline} -- ${DIR}/${file})`,
        );
      }
    }
    expect(edited, "add a new migration instead of editing one that shipped").toEqual([]);
  });

  it.skipIf(!h.ok)(`are never deleted or renamed once main has them${skipped}`, () => {
    if (!h.ok) return;
    const ever = h
      .git("log", h.ref, "--diff-filter=A", "--name-only", "--format=", "--", DIR)
      .split("\n")
      .map((line) => line.trim())
      .filter((p) => p.endsWith(".ts") && !p.endsWith("/index.ts"))
      .map((p) => path.basename(p));
    expect(ever.length).toBeGreaterThan(0);
    const gone = [...new Set(ever)].filter((f) => !migrationFiles.includes(f));
    expect(gone, "a migration that shipped must stay").toEqual([]);
  });

  it.skipIf(!h.ok)(
    `freeze listed files at commits that exist and still hold them${skipped}`,
    () => {
      if (!h.ok) return;
      for (const [file, { commit }] of Object.entries(FROZEN_AT)) {
        expect(migrationFiles, file).toContain(file);
        // A commit of main's history, which has the file at that point.
        expect(() => h.git("merge-base", "--is-ancestor", commit, h.ref), file).not.toThrow();
        expect(h.git("show", `${commit}:${DIR}/${file}`).length, file).toBeGreaterThan(0);
      }
    },
  );
});
