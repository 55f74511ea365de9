/**
 * The tamper-evident audit log (db/audit-chain.ts): audited commands chain their entries per
 * community, concurrent commands in one community still make one unbroken chain, a changed entry
 * is found by the verifier, the audit page shows the latest hash, and the migration chains the
 * entries written before it.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { entryHash, GENESIS, verifyChains } from "../db/audit-chain";
import { auditVerify } from "../db/audit-verify";
import { getDb } from "../db/client.server";
import { migrateToLatest, migrator } from "../db/migrator";
import { migrations } from "../db/migrations/index";
import { isPostgres } from "../db/portable";
import { loader as auditLoader } from "~/routes/communities.$id.audit";
import { decideMembership } from "~/services/communities/commands.server";
import { run } from "~/services/runner/command.server";
import {
  actorFor,
  cookieFor,
  makeCommittee,
  makeCommunity,
  makeMembership,
  makeUser,
} from "./support/factories";
import { body, run as runRoute } from "./support/remix";

const postgres = isPostgres(getDb());

/** A community with a committee member and `pending` people waiting to be let in. */
async function communityWithRequests(pending: number) {
  const community = await makeCommunity();
  const member = await makeUser();
  await makeCommittee(member, community);
  const memberships: number[] = [];
  for (let i = 0; i < pending; i++) {
    memberships.push(await makeMembership(await makeUser(), community, "pending"));
  }
  return { community, member, committee: await actorFor(member), memberships };
}

const verify = (membershipId: number) => ({
  membershipId,
  decision: "verify" as const,
  reason: "",
});

async function chainOf(community: number) {
  return getDb()
    .selectFrom("auditLog")
    .select(["id", "prevHash", "hash"])
    .where("areaId", "=", community)
    .orderBy("id")
    .execute();
}

async function reportOf(community: number) {
  return (await verifyChains(getDb())).find((r) => r.areaId === community);
}

/** Changes an entry's details behind the append-only trigger's back, as an intruder would. */
async function tamper(id: number, details: string) {
  const db = getDb();
  if (postgres) {
    // Only this test's own schema (the connection's search path) is touched.
    await sql`alter table audit_log disable trigger all`.execute(db);
    await sql`update audit_log set details = ${details} where id = ${id}`.execute(db);
    await sql`alter table audit_log enable trigger all`.execute(db);
    return;
  }
  await sql`drop trigger audit_log_no_update`.execute(db);
  await sql`update audit_log set details = ${details} where id = ${id}`.execute(db);
  await sql`create trigger audit_log_no_update before update on audit_log
    begin select raise(abort, 'audit_log is append-only'); end`.execute(db);
}

describe("the audit chain", () => {
  it("links each audited command's entry to the one before, per community", async () => {
    const { community, committee, memberships } = await communityWithRequests(3);
    for (const m of memberships) await run(decideMembership, committee, verify(m));
    const chain = await chainOf(community);
    expect(chain).toHaveLength(3);
    expect(chain[0]!.prevHash).toBe(GENESIS);
    expect(chain[1]!.prevHash).toBe(chain[0]!.hash);
    expect(chain[2]!.prevHash).toBe(chain[1]!.hash);
    for (const e of chain) expect(e.hash).toMatch(/^[0-9a-f]{64}$/);
    // The hash is the documented one, over the stored fields.
    const first = await getDb()
      .selectFrom("auditLog")
      .selectAll()
      .where("id", "=", chain[0]!.id)
      .executeTakeFirstOrThrow();
    expect(entryHash(first, GENESIS)).toBe(first.hash);
    expect(await reportOf(community)).toEqual({
      areaId: community,
      entries: 3,
      latest: chain[2]!.hash,
      broken: null,
    });
  });

  it("stays one unbroken chain when commands in one community run at once", async () => {
    const n = 8;
    const { community, committee, memberships } = await communityWithRequests(n);
    const other = await communityWithRequests(n);
    await Promise.all([
      ...memberships.map((m) => run(decideMembership, committee, verify(m))),
      ...other.memberships.map((m) => run(decideMembership, other.committee, verify(m))),
    ]);
    for (const c of [community, other.community]) {
      const chain = await chainOf(c);
      expect(chain).toHaveLength(n);
      // No fork: every entry follows exactly the one before it.
      expect(chain.map((e) => e.prevHash)).toEqual([
        GENESIS,
        ...chain.slice(0, -1).map((e) => e.hash),
      ]);
      expect((await reportOf(c))?.broken).toBeNull();
    }
  });

  it("finds an entry changed behind the trigger, and says where", async () => {
    const { community, committee, memberships } = await communityWithRequests(3);
    for (const m of memberships) await run(decideMembership, committee, verify(m));
    const untouched = await communityWithRequests(1);
    await run(decideMembership, untouched.committee, verify(untouched.memberships[0]!));
    const chain = await chainOf(community);
    expect((await auditVerify(getDb())).ok).toBe(true);

    await tamper(chain[1]!.id, JSON.stringify({ displayName: "someone else" }));

    const report = await reportOf(community);
    expect(report).toMatchObject({
      areaId: community,
      entries: 3,
      latest: null,
      broken: { id: chain[1]!.id, field: "hash", stored: chain[1]!.hash },
    });
    expect(report!.broken!.expected).not.toBe(chain[1]!.hash);
    expect((await reportOf(untouched.community))?.broken).toBeNull();
    const { ok, lines } = await auditVerify(getDb());
    expect(ok).toBe(false);
    expect(lines).toContain(
      `area ${community}: BROKEN at entry id ${chain[1]!.id} (3 entries): hash expected ` +
        `${report!.broken!.expected}, stored ${chain[1]!.hash}`,
    );
  });

  it("npm run audit:verify exits 1 on a broken chain and names the entry", async () => {
    // The previous test left a broken chain in this file's database.
    const out = await promisify(execFile)("npx", ["tsx", "db/audit-verify.ts"], {
      env: process.env,
    }).then(
      () => ({ code: 0, stdout: "", stderr: "" }),
      (e: { code: number; stdout: string; stderr: string }) => e,
    );
    expect(out.code).toBe(1);
    expect(out.stdout).toMatch(/BROKEN at entry id \d+/);
    expect(out.stdout).toMatch(/: OK, 1 entry, latest hash [0-9a-f]{64}/);
  }, 60_000);

  it("shows the community's latest hash on its audit page", async () => {
    const { community, member, committee, memberships } = await communityWithRequests(2);
    const page = async () =>
      runRoute(
        auditLoader,
        new Request(`http://localhost/communities/${community}/audit`, {
          headers: { Cookie: await cookieFor(member) },
        }),
        { id: String(community) },
      );
    expect(await body(await page())).toMatchObject({ latestHash: null });
    for (const m of memberships) await run(decideMembership, committee, verify(m));
    const chain = await chainOf(community);
    const res = await page();
    expect(res.status).toBe(200);
    expect(await body(res)).toMatchObject({ latestHash: chain[1]!.hash });
  });
});

// Last: it takes the chain columns down and up again.
describe("the migration that chained the audit log", () => {
  const names = Object.keys(migrations);
  const before = names[names.indexOf("20261201_1600_audit_chain") - 1]!;

  it("chains the entries written before it, per area, in id order", async () => {
    const db = getDb();
    expect((await (await migrator(db)).migrateTo(before)).error).toBeUndefined();
    const [a, b] = [await makeCommunity(), await makeCommunity()];
    // Entries as the code before the migration wrote them, interleaved, one with no area.
    for (const [area, i] of [
      [a, 1],
      [b, 2],
      [null, 3],
      [a, 4],
      [b, 5],
      [a, 6],
    ] as const) {
      await sql`insert into audit_log (at, actor_id, action, area_id, subject_type, subject_id, details)
        values (${`2026-11-30T0${i}:00:00.000Z`}, ${null}, ${"membership.decide"}, ${area},
          ${"membership"}, ${i}, ${JSON.stringify({ n: i, text: '居民 "quoted"' })})`.execute(db);
    }
    await migrateToLatest(db);

    const reports = await verifyChains(db);
    expect(reports.filter((r) => r.broken !== null)).toEqual([]);
    expect(reports.find((r) => r.areaId === a)).toMatchObject({ entries: 3, broken: null });
    expect(reports.find((r) => r.areaId === b)).toMatchObject({ entries: 2, broken: null });
    expect((await auditVerify(db)).ok).toBe(true);
    const chainA = await chainOf(a);
    expect(chainA[0]!.prevHash).toBe(GENESIS);
    expect(reports.find((r) => r.areaId === a)!.latest).toBe(chainA[2]!.hash);
    // Still append-only, and a new entry continues the backfilled chain.
    await expect(db.updateTable("auditLog").set({ action: "changed" }).execute()).rejects.toThrow(
      /append-only/,
    );
    const { community, committee, memberships } = await communityWithRequests(1);
    await run(decideMembership, committee, verify(memberships[0]!));
    expect((await reportOf(community))?.broken).toBeNull();
  });
});
