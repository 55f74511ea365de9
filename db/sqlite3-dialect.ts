/**
 * A Kysely dialect for the asynchronous `sqlite3` package.
 *
 * Kysely's built-in SqliteDialect expects better-sqlite3's synchronous API, which blocks the event
 * loop for the whole of a slow query; a live discussion room must not freeze, so Liuhe uses
 * `sqlite3`, whose queries run on libuv's thread pool (see README, Decisions).
 *
 * SQLite has one writer and a transaction belongs to a connection, so the single connection is
 * guarded by a mutex: a transaction holds it from BEGIN to COMMIT, and every other query waits its
 * turn. That serialises access without ever failing with SQLITE_BUSY inside the process.
 */
import sqlite3 from "sqlite3";
import {
  CompiledQuery,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
  SelectQueryNode,
  type DatabaseConnection,
  type DatabaseIntrospector,
  type Dialect,
  type DialectAdapter,
  type Driver,
  type Kysely,
  type QueryCompiler,
  type QueryResult,
} from "kysely";

export interface Sqlite3DialectConfig {
  /** File path, or ":memory:". */
  filename: string;
  /** Statements run once after opening, e.g. PRAGMAs. */
  onOpen?: (exec: (sql: string) => Promise<void>) => Promise<void>;
}

export class Sqlite3Dialect implements Dialect {
  constructor(private readonly config: Sqlite3DialectConfig) {}
  createAdapter(): DialectAdapter {
    return new SqliteAdapter();
  }
  createDriver(): Driver {
    return new Sqlite3Driver(this.config);
  }
  createIntrospector(db: Kysely<unknown>): DatabaseIntrospector {
    return new SqliteIntrospector(db);
  }
  createQueryCompiler(): QueryCompiler {
    return new SqliteQueryCompiler();
  }
}

class Mutex {
  #locked = false;
  #waiters: Array<() => void> = [];
  async lock(): Promise<void> {
    if (!this.#locked) {
      this.#locked = true;
      return;
    }
    await new Promise<void>((resolve) => this.#waiters.push(resolve));
  }
  unlock(): void {
    const next = this.#waiters.shift();
    if (next) next();
    else this.#locked = false;
  }
}

class Sqlite3Driver implements Driver {
  #db: sqlite3.Database | undefined;
  #connection: Sqlite3Connection | undefined;
  readonly #mutex = new Mutex();

  constructor(private readonly config: Sqlite3DialectConfig) {}

  async init(): Promise<void> {
    this.#db = await new Promise<sqlite3.Database>((resolve, reject) => {
      const db = new sqlite3.Database(this.config.filename, (err) =>
        err ? reject(err) : resolve(db),
      );
    });
    const db = this.#db;
    this.#connection = new Sqlite3Connection(db);
    if (this.config.onOpen) {
      await this.config.onOpen(
        (sql) =>
          new Promise<void>((resolve, reject) =>
            db.exec(sql, (err) => (err ? reject(err) : resolve())),
          ),
      );
    }
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    await this.#mutex.lock();
    if (!this.#db) {
      this.#mutex.unlock();
      throw new Error("the SQLite database is closed");
    }
    return this.#connection!;
  }

  async beginTransaction(connection: DatabaseConnection): Promise<void> {
    // IMMEDIATE takes the write lock at once, so another process (a migration CLI, say) waits on
    // the busy timeout instead of failing the transaction half-way.
    await connection.executeQuery(CompiledQuery.raw("begin immediate"));
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw("commit"));
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw("rollback"));
  }

  async releaseConnection(): Promise<void> {
    this.#mutex.unlock();
  }

  /**
   * Closes once the queries under way and those already waiting have run: a server that shuts down
   * under load still has loaders reading, and SQLite will not close with a statement of theirs
   * open (nor should their requests fail half-way). Queries asked for afterwards are refused.
   */
  async destroy(): Promise<void> {
    if (!this.#db) return;
    await this.#mutex.lock();
    const db = this.#db;
    this.#db = undefined;
    try {
      if (!db) return;
      await this.#connection?.finalizeAll();
      await new Promise<void>((resolve, reject) =>
        db.close((err) => (err ? reject(err) : resolve())),
      );
    } finally {
      this.#mutex.unlock();
    }
  }
}

const READS_ROWS = /^\s*(select|with|pragma|values|explain)\b|\breturning\b/i;

/**
 * Statements kept prepared, by SQL text, least recently used dropped first. `db.all` prepares,
 * runs and finalises a statement every time; a page runs the same dozen queries again and again,
 * and preparing was about half of what a query cost in the driver (README, "Where a page's time
 * goes"). Kysely's queries are parameterised, so the texts are few; an `in (?, ?, …)` of another
 * length is another text, which the bound keeps from piling up. A statement is used by one query
 * at a time: the connection's mutex lets one query run at once. A schema change (a migration)
 * makes SQLite prepare a kept statement again by itself.
 */
const KEPT_STATEMENTS = 256;

class Sqlite3Connection implements DatabaseConnection {
  readonly #statements = new Map<string, sqlite3.Statement>();

  constructor(private readonly db: sqlite3.Database) {}

  #prepared(sql: string): Promise<sqlite3.Statement> {
    const kept = this.#statements.get(sql);
    if (kept) {
      // Most recently used last.
      this.#statements.delete(sql);
      this.#statements.set(sql, kept);
      return Promise.resolve(kept);
    }
    return new Promise((resolve, reject) => {
      const statement = this.db.prepare(sql, (err) => {
        if (err) return reject(err);
        this.#statements.set(sql, statement);
        if (this.#statements.size > KEPT_STATEMENTS) {
          const [oldest, dropped] = this.#statements.entries().next().value!;
          this.#statements.delete(oldest);
          dropped.finalize();
        }
        resolve(statement);
      });
    });
  }

  /** Finalises the kept statements (SQLite will not close a database that has any). */
  async finalizeAll(): Promise<void> {
    const all = [...this.#statements.values()];
    this.#statements.clear();
    await Promise.all(all.map((s) => new Promise<void>((resolve) => s.finalize(() => resolve()))));
  }

  async executeQuery<R>(compiledQuery: CompiledQuery): Promise<QueryResult<R>> {
    const { sql, parameters } = compiledQuery;
    const params = parameters as unknown[];
    const returnsRows = SelectQueryNode.is(compiledQuery.query) || READS_ROWS.test(sql);
    const statement = await this.#prepared(sql);
    return new Promise((resolve, reject) => {
      if (returnsRows) {
        statement.all(params, (err, rows) => (err ? reject(err) : resolve({ rows: rows as R[] })));
      } else {
        statement.run(params, function (err) {
          if (err) return reject(err);
          resolve({
            rows: [],
            numAffectedRows: BigInt(this.changes),
            insertId: BigInt(this.lastID),
          });
        });
      }
    });
  }

  /** sqlite3 has no cursor API that fits Kysely's; rows are read at once and yielded in chunks. */
  async *streamQuery<R>(
    compiledQuery: CompiledQuery,
    chunkSize = 100,
  ): AsyncIterableIterator<QueryResult<R>> {
    const { rows } = await this.executeQuery<R>(compiledQuery);
    for (let i = 0; i < rows.length; i += chunkSize) {
      yield { rows: rows.slice(i, i + chunkSize) };
    }
  }
}
