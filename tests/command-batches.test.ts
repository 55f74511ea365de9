/**
 * Group commit (services/runner/command.server.ts, `runBatched`): calls of a batched command that
 * arrive together share one transaction on SQLite. Each call's answer and what it writes must be
 * as if it had run alone: refusals write nothing and hold nobody up, a database failure fails the
 * batch, and every caller hears back only after the commit.
 */
import { sql } from "kysely";
import { afterEach, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { getDb } from "../db/client.server";
import { isPostgres } from "../db/portable";
import { DomainError } from "~/domain/errors";
import { command, run } from "~/services/runner/command.server";
import { RELEASE_STEP_BALLOTS } from "~/domain/voting/rules";
import { votePoll } from "~/services/voting/ballots.server";
import { makeCommunity, makeOpenPoll, makeResident } from "./support/factories";

const sqlite = !isPostgres(getDb());

afterEach(() => vi.restoreAllMocks());

/** How many transactions `work` began. */
async function transactionsOf(work: () => Promise<unknown>) {
  const spy = vi.spyOn(getDb(), "transaction");
  await work();
  return spy.mock.calls.length;
}

async function countsOf(pollId: number) {
  const db = getDb();
  const n = (table: "ballots" | "participations") =>
    db
      .selectFrom(table)
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("pollId", "=", pollId)
      .executeTakeFirstOrThrow()
      .then((r) => Number(r.n));
  return { ballots: await n("ballots"), participations: await n("participations") };
}

describe("ballots cast at once", () => {
  it("are each stored once, in one transaction, each voter answered with a receipt", async () => {
    const community = await makeCommunity();
    const poll = await makeOpenPoll(community);
    const voters = await Promise.all(Array.from({ length: 30 }, () => makeResident(community)));
    let receipts: string[] = [];
    const transactions = await transactionsOf(async () => {
      receipts = await Promise.all(
        voters.map((v) => run(votePoll, v, { id: poll.id, choice: [poll.option] })),
      );
    });
    expect(new Set(receipts).size).toBe(30);
    expect(await countsOf(poll.id)).toEqual({ ballots: 30, participations: 30 });
    expect(transactions).toBe(1);
  });

  it("release a live poll's first step as ballot by ballot would: at the tenth ballot", async () => {
    const community = await makeCommunity();
    const poll = await makeOpenPoll(community); // results shown live, in steps
    const voters = await Promise.all(Array.from({ length: 30 }, () => makeResident(community)));
    await Promise.all(voters.map((v) => run(votePoll, v, { id: poll.id, choice: [poll.option] })));
    const release = await getDb()
      .selectFrom("pollReleases")
      .select("ballots")
      .where("pollId", "=", poll.id)
      .executeTakeFirstOrThrow();
    // The thirty share one transaction: once the tenth released the step, the later ones see it
    // released, as they would have one by one, and neither count nor release again.
    expect(release.ballots).toBe(RELEASE_STEP_BALLOTS);
  });

  it("refuse each refused ballot as alone, writing nothing for it, and store the others", async () => {
    const community = await makeCommunity();
    const poll = await makeOpenPoll(community);
    const [early, ...voters] = await Promise.all(
      Array.from({ length: 6 }, () => makeResident(community)),
    );
    await run(votePoll, early!, { id: poll.id, choice: [poll.option] });
    const outsider = await makeResident(await makeCommunity("elsewhere"));
    const outcomes = await Promise.allSettled([
      run(votePoll, voters[0]!, { id: poll.id, choice: [poll.option] }),
      run(votePoll, early!, { id: poll.id, choice: [poll.option] }),
      run(votePoll, voters[1]!, { id: poll.id, choice: [poll.option + 1000] }),
      run(votePoll, voters[2]!, { id: poll.id, choice: [poll.option] }),
      run(votePoll, outsider, { id: poll.id, choice: [poll.option] }),
      run(votePoll, voters[3]!, { id: poll.id + 1000, choice: [poll.option] }),
      run(votePoll, voters[4]!, { id: poll.id, choice: [poll.option] }),
    ]);
    const keys = outcomes.map((o) =>
      o.status === "fulfilled" ? "stored" : (o.reason as DomainError).key,
    );
    expect(keys).toEqual([
      "stored",
      "vote:errors.alreadyVoted",
      keys[2],
      "stored",
      "errors.forbidden",
      "vote:errors.pollNotFound",
      "stored",
    ]);
    expect(keys[2]).toMatch(/^vote:errors\./);
    expect(await countsOf(poll.id)).toEqual({ ballots: 4, participations: 4 });
  });

  it("take one ballot from a voter who sends two at once: the first, the second refused", async () => {
    const community = await makeCommunity();
    const poll = await makeOpenPoll(community);
    const [twice, other] = await Promise.all([makeResident(community), makeResident(community)]);
    const outcomes = await Promise.allSettled([
      run(votePoll, twice, { id: poll.id, choice: [poll.option] }),
      run(votePoll, other, { id: poll.id, choice: [poll.option] }),
      run(votePoll, twice, { id: poll.id, choice: [poll.option] }),
    ]);
    const keys = outcomes.map((o) =>
      o.status === "fulfilled" ? "stored" : (o.reason as DomainError).key,
    );
    // In one batch, in the order sent.
    expect(keys).toEqual(["stored", "stored", "vote:errors.alreadyVoted"]);
    expect(await countsOf(poll.id)).toEqual({ ballots: 2, participations: 2 });
  });
});

// A command that writes a row, then refuses when told to, or fails in the database.
const row = z.object({ n: z.number().int(), then: z.enum(["keep", "refuse", "fail"]) });
const writesThenDecides = command({
  action: "poll.vote",
  input: row,
  batch: { key: () => "all" },
  // The actor's own community: the policy lets a verified resident vote there.
  target: (_loaded, _input, actor) => ({ communityId: actor.verifiedIn[0] }),
  run: async ({ trx, input }) => {
    await sql`insert into t_batch (n) values (${input.n})`.execute(trx);
    if (input.then === "refuse") throw new DomainError(409, "errors.conflict");
    if (input.then === "fail") await sql`insert into no_such_table values (1)`.execute(trx);
    return input.n;
  },
});

// Failed by the database in every try of a batch (`together` is given to a batch's load only),
// as PostgreSQL aborts one of two transactions that conflict (40001) or refuses a row another
// transaction inserted meanwhile (23505); alone, it writes its row.
const failedInBatches = (code: "40001" | "23505") =>
  command({
    action: "poll.vote",
    input: row,
    batch: { key: () => "all" },
    load: async ({ together }) => together !== undefined,
    target: (_loaded, _input, actor) => ({ communityId: actor.verifiedIn[0] }),
    run: async ({ trx, input, loaded: inBatch }) => {
      if (inBatch) throw Object.assign(new Error(`failed in a batch (${code})`), { code });
      await sql`insert into t_batch (n) values (${input.n})`.execute(trx);
      return input.n;
    },
  });
const abortedInBatches = failedInBatches("40001");
const conflictingInBatches = failedInBatches("23505");

describe("a batch", () => {
  const voter = async () => makeResident(await makeCommunity());
  const fresh = async () => {
    await sql`create table if not exists t_batch (n integer)`.execute(getDb());
    await sql`delete from t_batch`.execute(getDb());
  };
  const stored = async () =>
    (await sql<{ n: number }>`select n from t_batch order by n`.execute(getDb())).rows.map(
      (r) => r.n,
    );

  it("undoes what a refused call wrote before refusing, and keeps the others'", async () => {
    await fresh();
    const actor = await voter();
    const results = await Promise.allSettled(
      [1, 2, 3, 4].map((n) =>
        run(writesThenDecides, actor, { n, then: n % 2 === 0 ? "refuse" : "keep" }),
      ),
    );
    expect(results.map((r) => r.status)).toEqual([
      "fulfilled",
      "rejected",
      "fulfilled",
      "rejected",
    ]);
    expect(await stored()).toEqual([1, 3]);
  });

  it("fails every call of a batch that the database fails, and writes nothing", async () => {
    await fresh();
    const actor = await voter();
    const transactions = await transactionsOf(async () => {
      const results = await Promise.allSettled(
        [1, 2, 3].map((n) => run(writesThenDecides, actor, { n, then: n === 2 ? "fail" : "keep" })),
      );
      expect(results.map((r) => r.status)).toEqual(["rejected", "rejected", "rejected"]);
      expect((results[0] as PromiseRejectedResult).reason).not.toBeInstanceOf(DomainError);
    });
    expect(transactions).toBe(1);
    expect(await stored()).toEqual([]);
  });

  // PostgreSQL tries an aborted batch three times (SQLite, which aborts nothing, gives way at
  // once); a batch refused a gathered row gives way at once. Then one transaction for each call.
  it.each([
    ["that the database keeps aborting", abortedInBatches, sqlite ? 1 : 3],
    ["whose gathered rows met another process's", conflictingInBatches, 1],
  ] as const)("%s gives way: each call runs alone and is answered", async (_, cmd, tries) => {
    await fresh();
    const actor = await voter();
    let results: PromiseSettledResult<number>[] = [];
    const transactions = await transactionsOf(async () => {
      results = await Promise.allSettled(
        [1, 2, 3].map((n) => run(cmd, actor, { n, then: "keep" })),
      );
    });
    expect(results).toEqual([1, 2, 3].map((n) => ({ status: "fulfilled", value: n })));
    expect(await stored()).toEqual([1, 2, 3]);
    expect(transactions).toBe(tries + 3);
  });
});

describe("a batched command", () => {
  it("cannot be rate-limited: a refusal would keep its count", () => {
    expect(() =>
      command({
        action: "statement.vote",
        input: row,
        batch: { key: () => "all" },
        run: async () => 0,
      }),
    ).toThrow(/rate-limited/);
  });
});
