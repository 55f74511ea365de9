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
import fs from "node:fs";
import {
  closeSelfContained,
  demoDatabase,
  insertResidents,
  settleJobs,
  type Resident,
} from "../support/prepare";

export interface Prepared {
  communityId: number;
  pollId: number;
  optionIds: number[];
  roundId: number;
  budget: number;
  projects: Array<{ id: number; cost: number }>;
  voters: Resident[];
  /** The residents who had voted before the benchmark: ids from `firstUserId`, `count` of them. */
  prefilled: { count: number; firstUserId: number | null };
}

const [dbPath, out, votersArg, prefillArg] = process.argv.slice(2);
if (!dbPath || !out) throw new Error("usage: prepare.ts DB_PATH OUT_JSON VOTERS [PREFILL]");
const voterCount = Number(votersArg ?? 20000);
const prefillCount = Number(prefillArg ?? 0);

const db = await demoDatabase(dbPath);

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

  const voters = await insertResidents(trx, {
    communityId,
    count: voterCount,
    username: (i) => `ballots${i}`,
    displayName: (i) => `投票人${i}`,
    at: iso,
    sessionsUntil: new Date(now.getTime() + 30 * 86_400_000).toISOString(),
  });

  const earlier = await insertResidents(trx, {
    communityId,
    count: prefillCount,
    username: (i) => `earlier${i}`,
    displayName: (i) => `已投票${i}`,
    at: iso,
  });
  const CHUNK = 400;
  for (let start = 0; start < earlier.length; start += CHUNK) {
    const chunk = earlier.slice(start, start + CHUNK);
    for (const [column, subject] of [
      ["pollId", pollId],
      ["roundId", roundId],
    ] as const) {
      const none = { pollId: null, roundId: null };
      await trx
        .insertInto("participations")
        .values(
          chunk.map(({ userId }) => ({
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
          chunk.map((_, k) => ({
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
    prefilled: { count: prefillCount, firstUserId: earlier[0]?.userId ?? null },
  } satisfies Prepared;
});
await settleJobs(db);
// One self-contained file, copied afresh for every measured run.
await closeSelfContained(db);
fs.writeFileSync(out, JSON.stringify(prepared));
console.log(
  `prepared ${voterCount} verified residents (and ${prefillCount} who had voted), poll ${prepared.pollId} (4 options), round ${prepared.roundId} (10 projects) in ${dbPath}`,
);
