/**
 * The quiet digest (issue 16, item 4): a person who asked for it (`notice_quiet`) has their
 * notices held at delivery (`notices.held_at`: not counted, not listed, not pushed; what protects
 * them arrives at once), and once a day, at DIGEST_HOUR China time, the `notices.digest` job
 * (../jobs.server.ts, once across processes) gathers what each person's quiet held into ONE notice,
 * "today there are N new notices", leading to /notifications?digest=ID, which lists them.
 *
 * A run gathers what was held before the day's cut, so running again (another hour, another
 * process after a crash) finds nothing more to gather and makes no second digest; what is held
 * after the cut waits for the next day. The gathering is one transaction per chunk of people: the
 * digest notice and the marks on what it gathered commit together.
 */
import type { DB } from "../../../db/client.server";
import { getDb } from "../../../db/client.server";
import { transaction } from "../../../db/portable";
import { DIGEST_KIND, DIGEST_SUBJECT, digestCut } from "~/domain/notices/follows";
import type { NoticeKind } from "~/domain/notices/kinds";
import { emitEvent } from "../events.server";
import type { Trx } from "../runner/command.server";

/** People per gathering transaction. */
const DIGEST_CHUNK = 500;
/** The digest is not one of the switchable kinds; the column's type names those. */
const digestKind = DIGEST_KIND as NoticeKind;

/** Makes the day's digests that are due at `now`; returns how many people got one. */
export async function makeDigests(db: DB = getDb(), now = new Date()): Promise<number> {
  const cut = digestCut(now).toISOString();
  const at = now.toISOString();
  let made = 0;
  for (let after = 0; ;) {
    const people = await db
      .selectFrom("notices")
      .select("userId")
      .distinct()
      .where("heldAt", "is not", null)
      .where("digestId", "is", null)
      .where("heldAt", "<=", cut)
      .where("userId", ">", after)
      .orderBy("userId")
      .limit(DIGEST_CHUNK)
      .execute();
    if (people.length === 0) break;
    const ids = people.map((p) => p.userId);
    const told = await transaction(db, (trx) => gather(trx, ids, cut, at));
    if (told.length > 0) emitEvent({ type: "notice.created", userIds: told });
    made += told.length;
    after = ids[ids.length - 1]!;
    if (people.length < DIGEST_CHUNK) break;
  }
  return made;
}

/** One chunk: the run's row, the marks on what it gathers, one digest notice per person. */
async function gather(trx: Trx, userIds: readonly number[], cut: string, at: string) {
  // The run is an outbox row delivered at once to nobody: its id names the digest (notices'
  // (outbox, person) key keeps it to one per person) and is never drawn again.
  const run = await trx
    .insertInto("noticeOutbox")
    .values({
      kind: digestKind,
      subjectType: DIGEST_SUBJECT,
      subjectId: null,
      params: "{}",
      recipients: JSON.stringify({ users: [] }),
      actorId: null,
      createdAt: at,
      deliveredAt: at,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  await trx
    .updateTable("noticeOutbox")
    .set({ subjectId: run.id })
    .where("id", "=", run.id)
    .execute();
  // Gathered notices are read through their digest: marked read, they leave the unread index.
  await trx
    .updateTable("notices")
    .set({ digestId: run.id, readAt: at })
    .where("userId", "in", [...userIds])
    .where("heldAt", "is not", null)
    .where("digestId", "is", null)
    .where("heldAt", "<=", cut)
    .execute();
  const counts = await trx
    .selectFrom("notices")
    .select((eb) => ["userId", eb.fn.countAll<number | string | bigint>().as("n")])
    .where("digestId", "=", run.id)
    .groupBy("userId")
    .orderBy("userId")
    .execute();
  if (counts.length === 0) return [];
  await trx
    .insertInto("notices")
    .values(
      counts.map((c) => ({
        userId: c.userId,
        outboxId: run.id,
        kind: digestKind,
        subjectType: DIGEST_SUBJECT,
        subjectId: run.id,
        params: JSON.stringify({ count: Number(c.n) }),
        createdAt: at,
      })),
    )
    .onConflict((oc) => oc.columns(["outboxId", "userId"]).doNothing())
    .execute();
  return counts.map((c) => c.userId);
}
