/**
 * The command runner: the one way Liuhe writes (rule 1 in DESIGN.md).
 *
 * A command is declared once — its policy action, its input schema, what it loads, what it does —
 * and `run` does the rest in one fixed order, inside one transaction:
 *
 *   load (may refuse 404) → authorise against the loaded target → run → audit entry (when the
 *   policy marks the action audited) → assisted-action row (when a helper acts for a resident)
 *   → notices' outbox row → commit → events, notice delivery and after-commit work.
 *
 * Because loading happens inside the transaction, every re-check of state (status, window,
 * capacity) sees the same snapshot the write commits against: a support cannot slip in after the
 * committee's decision, whichever commits first.
 *
 * A command never calls `run` itself (on SQLite's single connection it would wait for its own
 * transaction): one command that needs another runs it with `runIn(ctx.trx, …)`.
 *
 * `run` trusts its input's type: server callers (seeds, tests, other commands) hand it typed
 * values. Untrusted input arrives through the adapters (`form.server.ts`, the socket handlers),
 * which parse it with the command's own schema first.
 */
import type { Kysely, Transaction } from "kysely";
import type { z } from "zod";
import type { Database } from "../../../db/schema";
import { getDb } from "../../../db/client.server";
import { appendAudit } from "../../../db/audit-chain";
import { flushGathered, gatherIn } from "../../../db/gathered";
import { isSerializationFailure, isUniqueViolation, transaction } from "../../../db/portable";
import { isDomainError } from "~/domain/errors";
import { countWithin } from "./limits.server";
import {
  authorize,
  policy,
  type Action,
  type ActionPolicy,
  type Actor,
  type ActorFor,
  type Target,
} from "~/domain/permissions/policy";
import type { NoticeDraft } from "~/domain/notices/kinds";
import { emitEvent, type DomainEvent } from "../events.server";
import { scheduleDelivery, writeOutbox } from "../notices/delivery.server";

/** A handle services may use: the database itself, or the transaction a command runs in. */
export type Db = Kysely<Database> | Transaction<Database>;
export type Trx = Transaction<Database>;

/** What an assisted action or an audit entry is about. */
export interface Subject {
  type: "project" | "meeting" | "community" | "poll" | "round" | "organisation" | "user" | string;
  id: number | null;
}

export interface AuditEntry {
  /** What the log says was done; the command's action unless said otherwise. */
  action?: Action;
  /** Who the log names; the person acting unless said otherwise. */
  actorId?: number | null;
  areaId: number | null;
  subjectType: string;
  subjectId: number | null;
  details?: Record<string, unknown>;
}

interface BaseCtx<I> {
  trx: Trx;
  input: I;
  /** The command's clock: one instant for the whole command (seeds pass a fixed one). */
  now: Date;
  /** `now` as stored (ISO 8601, UTC). */
  at: string;
}

export interface LoadCtx<I> extends BaseCtx<I> {
  /** Not yet authorised: loading may use it only to decide what the actor can see (404s). */
  actor: Actor;
  /**
   * In a batch (`runBatched`), every call that will share what this load returns, in the order
   * they run (this call first); absent when the call runs alone. A load may read for all of them
   * at once (the ballots: who of the batch has voted already), but only what each call's own run
   * would have read for its own actor and input.
   */
  together?: readonly { input: I; actor: Actor }[];
}

export interface RunCtx<I, L, A extends Action, P = undefined> extends BaseCtx<I> {
  actor: ActorFor<A>;
  loaded: L;
  /** What `prepare` made before the transaction. */
  prepared: P;
  /** The action that was authorised (a command may choose one of several by what it loaded). */
  action: A;
  /** Queue an event; it is emitted only after the transaction commits. */
  emit(event: DomainEvent): void;
  /**
   * Work that must follow the commit and only it (the events of a command run inside this one).
   * It is given the database the command ran on: a seed's or a benchmark's may not be the app's.
   */
  afterCommit(fn: (db: Kysely<Database>) => Promise<void> | void): void;
  /**
   * Announce something to people (a notice, app/domain/notices): written to the outbox in this
   * transaction, so it commits or not with the change; delivered to each person after the commit.
   */
  notify(draft: NoticeDraft): void;
}

export interface Command<S extends z.ZodTypeAny, L, R, A extends Action, P = undefined> {
  /** The policy action, or the ones this command may act as (chosen by `actionFor`). */
  action: A | readonly A[];
  /** For commands with several actions: which one this call is. */
  actionFor?: (input: z.output<S>, loaded: L) => A;
  /** Parses untrusted input (a form, a socket payload) into what `run` takes. */
  input: S;
  /**
   * Slow work outside the transaction, before it (hashing a password, re-encoding a photo). Its
   * result reaches `run` as `ctx.prepared`; it must write nothing, since the command may yet be
   * refused (`run` writes what it made). The actor is not yet authorised here: it only says whose
   * data the work reads (checking one's own password).
   */
  prepare?: (input: z.output<S>, actor: Actor) => Promise<P>;
  /** Reads what the command needs to decide, inside the transaction; refuses what is not there. */
  load?: (ctx: LoadCtx<z.output<S>>) => Promise<L>;
  /** The policy target, from what was loaded. Defaults to no target. */
  target?: (loaded: L, input: z.output<S>, actor: Actor) => Target;
  run: (ctx: RunCtx<z.output<S>, L, A, P>) => Promise<R>;
  /**
   * Required when the policy audits the action: what the community's audit log says. Several
   * entries when the command touched several things; none when it changed nothing. A command whose
   * own action is not audited may still declare it, for an audited thing it does on the way
   * (deleting an account ends its committee seat): such an entry names that `action`.
   */
  audit?: (ctx: RunCtx<z.output<S>, L, A, P>, result: R) => AuditEntry | readonly AuditEntry[];
  /** What the action was about, for the assisted-action record (assistable actions). */
  subject?: (ctx: RunCtx<z.output<S>, L, A, P>, result: R) => Subject;
  /**
   * Calls that may share a transaction (see `runBatched`): calls whose inputs have the same key
   * load the same thing, whoever makes them, so one `load` serves them all. Only for commands many
   * people call at once (a ballot), and never with a rate limit, whose count a refusal must not
   * keep. The calls share what was loaded as the transaction stood when it was read: a call that
   * changes something it holds writes the change back into it, or the later calls decide on a
   * state that is gone (a live poll's release, `releaseIfDue`). Their inserts may wait for the
   * end of the pass and go in as statements of many rows (`gathered`, db/gathered.ts).
   */
  batch?: { key: (input: z.output<S>) => string }; // a plain function of the parsed input
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyCommand = Command<z.ZodTypeAny, any, any, Action, any>;

const declared = new Set<AnyCommand>();

/** Declares a command, checking what the policy asks of it once, when the module loads. */
export function command<S extends z.ZodTypeAny, L, R, A extends Action, P = undefined>(
  spec: Command<S, L, R, A, P>,
): Command<S, L, R, A, P> {
  const actions: readonly Action[] = typeof spec.action === "string" ? [spec.action] : spec.action;
  if (actions.length > 1 && !spec.actionFor) {
    throw new Error(`A command for ${actions.join(", ")} must say which action a call is`);
  }
  for (const action of actions) {
    const entry: ActionPolicy = policy[action];
    if (entry.audited && !spec.audit) throw new Error(`${action} is audited: declare its entry`);
    if (spec.batch && entry.rate)
      throw new Error(`${action} is rate-limited: it cannot be batched`);
  }
  declared.add(spec as unknown as AnyCommand);
  return spec;
}

/** Every command declared so far (the test that matches commands to the policy reads this). */
export function declaredCommands(): readonly AnyCommand[] {
  return [...declared];
}

export function actionsOf(cmd: AnyCommand): readonly Action[] {
  return typeof cmd.action === "string" ? [cmd.action] : cmd.action;
}

export interface RunOptions {
  /** The clock; defaults to the present. */
  now?: Date;
  /** Another database handle (tests of a second process; seeds). */
  db?: Kysely<Database>;
}

/**
 * Runs a command inside a transaction the caller already holds, and returns its result with the
 * work to do once that transaction commits. For writers that batch several commands in one
 * transaction (the room's message writer); everyone else calls `run`.
 *
 * `given.loaded`, from a writer that read what many calls of one command need in one query (the
 * room's batch writer, `loadPostingBatch`), stands in for the command's `load`: it must be what
 * `load` would have returned in this transaction. Everything else (authorising against the
 * target it gives, limits, audit, assisted-action record, events after the commit) is as always.
 */
export async function runIn<S extends z.ZodTypeAny, L, R, A extends Action, P>(
  trx: Trx,
  cmd: Command<S, L, R, A, P>,
  actor: Actor,
  input: z.output<S>,
  now: Date = new Date(),
  prepared?: P,
  given?: { loaded: L },
  /** The database the transaction is on, for delivering its notices (the app's by default). */
  db?: Kysely<Database>,
): Promise<{ result: R; commit: () => Promise<void> }> {
  // A command run inside another's transaction works on that one's database.
  db ??= databaseOf.get(trx);
  const after: Array<() => Promise<void> | void> = [];
  const notices: NoticeDraft[] = [];
  const base = { trx, input, now, at: now.toISOString() };
  const loaded = given
    ? given.loaded
    : ((cmd.load ? await cmd.load({ ...base, actor }) : undefined) as L);
  const action = typeof cmd.action === "string" ? cmd.action : cmd.actionFor!(input, loaded as L);
  const target = cmd.target ? cmd.target(loaded, input, actor) : {};
  const authorised = authorize(actor, action, target) as ActorFor<A>;
  // Everyday writes a script could repeat are limited per person (the policy's `rate`).
  const rate = (policy[action] as ActionPolicy).rate;
  if (rate && actor.userId !== null) {
    const limit = { max: rate.max, windowMs: rate.windowMinutes * 60_000 };
    await countWithin(trx, `rate:${action}:${actor.userId}`, limit, now, "errors.rateLimited");
  }
  const ctx: RunCtx<z.output<S>, L, A, P> = {
    ...base,
    actor: authorised,
    loaded,
    prepared: prepared as P,
    action,
    emit: (event) => after.push(() => emitEvent(event)),
    // Given the database the command ran on (a seed's or a test's, not always the app's).
    afterCommit: (fn) => after.push(() => fn(db ?? getDb())),
    notify: (draft) => notices.push(draft),
  };
  const result = await cmd.run(ctx);
  if (cmd.audit) {
    // `command()` made sure that every audited action declares its entries. For an action the
    // policy does not audit (one of several a command may act as), only entries that name an
    // audited action of their own are written.
    const audited = (policy[action] as ActionPolicy).audited === true;
    const entries = [cmd.audit(ctx, result)]
      .flat()
      .filter(
        (a) =>
          audited ||
          (a.action !== undefined && (policy[a.action] as ActionPolicy).audited === true),
      );
    if (entries.length > 0) {
      await appendAudit(
        trx,
        entries.map((a) => ({
          at: ctx.at,
          actorId: a.actorId === undefined ? actor.userId : a.actorId,
          action: a.action ?? action,
          areaId: a.areaId,
          subjectType: a.subjectType,
          subjectId: a.subjectId,
          details: JSON.stringify(a.details ?? {}),
        })),
      );
    }
  }
  if (actor.assistedBy && cmd.subject) {
    const s = cmd.subject(ctx, result);
    await trx
      .insertInto("assistedActions")
      .values({
        sittingId: actor.assistedBy.sittingId,
        action,
        subjectType: s.type,
        subjectId: s.id,
        at: ctx.at,
      })
      .execute();
  }
  // One outbox row per notice, however many people it is for: delivery follows the commit. A
  // count run by the clock (user 0, `counterOf`) is nobody's act: nobody is left out as its actor.
  const outbox = await writeOutbox(trx, notices, actor.userId || null, ctx.at);
  if (outbox.length > 0) after.push(() => scheduleDelivery(outbox, db));
  return {
    result,
    commit: async () => {
      // The write has committed: what follows cannot undo it, so a failure here is logged, not
      // reported to the person as if their action had failed.
      for (const fn of after) {
        try {
          await fn();
        } catch (e) {
          console.error(`after ${action}:`, e);
        }
      }
    },
  };
}

/** The database each command's transaction runs on, for the commands run inside it (`runIn`). */
const databaseOf = new WeakMap<Trx, Kysely<Database>>();

/**
 * Runs one command in its own transaction; events go out after the commit, never before. A
 * command that declares `batch` goes into the next shared transaction (`runBatched`), unless the
 * call brings its own clock or database (tests, seeds).
 */
export async function run<S extends z.ZodTypeAny, L, R, A extends Action, P>(
  cmd: Command<S, L, R, A, P>,
  actor: Actor,
  input: z.output<S>,
  opts: RunOptions = {},
): Promise<R> {
  const db = opts.db ?? getDb();
  const prepared = cmd.prepare ? await cmd.prepare(input, actor) : undefined;
  if (cmd.batch && !opts.now && !opts.db)
    return runBatched(cmd as unknown as AnyCommand, actor, input, prepared) as Promise<R>;
  return runAlone(db, cmd, actor, input, prepared, opts.now);
}

/** One call in a transaction of its own, answered after the commit. */
async function runAlone<S extends z.ZodTypeAny, L, R, A extends Action, P>(
  db: Kysely<Database>,
  cmd: Command<S, L, R, A, P>,
  actor: Actor,
  input: z.output<S>,
  prepared: P | undefined,
  now?: Date,
): Promise<R> {
  const done = await transaction(db, (trx) => {
    databaseOf.set(trx, db);
    return runIn(trx, cmd, actor, input, now, prepared, undefined, db);
  });
  await done.commit();
  return done.result;
}

/*
 * Group commit. SQLite has one writer, and each transaction ends in a sync to disk: a busy vote's
 * ballots, each in a transaction of its own, spent most of their time in BEGIN, COMMIT and the
 * sync, and reading their poll again and again. Calls of a batched command that arrive while a
 * transaction is being written go together into the next one, up to BATCH_MAX: one BEGIN, one
 * load per key, one COMMIT. Each call is still the command, run by `runIn` with everything the
 * runner does (authorising, audit, assisted-action record, events and notices after the commit),
 * and each caller is answered only after the commit that stored their call. The load of a key is
 * told which calls share it (`LoadCtx.together`), and the inserts the calls gather are written at
 * the end of the pass (db/gathered.ts), a statement for many rows rather than one for each.
 *
 * A refusal must write nothing, and must not change what the others decide: when any call of a
 * pass is refused, the pass is rolled back and the calls not refused are run again without it (so
 * what a refused call may have written before refusing is undone). A failure of the database
 * fails every call of the batch.
 *
 * PostgreSQL runs transactions side by side, so a process's batch may meet another process's, and
 * one of the two is aborted to keep them serializable. A batch is tried `BATCH_TRIES` times; one
 * that keeps meeting others gives way, and its calls run each alone, as unbatched calls do (the
 * refusals of an aborted try are forgotten with it); so does a batch whose gathered rows met a
 * row another process inserted meanwhile (a voter voting through two processes at once). On one
 * process and one PostgreSQL, batching halved a ballot's CPU and the database's (2026-12-04,
 * README "Benchmarks").
 */
const BATCH_MAX = 100;
const BATCH_TRIES = 3;

interface Queued {
  cmd: AnyCommand;
  actor: Actor;
  input: unknown;
  prepared: unknown;
  resolve: (result: unknown) => void;
  reject: (error: unknown) => void;
}

const batches = ((
  globalThis as unknown as { __liuheBatches?: { queue: Queued[]; busy: boolean; due: boolean } }
).__liuheBatches ??= { queue: [], busy: false, due: false });

function runBatched(cmd: AnyCommand, actor: Actor, input: unknown, prepared: unknown) {
  return new Promise<unknown>((resolve, reject) => {
    batches.queue.push({ cmd, actor, input, prepared, resolve, reject });
    if (batches.busy || batches.due) return;
    // On the next turn: the calls that arrive meanwhile go into the same transaction.
    batches.due = true;
    setImmediate(writeBatches);
  });
}

async function writeBatches() {
  batches.due = false;
  if (batches.busy) return;
  batches.busy = true;
  try {
    while (batches.queue.length > 0) {
      const batch = batches.queue.splice(0, BATCH_MAX);
      // writeBatch answers every call itself; this only keeps a fault of ours from leaving the
      // callers waiting and the queue stuck.
      await writeBatch(batch).catch((error: unknown) => {
        for (const q of batch) q.reject(error);
      });
    }
  } finally {
    batches.busy = false;
  }
}

/** Thrown to roll a pass back once one of its calls was refused: the refused calls. */
class Refused extends Error {
  constructor(readonly calls: Map<Queued, unknown>) {
    super("refused");
  }
}

type Done = { result: unknown; commit: () => Promise<void> };

async function writeBatch(batch: Queued[]) {
  const db = getDb();
  const refused = new Map<Queued, unknown>();
  let done = new Map<Queued, Done>();
  for (;;) {
    const running = batch.filter((q) => !refused.has(q));
    if (running.length === 0) break;
    try {
      done = await transaction(db, (trx) => writePass(trx, running, db), { tries: BATCH_TRIES });
      break;
    } catch (error) {
      if (error instanceof Refused) {
        for (const [q, e] of error.calls) refused.set(q, e);
        continue;
      }
      for (const [q, e] of refused) q.reject(e);
      // Given way to other processes' transactions: each call alone, answered on its own. Also
      // when a row the batch gathered met one another process inserted meanwhile (PostgreSQL
      // mostly reports that as an abort, but not always): alone, the call sees it and refuses.
      if (isSerializationFailure(error) || isUniqueViolation(error)) {
        await Promise.all(
          running.map((q) =>
            runAlone(db, q.cmd, q.actor, q.input, q.prepared).then(q.resolve, q.reject),
          ),
        );
      } else {
        for (const q of running) q.reject(error);
      }
      return;
    }
  }
  for (const [q, error] of refused) q.reject(error);
  for (const [q, d] of done) {
    // After the commit: the events go out, then the caller hears back.
    await d.commit();
    q.resolve(d.result);
  }
}

/** One pass of a batch: every call run in `trx`; throws `Refused` when any call was refused. */
async function writePass(trx: Trx, running: Queued[], db: Kysely<Database>) {
  databaseOf.set(trx, db);
  const now = new Date();
  // Inserts the calls gather are written together at the end of the pass (db/gathered.ts).
  gatherIn(trx);
  // One load per command and key, told which calls share it.
  const groups = new Map<AnyCommand, Map<string, Queued[]>>();
  const groupOf = new Map<Queued, Queued[]>();
  for (const q of running) {
    const byKey = groups.get(q.cmd) ?? groups.set(q.cmd, new Map()).get(q.cmd)!;
    const key = q.cmd.batch!.key(q.input);
    const group = byKey.get(key) ?? byKey.set(key, []).get(key)!;
    group.push(q);
    groupOf.set(q, group);
  }
  const loads = new Map<Queued[], Promise<unknown>>();
  const passed = new Map<Queued, Done>();
  const refusedHere = new Map<Queued, unknown>();
  for (const q of running) {
    try {
      const group = groupOf.get(q)!;
      let load = loads.get(group);
      if (!load) {
        const together = group.map((c) => ({ input: c.input, actor: c.actor }));
        const at = now.toISOString();
        load = q.cmd.load
          ? q.cmd.load({ trx, input: q.input, now, at, actor: q.actor, together })
          : Promise.resolve(undefined);
        loads.set(group, load);
      }
      const loaded = await load;
      passed.set(q, await runIn(trx, q.cmd, q.actor, q.input, now, q.prepared, { loaded }, db));
    } catch (error) {
      if (!isDomainError(error)) throw error;
      refusedHere.set(q, error);
    }
  }
  if (refusedHere.size > 0) throw new Refused(refusedHere);
  await flushGathered(trx);
  return passed;
}
