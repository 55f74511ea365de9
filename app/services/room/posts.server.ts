/**
 * Room posts written in batches, for throughput: posts that arrive while a write is in progress go
 * together into the next transaction. A busy room then pays one BEGIN/COMMIT per batch rather than
 * per message (see the benchmark), and each post is still the `postMessage` command, run in the
 * batch's transaction; each sender is answered only after the commit that stored their message.
 * A refused post writes nothing (the command refuses before it writes) and does not hold up the
 * others; a failure of the database fails the whole batch.
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
import { transaction } from "../../../db/portable";
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

// Posts waiting for the next write; on globalThis so the dev server's reloads share one queue.
const postQueue = ((
  globalThis as unknown as { __liuhePosts?: { queue: PendingPost[]; busy: boolean } }
).__liuhePosts ??= { queue: [], busy: false });
const BATCH_MAX = 100;

/** Runs `postMessage` in the next batch; resolves once the batch has committed. */
export function sendPost(actor: Actor, input: PostInput): Promise<MessageView> {
  return new Promise<MessageView>((resolve, reject) => {
    postQueue.queue.push({ actor, input, resolve, reject });
    if (!postQueue.busy) setImmediate(() => void flushPosts());
  });
}

async function flushPosts(): Promise<void> {
  if (postQueue.busy) return;
  postQueue.busy = true;
  try {
    while (postQueue.queue.length > 0) await writeBatch(postQueue.queue.splice(0, BATCH_MAX));
  } finally {
    postQueue.busy = false;
  }
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
