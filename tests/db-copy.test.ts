/**
 * `npm run db:copy -- --to postgres://…` (db/copy.ts): a SQLite database holding the demo city
 * (with its closed and counted votes, ballots, audit log and sessions), a project photo and two
 * signed-in people is copied into this test file's own PostgreSQL database. Then every table holds
 * the same rows; the main pages, the published ballots and the Pabulib files read the same from
 * both databases, each rendered by a process of its own; every counted round recounts to what is
 * stored; new rows take ids after the copied ones. A target that has rows, or a source that is not
 * migrated, is refused with nothing written.
 */
import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { sql, type RawBuilder } from "kysely";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb, openDatabase, type DB } from "../db/client.server";
import { copyDatabase, CopyRefused, type CopyResult } from "../db/copy";
import { migrations } from "../db/migrations/index";
import { migrateToLatest, migrator } from "../db/migrator";
import { seedDemoData } from "../db/seed";
import { runTally } from "~/domain/voting/outcome";
import { openSession } from "~/services/accounts/sessions.server";
import { encodePhoto, savePhoto } from "~/services/photos.server";
import { proposeProject } from "~/services/projects/commands.server";
import { postMessage } from "~/services/room/commands.server";
import { run } from "~/services/runner/command.server";
import { publishedBallots } from "~/services/voting/published.server";
import { actorFor, projectInput, wholeDbSnapshot } from "./support/factories";
import { freshDatabase } from "./support/postgres";
import type { PageAnswer, PageRequest } from "./support/render-pages";

const pgBase = process.env.TEST_DATABASE_URL;
const exec = promisify(execFile);
const tsx = path.resolve("node_modules/.bin/tsx");

type Row = Record<string, unknown>;

/** Our tables in a SQLite file, read from its catalogue (FTS5's shadow tables are its own). */
async function sqliteTables(db: DB): Promise<Array<{ name: string; virtual: boolean }>> {
  const { rows } = await sql<{ name: string; type: string }>`select name, type
    from pragma_table_list where schema = 'main' and type in ('table', 'virtual')
    and name not like 'sqlite_%' and name not like 'kysely_migration%'`.execute(db);
  return rows
    .map((r) => ({ name: r.name, virtual: r.type === "virtual" }))
    .sort((a, b) => (a.name < b.name ? -1 : 1));
}

/** Rows in a fixed order, whatever order the engine gave them in. */
const sorted = (rows: Row[]) =>
  rows
    .map((r) => [JSON.stringify(r), r] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, r]) => r);

describe.skipIf(!pgBase)(
  `npm run db:copy${pgBase ? "" : " (skipped: it needs PostgreSQL, and TEST_DATABASE_URL is unset)"}`,
  () => {
    let dir: string;
    let source: string;
    /** This file's own database (tests/setup/fresh-db.ts), migrated and empty: the copy's target. */
    const target = process.env.DATABASE_URL!;
    let src: DB;
    let copied: CopyResult;
    const ids: Record<string, number> = {};
    const cookies: Record<string, string> = {};

    beforeAll(async () => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), "liuhe-copy-"));
      source = path.join(dir, "source.sqlite");
      src = openDatabase(source);
      await migrateToLatest(src);
      await seedDemoData(src);
      const one = async (query: RawBuilder<{ id: number }>) =>
        (await query.execute(src)).rows[0]!.id;
      // The demo has no photo: a public project gets one.
      ids.photo = await one(sql`select min(id) as id from projects where status = 'accepted'`);
      const photo = await encodePhoto(
        await sharp({ create: { width: 64, height: 48, channels: 3, background: "#369" } })
          .png()
          .toBuffer(),
      );
      await savePhoto(src, photo, new Date().toISOString());
      await src
        .updateTable("projects")
        .set({ photo: photo.name })
        .where("id", "=", ids.photo)
        .execute();
      ids.community = await one(sql`select id from areas where code = 'dongpo'`);
      ids.meeting = await one(sql`select min(m.id) as id from meetings m
        join councils c on c.id = m.council_id where c.area_id = ${ids.community} and m.status = 'live'`);
      ids.council = await one(sql`select id from councils where area_id = ${ids.community}`);
      ids.org = await one(sql`select min(id) as id from organisations where status = 'verified'`);
      for (const login of ["resident", "committee"]) {
        ids[login] = await one(sql`select id from users where username = ${login}`);
        const { token } = await openSession(src, ids[login]!, "test", new Date());
        cookies[login] = `liuhe_session=${token}`;
      }
      await src.destroy();
      src = openDatabase(source);

      copied = await copyDatabase(source, target);
    }, 120_000);

    afterAll(async () => {
      await src?.destroy();
      fs.rmSync(dir, { recursive: true, force: true });
    });

    it("copies every table of the source, row for row", async () => {
      const tables = await sqliteTables(src);
      expect(copied.tables.map((t) => t.table).sort()).toEqual(tables.map((t) => t.name));
      const counts = Object.fromEntries(copied.tables.map((t) => [t.table, t.rows]));
      // What the copy must carry is there to carry, so the comparison below can fail.
      for (const table of ["audit_log", "ballots", "participations", "photos", "sessions"]) {
        expect(counts[table], table).toBeGreaterThan(0);
      }
      expect(counts.projects_fts).toBe(counts.projects);

      const tgt = getDb().withoutPlugins();
      const { rows: targetTables } = await sql<{ name: string }>`select table_name as name
        from information_schema.tables where table_schema = current_schema()
        and table_name not like 'kysely_migration%'`.execute(tgt);
      expect(targetTables.map((t) => t.name).sort()).toEqual(tables.map((t) => t.name));

      for (const { name, virtual } of tables) {
        const from = virtual
          ? sql`select rowid, * from ${sql.table(name)}`
          : sql`select * from ${sql.table(name)}`;
        const want = (await from.execute(src.withoutPlugins())).rows as Row[];
        const got = (await sql`select * from ${sql.table(name)}`.execute(tgt)).rows as Row[];
        expect(got.length, name).toBe(counts[name]);
        if (virtual) {
          // PostgreSQL's search document, made from the two columns SQLite's index keeps.
          for (const r of got) expect(r.doc, name).toEqual(expect.any(String));
          for (const r of got) delete r.doc;
        }
        expect(sorted(got), name).toEqual(sorted(want));
      }

      // Every table is analysed: the planner's count of its rows is the count copied (small tables
      // are sampled whole), not the -1 of a table never analysed.
      const { rows: estimates } = await sql<{ name: string; reltuples: number }>`
        select c.relname as name, c.reltuples from pg_class c
        join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = current_schema() and c.relkind = 'r'`.execute(tgt);
      const planned = Object.fromEntries(estimates.map((r) => [r.name, Number(r.reltuples)]));
      for (const t of copied.tables) expect(planned[t.table], t.table).toBe(t.rows);
    });

    /** What the loaders answer, from the database `env` names, in a process of its own. */
    async function pages(
      env: Record<string, string>,
      requests: PageRequest[],
    ): Promise<PageAnswer[]> {
      const { stdout } = await exec(
        tsx,
        ["tests/support/render-pages.ts", JSON.stringify(requests)],
        { env: { ...process.env, ...env }, maxBuffer: 64 * 1024 * 1024 },
      );
      return JSON.parse(stdout) as PageAnswer[];
    }

    it("answers the main pages, the published ballots and the Pabulib files alike", async () => {
      const closed = async (table: "polls" | "budget_rounds") =>
        (
          await sql<{ id: number }>`select id from ${sql.table(table)}
            where closes_at < ${new Date().toISOString()} order by id`.execute(getDb())
        ).rows.map((r) => String(r.id));
      const polls = await closed("polls");
      const rounds = await closed("budget_rounds");
      expect(polls.length).toBeGreaterThan(0);
      expect(rounds.length).toBeGreaterThan(0);
      const id = (k: string) => ({ id: String(ids[k]) });
      const requests: PageRequest[] = [
        { route: "_index", url: "/" },
        { route: "_index", url: "/", cookie: cookies.resident },
        { route: "communities._index", url: "/communities" },
        {
          route: "communities.$id._index",
          url: `/communities/${ids.community}`,
          params: id("community"),
        },
        {
          route: "communities.$id._index",
          url: `/communities/${ids.community}`,
          params: id("community"),
          cookie: cookies.resident,
        },
        {
          route: "communities.$id.audit",
          url: `/communities/${ids.community}/audit`,
          params: id("community"),
          cookie: cookies.committee,
        },
        { route: "projects._index", url: "/projects" },
        // The copied search documents (PostgreSQL's own), not how each engine ranks: by date, or
        // queries whose matches rank in tiers no engine can swap (one match, a title match alone).
        { route: "projects._index", url: "/projects?q=老人&sort=newest" },
        { route: "projects._index", url: "/projects?q=老旧小区电梯" },
        { route: "orgs._index", url: "/orgs?q=环保" },
        { route: "projects.$id._index", url: `/projects/${ids.photo}`, params: id("photo") },
        { route: "projects.$id.photo", url: `/projects/${ids.photo}/photo`, params: id("photo") },
        { route: "orgs._index", url: "/orgs" },
        { route: "orgs.$id._index", url: `/orgs/${ids.org}`, params: id("org") },
        { route: "councils.$id._index", url: `/councils/${ids.council}`, params: id("council") },
        { route: "meetings.$id._index", url: `/meetings/${ids.meeting}`, params: id("meeting") },
        { route: "meetings.$id.room", url: `/meetings/${ids.meeting}/room`, params: id("meeting") },
        ...polls.flatMap((p) => [
          { route: "polls.$id._index", url: `/polls/${p}`, params: { id: p } },
          { route: "polls.$id.ballots[.json]", url: `/polls/${p}/ballots.json`, params: { id: p } },
        ]),
        ...rounds.flatMap((r) => [
          { route: "budgets.$id._index", url: `/budgets/${r}`, params: { id: r } },
          {
            route: "budgets.$id.ballots[.json]",
            url: `/budgets/${r}/ballots.json`,
            params: { id: r },
          },
          { route: "budgets.$id.round[.pb]", url: `/budgets/${r}/round.pb`, params: { id: r } },
        ]),
      ];
      const [fromSqlite, fromPostgres] = await Promise.all([
        pages({ DATABASE_URL: "", DATABASE_PATH: source }, requests),
        pages({ DATABASE_URL: target }, requests),
      ]);
      // Every page answered, and with something: two identical error pages would prove nothing.
      expect(fromSqlite.map((a) => [a.url, a.status])).toEqual(requests.map((r) => [r.url, 200]));
      const ballots = fromSqlite.filter((a) => a.url.endsWith("ballots.json"));
      expect(ballots.every((a) => JSON.stringify(a.body).includes("receipt"))).toBe(true);
      const found = fromSqlite.filter((a) => a.url.includes("?q="));
      expect(found.map((a) => (a.body as { total: number }).total > 0)).toEqual([true, true, true]);
      expect(fromPostgres).toEqual(fromSqlite);
    }, 60_000);

    it("recounts every counted round from its published ballots to the stored outcome", async () => {
      const rounds = await getDb()
        .selectFrom("budgetRounds")
        .select(["id", "method", "budget"])
        .where("talliedAt", "is not", null)
        .execute();
      expect(rounds.length).toBeGreaterThan(0);
      for (const round of rounds) {
        const projects = await getDb()
          .selectFrom("roundProjects")
          .select(["projectId as id", "cost", "approvals", "selected"])
          .where("roundId", "=", round.id)
          .orderBy("position")
          .execute();
        const ballots = await publishedBallots("round", round.id);
        expect(ballots.length).toBeGreaterThan(0);
        const outcome = runTally(
          round.method,
          projects,
          round.budget,
          ballots.map((b) => b.choices),
        );
        expect(projects.filter((p) => p.selected === 1).map((p) => p.id)).toEqual(
          projects.filter((p) => outcome.selected.includes(p.id)).map((p) => p.id),
        );
        expect(projects.map((p) => p.approvals)).toEqual(
          projects.map((p) => outcome.approvals.get(p.id) ?? 0),
        );
      }
    });

    it("refuses to copy into a database that has rows, and writes nothing", async () => {
      const before = await wholeDbSnapshot();
      const cli = await exec(tsx, ["db/copy.ts", "--from", source, "--to", target]).catch(
        (e: { code: number; stderr: string }) => e,
      );
      expect(cli).toMatchObject({
        code: 1,
        stderr: expect.stringMatching(/^refused: The target is not empty \(rows in agenda_items/),
      });
      expect(await wholeDbSnapshot()).toEqual(before);
    }, 60_000);

    it("refuses a source that is missing or not migrated, before touching the target", async () => {
      const empty = await freshDatabase(pgBase!);
      const tables = async () => {
        const db = openDatabase(empty.url);
        try {
          return (
            await sql`select table_name from information_schema.tables
              where table_schema = current_schema()`.execute(db)
          ).rows;
        } finally {
          await db.destroy();
        }
      };
      try {
        await expect(copyDatabase(source, path.join(dir, "other.sqlite"))).rejects.toThrow(
          new CopyRefused("The target must be a postgres:// URL."),
        );
        expect(fs.existsSync(path.join(dir, "other.sqlite"))).toBe(false);
        const missing = path.join(dir, "missing.sqlite");
        await expect(copyDatabase(missing, empty.url)).rejects.toThrow(
          new CopyRefused(`There is no SQLite database at ${missing}.`),
        );
        expect(fs.existsSync(missing)).toBe(false);

        const old = openDatabase(path.join(dir, "old.sqlite"));
        const names = Object.keys(migrations);
        await (await migrator(old)).migrateTo(names[names.length - 2]!);
        await old.destroy();
        const refused = await copyDatabase(path.join(dir, "old.sqlite"), empty.url).catch(
          (e: unknown) => e,
        );
        expect(refused).toBeInstanceOf(CopyRefused);
        expect((refused as Error).message).toContain(
          `is at migration ${names[names.length - 2]}, this code at ${names.at(-1)}: migrate it first`,
        );
        expect(await tables()).toEqual([]);
      } finally {
        await empty.drop();
      }
    });

    it("gives new rows ids after the copied ones", async () => {
      const max = async (table: "projects" | "room_messages") =>
        (await sql<{ id: number }>`select max(id) as id from ${sql.table(table)}`.execute(getDb()))
          .rows[0]!.id;
      const [projects, messages] = [await max("projects"), await max("room_messages")];
      const project = await run(proposeProject, await actorFor(ids.resident!), {
        ...projectInput(ids.community!),
        photo: null,
      });
      expect(project).toBe(projects + 1);
      const message = await run(postMessage, await actorFor(ids.committee!), {
        meetingId: ids.meeting!,
        body: "复制到 PostgreSQL 之后的第一条消息",
      });
      expect(message).toMatchObject({ id: messages + 1 });
    });
  },
);
