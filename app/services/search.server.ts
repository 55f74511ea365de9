/**
 * Full-text search over projects, organisations, needs and statements (tables projects_fts,
 * organisations_fts, needs_fts, statements_fts; rowid = the row's id). The owning service calls `reindex` inside the same transaction that
 * writes the row, so the index never describes a row that was rolled back. Queries take an
 * expression from `matchExpression` (app/domain/search/segment.ts): a raw user string would be
 * FTS5 or tsquery syntax and could fail with a syntax error.
 *
 * The first text of a row is its title (a project's, an organisation's name): it has columns of its
 * own, `title_words` and `title_chars`, and a match there ranks first (see `rankExpression`).
 *
 * SQLite: FTS5 virtual tables, the expression as MATCH, ranked by bm25. PostgreSQL: plain tables
 * with `doc`, a tsvector built by `documentVector` under a GIN index, the expression turned into a
 * tsquery by `toTsQuery`, ranked by the phrases a row matches (see `rankExpression`).
 */
import { sql, type Kysely, type RawBuilder, type Transaction } from "kysely";
import { getDb } from "../../db/client.server";
import { isPostgres, transaction } from "../../db/portable";
import type { Database } from "../../db/schema";
import { documentVector, indexRow, toTsQuery, type MatchScope } from "~/domain/search/segment";

export type SearchKind = "project" | "organisation" | "need" | "statement";

type Executor = Transaction<Database> | Kysely<Database>;

// The only table names ever put into SQL text; `sql.raw` needs them spelled as in the
// database, since the CamelCasePlugin does not see raw text.
// `source`: the table whose rows are indexed.
const TABLES = {
  project: { kysely: "projectsFts", sql: "projects_fts", source: "projects" },
  organisation: { kysely: "organisationsFts", sql: "organisations_fts", source: "organisations" },
  need: { kysely: "needsFts", sql: "needs_fts", source: "needs" },
  statement: { kysely: "statementsFts", sql: "statements_fts", source: "statements" },
} as const;

function table(kind: SearchKind) {
  // Object.hasOwn, not `in`: "constructor" must not pass for a kind.
  if (!Object.hasOwn(TABLES, kind)) throw new Error(`unknown search kind: ${String(kind)}`);
  return TABLES[kind];
}

/**
 * bm25 weights of the columns, in their order (title_words, title_chars, words, chars): a
 * whole-word hit counts double, a hit in the title ten times one in the other texts.
 */
const WORDS_WEIGHT = 2.0;
const CHARS_WEIGHT = 1.0;
const TITLE_WEIGHT = 10;
const BM25_WEIGHTS = [
  TITLE_WEIGHT * WORDS_WEIGHT,
  TITLE_WEIGHT * CHARS_WEIGHT,
  WORDS_WEIGHT,
  CHARS_WEIGHT,
];
/** The same for ts_rank, by weight {D = chars, C = words, B = title chars, A = title words}. */
const TS_WEIGHTS = `{${BM25_WEIGHTS.map((w) => w / BM25_WEIGHTS[0]!)
  .reverse()
  .join(", ")}}`;
/**
 * How far a row whose title matches the whole expression ranks above one whose title does not:
 * more than any bm25 score or count of phrases can make up.
 */
const TITLE_TIER = 1e6;

/** The texts of a project in the index, its title first. */
export function projectTexts(p: {
  title: string;
  summary: string;
  description: string;
  place: string | null;
  beneficiaries: string;
}): string[] {
  return [p.title, p.summary, p.description, p.place ?? "", p.beneficiaries];
}

/** The texts of a need in the index ("me too" finds similar ones): its place, then what it is. */
export function needTexts(n: { place: string; description: string }): string[] {
  return [n.place, n.description];
}

/**
 * The texts of a statement (观点) in the index: its body as the title, so that a near-duplicate
 * whose words stand together ranks first.
 */
export function statementTexts(s: { body: string }): string[] {
  return [s.body];
}

/** The texts of an organisation in the index, its name first. */
export function organisationTexts(o: {
  name: string;
  description: string;
  registrationNumber: string | null;
}): string[] {
  return [o.name, o.description, o.registrationNumber ?? ""];
}

/**
 * Replaces the index row of one project or organisation with its current texts, the title
 * first (`projectTexts`, `organisationTexts`).
 */
export async function reindex(
  trx: Executor,
  kind: SearchKind,
  id: number,
  [title = "", ...texts]: string[],
): Promise<void> {
  // FTS5 has no upsert, and an insert of an existing rowid fails: delete first.
  await unindex(trx, kind, id);
  const row = indexRow(title, ...texts);
  // `doc` is PostgreSQL's only (db/schema.ts describes the columns both engines have).
  const doc = isPostgres(trx) && { doc: sql`${documentVector(row)}::tsvector` };
  await trx
    .insertInto(table(kind).kysely)
    .values({ rowid: id, ...row, ...doc })
    .execute();
}

/** How many rows `reindexMissing` reads and indexes in one transaction. */
const REINDEX_BATCH = 500;

/**
 * Indexes every project, organisation, need and accepted statement that has no index row: after the
 * migration that gave the index its title columns (and emptied it), or a restore or a bulk load of
 * a database without its index. Run at startup; returns how many rows it indexed. In batches of
 * REINDEX_BATCH rows by id, each its own transaction: a city's 100,000 needs are never all in
 * memory at once, nor one transaction long (SERIALIZABLE with retries on PostgreSQL: two servers
 * starting at once do not both index a row).
 */
export async function reindexMissing(db: Kysely<Database>, batch = REINDEX_BATCH): Promise<number> {
  const missing = (trx: Executor, kind: SearchKind, afterId: number) => {
    const { kysely: fts, source } = table(kind);
    return trx
      .selectFrom(source)
      .where(`${source}.id`, ">", afterId)
      .where(({ not, exists, selectFrom }) =>
        not(exists(selectFrom(fts).select("rowid").whereRef("rowid", "=", `${source}.id`))),
      )
      .orderBy(`${source}.id`)
      .limit(batch);
  };
  const batches = async <R extends { id: number }>(
    read: (trx: Executor, afterId: number) => Promise<R[]>,
    index: (trx: Executor, row: R) => Promise<void>,
  ) => {
    let indexed = 0;
    let afterId = 0;
    for (;;) {
      const rows = await transaction(db, async (trx) => {
        const found = await read(trx, afterId);
        for (const row of found) await index(trx, row);
        return found;
      });
      indexed += rows.length;
      if (rows.length < batch) return indexed;
      afterId = rows[rows.length - 1]!.id;
    }
  };
  const projects = await batches(
    (trx, after) =>
      missing(trx, "project", after)
        .select(["id", "title", "summary", "description", "place", "beneficiaries"])
        .execute(),
    (trx, p) => reindex(trx, "project", p.id, projectTexts(p)),
  );
  const organisations = await batches(
    (trx, after) =>
      missing(trx, "organisation", after)
        .select(["id", "name", "description", "registrationNumber"])
        .execute(),
    (trx, o) => reindex(trx, "organisation", o.id, organisationTexts(o)),
  );
  const needs = await batches(
    (trx, after) => missing(trx, "need", after).select(["id", "place", "description"]).execute(),
    (trx, n) => reindex(trx, "need", n.id, needTexts(n)),
  );
  // Only accepted statements are indexed, as the conversation commands do: one waiting for the
  // committee or rejected is nobody's near-duplicate.
  const statements = await batches(
    (trx, after) =>
      missing(trx, "statement", after)
        .where("status", "=", "accepted")
        .select(["id", "body"])
        .execute(),
    (trx, st) => reindex(trx, "statement", st.id, statementTexts(st)),
  );
  return projects + organisations + needs + statements;
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

/**
 * The condition that a row of `kind`'s table matches `expression`, on the database in use, in
 * the whole row or in its title alone.
 */
function match(kind: SearchKind, expression: string, scope: MatchScope = "row") {
  const fts = sql.raw(table(kind).sql);
  return isPostgres(getDb())
    ? sql`${fts}.doc @@ ${toTsQuery(expression, scope).query}::tsquery`
    : sql`${fts} match ${ftsColumns(expression, scope)}`;
}

/**
 * The expression with its columns as FTS5 names them: `words` is `{title_words words}` (the
 * title's or the other texts') or, for the title alone, `title_words`; `chars` likewise. Safe as a
 * plain replacement: a phrase between quotes never holds a colon (see `matchExpression`).
 */
function ftsColumns(expression: string, scope: MatchScope): string {
  return expression.replace(/\b(words|chars) : "/g, (_, column: string) =>
    scope === "title" ? `title_${column} : "` : `{title_${column} ${column}} : "`,
  );
}

/**
 * The relevance of the row whose id is in `idColumn`: lower is more relevant, so order
 * ascending. Null for rows that do not match, so filter with `matchingIds` too. Meant for ordering
 * one page of results: it runs the match once per row (twice: once for the title).
 *
 * First come the rows whose title alone matches the whole expression (`TITLE_TIER`), then the
 * rest; within each, SQLite orders by bm25, the title's columns weighing most. PostgreSQL's
 * ts_rank counts lexemes, not phrases (the whole run standing together has the same lexemes as its
 * words far apart), so there the rank is minus the number of the expression's phrases the row
 * matches, each counted again when it is in the title, plus ts_rank scaled below 1
 * (normalisation 32) to order rows matching as many by how often and where (title over other
 * texts, words over chars) the terms occur.
 */
export function rankExpression(
  kind: SearchKind,
  expression: string,
  idColumn: "projects.id" | "organisations.id" | "needs.id" | "statements.id",
): RawBuilder<number | null> {
  const fts = sql.raw(table(kind).sql);
  const weights = sql.join(BM25_WEIGHTS.map((w) => sql.lit(w)));
  let rank = sql`bm25(${fts}, ${weights})`;
  if (isPostgres(getDb())) {
    const { query, phrases } = toTsQuery(expression);
    const { phrases: inTitle } = toTsQuery(expression, "title");
    const hits = [...phrases, ...inTitle].map((p) => sql`(${fts}.doc @@ ${p}::tsquery)::int`);
    rank = sql`-(${sql.join(hits, sql` + `)} + ts_rank(${TS_WEIGHTS}::float4[], ${fts}.doc,
      ${query}::tsquery, 32))`;
  }
  const title = sql`exists (select 1 from ${fts} where ${match(kind, expression, "title")}
    and ${fts}.rowid = ${sql.ref(idColumn)})`;
  return sql<
    number | null
  >`(select ${rank} - case when ${title} then ${sql.lit(TITLE_TIER)} else 0 end
    from ${fts} where ${match(kind, expression)} and ${fts}.rowid = ${sql.ref(idColumn)})`;
}
