/**
 * Full-text search over projects and organisations (tables projects_fts / organisations_fts,
 * rowid = the row's id). The owning service calls `reindex` inside the same transaction that
 * writes the row, so the index never describes a row that was rolled back. Queries take an
 * expression from `matchExpression` (app/domain/search/segment.ts): a raw user string would be
 * FTS5 syntax and could fail with a syntax error.
 */
import { sql, type Kysely, type RawBuilder, type Transaction } from "kysely";
import type { Database } from "../../db/schema";
import { indexColumns } from "~/domain/search/segment";

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

/** Replaces the index row of one project or organisation with its current texts. */
export async function reindex(
  trx: Executor,
  kind: SearchKind,
  id: number,
  texts: string[],
): Promise<void> {
  // FTS5 has no upsert, and an insert of an existing rowid fails: delete first.
  await unindex(trx, kind, id);
  await trx
    .insertInto(table(kind).kysely)
    .values({ rowid: id, ...indexColumns(...texts) })
    .execute();
}

export async function unindex(trx: Executor, kind: SearchKind, id: number): Promise<void> {
  await trx.deleteFrom(table(kind).kysely).where("rowid", "=", id).execute();
}

/**
 * `(select rowid from <table> where <table> match ?)`, parenthesised so that it can stand on the
 * right of `in`: `.where("projects.id", "in", matchingIds("project", expression))`.
 */
export function matchingIds(kind: SearchKind, expression: string): RawBuilder<number> {
  const fts = sql.raw(table(kind).sql);
  return sql<number>`(select rowid from ${fts} where ${fts} match ${expression})`;
}

/**
 * The bm25 relevance of the row whose id is in `idColumn`: lower is more relevant, so order
 * ascending. Null for rows that do not match, so filter with `matchingIds` too. Meant for ordering
 * one page of results: it runs the match once per row.
 */
export function rankExpression(
  kind: SearchKind,
  expression: string,
  idColumn: "projects.id" | "organisations.id",
): RawBuilder<number | null> {
  const fts = sql.raw(table(kind).sql);
  return sql<number | null>`(select bm25(${fts}, ${WORDS_WEIGHT}, ${CHARS_WEIGHT}) from ${fts}
    where ${fts} match ${expression} and ${fts}.rowid = ${sql.ref(idColumn)})`;
}
