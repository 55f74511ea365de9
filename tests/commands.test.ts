/**
 * Every write is a declared command, and every command is an action the policy knows: the policy's
 * table and the commands are held together here, both ways.
 */
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { actions, policy, type ActionPolicy } from "~/domain/permissions/policy";
import { actionsOf, declaredCommands } from "~/services/runner/command.server";

// Loading every service module declares every command (declaring is what `command()` records).
const modules = import.meta.glob(["../app/services/**/*.server.ts", "!**/boot.server.ts"], {
  eager: true,
});

const writes = actions.filter((a) => !(policy[a] as ActionPolicy).reads);

describe("commands and the policy", () => {
  it("loads the service modules", () => {
    expect(Object.keys(modules).length).toBeGreaterThan(10);
  });

  it("declares a command for every action that writes", () => {
    const declared = new Set(declaredCommands().flatMap(actionsOf));
    expect(writes.filter((a) => !declared.has(a))).toEqual([]);
  });

  it("declares commands only for actions the policy has, and none for reading", () => {
    const known = new Set<string>(actions);
    const bad = declaredCommands()
      .flatMap(actionsOf)
      .filter((a) => !known.has(a) || (policy[a] as ActionPolicy).reads);
    expect(bad).toEqual([]);
  });

  it("runs every command on the transaction it is given, never on the global handle", () => {
    const files = Object.keys(modules).map((m) => path.resolve(__dirname, m));
    const offenders = files.filter((f) => {
      const src = fs.readFileSync(f, "utf8");
      return /\bcommand\(\{/.test(src) && /\bgetDb\(/.test(src);
    });
    expect(offenders.map((f) => path.relative(process.cwd(), f))).toEqual([]);
  });
});
