/**
 * The opinion map of a conversation (issue 18, item 4): recomputed as votes arrive, off the
 * request path, at most once every RECOMPUTE_EVERY_MS per conversation, by one process at a time.
 *
 * How the pieces fit:
 *   - A vote or a moderation commits, then `mapChanged` bumps `opinion_maps.version` (after the
 *     commit, outside the vote's transaction: on PostgreSQL every vote of a conversation writing
 *     one row inside its serializable transaction would abort the others) and schedules a
 *     recompute in this process.
 *   - `recomputeMap` claims the row with one conditional update (stale, not claimed by anyone
 *     whose lease still runs, not computed within RECOMPUTE_EVERY_MS): of two processes, or two
 *     timers, exactly one gets the row; the others return at once. The holder reads the version,
 *     then the votes, computes, and stores the map with the version it read: a vote that arrived
 *     meanwhile has bumped the version again, so the map stays stale and is computed once more.
 *   - The jobs' minute tick (`recomputeStaleMaps`, app/services/jobs.server.ts) catches up what no
 *     timer did: a process that stopped after a commit, a map that was too soon to compute.
 *
 * The computation is CPU work (measured here: about 0.4 s for a synthetic 2,000 people × 900
 * statements): the production server runs it on a worker thread (./opinion-worker.ts), so requests
 * and live rooms go on meanwhile. Elsewhere (development, tests, seeds), or if the worker fails, it
 * runs in this process after `setImmediate` (the request that voted has been answered by then).
 *
 * What is stored for showing (`result`) holds no participant: each point is x, y and group only,
 * sorted by place, so neither ids nor the order of voting can be read from it. Who was in which
 * group (`assignments`) is kept apart, only so the next computation keeps the groups' numbers,
 * and for the anonymised export's group column; it is never shown.
 */
import crypto from "node:crypto";
import os from "node:os";
import { Worker } from "node:worker_threads";
import type { DB } from "../../../db/client.server";
import { getDb } from "../../../db/client.server";
import { emitEvent } from "../events.server";
import {
  computeOpinionMap,
  type OpinionMap,
  type OpinionVote,
  type PreviousAssignment,
} from "~/domain/opinion";

/** The least time between two computations of one conversation's map. */
export const RECOMPUTE_EVERY_MS = 5_000;
/** How long a claim holds: a process that died mid-computation frees the row after this. */
const LEASE_MS = 2 * 60_000;

/** The map as stored and shown: the contract's OpinionMap without anyone's id. */
export type StoredMap = Omit<OpinionMap, "points"> & {
  points: { x: number; y: number; group: number }[];
};

export type RecomputeOutcome = "computed" | "fresh" | "busy" | "tooSoon" | "none";

const processName = `${os.hostname()}:${process.pid}:${crypto.randomBytes(3).toString("hex")}`;

/** Shown points: rounded (the 5th decimal says nothing on a chart), without ids, in place order. */
export function shownMap(map: OpinionMap): StoredMap {
  const round = (v: number) => Math.round(v * 1e4) / 1e4;
  const points = map.points
    .map((p) => ({ x: round(p.x), y: round(p.y), group: p.group }))
    .sort((a, b) => a.group - b.group || a.x - b.x || a.y - b.y);
  return { ...map, points };
}

/** The stored map of a conversation, or null before the first computation. */
export async function storedMap(
  conversationId: number,
  db: DB = getDb(),
): Promise<{ map: StoredMap; computedAt: string; stale: boolean } | null> {
  const row = await db
    .selectFrom("opinionMaps")
    .select(["result", "computedAt", "version", "computedVersion"])
    .where("conversationId", "=", conversationId)
    .executeTakeFirst();
  if (!row?.result || !row.computedAt) return null;
  return {
    map: JSON.parse(row.result) as StoredMap,
    computedAt: row.computedAt,
    stale: row.version > row.computedVersion,
  };
}

/** Who was in which group in the last map (user ids): for the export's group column only. */
export async function storedAssignments(
  conversationId: number,
  db: DB = getDb(),
): Promise<Map<number, number>> {
  const row = await db
    .selectFrom("opinionMaps")
    .select("assignments")
    .where("conversationId", "=", conversationId)
    .executeTakeFirst();
  const list = row?.assignments ? (JSON.parse(row.assignments) as PreviousAssignment[]) : [];
  return new Map(list.map((a) => [a.participant, a.group]));
}

/**
 * Computes and stores the map if it is stale and this caller wins the claim; says what happened.
 * `now` is the clock of the claim and of `computedAt` (tests pass one).
 */
export async function recomputeMap(
  conversationId: number,
  opts: { db?: DB; now?: Date; owner?: string } = {},
): Promise<RecomputeOutcome> {
  const db = opts.db ?? getDb();
  const now = opts.now ?? new Date();
  const owner = opts.owner ?? processName;
  const at = now.toISOString();
  const claimed = await db
    .updateTable("opinionMaps")
    .set({ claimedBy: owner, claimedUntil: new Date(now.getTime() + LEASE_MS).toISOString() })
    .where("conversationId", "=", conversationId)
    .whereRef("version", ">", "computedVersion")
    .where((eb) => eb.or([eb("claimedUntil", "is", null), eb("claimedUntil", "<=", at)]))
    .where((eb) =>
      eb.or([
        eb("computedAt", "is", null),
        eb("computedAt", "<=", new Date(now.getTime() - RECOMPUTE_EVERY_MS).toISOString()),
      ]),
    )
    .executeTakeFirst();
  if (claimed.numUpdatedRows === 0n) return whyNot(db, conversationId, at);
  try {
    // The version first, the votes after: anything counted in a later version is in the data.
    const { version, assignments } = await db
      .selectFrom("opinionMaps")
      .select(["version", "assignments"])
      .where("conversationId", "=", conversationId)
      .executeTakeFirstOrThrow();
    const { votes, statements } = await mapInputs(db, conversationId);
    const previous = assignments ? (JSON.parse(assignments) as PreviousAssignment[]) : null;
    const map = await compute(votes, statements, previous);
    const kept: PreviousAssignment[] = map.points.map((p) => ({
      participant: p.participant,
      group: p.group,
    }));
    const stored = await db
      .updateTable("opinionMaps")
      .set({
        result: JSON.stringify(shownMap(map)),
        // A tooFew map has no groups: the last groups stay for when there are enough again.
        ...(map.status === "ok" && { assignments: JSON.stringify(kept) }),
        computedAt: at,
        computedVersion: version,
        votesSeen: votes.length,
        claimedBy: null,
        claimedUntil: null,
      })
      .where("conversationId", "=", conversationId)
      .where("claimedBy", "=", owner)
      .executeTakeFirst();
    if (stored.numUpdatedRows === 0n) return "busy"; // the lease ran out and another took it
    const place = await db
      .selectFrom("conversations")
      .innerJoin("councils", "councils.id", "conversations.councilId")
      .select("councils.areaId")
      .where("conversations.id", "=", conversationId)
      .executeTakeFirst();
    if (place) {
      emitEvent({ type: "conversation.changed", communityId: place.areaId, conversationId });
    }
    return "computed";
  } catch (e) {
    // Let another try at once rather than after the lease.
    await db
      .updateTable("opinionMaps")
      .set({ claimedBy: null, claimedUntil: null })
      .where("conversationId", "=", conversationId)
      .where("claimedBy", "=", owner)
      .execute();
    throw e;
  }
}

// ---------------------------------------------------------------- where the CPU work runs

type Votes = { participant: number; statement: number; vote: OpinionVote }[];

/** On the worker thread when the server has one, else here after the current turn. */
async function compute(
  votes: Votes,
  statements: number[],
  previous: PreviousAssignment[] | null,
): Promise<OpinionMap> {
  const script = process.env.LIUHE_OPINION_WORKER;
  if (script) {
    try {
      return await inWorker(script, votes, statements, previous);
    } catch (e) {
      console.error("opinion map worker failed; computing in-process:", e);
    }
  }
  // Off the request path: whatever scheduled this has answered its request before the CPU work.
  await new Promise<void>((resolve) => setImmediate(resolve));
  return computeOpinionMap(votes, statements, { previous });
}

const w = globalThis as unknown as {
  __liuheOpinionWorker?: { worker: Worker; next: number; waiting: Map<number, Waiting> };
};
interface Waiting {
  resolve: (map: OpinionMap) => void;
  reject: (e: Error) => void;
}

/** One worker per process, started on first use; one that exits is replaced on the next. */
function opinionWorker(script: string) {
  if (w.__liuheOpinionWorker) return w.__liuheOpinionWorker;
  const worker = new Worker(script);
  const state = { worker, next: 1, waiting: new Map<number, Waiting>() };
  const failAll = (e: Error) => {
    for (const p of state.waiting.values()) p.reject(e);
    state.waiting.clear();
    if (w.__liuheOpinionWorker === state) w.__liuheOpinionWorker = undefined;
  };
  worker.on("message", (m: { id: number; map?: OpinionMap; error?: string }) => {
    const p = state.waiting.get(m.id);
    state.waiting.delete(m.id);
    if (state.waiting.size === 0) worker.unref();
    if (!p) return;
    if (m.map) p.resolve(m.map);
    else p.reject(new Error(m.error ?? "opinion worker: no map"));
  });
  worker.on("error", failAll);
  worker.on("exit", (code) => failAll(new Error(`opinion worker exited (${code})`)));
  // A worker waiting for work keeps no process alive; one at work does (see `inWorker`).
  worker.unref();
  w.__liuheOpinionWorker = state;
  return state;
}

function inWorker(
  script: string,
  votes: Votes,
  statements: number[],
  previous: PreviousAssignment[] | null,
): Promise<OpinionMap> {
  const state = opinionWorker(script);
  const participants = new Int32Array(votes.length);
  const statementOf = new Int32Array(votes.length);
  const values = new Int8Array(votes.length);
  votes.forEach((v, i) => {
    participants[i] = v.participant;
    statementOf[i] = v.statement;
    values[i] = v.vote;
  });
  const id = state.next++;
  return new Promise<OpinionMap>((resolve, reject) => {
    state.waiting.set(id, { resolve, reject });
    state.worker.ref();
    state.worker.postMessage({ id, participants, statementOf, values, statements, previous }, [
      participants.buffer,
      statementOf.buffer,
      values.buffer,
    ]);
  });
}

async function whyNot(db: DB, conversationId: number, at: string): Promise<RecomputeOutcome> {
  const row = await db
    .selectFrom("opinionMaps")
    .select(["version", "computedVersion", "claimedUntil"])
    .where("conversationId", "=", conversationId)
    .executeTakeFirst();
  if (!row) return "none";
  if (row.version <= row.computedVersion) return "fresh";
  if (row.claimedUntil !== null && row.claimedUntil > at) return "busy";
  return "tooSoon";
}

/** The accepted statements and every last vote on them, as the map takes them. */
export async function mapInputs(db: DB, conversationId: number) {
  const accepted = await db
    .selectFrom("statements")
    .select("id")
    .where("conversationId", "=", conversationId)
    .where("status", "=", "accepted")
    .orderBy("id")
    .execute();
  const rows = await db
    .selectFrom("statementVotes")
    .innerJoin("statements", "statements.id", "statementVotes.statementId")
    .select(["statementVotes.userId", "statementVotes.statementId", "statementVotes.vote"])
    .where("statementVotes.conversationId", "=", conversationId)
    .where("statements.status", "=", "accepted")
    .execute();
  return {
    statements: accepted.map((s) => s.id),
    votes: rows.map((r) => ({
      participant: r.userId,
      statement: r.statementId,
      vote: r.vote as OpinionVote,
    })),
  };
}

// ---------------------------------------------------------------- scheduling in this process

const g = globalThis as unknown as {
  __liuheMapTimers?: Map<number, ReturnType<typeof setTimeout>>;
  __liuheMapRuns?: Set<Promise<unknown>>;
};
const timers = (g.__liuheMapTimers ??= new Map());
const running = (g.__liuheMapRuns ??= new Set());

/** After a change committed: the map is stale; it is recomputed within RECOMPUTE_EVERY_MS or so. */
export async function mapChanged(conversationId: number, db: DB = getDb()): Promise<void> {
  await db
    .updateTable("opinionMaps")
    .set((eb) => ({ version: eb("version", "+", 1) }))
    .where("conversationId", "=", conversationId)
    .execute();
  schedule(conversationId, db);
}

/**
 * One timer per conversation in this process: a burst of votes gives one computation, a short
 * while after the first (the votes right after it wait for the next).
 */
function schedule(conversationId: number, db: DB, delay = RECOMPUTE_DELAY_MS): void {
  if (!scheduling.on || timers.has(conversationId)) return;
  const timer = setTimeout(() => {
    timers.delete(conversationId);
    const run = recomputeMap(conversationId, { db })
      .then((outcome) => {
        // Computed too recently (here or elsewhere): try again when the interval has passed.
        if (outcome === "tooSoon") schedule(conversationId, db, RECOMPUTE_EVERY_MS);
      })
      .catch((e: unknown) => console.error(`opinion map ${conversationId}:`, e))
      .finally(() => running.delete(run));
    running.add(run);
  }, delay);
  timer.unref();
  timers.set(conversationId, timer);
}

const scheduling = { on: true };

/**
 * Whether changes schedule a computation in this process (tests that compute at chosen moments
 * turn it off; the jobs' tick still catches up).
 */
export function scheduleMaps(on: boolean): void {
  scheduling.on = on;
}

/** How long after a change the computation starts: votes of the next moment join it. */
const RECOMPUTE_DELAY_MS = 1_000;

/** Resolves when no computation scheduled in this process is waiting or running (tests). */
export async function mapsSettled(): Promise<void> {
  for (const [id, timer] of timers) {
    clearTimeout(timer);
    timers.delete(id);
  }
  await Promise.all([...running]);
}

/**
 * The jobs' catch-up (every minute, once across processes): every stale map not being computed,
 * computed now. A process that stopped between a vote's commit and its bump left the vote count
 * different from the one the map saw: that is counted as stale too, for conversations open now or
 * closed within the last day (older ones were caught then).
 */
export async function recomputeStaleMaps(db: DB, now: Date): Promise<number> {
  const at = now.toISOString();
  const dayAgo = new Date(now.getTime() - 86_400_000).toISOString();
  const recent = await db
    .selectFrom("opinionMaps")
    .innerJoin("conversations", "conversations.id", "opinionMaps.conversationId")
    .select(["opinionMaps.conversationId", "opinionMaps.votesSeen"])
    .whereRef("opinionMaps.version", "<=", "opinionMaps.computedVersion")
    .where("conversations.opensAt", "<=", at)
    .where("conversations.closesAt", ">", dayAgo)
    .where((eb) =>
      eb.or([eb("conversations.closedAt", "is", null), eb("conversations.closedAt", ">", dayAgo)]),
    )
    .execute();
  for (const m of recent) {
    const { n } = await db
      .selectFrom("statementVotes")
      .innerJoin("statements", "statements.id", "statementVotes.statementId")
      .select((eb) => eb.fn.countAll<number | string | bigint>().as("n"))
      .where("statementVotes.conversationId", "=", m.conversationId)
      .where("statements.status", "=", "accepted")
      .executeTakeFirstOrThrow();
    if (Number(n) !== m.votesSeen) {
      await db
        .updateTable("opinionMaps")
        .set((eb) => ({ version: eb("version", "+", 1) }))
        .where("conversationId", "=", m.conversationId)
        .execute();
    }
  }
  const stale = await db
    .selectFrom("opinionMaps")
    .select("conversationId")
    .whereRef("version", ">", "computedVersion")
    .execute();
  let computed = 0;
  for (const { conversationId } of stale) {
    if ((await recomputeMap(conversationId, { db, now })) === "computed") computed++;
  }
  return computed;
}
