/**
 * Who follows a notice's subject (关注; app/domain/notices/follows.ts): read by the delivery, a
 * chunk at a time. Apart from the follow commands (./follows.server.ts) so that the delivery,
 * which the command runner loads, does not load commands in turn.
 */
import type { DB } from "../../../db/client.server";
import { followedThrough } from "~/domain/notices/follows";

/**
 * The followers of a subject and of what holds it (a meeting's council), `chunk` at a time in
 * ascending user order (keyset: never all at once), each person once.
 */
export async function* followersOf(
  db: DB,
  subjectType: string,
  subjectId: number,
  chunk: number,
): AsyncGenerator<number[]> {
  const through = followedThrough(subjectType);
  if (through.length === 0) return;
  const subjects: Array<{ type: string; id: number }> = [{ type: subjectType, id: subjectId }];
  if (subjectType === "meeting") {
    const m = await db
      .selectFrom("meetings")
      .select("councilId")
      .where("id", "=", subjectId)
      .executeTakeFirst();
    if (m) subjects.push({ type: "council", id: m.councilId });
  }
  for (let after = 0; ;) {
    const rows = await db
      .selectFrom("follows")
      .select("userId")
      .distinct()
      .where((eb) =>
        eb.or(
          subjects.map((s) => eb.and([eb("subjectType", "=", s.type), eb("subjectId", "=", s.id)])),
        ),
      )
      .where("userId", ">", after)
      .orderBy("userId")
      .limit(chunk)
      .execute();
    if (rows.length === 0) return;
    yield rows.map((r) => r.userId);
    after = rows[rows.length - 1]!.userId;
    if (rows.length < chunk) return;
  }
}

/** Whether anyone follows the subject (or what holds it): a notice for nobody else still goes out. */
export async function hasFollowers(
  db: DB,
  subject: { type: string; id: number },
): Promise<boolean> {
  for await (const _ of followersOf(db, subject.type, subject.id, 1)) return true;
  return false;
}
