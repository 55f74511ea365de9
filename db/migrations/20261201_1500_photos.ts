// Frozen: never edit a migration that has shipped; add a new one instead.
import fs from "node:fs/promises";
import path from "node:path";
import { sql, type Kysely } from "kysely";
import { isPostgres } from "../portable";

/** The only names the app ever gave a photo file, so a stored name can never leave the folder. */
const PHOTO_NAME = /^[0-9a-f]{32}\.webp$/;

/**
 * Project photos move from files into the database, so that any process on any machine serves any
 * photo. Deployments until now kept them in UPLOADS_DIR, or in `uploads` beside the SQLite file
 * (beside ./data/liuhe.sqlite for an in-memory or PostgreSQL database): this finds that folder as
 * the app did, without importing the app.
 */
async function uploadsDir(db: Kysely<unknown>): Promise<string> {
  if (process.env.UPLOADS_DIR) return path.resolve(process.env.UPLOADS_DIR);
  let file = ""; // SQLite's answer for an in-memory database too
  if (!isPostgres(db)) {
    const { rows } = await sql<{
      file: string;
    }>`select file from pragma_database_list where name = 'main'`.execute(db);
    file = rows[0]?.file ?? "";
  }
  return path.join(file ? path.dirname(file) : path.resolve("data"), "uploads");
}

/** Names of the photos projects refer to (never a stray file left in the folder). */
async function projectPhotos(db: Kysely<unknown>): Promise<string[]> {
  const { rows } = await sql<{
    photo: string;
  }>`select distinct photo from projects where photo is not null`.execute(db);
  return rows.map((r) => r.photo).filter((name) => PHOTO_NAME.test(name));
}

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("photos")
    // Random (not content-addressed): two projects with the same picture own a row each.
    .addColumn("name", "text", (c) => c.primaryKey().notNull())
    .addColumn("bytes", isPostgres(db) ? sql`bytea` : "blob", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();

  // The files stay where they are, a backup until the operator removes the folder. A missing file
  // is skipped (its page showed no picture before either), but said aloud: a migration run without
  // the server's UPLOADS_DIR would otherwise leave every photo behind in silence.
  const dir = await uploadsDir(db);
  const missing: string[] = [];
  for (const name of await projectPhotos(db)) {
    const file = path.join(dir, name);
    const found = await Promise.all([fs.readFile(file), fs.stat(file)]).catch((e) => {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") return null;
      throw e;
    });
    if (!found) missing.push(name);
    else
      await sql`insert into photos (name, bytes, created_at)
        values (${name}, ${found[0]}, ${found[1].mtime.toISOString()})`.execute(db);
  }
  if (missing.length > 0)
    console.warn(`photos: ${missing.length} project photo(s) not found in ${dir}, left out`);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  // Back to files, for the code before this migration; files already there are kept as they are.
  const dir = await uploadsDir(db);
  await fs.mkdir(dir, { recursive: true });
  for (const name of await projectPhotos(db)) {
    const { rows } = await sql<{
      bytes: Uint8Array;
    }>`select bytes from photos where name = ${name}`.execute(db);
    if (rows[0])
      await fs.writeFile(path.join(dir, name), rows[0].bytes, { flag: "wx" }).catch(ignoreExisting);
  }
  await db.schema.dropTable("photos").execute();
}

function ignoreExisting(e: NodeJS.ErrnoException) {
  if (e.code !== "EEXIST") throw e;
}
