/**
 * Full-text search over projects and organisations (tables projects_fts / organisations_fts,
 * rowid = the row's id). The owning service calls `reindex` inside the same transaction that
 * writes the row, so the index never describes a row that was rolled back. Queries take an
 * expression from `matchExpression` (app/domain/search/segment.ts): a raw user string would be
 * FTS5 or tsquery syntax and could fail with a syntax error.
 *
 * SQLite: FTS5 virtual tables, the expression as MATCH, ranked by bm25. PostgreSQL: plain tables
 * with `doc`, a tsvector built by `documentVector` under a GIN index, the expression turned into a
 * tsquery by `toTsQuery`, ranked by the phrases a row matches (see `rankExpression`).
 */
import { sql, type Kysely, type RawBuilder, type Transaction } from "kysely";
import { getDb } from "../../db/client.server";
import { isPostgres } from "../../db/portable";
import type { Database } from "../../db/schema";
import { documentVector, indexColumns, toTsQuery } from "~/domain/search/segment";

export type SearchKind = "project" | "organisation";

type Executor = Transaction<Database> | Kysely<Database>;

// The only two table names ever put into SQL text; `sql.raw` needs them spelled as in the
// database, since the CamelCasePlugin does not see raw text.
const TABLES = {
  project: { kysely: "projectsFts", sql: "projects_fts" },
  organisation: { kysely: "organisationsFts", sql: "organisations_fts" },
} as const;

function table(kind: SearchKind) {
  // Object.hasOwn, not `in`: "constructor" must not pass for a kind.
  if (!Object.hasOwn(TABLES, kind)) throw new Error(`unknown search kind: ${String(kind)}`);
  return TABLES[kind];
}

/** bm25 weights of the `words` and `chars` columns: a whole-word hit counts double. */
const WORDS_WEIGHT = 2.0;
const CHARS_WEIGHT = 1.0;
/** The same for ts_rank, by weight {D, C, B = chars, A = words}; it takes none above 1. */
const TS_WEIGHTS = `{0, 0, ${CHARS_WEIGHT / WORDS_WEIGHT}, 1}`;

/** Replaces the index row of one project or organisation with its current texts. */
export async function reindex(
  trx: Executor,
  kind: SearchKind,
  id: number,
  texts: string[],
): Promise<void> {
  // FTS5 has no upsert, and an insert of an existing rowid fails: delete first.
  await unindex(trx, kind, id);
  const { words, chars } = indexColumns(...texts);
  // `doc` is PostgreSQL's only (db/schema.ts describes the columns both engines have).
  const doc = isPostgres(trx) && { doc: sql`${documentVector(words, chars)}::tsvector` };
  await trx
    .insertInto(table(kind).kysely)
    .values({ rowid: id, words, chars, ...doc })
    .execute();
}

export async function unindex(trx: Executor, kind: SearchKind, id: number): Promise<void> {
  await trx.deleteFrom(table(kind).kysely).where("rowid", "=", id).execute();
}

/**
 * `(select rowid from <table> where <match>)`, parenthesised so that it can stand on the right of
 * `in`: `.where("projects.id", "in", matchingIds("project", expression))`.
 */
export function matchingIds(kind: SearchKind, expression: string): RawBuilder<number> {
  const fts = sql.raw(table(kind).sql);
  return sql<number>`(select rowid from ${fts} where ${match(kind, expression)})`;
}

/** The condition that a row of `kind`'s table matches `expression`, on the database in use. */
function match(kind: SearchKind, expression: string) {
  const fts = sql.raw(table(kind).sql);
  return isPostgres(getDb())
    ? sql`${fts}.doc @@ ${toTsQuery(expression).query}::tsquery`
    : sql`${fts} match ${expression}`;
}

/**
 * The relevance of the row whose id is in `idColumn`: lower is more relevant, so order
 * ascending. Null for rows that do not match, so filter with `matchingIds` too. Meant for ordering
 * one page of results: it runs the match once per row.
 *
 * SQLite: bm25. PostgreSQL's ts_rank counts lexemes, not phrases (the whole run standing together
 * has the same lexemes as its words far apart), so the rank is minus the number of the
 * expression's phrases the row matches, plus ts_rank scaled below 1 (normalisation 32) to order
 * rows matching as many by how often and where (words over chars) the terms occur.
 */
export function rankExpression(
  kind: SearchKind,
  expression: string,
  idColumn: "projects.id" | "organisations.id",
): RawBuilder<number | null> {
  const fts = sql.raw(table(kind).sql);
  let rank = sql`bm25(${fts}, ${WORDS_WEIGHT}, ${CHARS_WEIGHT})`;
  if (isPostgres(getDb())) {
    const { query, phrases } = toTsQuery(expression);
    const hits = phrases.map((p) => sql`(${fts}.doc @@ ${p}::tsquery)::int`);
    rank = sql`-(${sql.join(hits, sql` + `)} + ts_rank(${TS_WEIGHTS}::float4[], ${fts}.doc,
      ${query}::tsquery, 32))`;
  }
  return sql<number | null>`(select ${rank} from ${fts}
    where ${match(kind, expression)} and ${fts}.rowid = ${sql.ref(idColumn)})`;
}
