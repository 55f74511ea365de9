/**
 * Room posts written in batches, for throughput: posts that arrive while a write is in progress go
 * together into the next transaction. A busy room then pays one BEGIN/COMMIT per batch rather than
 * per message (see the benchmark), and a batch reads and writes in a fixed number of statements
 * whatever its size (`loadPostingBatch`); each post is still the `postMessage` command, run in the
 * batch's transaction with what the batch loaded for it; each sender is answered only after the
 * commit that stored their message. A refused post writes nothing (the command refuses before it
 * stores its row) and does not hold up the others; a failure of the database fails the whole batch.
 * On PostgreSQL two batches are written at once over different rooms (a room is in one batch at a
 * time, so its posts keep their order).
 *
 * Several processes write batches at once on PostgreSQL. Each batch first locks its rooms' rows in
 * ascending id order (two batches never wait for each other in a circle), then runs under READ
 * COMMITTED: a batch that waited for a room reads the posts the other batch committed there. Every
 * decision a post makes is about its room (its state, the sender's recent posts in it, the last
 * id before it), so the room's lock is what keeps it right; under SERIALIZABLE, two batches
 * meeting in any room would abort one of them, and with every batch spanning the busy rooms,
 * nearly every batch ran twice or more.
 */
import { getDb } from "../../../db/client.server";
import { concurrentWriters, transaction } from "../../../db/portable";
import { isDomainError } from "~/domain/errors";
import type { Actor } from "~/domain/permissions/policy";
import type { PostInput } from "~/domain/meetings/room";
import type { MessageView } from "~/realtime/protocol";
import { runIn } from "../runner/command.server";
import { postMessage } from "./commands.server";
import { loadPostingBatch } from "./load.server";

export interface PendingPost {
  actor: Actor;
  input: PostInput;
  resolve: (m: MessageView) => void;
  reject: (e: unknown) => void;
}

interface Writers {
  /** Posts no batch has taken yet, in arrival order. */
  queue: PendingPost[];
  /** The rooms of the batches being written: their later posts wait for the next batch. */
  writing: Set<number>;
  /** Batches being written. */
  running: number;
  /** A flush is due on the next turn of the event loop. */
  scheduled: boolean;
}
// On globalThis so the dev server's reloads share one queue.
const writers = ((globalThis as unknown as { __liuhePostWriters?: Writers }).__liuhePostWriters ??=
  { queue: [], writing: new Set(), running: 0, scheduled: false });
const BATCH_MAX = 100;
/**
 * Batches written at once, each over rooms the others are not writing, on PostgreSQL (one
 * commits while the next reads); SQLite writes one at a time (`concurrentWriters`).
 */
const WRITERS = 2;

/** Runs `postMessage` in the next batch; resolves once the batch has committed. */
export function sendPost(actor: Actor, input: PostInput): Promise<MessageView> {
  return new Promise<MessageView>((resolve, reject) => {
    writers.queue.push({ actor, input, resolve, reject });
    scheduleFlush();
  });
}

/** On the next turn: the posts that arrive meanwhile go into the same batch. */
function scheduleFlush() {
  if (writers.scheduled) return;
  writers.scheduled = true;
  setImmediate(() => {
    writers.scheduled = false;
    flushPosts();
  });
}

/** Starts batches while a writer is free and a queued post's room is not being written. */
function flushPosts(): void {
  const most = concurrentWriters(getDb(), WRITERS);
  while (writers.running < most) {
    const batch = takeBatch();
    if (batch.length === 0) return;
    const rooms = new Set(batch.map((p) => p.input.meetingId));
    for (const room of rooms) writers.writing.add(room);
    writers.running++;
    writeBatch(batch)
      .catch((e: unknown) => console.error("room posts:", e))
      .finally(() => {
        for (const room of rooms) writers.writing.delete(room);
        writers.running--;
        if (writers.queue.length > 0) flushPosts();
      });
  }
}

/**
 * The oldest queued posts, up to BATCH_MAX, of rooms no batch is writing. A room's posts stay in
 * arrival order: one that waits makes every later one of its room wait too, so a room is in one
 * batch at a time and its posts commit in the order they came.
 */
function takeBatch(): PendingPost[] {
  const taken: PendingPost[] = [];
  const kept: PendingPost[] = [];
  for (const post of writers.queue) {
    if (taken.length < BATCH_MAX && !writers.writing.has(post.input.meetingId)) taken.push(post);
    else kept.push(post);
  }
  writers.queue = kept;
  return taken;
}

type Outcome =
  { ok: true; message: MessageView; commit: () => Promise<void> } | { ok: false; error: unknown };

/** Writes posts in one transaction and answers each; exported for the tests of several writers. */
export async function writeBatch(arrived: PendingPost[]): Promise<void> {
  // By room, in arrival order within each room (a stable sort): ids are drawn in this order.
  const batch = [...arrived].sort((a, b) => a.input.meetingId - b.input.meetingId);
  const outcomes: Outcome[] = [];
  try {
    await transaction(
      getDb(),
      async (trx) => {
        // A try PostgreSQL aborted starts again: only the last try's outcomes count.
        outcomes.length = 0;
        // One instant for the batch: the posts in it are one moment of the room.
        const now = new Date();
        // Every post's room and author, read together (and the rooms locked, in id order).
        const { loaded, flush, stored } = await loadPostingBatch(trx, batch, now);
        for (const [index, post] of batch.entries()) {
          const posting = loaded[index]!;
          if (isDomainError(posting)) {
            outcomes.push({ ok: false, error: posting });
            continue;
          }
          const before = stored();
          try {
            const done = await runIn(trx, postMessage, post.actor, post.input, now, undefined, {
              loaded: posting,
            });
            outcomes.push({ ok: true, message: done.result, commit: done.commit });
          } catch (error) {
            // A refusal is that post's answer; anything else is the database's, and the batch's.
            // So is a refusal after the post stored its row, which would be written all the same.
            if (!isDomainError(error) || stored() !== before) throw error;
            outcomes.push({ ok: false, error });
          }
        }
        // The accepted posts' rows, in one insert.
        await flush();
      },
      { isolation: "read committed" },
    );
  } catch (error) {
    for (const post of batch) post.reject(error);
    return;
  }
  for (const [index, post] of batch.entries()) {
    const outcome = outcomes[index]!;
    if (!outcome.ok) {
      post.reject(outcome.error);
      continue;
    }
    // After the commit: the event goes out, then the sender hears back.
    try {
      await outcome.commit();
      post.resolve(outcome.message);
    } catch (error) {
      post.reject(error);
    }
  }
}
