import { describe, expect, it, vi } from "vitest";
import { makeCommunity, makeOpenPoll, makeUser } from "../tests/support/factories";
import { getDb, type DB } from "./client.server";
import { flushGathered, gathered, gatherIn } from "./gathered";
import { isPostgres, isUniqueViolation, transaction } from "./portable";

const participations = gathered("participations", ["pollId", "roundId", "userId", "channel", "at"]);
const ballots = gathered("ballots", ["pollId", "roundId", "receipt", "choices", "channel"]);

const at = "2026-12-04T10:00:00.000Z";
const participation = (pollId: number, userId: number) =>
  ({ pollId, roundId: null, userId, channel: "online", at }) as const;
const ballot = (pollId: number, n: number) =>
  ({
    pollId,
    roundId: null,
    receipt: `R-${pollId}-${n}`,
    choices: "[1]",
    channel: "online",
  }) as const;

const votersOf = (db: DB, pollId: number) =>
  db
    .selectFrom("participations")
    .select("userId")
    .where("pollId", "=", pollId)
    .orderBy("id")
    .execute()
    .then((rows) => rows.map((r) => r.userId));

const receiptsOf = (db: DB, pollId: number) =>
  db
    .selectFrom("ballots")
    .select("receipt")
    .where("pollId", "=", pollId)
    .execute()
    .then((rows) => rows.map((r) => r.receipt).sort());

describe(`gathered inserts (${isPostgres(getDb()) ? "PostgreSQL" : "SQLite"})`, () => {
  it("insert at once on a handle that does not gather", async () => {
    const { id: pollId } = await makeOpenPoll(await makeCommunity());
    const users = [await makeUser(), await makeUser()];
    await participations.add(getDb(), participation(pollId, users[0]!));
    expect(await votersOf(getDb(), pollId)).toEqual([users[0]]);
    await transaction(getDb(), async (trx) => {
      await participations.add(trx, participation(pollId, users[1]!));
      expect(await votersOf(trx, pollId)).toEqual(users);
    });
  });

  it("wait for the flush in a transaction that gathers, then go in in order, 64, 32, … rows a statement", async () => {
    const { id: pollId } = await makeOpenPoll(await makeCommunity());
    const users: number[] = [];
    for (let i = 0; i < 75; i++) users.push(await makeUser());
    let statements = 0;
    await transaction(getDb(), async (trx) => {
      gatherIn(trx);
      for (const [n, u] of users.entries()) {
        await ballots.add(trx, ballot(pollId, n));
        await participations.add(trx, participation(pollId, u));
      }
      expect(await votersOf(trx, pollId)).toEqual([]);
      expect(await receiptsOf(trx, pollId)).toEqual([]);
      const run = vi.spyOn(trx.getExecutor(), "executeQuery");
      await flushGathered(trx);
      statements = run.mock.calls.length;
      // Gathering goes on after a flush, and a flush with nothing kept writes nothing.
      await flushGathered(trx);
      expect(run.mock.calls.length).toBe(statements);
      expect(await votersOf(trx, pollId)).toEqual(users);
    });
    // 75 = 64 + 8 + 2 + 1, for each of the two inserts.
    expect(statements).toBe(8);
    expect(await votersOf(getDb(), pollId)).toEqual(users);
    expect(await receiptsOf(getDb(), pollId)).toEqual(
      users.map((_, n) => `R-${pollId}-${n}`).sort(),
    );
  });

  it("go in in a random order when shuffled, every row once", async () => {
    const shuffled = gathered("participations", ["pollId", "roundId", "userId", "channel", "at"], {
      shuffled: true,
    });
    const { id: pollId } = await makeOpenPoll(await makeCommunity());
    const users: number[] = [];
    for (let i = 0; i < 64; i++) users.push(await makeUser());
    await transaction(getDb(), async (trx) => {
      gatherIn(trx);
      for (const u of users) await shuffled.add(trx, participation(pollId, u));
      await flushGathered(trx);
    });
    // Ids follow the order written; in the order added, one chance in 64! (about 10^-89).
    const written = await votersOf(getDb(), pollId);
    expect(written).not.toEqual(users);
    expect([...written].sort((a, b) => a - b)).toEqual([...users].sort((a, b) => a - b));
  });

  it("are lost with their transaction when it rolls back, and a conflict fails the flush", async () => {
    const { id: pollId } = await makeOpenPoll(await makeCommunity());
    const user = await makeUser();
    await expect(
      transaction(getDb(), async (trx) => {
        gatherIn(trx);
        await participations.add(trx, participation(pollId, user));
        throw new Error("rolled back");
      }),
    ).rejects.toThrow("rolled back");
    expect(await votersOf(getDb(), pollId)).toEqual([]);
    await expect(
      transaction(getDb(), async (trx) => {
        gatherIn(trx);
        await participations.add(trx, participation(pollId, user));
        await participations.add(trx, participation(pollId, user)); // the same voter again
        await flushGathered(trx);
      }),
    ).rejects.toSatisfy(isUniqueViolation);
    expect(await votersOf(getDb(), pollId)).toEqual([]);
  });
});
