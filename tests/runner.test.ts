/**
 * The command runner's own promises, on a real database: the order of its steps, that a refusal
 * anywhere writes nothing and announces nothing, and that what the policy asks (audit entries,
 * assisted-action records, a signed-in person) is done without the command asking for it.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { getDb } from "../db/client.server";
import { DomainError } from "~/domain/errors";
import { ANONYMOUS, type Actor } from "~/domain/permissions/policy";
import { onEvent, type DomainEvent } from "~/services/events.server";
import { command, run, runIn } from "~/services/runner/command.server";
import { parseInput, submit } from "~/services/runner/form.server";
import {
  actorFor,
  assistedBy,
  makeCommittee,
  makeCommunity,
  makeResident,
  makeUser,
  wholeDbSnapshot,
} from "./support/factories";

let community: number;
let committee: Actor;
let resident: Actor;

beforeAll(async () => {
  community = await makeCommunity();
  const member = await makeUser();
  await makeCommittee(member, community);
  committee = await actorFor(member);
  resident = await makeResident(community);
});

/** A small audited command: sets the community's support threshold, refusing on demand. */
const setThreshold = command({
  action: "community.settings",
  input: z.object({
    communityId: z.coerce.number(),
    threshold: z.coerce.number(),
    fail: z.string().optional(),
  }),
  load: async ({ trx, input }) => {
    const area = await trx
      .selectFrom("areas")
      .select("id")
      .where("id", "=", input.communityId)
      .executeTakeFirst();
    if (!area) throw new DomainError(404, "errors.notFound");
    return area;
  },
  target: (area) => ({ communityId: area.id }),
  run: async ({ trx, input, at, emit }) => {
    await trx
      .insertInto("communitySettings")
      .values({ communityId: input.communityId, supportThreshold: input.threshold, updatedAt: at })
      .onConflict((oc) =>
        oc.column("communityId").doUpdateSet({ supportThreshold: input.threshold }),
      )
      .execute();
    emit({ type: "committee.changed", communityId: input.communityId });
    // After the write, so that a refusal here proves the write is rolled back.
    if (input.fail) throw new DomainError(409, input.fail);
    return input.threshold;
  },
  audit: ({ input }) => ({
    areaId: input.communityId,
    subjectType: "community",
    subjectId: input.communityId,
    details: { supportThreshold: input.threshold },
  }),
});

function collectEvents() {
  const seen: DomainEvent[] = [];
  const stop = onEvent((e) => seen.push(e));
  return { seen, stop };
}

const refusalOf = (p: Promise<unknown>) =>
  p.then(
    () => {
      throw new Error("expected a refusal");
    },
    (e: unknown) => e as DomainError,
  );

describe("the command runner", () => {
  it("writes, audits with the given clock, and emits after the commit", async () => {
    const { seen, stop } = collectEvents();
    const now = new Date("2026-11-30T02:00:00.000Z");
    const result = await run(
      setThreshold,
      committee,
      { communityId: community, threshold: 7 },
      { now },
    );
    stop();
    expect(result).toBe(7);
    const audit = await getDb()
      .selectFrom("auditLog")
      .selectAll()
      .where("action", "=", "community.settings")
      .orderBy("id", "desc")
      .executeTakeFirstOrThrow();
    expect(audit).toMatchObject({
      at: now.toISOString(),
      actorId: committee.userId,
      areaId: community,
      subjectType: "community",
      subjectId: community,
    });
    expect(JSON.parse(audit.details)).toEqual({ supportThreshold: 7 });
    expect(seen).toEqual([{ type: "committee.changed", communityId: community }]);
  });

  it("writes nothing and announces nothing when the command refuses after writing", async () => {
    const before = await wholeDbSnapshot();
    const { seen, stop } = collectEvents();
    const e = await refusalOf(
      run(setThreshold, committee, {
        communityId: community,
        threshold: 9,
        fail: "errors.conflict",
      }),
    );
    stop();
    expect(e).toMatchObject({ status: 409, key: "errors.conflict" });
    expect(seen).toEqual([]);
    expect(await wholeDbSnapshot()).toEqual(before);
  });

  it("loads before it authorises: a missing target is 404 for anyone, a stranger gets 403, nobody 401", async () => {
    const before = await wholeDbSnapshot();
    expect(
      await refusalOf(run(setThreshold, ANONYMOUS, { communityId: 999_999, threshold: 1 })),
    ).toMatchObject({
      status: 404,
    });
    expect(
      await refusalOf(run(setThreshold, resident, { communityId: community, threshold: 1 })),
    ).toMatchObject({
      status: 403,
      key: "errors.forbidden",
    });
    expect(
      await refusalOf(run(setThreshold, ANONYMOUS, { communityId: community, threshold: 1 })),
    ).toMatchObject({
      status: 401,
      key: "errors.signInRequired",
    });
    expect(await wholeDbSnapshot()).toEqual(before);
  });

  it("hands after-commit work the database the command ran on, the app's by default", async () => {
    const seen: unknown[] = [];
    const later = command({
      action: "community.view",
      input: z.object({}),
      run: async ({ afterCommit }) => afterCommit((db) => void seen.push(db)),
    });
    await run(later, ANONYMOUS, {});
    // A seed or a benchmark runs commands on a database of its own: its after-commit work (the
    // opinion map's recompute) must go there, not to the app's.
    const own = getDb().withPlugin({
      transformQuery: (a) => a.node,
      transformResult: async (a) => a.result,
    });
    await run(later, ANONYMOUS, {}, { db: own });
    // By identity: two Kysely handles look alike to a deep comparison.
    expect(seen).toHaveLength(2);
    expect(seen[0]).toBe(getDb());
    expect(seen[1]).toBe(own);
    // So must the work of a command another one runs inside its transaction (`runIn(ctx.trx, …)`).
    const outer = command({
      action: "community.view",
      input: z.object({}),
      run: async ({ trx, afterCommit }) => {
        const inner = await runIn(trx, later, ANONYMOUS, {});
        afterCommit(() => inner.commit());
      },
    });
    seen.length = 0;
    await run(outer, ANONYMOUS, {}, { db: own });
    expect(seen).toHaveLength(1);
    expect(seen[0]).toBe(own);
  });

  it("refuses to declare an audited action without its audit entry", () => {
    expect(() =>
      command({ action: "community.settings", input: z.object({}), run: async () => undefined }),
    ).toThrow(/audited/);
  });

  it("records the assisted action when a helper acts for the resident, and only then", async () => {
    const subjectOf = command({
      action: "project.support",
      input: z.object({}),
      target: () => ({ communityId: community }),
      run: async () => 1,
      subject: () => ({ type: "community", id: community }),
    });
    const count = async () =>
      Number(
        (
          await getDb()
            .selectFrom("assistedActions")
            .select((eb) => eb.fn.countAll().as("n"))
            .executeTakeFirstOrThrow()
        ).n,
      );
    const n0 = await count();
    await run(subjectOf, resident, {});
    expect(await count()).toBe(n0);
    // A sitting row must exist for the record's foreign key.
    const assisted = await assistedBy(resident, committee.userId!, community, "s-runner-test");
    const sittingId = assisted.assistedBy!.sittingId;
    await run(subjectOf, assisted, {});
    const rows = await getDb()
      .selectFrom("assistedActions")
      .selectAll()
      .where("sittingId", "=", sittingId)
      .execute();
    expect(rows).toMatchObject([
      { action: "project.support", subjectType: "community", subjectId: community },
    ]);
  });
});

describe("the form adapter", () => {
  it("answers a malformed form with field errors and what was typed, running nothing", async () => {
    const before = await wholeDbSnapshot();
    const parsed = parseInput(
      setThreshold.input,
      { threshold: "many" },
      { params: { communityId: community } },
    );
    expect(parsed.ok).toBe(false);
    const res = await submit(
      setThreshold,
      committee,
      { threshold: "many" },
      () => new Response("done"),
      {
        params: { communityId: community },
      },
    );
    expect(res.status).toBe(400);
    const body = (await res.json()) as {
      errors: Record<string, unknown>;
      values: Record<string, string>;
    };
    expect(Object.keys(body.errors)).toEqual(["threshold"]);
    expect(body.values).toEqual({ threshold: "many" });
    expect(await wholeDbSnapshot()).toEqual(before);
  });

  it("lets the address's ids win over the form's, and answers a refusal as the form's", async () => {
    const res = await submit(
      setThreshold,
      resident,
      { communityId: "1", threshold: "3" },
      () => new Response("done"),
      { params: { communityId: community } },
    );
    expect(res.status).toBe(403);
    const body = (await res.json()) as { errors: Record<string, { key: string }> };
    expect(body.errors._form?.key).toBe("errors.forbidden");
    const ok = await submit(
      setThreshold,
      committee,
      { communityId: "1", threshold: "4" },
      (r, input) => Response.json({ r, input }),
      { params: { communityId: community } },
    );
    expect(await ok.json()).toEqual({ r: 4, input: { communityId: community, threshold: 4 } });
  });
});
