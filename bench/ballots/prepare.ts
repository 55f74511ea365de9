/**
 * Prepares a database for the ballots benchmark: the demo city, plus in one community VOTERS
 * verified residents (each with a session), one open single-choice poll with four options, and one
 * open budget round over ten accepted projects whose budget fits about four of them. Everything is
 * inserted directly, in bulk. Writes what the load generator needs to a JSON file.
 *
 * PREFILL (default 0): that many residents have voted in both before the benchmark starts (their
 * participations and ballots, receipts `PREFILL-…`), as in the last hour of a city-wide round,
 * where what a ballot costs must not grow with the ballots already cast.
 *
 *   tsx bench/ballots/prepare.ts DB_PATH OUT_JSON VOTERS [PREFILL]
 */
import { createHash, randomBytes } from "node:crypto";
import fs from "node:fs";
import { sql } from "kysely";
import { openDatabase } from "../../db/client.server";
import { migrateToLatest } from "../../db/migrator";
import { seedDemoData } from "../../db/seed";

export interface Prepared {
  communityId: number;
  pollId: number;
  optionIds: number[];
  roundId: number;
  budget: number;
  projects: Array<{ id: number; cost: number }>;
  voters: Array<{ userId: number; token: string }>;
  /** The residents who had voted before the benchmark: ids from `firstUserId`, `count` of them. */
  prefilled: { count: number; firstUserId: number | null };
}

const [dbPath, out, votersArg, prefillArg] = process.argv.slice(2);
if (!dbPath || !out) throw new Error("usage: prepare.ts DB_PATH OUT_JSON VOTERS [PREFILL]");
const voterCount = Number(votersArg ?? 20000);
const prefillCount = Number(prefillArg ?? 0);

for (const suffix of ["", "-wal", "-shm"]) fs.rmSync(dbPath + suffix, { force: true });
const db = openDatabase(dbPath);
await migrateToLatest(db);
await seedDemoData(db);

const now = new Date();
const iso = now.toISOString();
const opensAt = new Date(now.getTime() - 3_600_000).toISOString();
const closesAt = new Date(now.getTime() + 7 * 86_400_000).toISOString();
const { id: communityId } = await db
  .selectFrom("areas")
  .select("id")
  .where("code", "=", "wensan")
  .executeTakeFirstOrThrow();

// Costs in whole yuan: 490,000 in all; a budget of 200,000 fits about four of them.
const COSTS = [30_000, 45_000, 60_000, 25_000, 80_000, 50_000, 35_000, 70_000, 40_000, 55_000];
const BUDGET = 200_000;
const CHUNK = 400;

const prepared = await db.transaction().execute(async (trx) => {
  const { id: pollId } = await trx
    .insertInto("polls")
    .values({
      communityId,
      meetingId: null,
      question: "Which evening should the community hall stay open late?",
      description: "bench",
      method: "single",
      maxChoices: 1,
      electorate: "residents",
      results: "live",
      opensAt,
      closesAt,
      createdBy: null,
      createdAt: iso,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  await trx
    .insertInto("pollOptions")
    .values(
      ["Tuesday", "Wednesday", "Thursday", "Friday"].map((label, position) => ({
        pollId,
        position,
        code: null,
        label,
      })),
    )
    .execute();
  const optionIds = (
    await trx
      .selectFrom("pollOptions")
      .select("id")
      .where("pollId", "=", pollId)
      .orderBy("position")
      .execute()
  ).map((r) => r.id);

  const projects: Array<{ id: number; cost: number }> = [];
  for (const [i, cost] of COSTS.entries()) {
    const { id } = await trx
      .insertInto("projects")
      .values({
        communityId,
        gridId: null,
        organisationId: null,
        proposerId: null,
        title: `Bench project ${i + 1}`,
        summary: "bench",
        description: "bench",
        category: "communityService",
        beneficiaries: "residents",
        startsOn: "2027-01-01",
        endsOn: "2027-12-31",
        budgetTotal: cost,
        status: "accepted",
        statusReason: null,
        photo: null,
        createdAt: iso,
        updatedAt: iso,
        submittedAt: iso,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    projects.push({ id, cost });
  }
  const { id: roundId } = await trx
    .insertInto("budgetRounds")
    .values({
      communityId,
      title: "Bench budget round",
      description: "bench",
      budget: BUDGET,
      method: "greedy",
      minProjects: 1,
      maxProjects: null,
      opensAt,
      closesAt,
      talliedAt: null,
      spent: null,
      createdBy: null,
      createdAt: iso,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  await trx
    .insertInto("roundProjects")
    .values(
      projects.map((p, position) => ({
        roundId,
        projectId: p.id,
        position,
        cost: p.cost,
        approvals: null,
        selected: null,
      })),
    )
    .execute();

  const voters: Array<{ userId: number; token: string }> = [];
  const expiresAt = new Date(now.getTime() + 30 * 86_400_000).toISOString();
  for (let start = 0; start < voterCount; start += CHUNK) {
    const n = Math.min(CHUNK, voterCount - start);
    const names = Array.from({ length: n }, (_, k) => `ballots${start + k}`);
    await trx
      .insertInto("users")
      .values(
        names.map((username, k) => ({
          displayName: `投票人${start + k}`,
          username,
          phone: null,
          passwordHash: "!",
          consentVersion: "bench",
          consentedAt: iso,
          createdAt: iso,
        })),
      )
      .execute();
    const users = await trx
      .selectFrom("users")
      .select(["id", "username"])
      .where("username", "in", names)
      .execute();
    const idOf = new Map(users.map((u) => [u.username, u.id]));
    const batch = names.map((name) => ({
      userId: idOf.get(name)!,
      token: randomBytes(32).toString("base64url"),
    }));
    await trx
      .insertInto("memberships")
      .values(
        batch.map((v) => ({
          userId: v.userId,
          communityId,
          status: "verified" as const,
          requestedAt: iso,
          decidedAt: iso,
        })),
      )
      .execute();
    // The same shape as accounts/sessions.server's openSession, written in bulk.
    await trx
      .insertInto("sessions")
      .values(
        batch.map((v) => ({
          id: createHash("sha256").update(v.token).digest("hex"),
          userId: v.userId,
          createdAt: iso,
          expiresAt,
          lastSeenAt: iso,
          userAgent: "bench",
        })),
      )
      .execute();
    voters.push(...batch);
  }

  let firstUserId: number | null = null;
  for (let start = 0; start < prefillCount; start += CHUNK) {
    const n = Math.min(CHUNK, prefillCount - start);
    const names = Array.from({ length: n }, (_, k) => `earlier${start + k}`);
    const users = await trx
      .insertInto("users")
      .values(
        names.map((username, k) => ({
          displayName: `已投票${start + k}`,
          username,
          phone: null,
          passwordHash: "!",
          consentVersion: "bench",
          consentedAt: iso,
          createdAt: iso,
        })),
      )
      .returning("id")
      .execute();
    firstUserId ??= users[0]!.id;
    for (const [column, subject] of [
      ["pollId", pollId],
      ["roundId", roundId],
    ] as const) {
      const none = { pollId: null, roundId: null };
      await trx
        .insertInto("participations")
        .values(
          users.map(({ id: userId }) => ({
            ...none,
            [column]: subject,
            userId,
            channel: "online" as const,
            boxed: 0,
            enteredBy: null,
            confirmedBy: null,
            confirmedAt: null,
            at: iso,
          })),
        )
        .execute();
      await trx
        .insertInto("ballots")
        .values(
          users.map((_, k) => ({
            ...none,
            [column]: subject,
            receipt: `PREFILL-${column}-${start + k}`,
            choices: JSON.stringify(
              column === "pollId"
                ? [optionIds[(start + k) % optionIds.length]!]
                : [projects[(start + k) % projects.length]!.id],
            ),
            channel: "online" as const,
          })),
        )
        .execute();
    }
  }
  return {
    communityId,
    pollId,
    optionIds,
    roundId,
    budget: BUDGET,
    projects,
    voters,
    prefilled: { count: prefillCount, firstUserId },
  } satisfies Prepared;
});
// One self-contained file, copied afresh for every measured run.
await sql`pragma wal_checkpoint(truncate)`.execute(db);
await db.destroy();
fs.writeFileSync(out, JSON.stringify(prepared));
console.log(
  `prepared ${voterCount} verified residents (and ${prefillCount} who had voted), poll ${prepared.pollId} (4 options), round ${prepared.roundId} (10 projects) in ${dbPath}`,
);
