/**
 * Runs before every test file: point DATABASE_PATH at a new file in a temporary folder and migrate
 * it, so each file starts from an empty, fully migrated database and never touches ./data.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll } from "vitest";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "liuhe-test-"));
process.env.DATABASE_PATH = path.join(dir, "test.sqlite");
process.env.SEED_DEMO = "false";

beforeAll(async () => {
  const { getDb } = await import("../../db/client.server");
  const { migrateToLatest } = await import("../../db/migrator");
  await migrateToLatest(getDb());
});

afterAll(async () => {
  const { closeDb } = await import("../../db/client.server");
  await closeDb();
  fs.rmSync(dir, { recursive: true, force: true });
});
