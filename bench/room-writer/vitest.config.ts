/** The room writer's capacity probe (`npm run bench:room-writer`): the test setup, this folder only. */
import { defineConfig, mergeConfig } from "vitest/config";
import base from "../../vitest.config";

export default mergeConfig(
  base,
  defineConfig({ test: { include: ["bench/room-writer/*.probe.ts"], testTimeout: 600_000 } }),
);
