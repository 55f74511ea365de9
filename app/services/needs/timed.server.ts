/**
 * 民情 (needs), the timed work: run by the `needs.tick` job (../jobs.server.ts), so once across
 * every process, and safe to repeat (each change is made only while its condition still holds).
 *   - A need checked 14 days ago that nobody answered closes by itself, answered "none".
 *   - An overdue need is raised to the next level up: to the street's command room (the desk lists
 *     it in red), and, one working day later or when the command room itself is late, to the
 *     admins.
 * Both are recorded: the auto-close as a step of the timeline, by the system; a raise as the
 * need's `raised` level, shown on every list.
 * Both are told (issue 16), through the notices' outbox written in the same transaction: the
 * residents that it closed; the level an overdue need is raised to, that it is late. `raised` is
 * the marker that tells each level once: a raise happens once per level and stretch (a step
 * starts the next stretch at 0), whichever process runs the job and however often.
 */
import type { DB } from "../../../db/client.server";
import { transaction } from "../../../db/portable";
import { addWorkingDays, isOverdue } from "~/domain/needs/clock";
import { ANSWER_DAYS, type NeedStatus } from "~/domain/needs/machine";
import type { NoticeDraft } from "~/domain/notices/kinds";
import { emitEvent, type DomainEvent } from "../events.server";
import { scheduleDelivery, writeOutbox } from "../notices/delivery.server";
import { overdueNotice, residentsNotice } from "./notices.server";
import { recordStep, workCalendar } from "./shared.server";

const DAY_MS = 86_400_000;
/** Statuses whose clock is the command room's own: being late there goes straight to the admins. */
const COMMAND_ROOM_STRETCH: readonly NeedStatus[] = ["escalated", "returnedToRoom"];

/** The level an overdue need is raised to: 1 the command room, 2 the admins. */
export function raiseLevel(status: NeedStatus, deadline: Date, now: Date): 0 | 1 | 2 {
  if (!isOverdue(deadline, now)) return 0;
  if (COMMAND_ROOM_STRETCH.includes(status)) return 2;
  const cal = workCalendar();
  return isOverdue(addWorkingDays(deadline, 1, cal.holidays, cal.workdays), now) ? 2 : 1;
}

export async function needsTick(db: DB, now: Date): Promise<{ closed: number; raised: number }> {
  const at = now.toISOString();
  const events: DomainEvent[] = [];
  let outbox: number[] = [];
  const result = await transaction(db, async (trx) => {
    // Inside: a transaction run again (PostgreSQL's serializable retry) starts its notices afresh.
    const notices: NoticeDraft[] = [];
    const quiet = await trx
      .selectFrom("needs")
      .select(["id", "communityId", "streetId", "gridId", "unitId", "status", "category"])
      .where("status", "=", "checked")
      .where("checkedAt", "<", new Date(now.getTime() - ANSWER_DAYS * DAY_MS).toISOString())
      .execute();
    for (const n of quiet) {
      const r = await trx
        .updateTable("needs")
        .set({ status: "closed", closedAt: at, answer: "none", updatedAt: at, deadlineAt: null })
        .where("id", "=", n.id)
        .where("status", "=", "checked")
        .executeTakeFirst();
      if (r.numUpdatedRows === 0n) continue;
      await recordStep(trx, {
        needId: n.id,
        step: "autoClose",
        role: "system",
        actor: null,
        from: "checked",
        to: "closed",
        at,
      });
      notices.push(residentsNotice(n, "autoClose"));
      events.push({
        type: "need.changed",
        communityId: n.communityId,
        streetId: n.streetId,
        needId: n.id,
        unitId: n.unitId,
      });
    }
    const late = await trx
      .selectFrom("needs")
      .select([
        "id",
        "communityId",
        "streetId",
        "gridId",
        "unitId",
        "status",
        "category",
        "deadlineAt",
        "raised",
      ])
      .where("deadlineAt", "<", at)
      .where("raised", "<", 2)
      .where("status", "not in", ["closed", "merged", "notForPlatform"])
      .execute();
    let raised = 0;
    for (const n of late) {
      const level = raiseLevel(n.status, new Date(n.deadlineAt!), now);
      if (level === 0 || level <= n.raised) continue;
      const r = await trx
        .updateTable("needs")
        .set({ raised: level })
        .where("id", "=", n.id)
        .where("raised", "<", level)
        .where("deadlineAt", "=", n.deadlineAt)
        .executeTakeFirst();
      if (r.numUpdatedRows === 0n) continue;
      raised += 1;
      // Each level it passed is told once; the command room is not told of its own lateness.
      if (n.raised < 1 && level === 2 && !COMMAND_ROOM_STRETCH.includes(n.status)) {
        notices.push(overdueNotice(n, 1));
      }
      notices.push(overdueNotice(n, level));
      events.push({
        type: "need.changed",
        communityId: n.communityId,
        streetId: n.streetId,
        needId: n.id,
        unitId: n.unitId,
      });
    }
    outbox = await writeOutbox(trx, notices, null, at);
    return { closed: quiet.length, raised };
  });
  scheduleDelivery(outbox, db);
  for (const e of events) emitEvent(e);
  return result;
}
