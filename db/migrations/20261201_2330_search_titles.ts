import { sql, type Kysely } from "kysely";
import { isPostgres } from "../portable";

/**
 * Search ranks a match in the title above one in the other texts (issue 14, item 4): the
 * full-text tables get the title's own columns, `title_words` and `title_chars`, beside `words`
 * and `chars`, which now hold the other texts only.
 *
 * The index is emptied here, not rebuilt: its rows are derived data, and building them takes the
 * app's segmenter, which a frozen migration must not depend on. At startup `reindexMissing`
 * (app/services/search.server.ts) indexes every project and organisation that has no index row,
 * so an existing database finds its rows again, titles apart, on the first start after this.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  if (isPostgres(db)) {
    for (const table of ["projects_fts", "organisations_fts"]) {
      await sql`delete from ${sql.table(table)}`.execute(db);
      await db.schema
        .alterTable(table)
        .addColumn("title_words", "text", (c) => c.notNull())
        .execute();
      await db.schema
        .alterTable(table)
        .addColumn("title_chars", "text", (c) => c.notNull())
        .execute();
    }
    return;
  }
  // FTS5 tables take no new column: made again, empty.
  for (const table of ["projects_fts", "organisations_fts"]) {
    await sql`drop table ${sql.table(table)}`.execute(db);
    await sql`create virtual table ${sql.table(table)} using fts5(title_words, title_chars, words, chars, tokenize = 'unicode61 remove_diacritics 2')`.execute(
      db,
    );
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  if (isPostgres(db)) {
    for (const table of ["projects_fts", "organisations_fts"]) {
      await sql`delete from ${sql.table(table)}`.execute(db);
      await db.schema.alterTable(table).dropColumn("title_chars").execute();
      await db.schema.alterTable(table).dropColumn("title_words").execute();
    }
    return;
  }
  for (const table of ["projects_fts", "organisations_fts"]) {
    await sql`drop table ${sql.table(table)}`.execute(db);
    await sql`create virtual table ${sql.table(table)} using fts5(words, chars, tokenize = 'unicode61 remove_diacritics 2')`.execute(
      db,
    );
  }
}
