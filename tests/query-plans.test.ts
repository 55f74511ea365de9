/**
 * Reads that every request or every vote makes must not grow with the city: checked on SQLite's
 * query plans of the very statements the app ran (PostgreSQL plans small test tables by their
 * size, so its plans say nothing here).
 *
 * - Counting a poll's ballots and its paper voters, by the poll page and by a vote, reads an index
 *   only, never each ballot or each participation (a city-wide round ends with tens of thousands).
 * - Who is asking (`loadActor`, on every look-up of a session) reads no table whole. This one is
 *   checked on both engines, with as many residents and sessions as the ballot benchmark (20,000)
 *   and the tables analysed: on PostgreSQL its plan of a list of sessions read every session once (17 ms a
 *   request, ballots at 0.08 of the bare action; `idsIn` in db/portable.ts says why).
 */
import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { getDb } from "../db/client.server";
import { isPostgres } from "../db/portable";
import { action as pollAction, loader as pollLoader } from "~/routes/polls.$id._index";
import { loader as homeLoader } from "~/routes/_index";
import { loader as communityLoader } from "~/routes/communities.$id._index";
import {
  cookieFor,
  makeCommunity,
  makeMembership,
  makeOpenPoll,
  makeUser,
} from "./support/factories";
import { planOf } from "./support/plans";
import { ballotRequest, run } from "./support/remix";
import { loadActor, whoIsAsking, type SessionUser } from "~/services/accounts/queries.server";
import { openSession } from "~/services/accounts/sessions.server";

interface Ran {
  sql: string;
  parameters: readonly unknown[];
}

/** Every statement the database ran during `work`. */
async function statementsOf(work: () => Promise<unknown>): Promise<Ran[]> {
  const executor = getDb().getExecutor();
  const proto = Object.getPrototypeOf(executor) as {
    executeQuery: (q: Ran, ...rest: unknown[]) => Promise<unknown>;
  };
  const original = proto.executeQuery;
  const ran: Ran[] = [];
  proto.executeQuery = function (this: unknown, q: Ran, ...rest: unknown[]) {
    ran.push({ sql: q.sql, parameters: q.parameters });
    return original.call(this, q, ...rest);
  };
  try {
    await work();
  } finally {
    proto.executeQuery = original;
  }
  return ran;
}

describe.skipIf(isPostgres(getDb()))("counting a poll's ballots", () => {
  it("reads indexes only, on the poll's page and in a vote", async () => {
    const here = await makeCommunity("plans");
    const { id, option } = await makeOpenPoll(here);
    const voter = await makeUser();
    await makeMembership(voter, here, "verified");
    const cookie = await cookieFor(voter);

    const ran = await statementsOf(async () => {
      await run(
        pollLoader,
        new Request(`http://localhost/polls/${id}`, { headers: { Cookie: cookie } }),
        {
          id: String(id),
        },
      );
      await run(pollAction, ballotRequest(id, option, cookie), { id: String(id) });
    });
    const counting = ran.filter(
      (s) => /count\(\*\)/i.test(s.sql) && /from "(ballots|participations)"/.test(s.sql),
    );
    // The ballots counted for the page and for the vote's answer, and the paper voters.
    expect(counting.some((s) => /from "ballots"/.test(s.sql))).toBe(true);
    expect(counting.some((s) => /"boxed" = 1/.test(s.sql))).toBe(true);
    for (const statement of counting) {
      const plan = await planOf(getDb(), statement);
      expect(plan, statement.sql).not.toMatch(/\bSCAN (ballots|participations)\b/);
      if (/from "ballots"/.test(statement.sql))
        expect(plan, statement.sql).toMatch(/COVERING INDEX ballots_poll_channel/);
      if (/"boxed" = 1/.test(statement.sql))
        expect(plan, statement.sql).toMatch(/participations_poll_boxed/);
    }
  });
});

describe("who is asking", () => {
  it("reads no table whole", async () => {
    const db = getDb();
    const pg = isPostgres(db);
    const community = await makeCommunity("who asks");
    // A city's worth of residents, each signed in and verified, and the planner told so (it is
    // PostgreSQL's plans that change with the size of a table).
    const now = new Date().toISOString();
    await sql`insert into users (display_name, password_hash, consent_version, consented_at, created_at)
      with recursive g(n) as (select 1 union all select n + 1 from g where n < 20000)
      select 'r' || n, 'x', 'v1', ${now}, ${now} from g`.execute(db);
    await sql`insert into sessions (id, user_id, created_at, expires_at, last_seen_at)
      select 's' || id, id, ${now}, '9999', ${now} from users`.execute(db);
    await sql`insert into memberships (user_id, community_id, status, requested_at)
      select id, ${community}, 'verified', ${now} from users`.execute(db);
    for (const table of ["users", "sessions", "memberships"])
      await sql`analyze ${sql.table(table)}`.execute(db);
    const user = await makeUser();
    await makeMembership(user, community, "verified");
    const { token } = await openSession(db, user, "plans", new Date());
    const ran = [
      ...(await statementsOf(() => loadActor({ id: user, isAdmin: false } as SessionUser))),
      ...(await statementsOf(async () =>
        expect((await whoIsAsking(token))?.actor.userId).toBe(user),
      )),
    ];
    // The session, its sitting and the actor's facts in one statement.
    expect(ran).toHaveLength(2);
    for (const statement of ran) {
      const plan = await planOf(getDb(), statement);
      // SQLite: a co-routine's own rows, the constant row and a list of values are not tables.
      // PostgreSQL reads the tables of a handful of rows (committee seats, staff) whole, rightly.
      const scans = plan
        .split("\n")
        .filter((l) =>
          pg
            ? /Seq Scan on (users|sessions|memberships)\b/.test(l)
            : /\bSCAN\b/.test(l) && !/SCAN (agg|CONSTANT ROW|json_each)/.test(l),
        );
      expect(scans, statement.sql).toEqual([]);
    }
  });
});

describe.skipIf(isPostgres(getDb()))("a signed-in resident's own part of a page", () => {
  it("is one statement on the home (and one per community), one on the community page, reading no table whole", async () => {
    const here = await makeCommunity("own part");
    await makeOpenPoll(here);
    const resident = await makeUser();
    await makeMembership(resident, here, "verified");
    const cookie = await cookieFor(resident);
    const home = () =>
      run(homeLoader, new Request("http://localhost/", { headers: { Cookie: cookie } }), {});
    const community = () =>
      run(
        communityLoader,
        new Request(`http://localhost/communities/${here}`, { headers: { Cookie: cookie } }),
        { id: String(here) },
      );
    // The first views fill what is kept for everyone (and who is asking); the next read only the
    // viewer's own rows.
    process.env.PAGE_CACHE_MS = "60000";
    let onHome: Ran[], onCommunity: Ran[];
    try {
      await home();
      await community();
      onHome = await statementsOf(home);
      onCommunity = await statementsOf(community);
    } finally {
      process.env.PAGE_CACHE_MS = "0";
    }
    expect(onHome).toHaveLength(2);
    expect(onCommunity).toHaveLength(1);
    for (const statement of [...onHome, ...onCommunity]) {
      const scans = (await planOf(getDb(), statement))
        .split("\n")
        .filter((l) => /\bSCAN\b/.test(l) && !/SCAN (agg|CONSTANT ROW|json_each)/.test(l));
      expect(scans, statement.sql).toEqual([]);
    }
  });
});
