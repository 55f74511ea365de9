/**
 * 民情 (needs), the writes: a resident reports a need or adds themselves to one ("me too"), and
 * every step of the loop (app/domain/needs/machine.ts) moves it on. Each is a command (see
 * `../runner/command.server.ts`): the policy decides who (by the roles in its table), the machine
 * decides when, and every step writes one line of the need's timeline with the role it was taken
 * as, the time and its note.
 */
import { DomainError } from "~/domain/errors";
import { isPrivateByDefault } from "~/domain/needs/categories";
import { checkDeadline, checkExtension, deadlineFor } from "~/domain/needs/clock";
import {
  checkNote,
  isOpen,
  nextStatus,
  type NeedStatus,
  type NeedStep,
} from "~/domain/needs/machine";
import {
  takesProjects,
  WEB_CHANNEL,
  WINDOW_CHANNEL,
  type NeedAnswer,
  type NeedLinkKind,
  type NeedTimelineRole,
} from "~/domain/needs/rules";
import {
  endOfChinaDate,
  linkSchema,
  meTooSchema,
  reportSchema,
  stepSchema,
  type StepInput,
} from "~/domain/needs/schemas";
import { can, type Action, type Actor } from "~/domain/permissions/policy";
import { encodePhoto, savePhoto } from "../photos.server";
import { needTexts, reindex } from "../search.server";
import { reportedNotice, stepNotices } from "./notices.server";
import type { DomainEvent } from "../events.server";
import { command, type Trx } from "../runner/command.server";
import {
  factsOf,
  loadNeed,
  needTarget,
  recordStep,
  roleTaking,
  streetLimits,
  workCalendar,
  type LoadedNeed,
  type NeedRow,
} from "./shared.server";

/** Re-encodes a new photo before the transaction (it is slow); `run` stores it inside. */
const photoStep = {
  prepare: (input: { photo: Uint8Array | null }) =>
    input.photo ? encodePhoto(input.photo) : Promise.resolve(null),
};

const changed = (n: Pick<NeedRow, "id" | "communityId" | "streetId" | "unitId">) =>
  ({
    type: "need.changed",
    communityId: n.communityId,
    streetId: n.streetId,
    needId: n.id,
    unitId: n.unitId,
  }) as const;

export const reportNeed = command({
  action: "need.report",
  input: reportSchema,
  ...photoStep,
  load: async ({ trx, input }) => {
    const community = await trx
      .selectFrom("areas")
      .select(["id", "parentId"])
      .where("id", "=", input.communityId)
      .where("level", "=", "community")
      .executeTakeFirst();
    if (!community || community.parentId === null) {
      throw new DomainError(400, "need:errors.badCommunity", {}, "communityId");
    }
    const grid = await trx
      .selectFrom("areas")
      .select("id")
      .where("id", "=", input.gridId)
      .where("parentId", "=", input.communityId)
      .where("level", "=", "grid")
      .executeTakeFirst();
    if (!grid) throw new DomainError(400, "need:errors.badGrid", {}, "gridId");
    return { streetId: community.parentId };
  },
  target: (_l, input) => ({ communityId: input.communityId }),
  run: async ({ trx, actor, input, loaded, at, now, prepared, emit, notify }) => {
    if (prepared) await savePhoto(trx, prepared, at);
    const isPublic =
      input.visibility === "auto"
        ? !isPrivateByDefault(input.category)
        : input.visibility === "public";
    const deadline = deadlineFor("reported", now, {
      urgent: false,
      limits: await streetLimits(trx, loaded.streetId),
      calendar: workCalendar(),
    });
    const { id: needId } = await trx
      .insertInto("needs")
      .values({
        streetId: loaded.streetId,
        communityId: input.communityId,
        gridId: input.gridId,
        category: input.category,
        place: input.place,
        description: input.description,
        photo: prepared?.name ?? null,
        isPublic: isPublic ? 1 : 0,
        reporterId: actor.userId,
        channel: actor.assistedBy ? WINDOW_CHANNEL : WEB_CHANNEL,
        channelRef: null,
        mediaUrl: null,
        status: "reported",
        deadlineAt: deadline?.toISOString() ?? null,
        createdAt: at,
        updatedAt: at,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await trx
      .insertInto("needResidents")
      .values({ needId, userId: actor.userId, kind: "reporter", joinedAt: at })
      .execute();
    await recordStep(trx, {
      needId,
      step: "report",
      role: "reporter",
      actor,
      from: null,
      to: "reported",
      at,
      deadlineAt: deadline?.toISOString() ?? null,
    });
    await reindex(trx, "need", needId, needTexts(input));
    notify(
      reportedNotice({ id: needId, category: input.category, gridId: input.gridId, ...loaded }),
    );
    emit(
      changed({
        id: needId,
        communityId: input.communityId,
        streetId: loaded.streetId,
        unitId: null,
      }),
    );
    return needId;
  },
  subject: (_ctx, id) => ({ type: "need", id }),
});

/** "我也遇到": a resident of the need's community adds themselves to an open need. */
export const meToo = command({
  action: "need.meToo",
  input: meTooSchema,
  load: ({ trx, input }) => loadNeed(trx, input.needId),
  target: (l) => ({ communityId: l.need.communityId }),
  run: async ({ trx, actor, loaded: { need, reporterIds, meTooIds }, at, emit }) => {
    if (!isOpen(need.status)) throw new DomainError(409, "need:errors.notOpen");
    if ([...reporterIds, ...meTooIds].includes(actor.userId)) {
      throw new DomainError(409, "need:errors.alreadyBehind");
    }
    await trx
      .insertInto("needResidents")
      .values({ needId: need.id, userId: actor.userId, kind: "meToo", joinedAt: at })
      .execute();
    await trx
      .updateTable("needs")
      .set((eb) => ({ intensity: eb("intensity", "+", 1), updatedAt: at }))
      .where("id", "=", need.id)
      .execute();
    await recordStep(trx, {
      needId: need.id,
      step: "meToo",
      role: "meToo",
      actor,
      from: need.status,
      to: need.status,
      at,
    });
    emit(changed(need));
    return need.id;
  },
  subject: (_ctx, id) => ({ type: "need", id }),
});

/** The policy action each step is taken under. */
export const STEP_ACTION = {
  accept: "need.accept",
  resolveOnSpot: "need.resolveOnSpot",
  escalate: "need.escalate",
  dispatch: "need.dispatch",
  returnToRoom: "need.returnToRoom",
  askExtension: "need.askExtension",
  resolve: "need.resolve",
  check: "need.check",
  answerSatisfied: "need.answer",
  answerPartly: "need.answer",
  answerNotSatisfied: "need.answer",
  reopen: "need.reopen",
  merge: "need.merge",
  markNotForPlatform: "need.markNotForPlatform",
} as const satisfies Record<Exclude<NeedStep, "autoClose">, Action>;
type StepAction = (typeof STEP_ACTION)[keyof typeof STEP_ACTION];

const ANSWER_OF: Partial<Record<NeedStep, NeedAnswer>> = {
  answerSatisfied: "satisfied",
  answerPartly: "partly",
  answerNotSatisfied: "notSatisfied",
};

/**
 * Moves the need to its next status. Two staff taking a step at once give one step, not two,
 * without a check here: the command's transaction (db/portable.ts) read the need it decided on, and
 * SQLite's one writer runs the other one after it, while PostgreSQL's serializable isolation aborts
 * the later writer and runs it again, when the machine sees the need has moved (the test "two
 * staff at the same moment" holds both engines to it).
 */
async function moveNeed(
  trx: Trx,
  need: NeedRow,
  set: Partial<Omit<NeedRow, "id">> & { status: NeedStatus; updatedAt: string },
): Promise<void> {
  await trx.updateTable("needs").set(set).where("id", "=", need.id).execute();
}

/** The residents' answer: the reporter's decides; without a reporter, the first "me too" one. */
function answerDecides(loaded: LoadedNeed, userId: number): boolean {
  return loaded.need.reporterId === null || loaded.reporterIds.includes(userId);
}

export const takeNeedStep = command({
  action: [...new Set(Object.values(STEP_ACTION))] as StepAction[],
  actionFor: (input) => STEP_ACTION[input.step as keyof typeof STEP_ACTION],
  input: stepSchema,
  // Only a resolution carries a photo (what was done); any other step's is not read.
  prepare: (input) =>
    input.step === "resolve" && input.photo ? encodePhoto(input.photo) : Promise.resolve(null),
  load: ({ trx, input }) => loadNeed(trx, input.needId),
  target: (loaded) => needTarget(loaded),
  run: async ({ trx, actor, input, loaded, at, now, prepared, emit, notify }) => {
    const { need } = loaded;
    const step = input.step;
    const to = nextStatus(need.status, step, factsOf(need, now));
    const note = checkNote(step, input.note);
    const role = roleTaking(actor, needTarget(loaded), step);
    const opts = async (urgent = need.urgent === 1) => ({
      urgent,
      limits: await streetLimits(trx, need.streetId),
      calendar: workCalendar(),
    });
    // Every step starts a new stretch: an overdue raise belonged to the one that ended.
    const set: Parameters<typeof moveNeed>[2] = { status: to, updatedAt: at, raised: 0 };
    let unitId: number | null = null;
    let deadline: Date | null = null;

    switch (step) {
      case "dispatch": {
        unitId = await checkUnit(trx, input, need);
        deadline = input.deadline
          ? checkDeadline(endOfChinaDate(input.deadline), now)
          : deadlineFor("dispatched", now, await opts(input.urgent));
        Object.assign(set, { unitId, urgent: input.urgent ? 1 : 0, dispatched: 1 });
        break;
      }
      case "askExtension": {
        if (!input.deadline)
          throw new DomainError(400, "need:errors.deadlineRequired", {}, "deadline");
        const current = need.deadlineAt ? new Date(need.deadlineAt) : now;
        deadline = checkExtension(current, endOfChinaDate(input.deadline), now);
        unitId = need.unitId;
        Object.assign(set, { extensionsAsked: need.extensionsAsked + 1 });
        break;
      }
      case "returnToRoom":
        unitId = need.unitId;
        deadline = deadlineFor("returnedToRoom", now, await opts());
        set.unitId = null;
        break;
      case "escalate":
        deadline = deadlineFor("escalated", now, await opts());
        break;
      case "resolve":
        unitId = need.unitId;
        break;
      case "check":
      case "resolveOnSpot":
        set.checkedAt = at;
        break;
      case "answerSatisfied":
      case "answerPartly":
      case "answerNotSatisfied": {
        const answer = ANSWER_OF[step]!;
        await trx
          .updateTable("needResidents")
          .set({ answer, answeredAt: at })
          .where("needId", "=", need.id)
          .where("userId", "=", actor.userId)
          .execute();
        if (!answerDecides(loaded, actor.userId)) {
          // Recorded and counted in the figures; the reporter's answer moves the need.
          await recordStep(trx, {
            needId: need.id,
            step,
            role,
            actor,
            from: need.status,
            to: need.status,
            at,
            note,
          });
          await trx.updateTable("needs").set({ updatedAt: at }).where("id", "=", need.id).execute();
          emit(changed(need));
          return { needId: need.id, status: need.status };
        }
        if (step === "answerNotSatisfied") {
          deadline = to === "dispatched" ? deadlineFor("dispatched", now, await opts()) : null;
          Object.assign(set, {
            rehandled: need.rehandled + 1,
            checkedAt: null,
            unitId: need.unitId,
          });
        } else {
          Object.assign(set, { closedAt: at, answer });
        }
        break;
      }
      case "reopen":
        deadline = to === "dispatched" ? deadlineFor("dispatched", now, await opts()) : null;
        Object.assign(set, {
          rehandled: need.rehandled + 1,
          closedAt: null,
          checkedAt: null,
          answer: null,
        });
        break;
      case "merge": {
        const into = await mergeInto(trx, input, need, at, actor);
        set.mergedInto = into;
        break;
      }
      case "markNotForPlatform":
        set.statusNote = note;
        break;
      case "accept":
        break;
    }
    // The clock of the stretch the need enters; none for the steps without a time limit.
    set.deadlineAt = deadline?.toISOString() ?? null;
    await moveNeed(trx, need, set);
    // The photo's row first: the step refers to it.
    if (prepared) await savePhoto(trx, prepared, at);
    await recordStep(trx, {
      needId: need.id,
      step,
      role,
      actor,
      from: need.status,
      to,
      at,
      note,
      unitId,
      deadlineAt: deadline?.toISOString() ?? null,
      photo: prepared?.name ?? null,
    });
    const unitAfter = set.unitId === undefined ? need.unitId : set.unitId;
    const extra = { into: set.mergedInto ?? null, unitId: unitAfter };
    for (const draft of stepNotices(loaded, step, to, note, extra)) notify(draft);
    emit(changed({ ...need, unitId: set.unitId ?? need.unitId }));
    return { needId: need.id, status: to };
  },
  audit: ({ loaded: { need }, input, action }, result) => ({
    action,
    areaId: need.communityId,
    subjectType: "need",
    subjectId: need.id,
    details: { step: input.step, from: need.status, to: result.status },
  }),
  subject: ({ loaded: { need } }) => ({ type: "need", id: need.id }),
});

/** A dispatch's unit: one of the need's street's units. */
async function checkUnit(trx: Trx, input: StepInput, need: NeedRow): Promise<number> {
  if (!input.unitId) throw new DomainError(400, "need:errors.unitRequired", {}, "unitId");
  const unit = await trx
    .selectFrom("needUnits")
    .select("id")
    .where("id", "=", input.unitId)
    .where("streetId", "=", need.streetId)
    .executeTakeFirst();
  if (!unit) throw new DomainError(400, "need:errors.badUnit", {}, "unitId");
  return unit.id;
}

/**
 * Merging a duplicate into another open need of the same community: its residents join the other
 * as "me too" (none counted twice), and the other's intensity grows by as many.
 */
async function mergeInto(
  trx: Trx,
  input: StepInput,
  need: NeedRow,
  at: string,
  actor: Actor,
): Promise<number> {
  if (!input.into) throw new DomainError(400, "need:errors.mergeTargetRequired", {}, "into");
  const target = await trx
    .selectFrom("needs")
    .select(["id", "communityId", "status", "streetId", "unitId"])
    .where("id", "=", input.into)
    .executeTakeFirst();
  if (!target || target.id === need.id || target.communityId !== need.communityId) {
    throw new DomainError(400, "need:errors.badMergeTarget", {}, "into");
  }
  if (!isOpen(target.status)) throw new DomainError(409, "need:errors.badMergeTarget", {}, "into");
  const [mine, theirs] = await Promise.all([
    trx.selectFrom("needResidents").select("userId").where("needId", "=", need.id).execute(),
    trx.selectFrom("needResidents").select("userId").where("needId", "=", target.id).execute(),
  ]);
  const already = new Set(theirs.map((r) => r.userId));
  const moving = mine.filter((r) => !already.has(r.userId));
  if (moving.length > 0) {
    await trx
      .insertInto("needResidents")
      .values(
        moving.map((r) => ({
          needId: target.id,
          userId: r.userId,
          kind: "meToo" as const,
          joinedAt: at,
        })),
      )
      .execute();
  }
  // A need from another channel has its caller behind it but no account: it still counts one.
  const added = mine.length === 0 ? need.intensity : moving.length;
  await trx
    .updateTable("needs")
    .set((eb) => ({ intensity: eb("intensity", "+", added), updatedAt: at }))
    .where("id", "=", target.id)
    .execute();
  await recordStep(trx, {
    needId: target.id,
    step: "merge",
    role: "committee",
    actor,
    from: target.status,
    to: target.status,
    at,
    note: `#${need.id}`,
  });
  return target.id;
}

/**
 * The committee puts a need on a round-table meeting's agenda (a meeting of its community's
 * councils, or its street's, not yet over) or names a micro-project of its community that answers
 * it. Both sides then show the link, and the need's timeline says so.
 */
export const linkNeed = command({
  action: "need.link",
  input: linkSchema,
  load: async ({ trx, input }) => {
    const loaded = await loadNeed(trx, input.needId);
    const { need } = loaded;
    const ok =
      input.kind === "meeting"
        ? await trx
            .selectFrom("meetings")
            .innerJoin("councils", "councils.id", "meetings.councilId")
            .select("meetings.id")
            .where("meetings.id", "=", input.targetId)
            .where("councils.areaId", "in", [need.communityId, need.streetId])
            .where("meetings.status", "in", ["scheduled", "live"])
            .executeTakeFirst()
        : await trx
            .selectFrom("projects")
            .select("id")
            .where("id", "=", input.targetId)
            .where("communityId", "=", need.communityId)
            .where("status", "!=", "draft")
            .executeTakeFirst();
    if (!ok) throw new DomainError(400, "need:errors.badLinkTarget", {}, "targetId");
    return loaded;
  },
  target: (loaded) => ({ communityId: loaded.need.communityId }),
  run: async ({ trx, actor, input, loaded: { need }, at, emit }) => {
    await writeLink(trx, { need, kind: input.kind, targetId: input.targetId, actor, at, emit });
    return need.id;
  },
  audit: ({ input, loaded: { need } }) => ({
    areaId: need.communityId,
    subjectType: "need",
    subjectId: need.id,
    details: { kind: input.kind, targetId: input.targetId },
  }),
});

/**
 * Writes one link of a need, with its line on the need's timeline, and tells both pages: the
 * committee's link (above) and a resident's new project that answers the need
 * (`proposeProject`), inside their command's transaction.
 */
export async function writeLink(
  trx: Trx,
  l: {
    need: NeedRow;
    kind: NeedLinkKind;
    targetId: number;
    actor: Actor;
    at: string;
    emit: (e: DomainEvent) => void;
    /** Who the timeline names: the committee, unless the proposer of the project links it. */
    role?: NeedTimelineRole;
  },
): Promise<void> {
  const { need, kind, targetId } = l;
  const taken = await trx
    .selectFrom("needLinks")
    .select("needId")
    .where("needId", "=", need.id)
    .where("kind", "=", kind)
    .where("targetId", "=", targetId)
    .executeTakeFirst();
  if (taken) throw new DomainError(409, "need:errors.alreadyLinked", {}, "targetId");
  await trx
    .insertInto("needLinks")
    .values({ needId: need.id, kind, targetId, createdBy: l.actor.userId, createdAt: l.at })
    .execute();
  await recordStep(trx, {
    needId: need.id,
    step: "link",
    role: l.role ?? "committee",
    actor: l.actor,
    from: need.status,
    to: need.status,
    at: l.at,
    // What it was linked to, read by the timeline (a link, not prose).
    note: `${kind}:${targetId}`,
  });
  l.emit(changed(need));
  if (kind === "meeting") {
    l.emit({ type: "meeting.changed", communityId: need.communityId, meetingId: targetId });
  } else {
    l.emit({ type: "project.changed", communityId: need.communityId, projectId: targetId });
  }
}

/**
 * The need a new micro-project answers, loaded inside the proposal's transaction. The proposer
 * links their project to the need themselves, without the committee (whose own link, above, names
 * any project of the community): proposing is already granted by the policy, the link only says
 * which need the project answers, and what the need's page shows of it is what its readers may see
 * anyway. So the link asks what reading the need asks (`need.view`), a need that still takes
 * projects (`takesProjects`), and a project in the need's community, as the committee's does. A
 * need that is not there, or not the proposer's to see, is refused alike, on the form's need.
 */
export async function needAnswered(
  trx: Trx,
  actor: Actor,
  needId: number,
  communityId: number,
): Promise<NeedRow> {
  const loaded = await loadNeed(trx, needId).catch((e: unknown) => {
    if (e instanceof DomainError && e.status === 404) return null;
    throw e;
  });
  if (!loaded || !can(actor, "need.view", needTarget(loaded))) {
    throw new DomainError(400, "project:errors.badNeed", {}, "needId");
  }
  const { need } = loaded;
  if (!takesProjects(need.status)) {
    throw new DomainError(409, "project:errors.needTakesNoProjects", {}, "needId");
  }
  if (need.communityId !== communityId) {
    throw new DomainError(400, "project:errors.needElsewhere", {}, "communityId");
  }
  return need;
}
