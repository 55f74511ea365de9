/**
 * The engine's plan of a statement, for tests that a read stays bounded as the city grows: SQLite's
 * `explain query plan` or PostgreSQL's `explain`, with the parameters the statement ran with, one
 * line per step.
 */
import { CompiledQuery, type Kysely } from "kysely";
import { isPostgres } from "../../db/portable";

type AnyDb = Kysely<any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export async function planOf(
  db: AnyDb,
  statement: { sql: string; parameters: readonly unknown[] },
): Promise<string> {
  const pg = isPostgres(db);
  const result = await db.executeQuery<Record<string, string>>(
    CompiledQuery.raw(`${pg ? "explain" : "explain query plan"} ${statement.sql}`, [
      ...statement.parameters,
    ]),
  );
  // SQLite names each step's text `detail`; PostgreSQL gives one column, `QUERY PLAN`.
  return result.rows.map((row) => (pg ? row["QUERY PLAN"] : row.detail)).join("\n");
}
