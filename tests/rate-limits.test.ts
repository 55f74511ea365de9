/**
 * Everyday writes a script could repeat are limited per person, in the database (the policy's
 * `rate`, counted by the command runner): comments here; every limited action alike.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { policy, type Action, type ActionPolicy, type Actor } from "~/domain/permissions/policy";
import { commentSchema } from "~/domain/projects/schemas";
import { addComment } from "~/services/projects/participation.server";
import { run } from "~/services/runner/command.server";
import { countWithin, LONGEST_WINDOW_MS } from "~/services/runner/limits.server";
import { getDb } from "../db/client.server";
import { transaction } from "../db/portable";
import { dbSnapshot, makeCommunity, makeProject, makeResident } from "./support/factories";
import { refusal } from "./support/refusal";

const LIMIT = (policy["project.comment"] as ActionPolicy).rate!;
let project: number;
let resident: Actor;
let neighbour: Actor;

beforeEach(async () => {
  const community = await makeCommunity();
  project = await makeProject(community, { status: "accepted" });
  resident = await makeResident(community);
  neighbour = await makeResident(community);
});

afterEach(() => vi.useRealTimers());

const comment = (who: Actor, n: number) =>
  run(addComment, who, { id: project, ...commentSchema.parse({ body: `第${n}条意见` }) });

/** Comments a quarter-minute apart: under the burst pacing (COMMENTS_PER_MINUTE), not the window. */
let clock = 0;
const later = () => vi.setSystemTime((clock += 15_000));

describe("limits on everyday writes", () => {
  it("refuses a person's comment past the limit with when to try again, writing nothing; others go on", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    clock = Date.now();
    for (let i = 0; i < LIMIT.max; i++) {
      later();
      await comment(resident, i);
    }
    later();
    const before = await dbSnapshot();
    const e = await refusal(comment(resident, 99));
    expect([e.status, e.key]).toEqual([429, "errors.rateLimited"]);
    expect(Number(e.params.minutes)).toBeGreaterThan(0);
    expect(Number(e.params.minutes)).toBeLessThanOrEqual(LIMIT.windowMinutes);
    expect(await dbSnapshot()).toEqual(before);
    await comment(neighbour, 1);
    // Once the window is over, the person may go on.
    vi.setSystemTime(clock + LIMIT.windowMinutes * 60_000);
    await comment(resident, 100);
  });

  it("holds when the writes come at once, in separate transactions", async () => {
    const limit = { max: 10, windowMs: 60_000 };
    const now = new Date();
    const tries = await Promise.allSettled(
      Array.from({ length: 25 }, () =>
        transaction(getDb(), (trx) =>
          countWithin(trx, "test:at-once", limit, now, "errors.rateLimited"),
        ),
      ),
    );
    expect(tries.filter((t) => t.status === "fulfilled")).toHaveLength(limit.max);
    for (const t of tries.filter((t) => t.status === "rejected"))
      expect((t.reason as { key: string }).key).toBe("errors.rateLimited");
  });

  it("covers the everyday writes, each with a window the purge keeps", () => {
    const limited = (Object.entries(policy) as Array<[Action, ActionPolicy]>).filter(
      ([, p]) => p.rate,
    );
    expect(limited.map(([a]) => a).sort()).toEqual(
      [
        "meeting.rsvp",
        "membership.request",
        "need.meToo",
        "need.report",
        "notice.follow",
        "organisation.apply",
        "project.comment",
        "project.flagComment",
        "project.propose",
        "project.rate",
        "project.support",
        "room.flag",
        "statement.submit",
        "statement.vote",
      ].sort(),
    );
    for (const [, p] of limited) {
      expect(p.rate!.max).toBeGreaterThan(0);
      expect(p.rate!.windowMinutes * 60_000).toBeLessThanOrEqual(LONGEST_WINDOW_MS);
    }
  });
});
