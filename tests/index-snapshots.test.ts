/**
 * 六和指数 snapshots: a small city (a district, two streets, three communities) computed for a
 * month by an admin and by the monthly job at fixed clocks; every figure kept, streets and the
 * city combined from the communities' stored figures; a correction supersedes, recomputing gives
 * the same figures; method versions published, never changed; every refusal writes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { databaseTarget, getDb, openDatabase } from "../db/client.server";
import type { z } from "zod";
import type { Action, Actor } from "~/domain/permissions/policy";
import {
  combineScore,
  DEFAULT_METHOD,
  DEFAULT_METHOD_NOTE,
  methodNodes,
} from "~/domain/index/method";
import { computeIndex, publishIndexMethod } from "~/services/index/commands.server";
import { indexMonthly } from "~/services/index/monthly.server";
import { snapshotRows } from "~/services/index/snapshots.server";
import { JOBS, runDueJobs } from "~/services/jobs.server";
import { actionsOf, declaredCommands, run, type Command } from "~/services/runner/command.server";
import { submit } from "~/services/runner/form.server";
import type { FormObject } from "~/domain/validation";
import {
  actorFor,
  makeArea,
  makeCommittee,
  makeCouncil,
  makeUser,
  wholeDbSnapshot,
} from "./support/factories";
import { refusal } from "./support/refusal";

const MONTH = "2026-10";
/** 10 November 2026, China time: October is over, November is not. */
const NOW = new Date("2026-11-10T02:00:00Z");
const NODES = methodNodes(DEFAULT_METHOD);
// A second connection to the same database, as a second process would have.
const other = openDatabase(databaseTarget());
afterAll(() => other.destroy());

let district: number;
let s1: number;
let s2: number;
let a: number;
let b: number;
let c: number;
let admin: Actor;
let committee: Actor;

/** A resident who asked to join on `requested` and was verified on `decided` (UTC instants). */
async function verified(communityId: number, requested: string, decided: string) {
  const userId = await makeUser();
  await getDb()
    .insertInto("memberships")
    .values({ userId, communityId, status: "verified", requestedAt: requested, decidedAt: decided })
    .execute();
}

async function meetingOn(communityId: number, startsAt: string) {
  const councilId = await makeCouncil(communityId, "圆桌会");
  await getDb()
    .insertInto("meetings")
    .values({
      councilId,
      topic: "楼道堆物",
      description: "楼道堆物的清理",
      startsAt,
      endsAt: new Date(Date.parse(startsAt) + 2 * 3_600_000).toISOString(),
      place: "议事厅",
      status: "published",
      createdBy: null,
      createdAt: startsAt,
      currentAgendaItemId: null,
      floorUserId: null,
      floorUntil: null,
    })
    .execute();
}

beforeAll(async () => {
  district = await makeArea("district", null, "idx-district");
  s1 = await makeArea("street", district, "idx-s1");
  s2 = await makeArea("street", district, "idx-s2");
  a = await makeArea("community", s1, "idx-a");
  b = await makeArea("community", s1, "idx-b");
  c = await makeArea("community", s2, "idx-c");
  await makeArea("grid", a);
  // A: three residents verified the day after asking; B: one, verified nine days after; C: none.
  for (let i = 0; i < 3; i++) await verified(a, "2026-10-01T02:00:00Z", "2026-10-02T02:00:00Z");
  await verified(b, "2026-10-01T02:00:00Z", "2026-10-10T02:00:00Z");
  // A round table of A in October, one of B in November (not October's).
  await meetingOn(a, "2026-10-15T06:00:00Z");
  await meetingOn(b, "2026-11-03T06:00:00Z");
  admin = await actorFor(await makeUser({ isAdmin: true }));
  const member = await makeUser();
  await makeCommittee(member, a);
  committee = await actorFor(member);
});

async function scoresOf(snapshotId: number) {
  return getDb()
    .selectFrom("indexScores")
    .select(["areaId", "node", "score", "value", "numerator", "denominator", "residents"])
    .where("snapshotId", "=", snapshotId)
    .orderBy("areaId")
    .orderBy("node")
    .execute();
}

async function snapshotsOf(month: string) {
  return getDb()
    .selectFrom("indexSnapshots")
    .selectAll()
    .where("month", "=", month)
    .orderBy("id")
    .execute();
}

/** A form sent to a command through the form adapter: its status and the refused field's key. */
async function sendForm<S extends z.ZodTypeAny, L, R, A extends Action, P>(
  cmd: Command<S, L, R, A, P>,
  actor: Actor,
  form: FormObject,
) {
  const res = await submit(cmd, actor, form, (r) => Response.json(r), { now: NOW });
  const body = (await res.json()) as { errors?: Record<string, { key: string; params?: object }> };
  return { status: res.status, body };
}

describe("computing a month", () => {
  let first: number;

  it("writes the default method as version 1, then the month's figures for every area", async () => {
    const r = await run(computeIndex, admin, { month: MONTH }, { now: NOW });
    first = r.snapshotId;
    const method = await getDb().selectFrom("indexMethods").selectAll().execute();
    expect(method).toEqual([
      {
        version: 1,
        tree: JSON.stringify(DEFAULT_METHOD),
        note: DEFAULT_METHOD_NOTE,
        publishedAt: NOW.toISOString(),
        publishedBy: null,
      },
    ]);
    expect(await snapshotsOf(MONTH)).toEqual([
      {
        id: first,
        month: MONTH,
        methodVersion: 1,
        computedAt: NOW.toISOString(),
        computedBy: admin.userId,
        reason: null,
        supersededBy: null,
      },
    ]);
    const rows = await scoresOf(first);
    // The city, the district, two streets, three communities; every node of the method.
    expect(rows).toHaveLength(7 * NODES.length);
    const at = (area: number | null, node: string) =>
      rows.find((x) => x.areaId === area && x.node === node)!;
    expect(at(a, "total").residents).toBe(3);
    expect(at(b, "total").residents).toBe(1);
    expect(at(c, "total").residents).toBe(0);
    expect(at(s1, "total").residents).toBe(4);
    expect(at(null, "total").residents).toBe(4);
    // A held a meeting and decided its requests in time; C had nothing to count.
    expect(at(a, "m:meetingsPer1000").value).not.toBeNull();
    expect(at(a, "m:membershipsDecided3Days")).toMatchObject({
      value: 1000,
      numerator: 3,
      denominator: 3,
    });
    expect(at(b, "m:membershipsDecided3Days")).toMatchObject({
      value: 0,
      numerator: 0,
      denominator: 1,
    });
    expect(at(c, "m:membershipsDecided3Days")).toMatchObject({ value: null, score: null });
    expect(at(a, "total").score).not.toBeNull();
    expect(rows.every((x) => x.score === null || (x.score >= 0 && x.score <= 10000))).toBe(true);
    // What is written is what the month's data gives.
    expect(rows).toEqual(
      expect.arrayContaining(
        (await snapshotRows(getDb(), MONTH, DEFAULT_METHOD)).map((x) => expect.objectContaining(x)),
      ),
    );
  });

  it("combines a street from its communities' stored figures, weighted by verified residents", async () => {
    const rows = await scoresOf(first);
    const at = (area: number | null, node: string) =>
      rows.find((x) => x.areaId === area && x.node === node)!;
    let withData = 0;
    for (const node of NODES) {
      const expected = combineScore([a, b].map((id) => at(id, node)));
      expect(at(s1, node).score, node).toBe(expected === null ? null : Math.round(expected));
      expect(at(s2, node).score, node).toBe(at(c, node).score);
      if (expected !== null) withData++;
    }
    expect(withData).toBeGreaterThan(5);
    // Shares of the street: the sums of its communities' counts (3 + 0 of 3 + 1).
    expect(at(s1, "m:membershipsDecided3Days")).toMatchObject({
      value: 750,
      numerator: 3,
      denominator: 4,
    });
    expect(at(null, "m:membershipsDecided3Days")).toMatchObject({
      value: 750,
      numerator: 3,
      denominator: 4,
    });
    // The city is its one district, which is its streets (C has no verified residents: no weight).
    for (const node of NODES) expect(at(null, node).score, node).toBe(at(district, node).score);
  });

  it("is audited: who computed which month under which method", async () => {
    const entry = await getDb()
      .selectFrom("auditLog")
      .selectAll()
      .where("action", "=", "index.compute")
      .executeTakeFirstOrThrow();
    expect(entry).toMatchObject({ actorId: admin.userId, areaId: null, subjectId: first });
    expect(JSON.parse(entry.details)).toMatchObject({
      month: MONTH,
      methodVersion: 1,
      supersedes: null,
    });
  });

  it("refuses a second computation without a reason, writing nothing", async () => {
    const before = await wholeDbSnapshot();
    const e = await refusal(run(computeIndex, admin, { month: MONTH }, { now: NOW }));
    expect(e).toMatchObject({ status: 400, key: "index:errors.reasonRequired", field: "reason" });
    expect(await wholeDbSnapshot()).toEqual(before);
  });

  it("recomputed on the same data, gives the same figures, kept as a correction that supersedes", async () => {
    const later = new Date(NOW.getTime() + 3_600_000);
    const r = await run(
      computeIndex,
      admin,
      { month: MONTH, reason: "核对会议记录后重算" },
      { now: later },
    );
    expect(r.supersedes).toBe(first);
    const [old, current] = await snapshotsOf(MONTH);
    expect(old).toMatchObject({ id: first, supersededBy: r.snapshotId, reason: null });
    expect(current).toMatchObject({
      id: r.snapshotId,
      supersededBy: null,
      reason: "核对会议记录后重算",
      computedAt: later.toISOString(),
    });
    // The old snapshot keeps its figures; the new one has the very same.
    expect(await scoresOf(r.snapshotId)).toEqual(await scoresOf(first));
    expect((await scoresOf(first)).length).toBe(7 * NODES.length);
  });

  it("after a change in the data, the correction has the new figures and the old keep theirs", async () => {
    await verified(c, "2026-10-20T02:00:00Z", "2026-10-21T02:00:00Z");
    const before = await snapshotsOf(MONTH);
    const kept = await scoresOf(before.at(-1)!.id);
    const r = await run(
      computeIndex,
      admin,
      { month: MONTH, reason: "补录一位居民的认证" },
      { now: NOW },
    );
    const now = await scoresOf(r.snapshotId);
    expect(now.find((x) => x.areaId === c && x.node === "total")!.residents).toBe(1);
    expect(now.find((x) => x.areaId === null && x.node === "total")!.residents).toBe(5);
    expect(await scoresOf(before.at(-1)!.id)).toEqual(kept);
    expect((await snapshotsOf(MONTH)).filter((s) => s.supersededBy === null)).toHaveLength(1);
  });
});

describe("refusals of the compute form, each writing nothing", () => {
  it.each([
    ["2026-13", "index:errors.badMonth"],
    ["2026-1", "index:errors.badMonth"],
    ["October", "index:errors.badMonth"],
    ["", "index:errors.badMonth"],
    ["1999-12", "index:errors.badMonth"],
  ])("an ill-formed or unknown month %j", async (month, key) => {
    const before = await wholeDbSnapshot();
    const { status, body } = await sendForm(computeIndex, admin, { month });
    expect(status).toBe(400);
    expect(body.errors?.month?.key).toBe(key);
    expect(await wholeDbSnapshot()).toEqual(before);
  });

  it.each([
    ["the current month", "2026-11"],
    ["a future month", "2027-03"],
  ])("%s, not yet over", async (_what, month) => {
    const before = await wholeDbSnapshot();
    const { status, body } = await sendForm(computeIndex, admin, { month });
    expect(status).toBe(400);
    expect(body.errors?.month).toEqual({ key: "index:errors.monthNotOver", params: { month } });
    expect(await wholeDbSnapshot()).toEqual(before);
  });

  it("an unknown method version, and one that is no number", async () => {
    const before = await wholeDbSnapshot();
    const unknown = await sendForm(computeIndex, admin, { month: "2026-09", methodVersion: "7" });
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors?.methodVersion).toEqual({
      key: "index:errors.unknownMethodVersion",
      params: { version: 7, latest: 1 },
    });
    const bad = await sendForm(computeIndex, admin, { month: "2026-09", methodVersion: "v2" });
    expect(bad.body.errors?.methodVersion?.key).toBe("index:errors.badMethodVersion");
    expect(await wholeDbSnapshot()).toEqual(before);
  });

  it("anyone but an admin, a committee member included", async () => {
    const before = await wholeDbSnapshot();
    const { status, body } = await sendForm(computeIndex, committee, { month: "2026-09" });
    expect(status).toBe(403);
    expect(body.errors?._form?.key).toBe("errors.forbidden");
    expect(await wholeDbSnapshot()).toEqual(before);
  });

  it("takes an empty method version and reason as not given", async () => {
    const { status, body } = await sendForm(computeIndex, admin, {
      month: "2026-09",
      methodVersion: "",
      reason: "",
    });
    expect(status).toBe(200);
    expect(body).toMatchObject({ month: "2026-09", methodVersion: 1, supersedes: null });
  });
});

/** The default method with one change, as the form's JSON text. */
function treeText(change: (t: typeof DEFAULT_METHOD) => void = () => {}) {
  const t = structuredClone(DEFAULT_METHOD);
  change(t);
  return JSON.stringify(t);
}

describe("publishing a method", () => {
  it.each([
    [
      "weights not summing to 1",
      treeText((t) => {
        t.dimensions[2]!.indicators[1]!.weight = 0.5;
      }),
      { key: "index:errors.weightsSum", params: { node: "d:professional", sum: 0.9 } },
    ],
    [
      "a measure not in the catalogue",
      treeText((t) => {
        t.dimensions[4]!.indicators[0]!.items[0]!.measures[0]!.measure =
          "crimeRate" as "recountableVotes";
      }),
      { key: "index:errors.unknownMeasure", params: { measure: "crimeRate" } },
    ],
    [
      "a missing dimension",
      JSON.stringify({ dimensions: DEFAULT_METHOD.dimensions.slice(0, 5) }),
      { key: "index:errors.missingDimension", params: { dimension: "cultural" } },
    ],
    ["text that is not JSON", "{dimensions: [", { key: "index:errors.treeNotJson" }],
    ["JSON of another shape", "[1, 2, 3]", { key: "index:errors.treeShape" }],
  ])("refuses %s, writing nothing", async (_what, tree, error) => {
    const before = await wholeDbSnapshot();
    const { status, body } = await sendForm(publishIndexMethod, admin, { tree, note: "调整权重" });
    expect(status).toBe(400);
    expect(body.errors?.tree).toEqual(error);
    expect(await wholeDbSnapshot()).toEqual(before);
  });

  it("refuses anyone but an admin", async () => {
    const before = await wholeDbSnapshot();
    const { status } = await sendForm(publishIndexMethod, committee, {
      tree: treeText(),
      note: "调整权重",
    });
    expect(status).toBe(403);
    expect(await wholeDbSnapshot()).toEqual(before);
  });

  it("publishes the next version, audited, and computes a month under it on request", async () => {
    const tree = treeText((t) => {
      t.dimensions[0]!.indicators[0]!.weight = 0.5;
      t.dimensions[0]!.indicators[1]!.weight = 0.5;
    });
    const { status, body } = await sendForm(publishIndexMethod, admin, {
      tree,
      note: "议事引领与居委会服务同权",
      version: "2",
    });
    expect(status).toBe(200);
    expect(body).toEqual({ version: 2 });
    const row = await getDb()
      .selectFrom("indexMethods")
      .selectAll()
      .where("version", "=", 2)
      .executeTakeFirstOrThrow();
    expect(JSON.parse(row.tree)).toEqual(JSON.parse(tree));
    expect(row).toMatchObject({ note: "议事引领与居委会服务同权", publishedBy: admin.userId });
    const audit = await getDb()
      .selectFrom("auditLog")
      .selectAll()
      .where("action", "=", "index.publishMethod")
      .executeTakeFirstOrThrow();
    expect(audit).toMatchObject({ subjectId: 2, areaId: null, actorId: admin.userId });

    const r = await run(computeIndex, admin, { month: "2026-08" }, { now: NOW });
    expect(r.methodVersion).toBe(2);
    const old = await run(
      computeIndex,
      admin,
      { month: "2026-07", methodVersion: 1 },
      { now: NOW },
    );
    expect(old.methodVersion).toBe(1);
  });

  it("never changes a published version: naming one is refused, and nothing edits one", async () => {
    const before = await wholeDbSnapshot();
    for (const version of [1, 2]) {
      const e = await refusal(
        run(publishIndexMethod, admin, {
          tree: structuredClone(DEFAULT_METHOD),
          note: "改写已发布的版本",
          version,
        }),
      );
      expect(e).toMatchObject({
        status: 409,
        key: "index:errors.versionPublished",
        params: { version, next: 3 },
        field: "version",
      });
    }
    const skip = await refusal(
      run(publishIndexMethod, admin, { tree: DEFAULT_METHOD, note: "跳号", version: 9 }),
    );
    expect(skip.key).toBe("index:errors.versionNotNext");
    expect(await wholeDbSnapshot()).toEqual(before);
    // The only commands on methods and snapshots: computing a month and publishing a new version.
    const indexActions = declaredCommands()
      .flatMap(actionsOf)
      .filter((x) => x.startsWith("index."));
    expect(indexActions.sort()).toEqual(["index.compute", "index.publishMethod"]);
  });
});

describe("the monthly job", () => {
  it("is registered with the other timed jobs", () => {
    expect(JOBS["index.monthly"]).toBeDefined();
  });

  it("computes the month that ended, once, from the 1st in China time", async () => {
    // 30 November, 23:30 in China: November is not over; October has its snapshots already.
    const before = await wholeDbSnapshot();
    expect(await indexMonthly(getDb(), new Date("2026-11-30T15:30:00Z"))).toEqual({
      month: "2026-10",
      snapshotId: null,
    });
    expect(await wholeDbSnapshot()).toEqual(before);
    // 1 December, 00:30 in China (still 30 November in UTC): November is over.
    const first = new Date("2026-11-30T16:30:00Z");
    const done = await indexMonthly(getDb(), first);
    expect(done.month).toBe("2026-11");
    const [snap, ...more] = await snapshotsOf("2026-11");
    expect(more).toEqual([]);
    expect(snap).toMatchObject({
      id: done.snapshotId,
      methodVersion: 2,
      computedBy: null,
      reason: null,
      computedAt: first.toISOString(),
    });
    expect((await scoresOf(snap!.id)).length).toBe(7 * NODES.length);
    // Later the same day, or the next: nothing more.
    const again = await indexMonthly(getDb(), new Date("2026-12-02T01:00:00Z"));
    expect(again).toEqual({ month: "2026-11", snapshotId: null });
    expect(await snapshotsOf("2026-11")).toHaveLength(1);
  });

  it("runs once across processes through the job table", async () => {
    await getDb().deleteFrom("jobs").execute();
    const at = new Date("2027-01-01T00:10:00Z"); // 1 January 2027, 08:10 in China
    const [x, y] = await Promise.all([
      runDueJobs(getDb(), "process-x", at),
      runDueJobs(other, "process-y", at),
    ]);
    expect([...x, ...y].filter((n) => n === "index.monthly")).toEqual(["index.monthly"]);
    expect(await snapshotsOf("2026-12")).toHaveLength(1);
    // Its next turn, an hour on: December has its snapshot, so nothing is added.
    await runDueJobs(getDb(), "process-x", new Date(at.getTime() + 3_600_000));
    expect(await snapshotsOf("2026-12")).toHaveLength(1);
  });
});
