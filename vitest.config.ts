import { defineConfig } from "vitest/config";
import tsconfigPaths from "vite-tsconfig-paths";

export default defineConfig({
  plugins: [tsconfigPaths()],
  test: {
    include: ["app/**/*.test.{ts,tsx}", "db/**/*.test.ts", "tests/**/*.test.ts"],
    setupFiles: ["tests/setup/fresh-db.ts"],
    // Each test file gets its own process and its own freshly migrated database file.
    pool: "forks",
    testTimeout: 20_000,
    hookTimeout: 30_000,
  },
});
