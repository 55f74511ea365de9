/**
 * Runs before every test file and gives it an empty, fully migrated database of its own, never
 * ./data: a new SQLite file in a temporary folder, or, when TEST_DATABASE_URL names a PostgreSQL
 * server (`npm run test:pg`), a new database on it that only this file uses. Each starts as a copy
 * of the database the run migrated once (tests/setup/template-db.ts); migrating here again finds
 * nothing to do, and would bring a copy up to date if it were not.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, inject } from "vitest";
import { freshDatabase } from "../support/postgres";

process.env.SEED_DEMO = "false";
// Factories write rows directly, without the events that drop the pages' short shared caches:
// off here, and on in the tests of those caches (services/communities/shown.server.ts).
process.env.PAGE_CACHE_MS ??= "0";
const pgBase = process.env.TEST_DATABASE_URL;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "liuhe-test-"));
process.env.DATABASE_PATH = path.join(dir, "test.sqlite");
const template = inject("templateDb");
if (!pgBase) fs.copyFileSync(template, process.env.DATABASE_PATH);
const ownDb = pgBase ? await freshDatabase(pgBase, template) : undefined;
if (ownDb) process.env.DATABASE_URL = ownDb.url;

beforeAll(async () => {
  const { getDb } = await import("../../db/client.server");
  const { migrateToLatest } = await import("../../db/migrator");
  await migrateToLatest(getDb());
});

afterAll(async () => {
  // Notices still being delivered after a test's last command need the database they came from.
  const { deliveriesSettled } = await import("../../app/services/notices/delivery.server");
  await deliveriesSettled();
  const { closeDb } = await import("../../db/client.server");
  await closeDb();
  await ownDb?.drop();
  fs.rmSync(dir, { recursive: true, force: true });
});
