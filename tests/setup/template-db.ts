/**
 * Migrates one database before the run; every test file's own database starts as a copy of it
 * (tests/setup/fresh-db.ts). Migrating from empty took about a second per file on either engine,
 * a fifth of a file's time on average, and gave each file the same tables as this copy does. The
 * migrations themselves are still tested from empty (tests/db.test.ts).
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { freshDatabase } from "../support/postgres";

declare module "vitest" {
  export interface ProvidedContext {
    /** A migrated SQLite file to copy, or the name of a migrated PostgreSQL database. */
    templateDb: string;
  }
}

export default async function setup(project: TestProject) {
  const { openDatabase } = await import("../../db/client.server");
  const { migrateToLatest } = await import("../../db/migrator");
  const pgBase = process.env.TEST_DATABASE_URL;
  if (pgBase) {
    const template = await freshDatabase(pgBase);
    const db = openDatabase(template.url);
    try {
      await migrateToLatest(db);
    } finally {
      // PostgreSQL copies a database only while nobody is connected to it.
      await db.destroy();
    }
    project.provide("templateDb", template.name);
    return () => template.drop();
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "liuhe-template-"));
  const file = path.join(dir, "template.sqlite");
  const db = openDatabase(file);
  try {
    await migrateToLatest(db);
  } finally {
    // Closing checkpoints the write-ahead log into the file, so the file alone is the database.
    await db.destroy();
  }
  project.provide("templateDb", file);
  return () => fs.rmSync(dir, { recursive: true, force: true });
}
