/**
 * The opinion map on a worker thread (app/services/conversations/opinion-worker.ts): the built
 * worker (build/start/opinion-worker.mjs, from `npm run build`) gives the same map as computing
 * in-process, and a worker that cannot start costs nothing but a log line: the map is computed
 * in-process instead.
 */
import fs from "node:fs";
import path from "node:path";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { getDb } from "../db/client.server";
import { run } from "~/services/runner/command.server";
import { createConversation, voteStatement } from "~/services/conversations/commands.server";
import {
  mapChanged,
  recomputeMap,
  scheduleMaps,
  storedMap,
} from "~/services/conversations/map.server";
import { makeCommitteeMember, makeCommunity, makeMeeting, makeResident } from "./support/factories";

const BUILT = path.resolve("build/start/opinion-worker.mjs");
const HOUR = 3_600_000;
let conversationId: number;
let clock = Date.now() + HOUR;

beforeAll(async () => {
  scheduleMaps(false);
  const here = await makeCommunity("w");
  const committee = await makeCommitteeMember(here);
  const { councilId } = await makeMeeting(here, { status: "scheduled" });
  ({ conversationId } = await run(createConversation, committee, {
    councilId,
    meetingId: null,
    question: "工作线程算得一样吗？",
    description: "",
    opensAt: new Date(Date.now() - HOUR).toISOString(),
    closesAt: new Date(Date.now() + HOUR).toISOString(),
    eligibility: "residents",
    premoderation: false,
    seeds: Array.from({ length: 8 }, (_, j) => `观点${j}`),
  }));
  const ids = (
    await getDb()
      .selectFrom("statements")
      .select("id")
      .where("conversationId", "=", conversationId)
      .orderBy("id")
      .execute()
  ).map((s) => s.id);
  for (let i = 0; i < 10; i++) {
    const who = await makeResident(here);
    for (const [j, statementId] of ids.entries()) {
      const agree = i < 5 === j < 4;
      await run(voteStatement, who, {
        conversationId,
        statementId,
        vote: agree ? "agree" : "disagree",
      });
    }
  }
});

afterEach(() => {
  delete process.env.LIUHE_OPINION_WORKER;
  vi.restoreAllMocks();
});

/** A fresh computation of the map, as it comes out. */
async function computeAgain() {
  clock += HOUR;
  await mapChanged(conversationId);
  expect(await recomputeMap(conversationId, { now: new Date(clock) })).toBe("computed");
  return (await storedMap(conversationId))!.map;
}

describe("the opinion map's worker thread", () => {
  it("falls back to computing in-process when the worker cannot start", async () => {
    const inProcess = await computeAgain();
    const logged = vi.spyOn(console, "error").mockImplementation(() => undefined);
    process.env.LIUHE_OPINION_WORKER = path.resolve("build/no-such-worker.mjs");
    expect(await computeAgain()).toEqual(inProcess);
    expect(logged).toHaveBeenCalled();
  });

  it.skipIf(!fs.existsSync(BUILT))(
    "computes the same map as in-process (needs npm run build)",
    async () => {
      const inProcess = await computeAgain();
      expect(inProcess.status).toBe("ok");
      const logged = vi.spyOn(console, "error");
      process.env.LIUHE_OPINION_WORKER = BUILT;
      expect(await computeAgain()).toEqual(inProcess);
      // Not the fallback's doing: the worker answered.
      expect(logged).not.toHaveBeenCalled();
    },
  );
});
