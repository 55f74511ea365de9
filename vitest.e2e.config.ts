import { defineConfig } from "vitest/config";
import tsconfigPaths from "vite-tsconfig-paths";

export default defineConfig({
  plugins: [tsconfigPaths()],
  test: {
    include: ["e2e/**/*.e2e.ts"],
    globalSetup: ["e2e/support/global-setup.ts"],
    pool: "forks",
    // One browser at a time: the machine has two cores and the server needs one.
    fileParallelism: false,
    // Tests marked concurrent (the page sweep) run this many at a time within their file: the
    // browser and the server wait on each other a lot, so a few pages at once keep both cores busy.
    maxConcurrency: 3,
    testTimeout: 90_000,
    reporters: process.env.CI_RESULTS ? ["default", "json"] : ["default"],
    outputFile: { json: "test-results/e2e.json" },
    hookTimeout: 120_000,
  },
});
