/**
 * Prepares a database for the 民情 (needs) benchmark: the demo city (migrations and the demo seed,
 * as bench/ballots does), an Open311 key issued to the channel `bench311` through the
 * `issueIntakeKey` command (as an admin would on the keys page), and NEEDS needs in one street
 * (湖滨街道, `hubin`) inserted directly in bulk — a fixture, not the loop: no command runs for them,
 * no audit rows (the boards read none). Their search rows are then written as a server's startup
 * writes those a database lacks (`reindexMissing`), here once: otherwise every measured server,
 * on its fresh copy, indexed 100,000 needs as it started (seconds of CPU and 100 MB of peak RSS
 * that were not the boards'); and so is the timed work on them (raising the overdue, closing the
 * unanswered, the notices), which every measured server otherwise did while it was measured.
 * They are spread over the street's
 * communities and grids, the eight categories, the ten statuses (most closed, as an old street's
 * are), a year of dates and the intensities of "me too"; each reported on the web or at the
 * service window has its reporter's need_residents row, and each need its "report" step. Writes
 * what the load and the checks need to a JSON file.
 *
 *   tsx bench/needs/prepare.ts DB_PATH OUT_JSON NEEDS
 */
import fs from "node:fs";
import type { Insertable } from "kysely";
import type { NeedsTable } from "../../db/schema";
import { seedKit } from "../../db/seed-kit";
import { NEED_CATEGORIES, isPrivateByDefault } from "../../app/domain/needs/categories";
import { issueIntakeKey } from "../../app/services/needs/intake.server";
import { reindexMissing } from "../../app/services/search.server";
import { needsTick } from "../../app/services/needs/timed.server";
import { deliverPending, deliveriesSettled } from "../../app/services/notices/delivery.server";
import { demoDatabase } from "../support/prepare";

export interface Prepared {
  key: string;
  channel: string;
  streetId: number;
  communityId: number;
  gridCodes: string[];
  needs: number;
  /** Seconds the bulk insert took. */
  insertSeconds: number;
  /** Writing their search rows (`reindexMissing`). */
  indexSeconds: number;
  /** The timed work on them (`needsTick`) and its notices. */
  settleSeconds: number;
}

const [dbPath, out, needsArg] = process.argv.slice(2);
if (!dbPath || !out) throw new Error("usage: prepare.ts DB_PATH OUT_JSON NEEDS");
const NEEDS = Number(needsArg ?? 100_000);
const CHANNEL = "bench311";

const db = await demoDatabase(dbPath);

const issued = await seedKit(db).run(issueIntakeKey, "admin", new Date(), {
  channel: CHANNEL,
  label: "Benchmark channel",
});

const street = await db
  .selectFrom("areas")
  .select("id")
  .where("code", "=", "hubin")
  .executeTakeFirstOrThrow();
const grids = await db
  .selectFrom("areas as grid")
  .innerJoin("areas as community", "community.id", "grid.parentId")
  .select(["grid.id", "grid.code", "grid.parentId as communityId"])
  .where("grid.level", "=", "grid")
  .where("community.parentId", "=", street.id)
  .orderBy("grid.id")
  .execute();
if (grids.length === 0) throw new Error("no grids in hubin");
const communityIds = [...new Set(grids.map((g) => g.communityId!))];
const units = await db
  .selectFrom("needUnits")
  .select("id")
  .where("streetId", "=", street.id)
  .execute();
// Reporters: the verified residents of the street's communities, else any user.
const residents = await db
  .selectFrom("memberships")
  .select(["userId", "communityId"])
  .where("status", "=", "verified")
  .where("communityId", "in", communityIds)
  .execute();
const anyUsers = (await db.selectFrom("users").select("id").execute()).map((u) => u.id);
const residentsOf = new Map<number, number[]>();
for (const r of residents)
  residentsOf.set(r.communityId, [...(residentsOf.get(r.communityId) ?? []), r.userId]);

// A fixed generator, so every run prepares the same rows.
let seed = 20261202;
const rand = () => {
  seed = (seed * 1664525 + 1013904223) >>> 0;
  return seed / 2 ** 32;
};
const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)]!;
const weighted = <T extends string>(w: Array<[T, number]>): T => {
  let x = rand() * w.reduce((s, [, n]) => s + n, 0);
  for (const [v, n] of w) if ((x -= n) < 0) return v;
  return w[0]![0];
};
type Status =
  | "reported"
  | "accepted"
  | "escalated"
  | "dispatched"
  | "returnedToRoom"
  | "resolved"
  | "checked"
  | "closed"
  | "merged"
  | "notForPlatform";
const STATUS_WEIGHTS: Array<[Status, number]> = [
  ["closed", 62],
  ["checked", 4],
  ["resolved", 5],
  ["dispatched", 9],
  ["accepted", 5],
  ["reported", 5],
  ["escalated", 3],
  ["returnedToRoom", 2],
  ["merged", 3],
  ["notForPlatform", 2],
];
const DONE = new Set<Status>(["closed", "merged", "notForPlatform"]);
const WITH_UNIT = new Set<Status>(["dispatched", "resolved", "checked", "closed"]);
const TEXTS = [
  "3幢楼道灯坏了一个多月，晚上上下楼很危险。",
  "小区东门垃圾桶满了没人清运，气味很大。",
  "路边共享单车乱停，挡住了盲道。",
  "楼上漏水到我家天花板，物业一直没来处理。",
  "独居老人家里的煤气灶打不着火，需要有人上门看看。",
  "晚上广场舞音响太吵，影响休息。",
  "人行道地砖松动，下雨天踩上去溅水。",
  "消防通道被私家车长期占用。",
];

const now = Date.now();
const DAY = 86_400_000;
const started = performance.now();
const CHUNK = 500;
await db.transaction().execute(async (trx) => {
  for (let done = 0; done < NEEDS; done += CHUNK) {
    const rows: Array<Insertable<NeedsTable> & { reporterId: number; createdAt: string }> = [];
    const n = Math.min(CHUNK, NEEDS - done);
    for (let i = 0; i < n; i++) {
      const grid = pick(grids);
      const category = pick(NEED_CATEGORIES);
      const status = weighted(STATUS_WEIGHTS);
      // A year of needs, more of them recent; open ones mostly from the last weeks.
      const age = DONE.has(status) ? rand() ** 1.5 * 365 * DAY : rand() ** 2 * 60 * DAY;
      const created = new Date(now - age);
      const channel = weighted([
        ["web", 80],
        ["window", 20],
      ]);
      const reporters = residentsOf.get(grid.communityId!) ?? anyUsers;
      const open = !DONE.has(status) && status !== "checked";
      const deadline = open ? new Date(created.getTime() + (2 + rand() * 10) * DAY) : null;
      const closedAt = DONE.has(status) ? new Date(created.getTime() + rand() * 20 * DAY) : null;
      const intensity = 1 + Math.floor(rand() ** 4 * 30);
      rows.push({
        streetId: street.id,
        communityId: grid.communityId!,
        gridId: grid.id,
        category,
        place: `${pick(["1", "3", "5", "8", "12"])}幢附近`,
        description: pick(TEXTS),
        photo: null,
        mediaUrl: null,
        isPublic: isPrivateByDefault(category) ? 0 : 1,
        urgent: rand() < 0.05 ? 1 : 0,
        reporterId: pick(reporters),
        channel,
        channelRef: null,
        status,
        unitId: WITH_UNIT.has(status) && units.length ? pick(units).id : null,
        deadlineAt: deadline?.toISOString() ?? null,
        raised: deadline && deadline.getTime() < now ? (rand() < 0.3 ? 2 : 1) : 0,
        dispatched: WITH_UNIT.has(status) ? 1 : 0,
        intensity,
        checkedAt: status === "closed" || status === "checked" ? closedAt?.toISOString() : null,
        closedAt: closedAt?.toISOString() ?? null,
        answer:
          status === "closed"
            ? weighted<"satisfied" | "partly" | "notSatisfied" | "none">([
                ["satisfied", 70],
                ["partly", 15],
                ["notSatisfied", 5],
                ["none", 10],
              ])
            : null,
        createdAt: created.toISOString(),
        updatedAt: (closedAt ?? created).toISOString(),
      });
    }
    const ids = await trx.insertInto("needs").values(rows).returning("id").execute();
    await trx
      .insertInto("needResidents")
      .values(
        ids.map(({ id }, i) => ({
          needId: id,
          userId: rows[i]!.reporterId,
          kind: "reporter" as const,
          joinedAt: rows[i]!.createdAt,
        })),
      )
      .execute();
    await trx
      .insertInto("needSteps")
      .values(
        ids.map(({ id }, i) => ({
          needId: id,
          step: "report",
          role: "reporter",
          actorId: rows[i]!.reporterId,
          fromStatus: null,
          toStatus: "reported" as const,
          at: rows[i]!.createdAt,
        })),
      )
      .execute();
  }
});
const insertSeconds = Math.round((performance.now() - started) / 100) / 10;
const indexing = performance.now();
await reindexMissing(db);
const indexSeconds = Math.round((performance.now() - indexing) / 100) / 10;
// The timed work that this backlog asks for (raising the overdue needs, closing those nobody
// answered, and the notices that say so), done once here as a server's first minute would do it:
// otherwise every measured server did it again on its fresh copy while it was being measured.
const settling = performance.now();
await needsTick(db, new Date());
await deliveriesSettled();
await deliverPending(db, new Date(), Number.MAX_SAFE_INTEGER);
const settleSeconds = Math.round((performance.now() - settling) / 100) / 10;
await db.destroy();

const prepared: Prepared = {
  key: issued.key,
  channel: CHANNEL,
  streetId: street.id,
  communityId: communityIds[0]!,
  gridCodes: grids.map((g) => g.code),
  needs: NEEDS,
  insertSeconds,
  indexSeconds,
  settleSeconds,
};
fs.writeFileSync(out, JSON.stringify(prepared));
