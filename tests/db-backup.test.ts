/**
 * `npm run db:backup -- FILE` and `npm run db:restore -- FILE --yes` (db/backup.ts), on the test's
 * own database (SQLite, or PostgreSQL when TEST_DATABASE_URL is set): the demo city (closed and
 * counted votes, ballots, audit log) is backed up by the command in a process of its own WHILE this
 * process goes on writing pairs of rows (a room message and its audit entry, one transaction each).
 * The backup holds whole pairs only. Then the live database changes (a poll's ballots deleted, a
 * tally changed, audit entries added); with this process's connection closed, as a stopped site's
 * would be, the backup is restored: the same published ballots, tallies and audit log as when it
 * was taken, and none of the later changes. And the refusals: an existing FILE without --force, a
 * FILE that is not a backup, a restore without --yes, each with nothing written.
 */
import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appendAudit } from "../db/audit-chain";
import { closeDb, getDb, openDatabase } from "../db/client.server";
import { seedDemoData } from "../db/seed";
import { publishedBallots } from "~/services/voting/published.server";

const exec = promisify(execFile);
const tsx = path.resolve("node_modules/.bin/tsx");
const onPostgres = Boolean(process.env.TEST_DATABASE_URL);

type Row = Record<string, unknown>;
type Result = { code: number; stdout: string; stderr: string };

async function cli(...args: string[]): Promise<Result> {
  return exec(tsx, ["db/backup.ts", ...args], { env: process.env }).then(
    (r) => ({ code: 0, ...r }),
    (e: Result) => e,
  );
}

const TICK = "test.backup-tick";
const AFTER = "test.after-backup";

/** Rows in a fixed order, whatever order the engine gave them in. */
const sorted = (rows: Row[]) => rows.map((r) => JSON.stringify(r)).sort();

/** What a backup must keep: votes, ballots, tallies and the audit log, read from the live database. */
async function votingState() {
  const db = getDb().withoutPlugins();
  const table = async (name: string) =>
    sorted((await sql<Row>`select * from ${sql.table(name)}`.execute(db)).rows);
  const closed = async (name: "polls" | "budget_rounds") =>
    (
      await sql<{ id: number }>`select id from ${sql.table(name)}
        where closes_at < ${new Date().toISOString()} order by id`.execute(db)
    ).rows.map((r) => r.id);
  const published: Record<string, unknown> = {};
  for (const id of await closed("polls"))
    published[`poll ${id}`] = await publishedBallots("poll", id);
  for (const id of await closed("budget_rounds"))
    published[`round ${id}`] = await publishedBallots("round", id);
  return {
    published,
    polls: await table("polls"),
    pollOptions: await table("poll_options"),
    budgetRounds: await table("budget_rounds"),
    roundProjects: await table("round_projects"),
    ballots: await table("ballots"),
    participations: await table("participations"),
    photos: await table("photos"),
  };
}

async function auditLog(): Promise<Row[]> {
  return (await sql<Row>`select * from audit_log order by id`.execute(getDb().withoutPlugins()))
    .rows;
}

describe("npm run db:backup / db:restore", () => {
  let dir: string;
  let file: string;
  let before: Awaited<ReturnType<typeof votingState>>;
  let auditBefore: Row[];
  let auditAtEnd: Row[];
  let ticks = 0;
  const ids: Record<string, number> = {};

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "liuhe-backup-"));
    file = path.join(dir, onPostgres ? "liuhe.dump" : "liuhe.sqlite");
    await seedDemoData(getDb());
    const one = async (query: string) =>
      (await sql<{ id: number }>`${sql.raw(query)}`.execute(getDb())).rows[0]!.id;
    ids.meeting = await one("select min(id) as id from meetings");
    ids.user = await one("select min(id) as id from users");
    ids.poll = await one(`select min(p.id) as id from polls p
      where exists (select 1 from ballots b where b.poll_id = p.id)`);
    before = await votingState();
    auditBefore = await auditLog();
    // What the comparisons below rely on is there to compare.
    expect(before.ballots.length).toBeGreaterThan(0);
    expect(Object.keys(before.published).length).toBeGreaterThan(0);
    expect(before.roundProjects.length).toBeGreaterThan(0);
    expect(auditBefore.length).toBeGreaterThan(0);

    // A writer that goes on while the backup is taken: a room message and its audit entry, in
    // one transaction each, so that a backup of one moment holds whole pairs only.
    let stop = false;
    let started!: () => void;
    const going = new Promise<void>((resolve) => (started = resolve));
    const writer = (async () => {
      while (!stop) {
        await getDb()
          .transaction()
          .execute(async (trx) => {
            const at = new Date().toISOString();
            const message = await trx
              .insertInto("roomMessages")
              .values({
                meetingId: ids.meeting!,
                userId: ids.user!,
                body: `tick ${ticks}`,
                createdAt: at,
              })
              .returning("id")
              .executeTakeFirstOrThrow();
            await appendAudit(trx, [
              {
                at,
                actorId: ids.user!,
                action: TICK,
                areaId: null,
                subjectType: "room_message",
                subjectId: message.id,
              },
            ]);
          });
        ticks += 1;
        if (ticks === 5) started();
      }
    })();
    await going;
    const backup = await cli("backup", file).finally(() => (stop = true));
    await writer;
    expect(backup).toMatchObject({ code: 0 });
    auditAtEnd = await auditLog();
  }, 120_000);

  afterAll(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it.skipIf(onPostgres)("writes a sound SQLite file holding whole transactions only", async () => {
    // A whole database in one file: nothing of it waits in a WAL beside it.
    expect(fs.existsSync(`${file}-wal`)).toBe(false);
    const copy = openDatabase(file);
    try {
      const check = await sql<{ integrity_check: string }>`pragma integrity_check`.execute(copy);
      expect(check.rows).toEqual([{ integrityCheck: "ok" }]);
      const { rows } = await sql<{ messages: number; entries: number; orphans: number }>`select
        (select count(*) from room_messages where body like 'tick %') as messages,
        (select count(*) from audit_log where action = ${TICK}) as entries,
        (select count(*) from audit_log a where action = ${TICK}
          and not exists (select 1 from room_messages m where m.id = a.subject_id)) as orphans`.execute(
        copy,
      );
      expect(rows[0]!.messages).toBe(rows[0]!.entries);
      expect(rows[0]!.orphans).toBe(0);
      expect(rows[0]!.messages).toBeGreaterThanOrEqual(5);
      // Every ballot has its participation, poll by poll and round by round.
      const unmatched = await sql`select poll_id, round_id from ballots group by poll_id, round_id
        having count(*) <> (select count(*) from participations p
          where p.poll_id is ballots.poll_id and p.round_id is ballots.round_id)`.execute(copy);
      expect(unmatched.rows).toEqual([]);
    } finally {
      await copy.destroy();
    }
  });

  it("restores the same ballots, tallies and audit log, and none of the later changes", async () => {
    // The later changes: a poll's ballots gone, a tally altered, audit entries added.
    const db = getDb();
    await db.deleteFrom("ballots").where("pollId", "=", ids.poll!).execute();
    await db.updateTable("roundProjects").set({ approvals: 999_999 }).execute();
    await appendAudit(db, [
      {
        at: new Date().toISOString(),
        actorId: null,
        action: AFTER,
        areaId: null,
        subjectType: "test",
        subjectId: null,
      },
    ]);
    expect(await votingState()).not.toEqual(before);

    // A stopped site: nobody holds the database open.
    await closeDb();
    const restored = await cli("restore", file, "--yes");
    expect(restored).toMatchObject({ code: 0, stdout: expect.stringContaining("restored") });
    if (!onPostgres) {
      const live = process.env.DATABASE_PATH!;
      expect(fs.existsSync(`${live}-wal`) && fs.statSync(`${live}-wal`).size > 0).toBe(false);
    }

    expect(await votingState()).toEqual(before);
    const audit = await auditLog();
    // The log as it was at one moment of the backup: all that came before, a prefix of what the
    // writer went on to write, nothing after.
    expect(audit.slice(0, auditBefore.length)).toEqual(auditBefore);
    expect(auditAtEnd.slice(0, audit.length)).toEqual(audit);
    expect(audit.some((r) => r.action === AFTER)).toBe(false);
    const { rows } = await sql<{ messages: number; entries: number }>`select
      (select count(*) from room_messages where body like 'tick %') as messages,
      (select count(*) from audit_log where action = ${TICK}) as entries`.execute(getDb());
    expect(rows[0]!.messages).toBe(rows[0]!.entries);
    // And the restored database takes new writes.
    await appendAudit(getDb(), [
      {
        at: new Date().toISOString(),
        actorId: null,
        action: AFTER,
        areaId: null,
        subjectType: "test",
        subjectId: null,
      },
    ]);
  }, 60_000);

  it("refuses to write over an existing file without --force", async () => {
    const other = path.join(dir, "taken");
    fs.writeFileSync(other, "someone else's");
    const refused = await cli("backup", other);
    expect(refused).toMatchObject({
      code: 1,
      stderr: expect.stringContaining(
        `refused: ${other} exists: choose another file, or add --force`,
      ),
    });
    expect(fs.readFileSync(other, "utf8")).toBe("someone else's");
    expect(await cli("backup", other, "--force")).toMatchObject({ code: 0 });
    expect(fs.readFileSync(other).subarray(0, 5).toString()).toBe(onPostgres ? "PGDMP" : "SQLit");
  }, 60_000);

  it("refuses a restore without --yes, and a file that is not a backup, writing nothing", async () => {
    const auditNow = await auditLog();
    const state = await votingState();
    await closeDb();
    const noYes = await cli("restore", file);
    expect(noYes).toMatchObject({
      code: 1,
      stderr: expect.stringMatching(
        /^refused: Restoring replaces everything in .* Stop the site first, then add --yes\./,
      ),
    });
    const junk = path.join(dir, "junk.sqlite");
    fs.writeFileSync(junk, "not a database at all, just words");
    const notDb = await cli("restore", junk, "--yes");
    expect(notDb).toMatchObject({
      code: 1,
      stderr: expect.stringContaining(
        onPostgres ? "is not a pg_dump archive" : `refused: ${junk} is not a SQLite database.`,
      ),
    });
    if (!onPostgres) {
      // A sound SQLite file, but not Liuhe's.
      const stranger = path.join(dir, "stranger.sqlite");
      const db = openDatabase(stranger);
      await sql`create table t (x integer)`.execute(db);
      await db.destroy();
      const notOurs = await cli("restore", stranger, "--yes");
      expect(notOurs).toMatchObject({
        code: 1,
        stderr: expect.stringContaining(
          "is a SQLite database, but not Liuhe's (no migrations table)",
        ),
      });
    }
    const missing = await cli("restore", path.join(dir, "missing"), "--yes");
    expect(missing).toMatchObject({
      code: 1,
      stderr: expect.stringContaining("There is no backup at"),
    });
    expect(await auditLog()).toEqual(auditNow);
    expect(await votingState()).toEqual(state);
  }, 60_000);

  it.skipIf(!onPostgres)(
    "never shows a URL's password",
    async () => {
      const url = new URL(process.env.DATABASE_URL!);
      url.password = "hunter2-secret";
      url.hostname = "127.0.0.1";
      url.port = "1";
      const r = await exec(tsx, ["db/backup.ts", "backup", path.join(dir, "nowhere.dump")], {
        env: { ...process.env, DATABASE_URL: url.toString() },
      }).catch((e: Result) => e);
      expect(r).toMatchObject({ code: 1 });
      expect(`${r.stdout}${r.stderr}`).not.toContain("hunter2-secret");
    },
    60_000,
  );
});
