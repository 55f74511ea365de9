/**
 * Inserts gathered over the calls that share a transaction, and written as statements of many rows.
 *
 * Why: the ballots of a busy vote share transactions (the command runner's group commit), 50 or
 * so to a transaction, and each wrote its two rows (who voted, the ballot) with two
 * statements of its own. Each statement is a trip to libuv's pool and back, and SQLite's work on a
 * statement costs far more than on a row: the same 50 ballots' rows as two statements of 50 rows
 * cost a third of what 100 statements did (measured 2026-12-04, README "Benchmarks").
 *
 * How: `gathered(table, columns)` declares an insert. `add(db, row)` on a transaction that gathers
 * (`gatherIn`, the runner's batches) only keeps the row; on any other handle it inserts it at once,
 * so a command reads the same either way. `flushGathered(trx)` writes what was kept, each insert's
 * rows in the order they were added (or shuffled), the inserts in the order of their first row,
 * in statements of 64, 32, …, 1 rows (a few texts per table, each built and compiled once:
 * `prepared`).
 *
 * The rule that makes it safe: a gathered row is not in the table until the flush. The runner
 * flushes at the end of each pass, before it commits; whoever reads what a gathered insert writes
 * inside the same transaction flushes first (a live poll's release counting its ballots). And
 * since an insert cannot answer per row whether it conflicted, a command gathers only rows it
 * already knows will go in (the ballots read who of their batch has voted, in one read). A
 * conflict anyway (another process inserted the same key meanwhile) fails the flush, and with it
 * the pass: the runner's batch then gives way, and its calls run alone, where the insert is the
 * check (app/services/runner/command.server.ts).
 */
import { randomInt } from "node:crypto";
import type { Insertable, Kysely } from "kysely";
import type { Database } from "./schema";
import { prepared, type Prepared } from "./prepared";

type AnyDb = Kysely<any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The statement sizes: any count of rows is written as a sum of these. */
const SIZES = [64, 32, 16, 8, 4, 2, 1] as const;

type Row = Record<string, unknown>;

type Write = (db: AnyDb, rows: readonly Row[]) => Promise<void>;

/** The transactions that gather, with the rows each has kept, per insert (its `write`). */
const gathering = new WeakMap<object, Map<Write, Row[]>>();

export interface Gathered<T extends keyof Database> {
  /** Inserts `row`, or keeps it for `flushGathered` when `db` is a transaction that gathers. */
  add(db: AnyDb, row: Insertable<Database[T]>): Promise<void>;
}

/**
 * An insert into `table` of `columns`, gathered in a batch; a column a row leaves out is null.
 * `shuffled`: a flush writes the kept rows in a random order, not the order they were added (the
 * ballots: on PostgreSQL the rows' physical order is readable by whoever has the database, and must
 * not line up with the order of who voted).
 */
export function gathered<T extends keyof Database & string>(
  table: T,
  columns: readonly (keyof Insertable<Database[T]> & string)[],
  options: { shuffled?: boolean } = {},
): Gathered<T> {
  const statements = new Map<number, Prepared<Row, unknown>>();
  const statementOf = (size: number) => {
    let statement = statements.get(size);
    if (!statement) {
      statement = prepared((db: AnyDb, v: Row) =>
        db
          .insertInto(table)
          .values(
            Array.from({ length: size }, (_, i) =>
              Object.fromEntries(columns.map((c) => [c, v[`${i}.${c}`]])),
            ),
          ),
      );
      statements.set(size, statement);
    }
    return statement;
  };
  const write: Write = async (db, kept) => {
    const rows = options.shuffled ? shuffle(kept) : kept;
    let at = 0;
    for (const size of SIZES) {
      while (rows.length - at >= size) {
        const values: Row = {};
        for (let i = 0; i < size; i++) {
          const row = rows[at + i]!;
          for (const c of columns) values[`${i}.${c}`] = row[c] ?? null;
        }
        await statementOf(size).rows(db, values);
        at += size;
      }
    }
  };
  return {
    async add(db, row) {
      const kept = gathering.get(db);
      if (!kept) return write(db, [row]);
      const rows = kept.get(write);
      if (rows) rows.push(row);
      else kept.set(write, [row]);
    },
  };
}

/** A copy of `rows` in a random order (Fisher–Yates, with the system's random numbers). */
function shuffle<R>(rows: readonly R[]): R[] {
  const out = [...rows];
  for (let i = out.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** From now on, gathered inserts on `trx` wait for `flushGathered`. */
export function gatherIn(trx: object): void {
  if (!gathering.has(trx)) gathering.set(trx, new Map());
}

/** Writes what the gathered inserts kept on `db` (nothing if it does not gather); gathering goes on. */
export async function flushGathered(db: AnyDb): Promise<void> {
  const kept = gathering.get(db);
  if (!kept || kept.size === 0) return;
  const pending = [...kept];
  kept.clear();
  for (const [write, rows] of pending) await write(db, rows);
}
