/**
 * The benchmarks' ceiling is a stock Remix app (bench/pages/bare) with Remix's default
 * entry.server, which imports `isbot`. When an app has no entry.server of its own, Remix's Vite
 * plugin looks for `isbot` in the root package.json's `dependencies` (devDependencies do not
 * count) and, not finding it, rewrites package.json and runs `npm install` in the middle of a
 * build: `npm run bench:pages` did that on 2026-12-05 and left node_modules without its
 * devDependencies.
 */
import fs from "node:fs";
import { expect, it } from "vitest";

const pkg = JSON.parse(fs.readFileSync("package.json", "utf8")) as {
  dependencies: Record<string, string>;
};

it("keeps isbot in dependencies while the bare app uses Remix's default entry", () => {
  const own = fs
    .readdirSync("bench/pages/bare/app")
    .filter((f) => /^entry\.server\.[jt]sx?$/.test(f));
  if (own.length === 0) expect(pkg.dependencies).toHaveProperty("isbot");
  else expect(own).toHaveLength(1);
});
