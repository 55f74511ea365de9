/**
 * 民情 (needs) in the notices (issue 16): what each step of the loop tells whom, whom a need's
 * recipients rules name when the notice is delivered, and who may be told about a need at all.
 *
 * The residents behind a need (its reporter and the "me too" residents) hear of every step; the
 * people who must act next (the grid's workers, the street's command room, the unit) hear that it
 * is now theirs; an overdue need is told to the level it was raised to. Rules, not ids, so that a
 * notice reaches whoever holds the post when it is delivered (an ended grid worker, nobody).
 *
 * A private need is told only to those who may read its details, as its page decides
 * (`need.viewDetails`). Its number and category are all a notice says of it; a note goes only
 * into the residents' notice, which only those readers get. The admins, who read every desk but
 * not a private need's details, may get the notices that carry no note (it is overdue).
 */
import type { DB } from "../../../db/client.server";
import type { NeedStatus, NeedStep } from "~/domain/needs/machine";
import {
  NEED_ASSIGN_STEPS,
  type NeedAssignStep,
  type NeedRecipients,
  type NoticeDraft,
} from "~/domain/notices/kinds";
import { ANONYMOUS, can, type Actor } from "~/domain/permissions/policy";
import { needTarget, type LoadedNeed, type NeedRow } from "./shared.server";

/** The steps whose note is a reason, told after the sentence. */
const REASON_STEPS: readonly NeedStep[] = [
  "returnToRoom",
  "askExtension",
  "answerNotSatisfied",
  "reopen",
  "markNotForPlatform",
];
/** The steps whose note says what was done, told in the sentence. */
const DONE_STEPS: readonly NeedStep[] = ["resolveOnSpot", "resolve"];

type NeedRef = Pick<NeedRow, "id" | "category" | "gridId" | "streetId">;

/** The residents behind a need hear of a step (the one who took it is not told). */
export function residentsNotice(
  need: NeedRef,
  step: NeedStep,
  note: string | null = null,
  into: number | null = null,
): NoticeDraft {
  return {
    kind: "need.stepped",
    subject: { type: "need", id: need.id },
    params: {
      category: need.category,
      step,
      reason: REASON_STEPS.includes(step) ? note : null,
      done: DONE_STEPS.includes(step) ? note : null,
      into,
    },
    recipients: { need: need.id, who: "residents" },
  };
}

/**
 * Whoever must act next after a step that hands the need on: the grid's workers for a new report,
 * a resolution to check, or a need sent back that was solved on the spot; the command room for an
 * escalation or a return; the unit for a dispatch, or a need sent back after it handled it.
 */
export function assignedNotice(
  need: NeedRef,
  step: NeedAssignStep,
  to: NeedStatus,
  unitId: number | null,
): NoticeDraft {
  const gridWorkers = { grid: need.gridId, who: "gridWorkers" } as const;
  let recipients: NeedRecipients = gridWorkers;
  if (step === "escalate" || step === "returnToRoom") {
    recipients = { street: need.streetId, who: "commandRoom" };
  } else if ((step === "dispatch" || to === "dispatched") && unitId !== null) {
    recipients = { unit: unitId, who: "unit" };
  }
  return {
    kind: "need.assigned",
    subject: { type: "need", id: need.id },
    params: { category: need.category, step, reason: null },
    recipients,
  };
}

/** A new need (from the site, the window or another channel) is its grid's workers' to accept. */
export const reportedNotice = (need: NeedRef) => assignedNotice(need, "report", "reported", null);

/** The loop's steps that hand a need on (the report is a command of its own). */
const ASSIGNING: ReadonlySet<string> = new Set(NEED_ASSIGN_STEPS.filter((s) => s !== "report"));

/**
 * What a step of the loop announces: the residents hear of it (when it has any with an account),
 * and whoever it hands the need to hears it is theirs. `unitId` is the unit it is with afterwards.
 */
export function stepNotices(
  loaded: LoadedNeed,
  step: NeedStep,
  to: NeedStatus,
  note: string | null,
  extra: { into: number | null; unitId: number | null },
): NoticeDraft[] {
  const { need } = loaded;
  const drafts: NoticeDraft[] = [];
  if (loaded.reporterIds.length + loaded.meTooIds.length > 0) {
    drafts.push(residentsNotice(need, step, note, extra.into));
  }
  if (ASSIGNING.has(step)) {
    drafts.push(assignedNotice(need, step as NeedAssignStep, to, extra.unitId));
  }
  return drafts;
}

/** An overdue need raised to `level`: the street's command room (1) or the admins (2). */
export function overdueNotice(need: NeedRef, level: 1 | 2): NoticeDraft {
  return {
    kind: "need.overdue",
    subject: { type: "need", id: need.id },
    params: { category: need.category, level, reason: null },
    recipients: level === 1 ? { street: need.streetId, who: "commandRoom" } : { who: "admins" },
  };
}

/** Whether a stored recipients value is one of a need's rules (the outbox keeps JSON). */
export function isNeedRecipients(r: unknown): r is NeedRecipients {
  const v = (r ?? {}) as Record<string, unknown>;
  const id = (k: string) => typeof v[k] === "number";
  switch (v.who) {
    case "gridWorkers":
      return id("grid");
    case "commandRoom":
      return id("street");
    case "unit":
      return id("unit");
    case "residents":
      return id("need");
    case "admins":
      return true;
    default:
      return false;
  }
}

/** One page of a rule's people after `after`, by id: current staff only, living admins. */
function pageOf(db: DB, r: NeedRecipients, after: number, limit: number) {
  if (r.who === "admins") {
    return db
      .selectFrom("users")
      .select("id")
      .where("isAdmin", "=", 1)
      .where("deletedAt", "is", null)
      .where("id", ">", after)
      .orderBy("id")
      .limit(limit)
      .execute();
  }
  if (r.who === "residents") {
    return db
      .selectFrom("needResidents")
      .select("userId as id")
      .where("needId", "=", r.need)
      .where("userId", ">", after)
      .orderBy("userId")
      .limit(limit)
      .execute();
  }
  let q = db
    .selectFrom("needStaff")
    .select("userId as id")
    .distinct()
    .where("endedAt", "is", null)
    .where("userId", ">", after);
  if (r.who === "unit") q = q.where("role", "=", "unit").where("unitId", "=", r.unit);
  else if (r.who === "gridWorkers")
    q = q.where("role", "=", "gridWorker").where("areaId", "=", r.grid);
  else q = q.where("role", "=", "commandRoom").where("areaId", "=", r.street);
  return q.orderBy("id").limit(limit).execute();
}

/** A need rule's people, `chunk` at a time, in ascending id order (keyset: never all at once). */
export async function* needRecipients(
  db: DB,
  r: NeedRecipients,
  chunk: number,
): AsyncGenerator<number[]> {
  for (let after = 0; ;) {
    const rows = await pageOf(db, r, after, chunk);
    if (rows.length === 0) return;
    yield rows.map((x) => x.id);
    after = rows[rows.length - 1]!.id;
    if (rows.length < chunk) return;
  }
}

/** Kinds whose sentence carries no note: the desk's readers (the admins) may get them too. */
const WITHOUT_NOTE: ReadonlySet<string> = new Set(["need.assigned", "need.overdue"]);

/**
 * Of these people, those who may be told about this need: those who may read its details as its
 * page decides (everyone for a public need; for a private one its reporter, its "me too"
 * residents, its grid's workers, its street's command room, its unit and its committee — each
 * in post now), and, for a notice without a note, the readers of its street's desk.
 */
export async function needViewers(
  db: DB,
  kind: string,
  needId: number,
  userIds: readonly number[],
): Promise<number[]> {
  const need = await db.selectFrom("needs").selectAll().where("id", "=", needId).executeTakeFirst();
  if (!need || userIds.length === 0) return [];
  const ids = [...userIds];
  const residents = await db
    .selectFrom("needResidents")
    .select("userId")
    .where("needId", "=", need.id)
    .where("kind", "=", "meToo")
    .where("userId", "in", ids)
    .execute();
  const staff = await db
    .selectFrom("needStaff")
    .select(["userId", "role", "areaId", "unitId"])
    .where("endedAt", "is", null)
    .where("userId", "in", ids)
    .execute();
  const committee = await db
    .selectFrom("committeeMembers")
    .select("userId")
    .where("communityId", "=", need.communityId)
    .where("endedAt", "is", null)
    .where("userId", "in", ids)
    .execute();
  const admins = await db
    .selectFrom("users")
    .select("id")
    .where("isAdmin", "=", 1)
    .where("id", "in", ids)
    .execute();
  const onCommittee = new Set(committee.map((c) => c.userId));
  const isAdmin = new Set(admins.map((a) => a.id));
  const target = needTarget({ need, meTooIds: residents.map((r) => r.userId) });
  const desk = WITHOUT_NOTE.has(kind);
  return ids.filter((u) => {
    const posts = staff.filter((s) => s.userId === u);
    const placesOf = (role: string) =>
      posts.flatMap((s) => (s.role !== role ? [] : [(role === "unit" ? s.unitId : s.areaId)!]));
    const person: Actor = {
      ...ANONYMOUS,
      userId: u,
      isAdmin: isAdmin.has(u),
      committeeOf: onCommittee.has(u) ? need.communityId : null,
      gridWorkerOf: placesOf("gridWorker"),
      commandRoomOf: placesOf("commandRoom"),
      unitOf: placesOf("unit"),
    };
    return (
      can(person, "need.viewDetails", target) || (desk && can(person, "need.viewDesk", target))
    );
  });
}

/** The need's reporter, for whom its steps are a protected notice (their own report). */
export async function needOwner(db: DB, needId: number | null): Promise<number | null> {
  if (needId === null) return null;
  const row = await db
    .selectFrom("needs")
    .select("reporterId")
    .where("id", "=", needId)
    .executeTakeFirst();
  return row?.reporterId ?? null;
}
