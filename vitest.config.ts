import os from "node:os";
import { configDefaults, defineConfig } from "vitest/config";
import tsconfigPaths from "vite-tsconfig-paths";

export default defineConfig({
  plugins: [tsconfigPaths()],
  test: {
    include: ["app/**/*.test.{ts,tsx}", "db/**/*.test.ts", "tests/**/*.test.ts"],
    // The domain, the formatting helpers and the translations never reach a database (the domain is
    // pure by rule): the PostgreSQL run (`npm run test:pg`) leaves them to the SQLite run instead of
    // repeating them, and spends its time on what an engine can change.
    exclude: [
      ...configDefaults.exclude,
      ...(process.env.TEST_DATABASE_URL ? ["app/domain/**", "app/utils/**", "app/i18n/**"] : []),
    ],
    globalSetup: ["tests/setup/template-db.ts"],
    setupFiles: ["tests/setup/fresh-db.ts"],
    // Each test file gets its own process and its own freshly migrated database file.
    pool: "forks",
    // Vitest's default is one fork fewer than there are cores: on CI's two cores, one test file at a
    // time, with the second core idle while that file waits on SQLite's thread pool or PostgreSQL.
    // The files share nothing (each has its own SQLite file, or its own PostgreSQL database), so
    // two run at once.
    maxWorkers: Math.max(2, os.availableParallelism() - 1),
    testTimeout: 20_000,
    // .ci/run sets CI_RESULTS to count what passed, once per engine (`npm test` runs both).
    reporters: process.env.CI_RESULTS ? ["default", "json"] : ["default"],
    outputFile: {
      json: `test-results/unit-${process.env.TEST_DATABASE_URL ? "postgres" : "sqlite"}.json`,
    },
    hookTimeout: 30_000,
  },
});
