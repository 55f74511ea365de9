/**
 * Prepares a database for the opinion-votes benchmark: the demo city, plus in 文三路社区 (wensan)
 * one open conversation (意见征集) of its council with STATEMENTS accepted statements, VOTERS
 * verified residents with a session each (the load's voters), and PRIOR earlier votes by other
 * residents, so that the map recomputed during the run is the map of a conversation already under
 * way rather than of an empty one. Writes what the load generator needs to a JSON file.
 *
 * What goes through the commands and what is inserted directly:
 *   - the conversation and its statements go through the app's commands (createConversation as
 *     the community's chair, with SEEDS_MAX seed statements; submitStatement by residents for the
 *     rest, premoderation off so that each is accepted at once): they are what the votes are
 *     checked against (window, statement accepted), and the commands write the opinion_maps row
 *     and the search index as the site does;
 *   - the thousands of residents, their memberships and sessions, and the earlier votes are
 *     inserted in bulk, as bench/ballots/prepare.ts does: signing up and verifying each through
 *     the commands would hash a password per person and take minutes, and none of it is what the
 *     benchmark measures.
 * The map is computed once at the end (as the recompute would), so the run starts from a computed,
 * fresh map and every computation seen during the run is one the votes caused.
 *
 *   tsx bench/opinion-votes/prepare.ts DB_PATH OUT_JSON VOTERS STATEMENTS PRIOR
 */
import fs from "node:fs";
import { closeDb } from "../../db/client.server";
import { seedKit } from "../../db/seed-kit";
import { SEEDS_MAX } from "../../app/domain/conversations/rules";
import {
  createConversation,
  submitStatement,
} from "../../app/services/conversations/commands.server";
import {
  mapChanged,
  recomputeMap,
  scheduleMaps,
  storedMap,
} from "../../app/services/conversations/map.server";
import {
  closeSelfContained,
  demoDatabase,
  insertResidents,
  type Resident,
} from "../support/prepare";
import { leaningVote } from "./lean";

export interface Prepared {
  communityId: number;
  conversationId: number;
  statementIds: number[];
  /** The load's voters; none of them has voted before the run. */
  voters: Resident[];
  /** Votes already there when the run starts (by other residents). */
  priorVotes: number;
}

const [dbPath, out, votersArg, statementsArg, priorArg] = process.argv.slice(2);
if (!dbPath || !out) throw new Error("usage: prepare.ts DB_PATH OUT_JSON VOTERS STATEMENTS PRIOR");
const voterCount = Number(votersArg ?? 4000);
const statementCount = Number(statementsArg ?? 300);
const priorCount = Number(priorArg ?? 20000);
/** Earlier participants answer about this many statements each (the prior votes' shape). */
const PRIOR_PER_PERSON = 30;
const CHUNK = 400;

const db = await demoDatabase(dbPath);
// The map is computed below, on this database: a vote's timer would compute it on the app's.
scheduleMaps(false);

const now = new Date();
const iso = now.toISOString();
const kit = seedKit(db, now.getTime());
const communityId = await kit.areaId("wensan");
const { id: councilId } = await db
  .selectFrom("councils")
  .select("id")
  .where("areaId", "=", communityId)
  .orderBy("id")
  .executeTakeFirstOrThrow();
// The community's chair: a committee member, who may put a question to its council.
const { username: chair } = await db
  .selectFrom("committeeMembers")
  .innerJoin("users", "users.id", "committeeMembers.userId")
  .select("users.username")
  .where("committeeMembers.communityId", "=", communityId)
  .where("committeeMembers.endedAt", "is", null)
  .orderBy("committeeMembers.userId")
  .executeTakeFirstOrThrow();
if (!chair) throw new Error("the chair of wensan has no login");

/** Inserts `n` verified residents named `prefix0…`; with sessions when asked. */
const residents = (prefix: string, n: number, withSessions: boolean) =>
  db.transaction().execute((trx) =>
    insertResidents(trx, {
      communityId,
      count: n,
      username: (i) => `${prefix}${i}`,
      displayName: (i) => `居民${prefix}${i}`,
      at: iso,
      sessionsUntil: withSessions
        ? new Date(now.getTime() + 30 * 86_400_000).toISOString()
        : undefined,
    }),
  );

const voters = await residents("opvoter", voterCount, true);
const priorPeople = Math.ceil(priorCount / PRIOR_PER_PERSON);
const earlier = await residents("opprior", priorPeople, false);

// The conversation, through the commands: the chair puts it with as many seeds as a form takes,
// and residents write the rest (accepted at once: premoderation is off).
const { conversationId } = await kit.run(createConversation, chair, now, {
  councilId,
  meetingId: null,
  question: "文三路社区明年的公共空间改造，先做什么？",
  description: "bench",
  opensAt: new Date(now.getTime() - 3_600_000).toISOString(),
  closesAt: new Date(now.getTime() + 7 * 86_400_000).toISOString(),
  eligibility: "residents",
  premoderation: false,
  seeds: Array.from(
    { length: Math.min(SEEDS_MAX, statementCount) },
    (_, i) => `基准观点 ${i + 1}：第 ${i + 1} 号改造建议应优先安排`,
  ),
});
// Written by the earlier participants (or, with none, by the load's voters: writing is not voting).
const authors = earlier.length
  ? earlier.map((_, i) => `opprior${i}`)
  : voters.map((_, i) => `opvoter${i}`);
for (let i = SEEDS_MAX; i < statementCount; i++) {
  await kit.run(submitStatement, authors[i % authors.length]!, now, {
    conversationId,
    body: `基准观点 ${i + 1}：居民提出的第 ${i + 1} 号改造建议`,
  });
}
const statementIds = (
  await db
    .selectFrom("statements")
    .select("id")
    .where("conversationId", "=", conversationId)
    .where("status", "=", "accepted")
    .orderBy("id")
    .execute()
).map((s) => s.id);
if (statementIds.length !== statementCount)
  throw new Error(`expected ${statementCount} accepted statements, found ${statementIds.length}`);

// Earlier votes, in bulk: each earlier participant answers PRIOR_PER_PERSON statements along one
// of three leanings (bench/opinion-votes/lean.ts), so that the map has groups to find.
let priorVotes = 0;
await db.transaction().execute(async (trx) => {
  const rows: Array<{
    conversationId: number;
    statementId: number;
    userId: number;
    vote: number;
    votedAt: string;
  }> = [];
  for (const [p, person] of earlier.entries()) {
    for (let k = 0; k < PRIOR_PER_PERSON && priorVotes + rows.length < priorCount; k++) {
      // A different statement each time: a stride through the list from a per-person start.
      const statementId = statementIds[(p * 7 + k * 11) % statementIds.length]!;
      rows.push({
        conversationId,
        statementId,
        userId: person.userId,
        vote: leaningVote(person.userId, statementId, Math.random()),
        votedAt: iso,
      });
    }
    if (rows.length >= CHUNK * 2 || p === earlier.length - 1) {
      await trx.insertInto("statementVotes").values(rows).execute();
      priorVotes += rows.length;
      rows.length = 0;
    }
  }
});

// The map of what is there, as the recompute would make it: the run starts from a fresh map.
await mapChanged(conversationId, db);
const outcome = await recomputeMap(conversationId, { db });
const map = await storedMap(conversationId, db);
if (outcome !== "computed" || !map) throw new Error(`the first map was not computed (${outcome})`);

// One self-contained file, copied afresh for every measured run. The process-wide handle (the
// demo seed's votes used it: run.ts points it at this file) is closed first.
await closeDb();
await closeSelfContained(db);
const prepared: Prepared = { communityId, conversationId, statementIds, voters, priorVotes };
fs.writeFileSync(out, JSON.stringify(prepared));
console.log(
  `prepared conversation ${conversationId} (${statementIds.length} accepted statements, ${priorVotes} earlier votes, map ${map.map.status}), ${voterCount} verified residents with sessions, in ${dbPath}`,
);
