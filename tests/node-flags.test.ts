/**
 * Node's flags for the server live once, in package.json's `config.nodeFlags`: `npm start` and
 * `npm run serve` must pass them, since the benchmarks and the browser tests run the server with
 * what `nodeFlags()` reads (scripts/node-flags.ts), as `npm start` would.
 */
import fs from "node:fs";
import { expect, it } from "vitest";
import { nodeFlags } from "../scripts/node-flags";

const pkg = JSON.parse(fs.readFileSync("package.json", "utf8")) as {
  config: { nodeFlags: string };
  scripts: Record<string, string>;
};

it("npm start and npm run serve run the server with package.json's node flags", () => {
  for (const name of ["start", "serve"]) {
    expect(pkg.scripts[name], name).toMatch(
      /node \$npm_package_config_nodeFlags build\/start\/server\.mjs$/,
    );
  }
});

it("reads those flags one by one", () => {
  expect(nodeFlags()).toEqual(pkg.config.nodeFlags.split(" "));
  expect(nodeFlags()).toContain("--max-semi-space-size=24");
});
