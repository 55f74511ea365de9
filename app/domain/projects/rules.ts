/**
 * Micro-projects (微实事) and social organisations: the fixed lists, and the project lifecycle as a
 * state machine. Which *role* may take a step is the permission policy's business; which *status*
 * a step may start from is decided here. Services call `checkStep`, which asks both.
 */
import { DomainError } from "../errors";
import { authorize, can, type Action, type Actor, type Target } from "../permissions/policy";

export const SERVICE_AREAS = [
  "communityService",
  "mediation",
  "publicSafety",
  "elderlyCare",
  "disasterRelief",
  "hardship",
  "culture",
  "environment",
] as const;
export type ServiceArea = (typeof SERVICE_AREAS)[number];

export const TIERS = ["filed", "registered", "charity"] as const;
export type OrganisationTier = (typeof TIERS)[number];

/** An organisation's listing: the schema's limits, also the form's `maxLength`s. */
export const ORG_NAME_MAX = 60;
export const ORG_REGISTRATION_NUMBER_MAX = 40;
export const ORG_DESCRIPTION_MAX = 2000;
export const ORG_CONTACT_MAX = 100;

export const PROJECT_STATUSES = [
  "draft",
  "submitted",
  "underReview",
  "accepted",
  "rejected",
  "returned",
  "selected",
  "inProgress",
  "completed",
  "abandoned",
] as const;
export type ProjectStatus = (typeof PROJECT_STATUSES)[number];

/** A progress report, or the final report that comes with completing. */
export const PROJECT_UPDATE_KINDS = ["progress", "final"] as const;
export type ProjectUpdateKind = (typeof PROJECT_UPDATE_KINDS)[number];

/** An organisation's listing: applied for, verified or declined by the committee. */
export const ORGANISATION_STATUSES = ["pending", "verified", "declined"] as const;
export type OrganisationStatus = (typeof ORGANISATION_STATUSES)[number];
export const ORGANISATION_ROLES = ["admin", "member"] as const;
export type OrganisationRole = (typeof ORGANISATION_ROLES)[number];
/** A member is invited first, and active once they accept. */
export const ORGANISATION_MEMBER_STATUSES = ["invited", "active"] as const;
export type OrganisationMemberStatus = (typeof ORGANISATION_MEMBER_STATUSES)[number];

/** Statuses everyone may see; a draft is seen only by the people who write it. */
export const isPublicStatus = (s: ProjectStatus) => s !== "draft";

/** Editing is allowed only while nobody is reviewing or relying on the text. */
export const isEditable = (s: ProjectStatus) => s === "draft" || s === "returned";

/** Statuses in which supports still matter (before a decision). */
/** The statuses in which residents may support a project (and lists may ask for them). */
export const SUPPORTABLE: readonly ProjectStatus[] = [
  "submitted",
  "underReview",
  "accepted",
  "selected",
];
export const isSupportable = (s: ProjectStatus) => SUPPORTABLE.includes(s);

export type Step =
  | "submit"
  | "startReview"
  | "accept"
  | "reject"
  | "return"
  | "select"
  | "start"
  | "complete"
  | "abandon";

export interface StepRule {
  from: readonly ProjectStatus[];
  to: ProjectStatus;
  action: Action;
  /** The step must say why (rejections, returns, abandonment). */
  needsReason: boolean;
}

export const STEPS: Record<Step, StepRule> = {
  submit: {
    from: ["draft", "returned"],
    to: "submitted",
    action: "project.submit",
    needsReason: false,
  },
  startReview: {
    from: ["submitted"],
    to: "underReview",
    action: "project.review",
    needsReason: false,
  },
  accept: { from: ["underReview"], to: "accepted", action: "project.review", needsReason: false },
  reject: { from: ["underReview"], to: "rejected", action: "project.review", needsReason: true },
  return: { from: ["underReview"], to: "returned", action: "project.review", needsReason: true },
  select: { from: ["accepted"], to: "selected", action: "project.select", needsReason: false },
  start: { from: ["selected"], to: "inProgress", action: "project.carryOut", needsReason: false },
  // Completing carries a final report (the service takes it with the step).
  complete: {
    from: ["inProgress"],
    to: "completed",
    action: "project.carryOut",
    needsReason: false,
  },
  abandon: {
    from: ["selected", "inProgress"],
    to: "abandoned",
    action: "project.abandon",
    needsReason: true,
  },
};

export const STEP_NAMES = Object.keys(STEPS) as Step[];

export const isStep = (s: unknown): s is Step =>
  typeof s === "string" && Object.prototype.hasOwnProperty.call(STEPS, s);

export interface ProjectRef {
  status: ProjectStatus;
  communityId: number;
  proposerId: number | null;
  organisationId: number | null;
}

/**
 * The policy target of a project: its community, and who writes it — the organisation's members
 * for an organisation's project (so someone who leaves it loses the project too), otherwise the
 * resident who proposed it.
 */
export function projectTarget(p: Omit<ProjectRef, "status">): Target {
  if (p.organisationId !== null) {
    return { communityId: p.communityId, organisationId: p.organisationId };
  }
  return {
    communityId: p.communityId,
    ...(p.proposerId !== null ? { ownerId: p.proposerId } : {}),
  };
}

/** Whether the actor may see the project at all: a draft is its proposers' own. */
export function mayViewProject(actor: Actor, p: ProjectRef): boolean {
  return isPublicStatus(p.status) || can(actor, "project.viewDraft", projectTarget(p));
}

/** Throws 403/401 when the actor may not take the step, 409 when the project is not where it starts. */
export function checkStep(actor: Actor, project: ProjectRef, step: Step): StepRule {
  const rule = STEPS[step];
  authorize(actor, rule.action, projectTarget(project));
  if (!rule.from.includes(project.status)) {
    throw new DomainError(409, "project:errors.stepNotAllowed", {
      step,
      status: project.status,
    });
  }
  return rule;
}

/** The steps this actor could take now: the buttons a project page shows. */
export function availableSteps(actor: Actor, project: ProjectRef): Step[] {
  return STEP_NAMES.filter(
    (step) =>
      STEPS[step].from.includes(project.status) &&
      can(actor, STEPS[step].action, projectTarget(project)),
  );
}

/** Whole yuan, positive, at most this per item and in all: micro-projects are small by design. */
export const MAX_ITEM_YUAN = 1_000_000;
export const MAX_TOTAL_YUAN = 5_000_000;
export const MAX_BUDGET_ITEMS = 20;
/** Blank budget rows a form offers beyond the filled ones (forms work without JavaScript). */
export const SPARE_BUDGET_ROWS = 3;
/** Field lengths of a proposal, in characters: the schema and the form's inputs both use them. */
export const PROJECT_MAX = {
  title: 60,
  summary: 140,
  description: 5000,
  place: 100,
  beneficiaries: 200,
  itemLabel: 60,
} as const;
/** A progress or final report's text. */
export const UPDATE_BODY_MAX = 2000;
/** Reasons of rejections, returns, abandonments: a few sentences. */
export const STEP_REASON_MAX = 500;
export const COMMENT_MAX = 1000;
/** Comments are moderated like room messages: the same flag threshold and reason length. */
export { FLAGS_TO_HIDE, MODERATION_REASON_MAX } from "../meetings/rules";

/** Average satisfaction to one decimal, or null when nobody has rated yet. */
export function averageRating(sum: number, count: number): number | null {
  return count === 0 ? null : Math.round((sum / count) * 10) / 10;
}
