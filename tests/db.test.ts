import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { appendAudit } from "../db/audit-chain";
import { getDb, openDatabase, pingDatabase } from "../db/client.server";
import { migrateDown, migrateToLatest } from "../db/migrator";
import { migrations } from "../db/migrations/index";
import { isPostgres, transaction } from "../db/portable";
import { makeCommunity, makeUser } from "./support/factories";
import { freshDatabase } from "./support/postgres";

const postgres = isPostgres(getDb());

describe("database", () => {
  it.runIf(postgres)("runs on PostgreSQL with a pool when DATABASE_URL says so", async () => {
    expect(process.env.DATABASE_URL).toMatch(/^postgres/);
    // Several queries at once each take their own connection.
    const rows = await Promise.all(
      [1, 2, 3].map(() => sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(getDb())),
    );
    expect(new Set(rows.map((r) => r.rows[0]!.pid)).size).toBeGreaterThan(1);
    expect(await pingDatabase()).toBe(true);
  });

  it.runIf(postgres)("acknowledges a commit only once it is on disk", async () => {
    const setting = async (name: string) =>
      (await sql<{ v: string }>`select current_setting(${name}) as v`.execute(getDb())).rows[0]!.v;
    expect(await setting("synchronous_commit")).not.toBe("off");
    expect(await setting("fsync")).toBe("on");
  });

  it.runIf(!postgres)("runs with WAL, full sync, foreign keys and a busy timeout", async () => {
    const db = getDb();
    const pragma = async (name: string) =>
      Object.values((await sql.raw(`pragma ${name}`).execute(db)).rows[0] as object)[0];
    expect(await pragma("journal_mode")).toBe("wal");
    // 2 = FULL: a commit is synced to disk before it is acknowledged (survives a power loss).
    expect(await pragma("synchronous")).toBe(2);
    expect(await pragma("foreign_keys")).toBe(1);
    expect(await pragma("busy_timeout")).toBe(5000);
    expect(await pingDatabase()).toBe(true);
  });

  it("refuses rows that break a foreign key", async () => {
    await expect(
      getDb()
        .insertInto("memberships")
        .values({ userId: 999_999, communityId: 999_999, status: "pending", requestedAt: "x" })
        .execute(),
    ).rejects.toThrow(/foreign key/i);
  });

  it("completes 200 concurrent transactions without losing one", async () => {
    const db = getDb();
    const community = await makeCommunity();
    const users = await Promise.all(Array.from({ length: 200 }, () => makeUser()));
    // Each transaction reads, then writes based on what it read: lost updates would show.
    const results = await Promise.allSettled(
      users.map((userId) =>
        transaction(db, async (trx) => {
          const before = await trx
            .selectFrom("memberships")
            .select(db.fn.countAll<number>().as("n"))
            .where("communityId", "=", community)
            .executeTakeFirstOrThrow();
          await trx
            .insertInto("memberships")
            .values({
              userId,
              communityId: community,
              status: "pending",
              requestedAt: new Date().toISOString(),
            })
            .execute();
          await appendAudit(trx, [
            {
              at: new Date().toISOString(),
              actorId: userId,
              action: "test.count",
              areaId: community,
              subjectType: "test",
              subjectId: Number(before.n),
            },
          ]);
        }),
      ),
    );
    expect(
      results
        .filter((r) => r.status === "rejected")
        .map((r) => String((r as PromiseRejectedResult).reason))
        .slice(0, 3),
    ).toEqual([]);
    const rows = await db
      .selectFrom("auditLog")
      .select("subjectId")
      .where("action", "=", "test.count")
      .orderBy("subjectId")
      .execute();
    // Serialised transactions each saw all the earlier ones: counts 0..199, none repeated.
    expect(rows.map((r) => r.subjectId)).toEqual(Array.from({ length: 200 }, (_, i) => i));
  });

  it("rolls back a failed transaction completely", async () => {
    const db = getDb();
    const before = await db
      .selectFrom("users")
      .select(db.fn.countAll<number>().as("n"))
      .executeTakeFirstOrThrow();
    await expect(
      db.transaction().execute(async (trx) => {
        await trx
          .insertInto("users")
          .values({
            displayName: "x",
            username: "rollback-me",
            passwordHash: "x",
            consentVersion: "t",
            consentedAt: "t",
            createdAt: "t",
          })
          .execute();
        throw new Error("boom");
      }),
    ).rejects.toThrow("boom");
    const after = await db
      .selectFrom("users")
      .select(db.fn.countAll<number>().as("n"))
      .executeTakeFirstOrThrow();
    expect(after.n).toBe(before.n);
  });

  it("keeps the audit log append-only", async () => {
    const db = getDb();
    await appendAudit(db, [
      {
        at: new Date().toISOString(),
        actorId: null,
        action: "x",
        areaId: null,
        subjectType: "t",
        subjectId: null,
      },
    ]);
    await expect(db.updateTable("auditLog").set({ action: "changed" }).execute()).rejects.toThrow(
      /append-only/,
    );
    await expect(db.deleteFrom("auditLog").execute()).rejects.toThrow(/append-only/);
  });

  it("migrates down and up again on a separate database", async () => {
    const own = postgres ? await freshDatabase(process.env.TEST_DATABASE_URL!) : undefined;
    const db = openDatabase(own?.url ?? ":memory:");
    try {
      await migrateToLatest(db);
      const tables = async () =>
        (
          await (
            postgres
              ? sql<{ name: string }>`select table_name as name from information_schema.tables
                where table_schema = current_schema() and table_name not like 'kysely_%'`
              : sql<{ name: string }>`select name from sqlite_master where type = 'table'
                and name not like 'sqlite_%' and name not like 'kysely_%'`
          ).execute(db)
        ).rows
          .map((r) => r.name)
          .sort();
      const all = await tables();
      expect(all).toEqual(
        expect.arrayContaining([
          "areas",
          "audit_log",
          "memberships",
          "users",
          "councils",
          "meetings",
          "room_messages",
          "speaker_queue",
          "commitments",
        ]),
      );
      for (let i = 0; i < Object.keys(migrations).length; i++) await migrateDown(db);
      expect(await tables()).toEqual([]);
      await migrateToLatest(db);
      expect(await tables()).toEqual(all);
    } finally {
      await db.destroy();
      await own?.drop();
    }
  });
});
