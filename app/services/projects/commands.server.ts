/**
 * Micro-projects (微实事), the proposer's and the committee's writes: proposing and editing, the
 * lifecycle steps with their reports, and the community's support threshold. Each is a command (see
 * `../runner/command.server.ts`); every step writes the project's history, and the runner writes the
 * audit entry for the audited ones. Residents' participation is in `./participation.server.ts`.
 */
import { z } from "zod";
import { DomainError } from "~/domain/errors";
import {
  checkStep,
  isEditable,
  projectTarget,
  STEP_NAMES,
  STEPS,
  type Step,
} from "~/domain/projects/rules";
import {
  answersNeedSchema,
  projectEditSchema,
  projectSchema,
  reasonSchema,
  thresholdSchema,
  updateSchema,
  type ProjectInput,
  type UpdateInput,
} from "~/domain/projects/schemas";
import { chinaToday } from "~/domain/time";
import { formChoice, id } from "~/domain/validation";
import { needAnswered, writeLink } from "../needs/commands.server";
import { deletePhoto, encodePhoto, savePhoto } from "../photos.server";
import { projectTexts, reindex } from "../search.server";
import { command, type Trx } from "../runner/command.server";

import { loadVisible, about, notifyStep, record, reviewIfSupported } from "./shared.server";

type FormInput = z.output<typeof projectEditSchema>;

function searchTexts(input: FormInput) {
  return projectTexts({ ...input, place: input.place ?? null });
}

/** The columns the proposal form fills, alike when proposing and when editing. */
function formColumns(input: FormInput) {
  return {
    gridId: input.gridId,
    place: input.place ?? "",
    title: input.title,
    summary: input.summary,
    description: input.description,
    category: input.category,
    beneficiaries: input.beneficiaries,
    startsOn: input.startsOn,
    endsOn: input.endsOn,
    budgetTotal: input.total,
  };
}

/** A project's optional grid must be one of its community's grids. */
async function checkGrid(trx: Trx, gridId: number | null, communityId: number): Promise<void> {
  if (gridId === null) return;
  const grid = await trx
    .selectFrom("areas")
    .select("id")
    .where("id", "=", gridId)
    .where("parentId", "=", communityId)
    .where("level", "=", "grid")
    .executeTakeFirst();
  if (!grid) throw new DomainError(400, "project:errors.badGrid", {}, "gridId");
}

async function writeItems(trx: Trx, projectId: number, input: Pick<ProjectInput, "items">) {
  await trx.deleteFrom("projectBudgetItems").where("projectId", "=", projectId).execute();
  await trx
    .insertInto("projectBudgetItems")
    .values(input.items.map((item, position) => ({ projectId, position, ...item })))
    .execute();
}

/** A photo as the multipart adapter hands it over: bytes, or nothing. */
const photoField = z.object({
  photo: z
    .custom<Uint8Array | null>((v) => v === null || v instanceof Uint8Array)
    .optional()
    .transform((v) => v ?? null),
});

/** Re-encodes a new photo before the transaction (it is slow); `run` stores it inside. */
const photoStep = {
  prepare: (input: { photo: Uint8Array | null }) =>
    input.photo ? encodePhoto(input.photo) : Promise.resolve(null),
};

/**
 * A resident's (or an organisation member's) new micro-project, as a draft. Proposed from a need's
 * page, it answers that need: the link is written here, in the same transaction as the project,
 * or neither is (the rules are the needs domain's: `needAnswered`, `writeLink`).
 */
export const proposeProject = command({
  action: "project.propose",
  input: projectSchema.and(photoField).and(answersNeedSchema),
  ...photoStep,
  load: async ({ trx, input }) => {
    // Who proposes, for whom, where: a resident of the community, or a member for a serving
    // organisation (being a resident is not enough to propose in an organisation's name).
    await trx
      .selectFrom("areas")
      .select("id")
      .where("id", "=", input.communityId)
      .where("level", "=", "community")
      .executeTakeFirstOrThrow(
        () => new DomainError(400, "project:errors.badCommunity", {}, "communityId"),
      );
    await checkGrid(trx, input.gridId, input.communityId);
  },
  target: (_l, input) =>
    input.organisationId === null
      ? { communityId: input.communityId }
      : { organisationId: input.organisationId },
  run: async ({ trx, actor, input, at, prepared, emit }) => {
    // Checked once the proposer may propose here at all: a stranger is told that, not about needs.
    const need = input.needId
      ? await needAnswered(trx, actor, input.needId, input.communityId)
      : null;
    if (input.organisationId !== null) {
      const org = await trx
        .selectFrom("organisations")
        .select("status")
        .where("id", "=", input.organisationId)
        .executeTakeFirst();
      if (!org || org.status !== "verified") {
        throw new DomainError(409, "project:errors.organisationNotVerified", {}, "organisationId");
      }
      const serves = await trx
        .selectFrom("organisationCommunities")
        .select("communityId")
        .where("organisationId", "=", input.organisationId)
        .where("communityId", "=", input.communityId)
        .executeTakeFirst();
      if (!serves)
        throw new DomainError(400, "project:errors.organisationDoesNotServe", {}, "communityId");
    }
    if (prepared) await savePhoto(trx, prepared, at);
    const { id: projectId } = await trx
      .insertInto("projects")
      .values({
        ...formColumns(input),
        communityId: input.communityId,
        organisationId: input.organisationId,
        proposerId: actor.userId,
        status: "draft",
        statusReason: null,
        photo: prepared?.name ?? null,
        createdAt: at,
        updatedAt: at,
        submittedAt: null,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await writeItems(trx, projectId, input);
    await record(trx, at, projectId, "create", null, "draft", actor);
    await reindex(trx, "project", projectId, searchTexts(input));
    if (need) {
      // Tells the need's page and this project's.
      await writeLink(trx, {
        need,
        kind: "project",
        targetId: projectId,
        actor,
        at,
        emit,
        role: "proposer",
      });
    } else {
      emit({ type: "project.changed", communityId: input.communityId, projectId });
    }
    return projectId;
  },
  subject: (_ctx, projectId) => ({ type: "project", id: projectId }),
});

/** Edits the text and budget; the community and organisation stay as proposed. */
export const editProject = command({
  action: "project.edit",
  input: projectEditSchema.and(photoField).and(
    z.object({
      id,
      // A checkbox: "yes" from the form, or a plain boolean from a server caller.
      removePhoto: z
        .union([z.boolean(), z.literal("yes")])
        .optional()
        .transform((v) => v === true || v === "yes"),
    }),
  ),
  ...photoStep,
  load: loadVisible,
  target: projectTarget,
  run: async ({ trx, actor, input, loaded: p, at, prepared, emit }) => {
    if (!isEditable(p.status)) throw new DomainError(409, "project:errors.notEditable");
    await checkGrid(trx, input.gridId, p.communityId);
    const photo = prepared?.name ?? (input.removePhoto ? null : p.photo);
    if (prepared) await savePhoto(trx, prepared, at);
    await trx
      .updateTable("projects")
      .set({ ...formColumns(input), updatedAt: at, photo })
      .where("id", "=", p.id)
      .where("status", "=", p.status)
      .execute();
    await writeItems(trx, p.id, input);
    await record(trx, at, p.id, "edit", p.status, p.status, actor);
    await reindex(trx, "project", p.id, searchTexts(input));
    if (photo !== p.photo) await deletePhoto(trx, p.photo);
    emit({ type: "project.changed", communityId: p.communityId, projectId: p.id });
  },
  subject: ({ loaded }) => about(loaded),
});

/** Reports tell what happened: dated today at the latest (China time, where the work is done). */
function checkReportDate(report: UpdateInput, now: Date) {
  if (report.onDate > chinaToday(now))
    throw new DomainError(400, "project:errors.dateInFuture", {}, "onDate");
}

async function addUpdateRow(
  trx: Trx,
  at: string,
  projectId: number,
  authorId: number,
  kind: "progress" | "final",
  input: UpdateInput,
) {
  await trx
    .insertInto("projectUpdates")
    .values({
      projectId,
      kind,
      authorId,
      body: input.body,
      spent: input.spent,
      onDate: input.onDate,
      createdAt: at,
    })
    .execute();
  await trx
    .updateTable("projects")
    .set((eb) => ({ spentTotal: eb("spentTotal", "+", input.spent) }))
    .where("id", "=", projectId)
    .execute();
}

/** A lifecycle step: its reason or final report, as the step asks, parsed from the same form. */
const stepInput = z
  .object({
    id,
    step: formChoice(STEP_NAMES as [Step, ...Step[]]),
  })
  .passthrough()
  .transform((v, ctx) => {
    const rule = STEPS[v.step];
    const schema = rule.needsReason ? reasonSchema : v.step === "complete" ? updateSchema : null;
    if (!schema) return { id: v.id, step: v.step };
    const parsed = schema.safeParse(v);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) ctx.addIssue(issue);
      return z.NEVER;
    }
    return { id: v.id, step: v.step, ...parsed.data } as {
      id: number;
      step: Step;
      reason?: string;
      body?: string;
      spent?: number;
      onDate?: string;
    };
  });

export const takeStep = command({
  action: [
    "project.submit",
    "project.review",
    "project.select",
    "project.carryOut",
    "project.abandon",
  ],
  actionFor: (input) => STEPS[input.step].action as "project.submit",
  input: stepInput,
  load: loadVisible,
  target: projectTarget,
  run: async ({ trx, actor, input, loaded: p, at, now, emit, notify }) => {
    const { step } = input;
    const rule = checkStep(actor, p, step);
    const reason = input.reason?.trim() || null;
    if (rule.needsReason && !reason) {
      throw new DomainError(400, "project:errors.reasonRequired", {}, "reason");
    }
    let report: UpdateInput | null = null;
    if (step === "complete") {
      if (!input.body || input.spent === undefined || !input.onDate) {
        throw new DomainError(400, "project:errors.reportRequired", {}, "body");
      }
      report = { body: input.body, spent: input.spent, onDate: input.onDate };
      checkReportDate(report, now);
    }
    await trx
      .updateTable("projects")
      .set({
        status: rule.to,
        updatedAt: at,
        ...(rule.needsReason ? { statusReason: reason } : {}),
        ...(step === "submit" ? { submittedAt: at, statusReason: null } : {}),
      })
      .where("id", "=", p.id)
      // Engines that let two transactions read the same row must still give one step, not two.
      .where("status", "=", p.status)
      .executeTakeFirst()
      .then((r) => {
        if (r.numUpdatedRows === 0n) {
          throw new DomainError(409, "project:errors.stepNotAllowed", { step, status: p.status });
        }
      });
    if (report) await addUpdateRow(trx, at, p.id, actor.userId, "final", report);
    await record(trx, at, p.id, step, p.status, rule.to, actor, reason);
    notifyStep(notify, p, step, reason);
    // Supports gathered before a return still count when the project comes back.
    if (step === "submit") await reviewIfSupported(trx, at, p.id, p.communityId, notify);
    emit({ type: "project.changed", communityId: p.communityId, projectId: p.id });
    return { from: p.status, to: rule.to, reason };
  },
  audit: ({ loaded: p, input }, r) => ({
    areaId: p.communityId,
    subjectType: "project",
    subjectId: p.id,
    details: { title: p.title, step: input.step, from: r.from, to: r.to, reason: r.reason },
  }),
  // Only the proposer's own steps (submitting) pass the policy in a sitting.
  subject: ({ loaded }) => about(loaded),
});

export const addProgress = command({
  action: "project.carryOut",
  input: updateSchema.and(z.object({ id })),
  load: loadVisible,
  target: projectTarget,
  run: async ({ trx, actor, input, loaded: p, at, now, emit }) => {
    if (p.status !== "inProgress") throw new DomainError(409, "project:errors.notInProgress");
    checkReportDate(input, now);
    await addUpdateRow(trx, at, p.id, actor.userId, "progress", input);
    emit({ type: "project.changed", communityId: p.communityId, projectId: p.id });
  },
  audit: ({ loaded: p, input }) => ({
    areaId: p.communityId,
    subjectType: "project",
    subjectId: p.id,
    details: { title: p.title, step: "progress", spent: input.spent },
  }),
});

/** Sets (or clears) the threshold; projects that already have enough supports go under review. */
export const setSupportThreshold = command({
  action: "community.settings",
  input: thresholdSchema.and(z.object({ communityId: id })),
  target: (_l, input) => ({ communityId: input.communityId }),
  run: async ({ trx, input: { communityId, threshold }, at, emit, notify }) => {
    if (
      threshold !== null &&
      !(Number.isInteger(threshold) && threshold >= 1 && threshold <= 1e4)
    ) {
      throw new DomainError(400, "project:errors.badThreshold", {}, "threshold");
    }
    await trx
      .insertInto("communitySettings")
      .values({ communityId, supportThreshold: threshold, updatedAt: at })
      .onConflict((oc) =>
        oc.column("communityId").doUpdateSet({ supportThreshold: threshold, updatedAt: at }),
      )
      .execute();
    // The community's page states the threshold.
    emit({ type: "community.changed", communityId });
    if (threshold === null) return;
    const ready = await trx
      .selectFrom("projects")
      .select("id")
      .where("communityId", "=", communityId)
      .where("status", "=", "submitted")
      .where("supportCount", ">=", threshold)
      .execute();
    for (const r of ready) {
      await reviewIfSupported(trx, at, r.id, communityId, notify);
      emit({ type: "project.changed", communityId, projectId: r.id });
    }
  },
  audit: ({ input }) => ({
    areaId: input.communityId,
    subjectType: "community",
    subjectId: input.communityId,
    details: { supportThreshold: input.threshold },
  }),
});
