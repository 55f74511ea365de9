/** Forms of organisations and micro-projects. */
import { z } from "zod";
import { parseLoginId, type LoginId } from "../accounts/schemas";
import { oneOf, refuse } from "../refuse";
import { id, text, formString } from "../validation";
import {
  COMMENT_MAX,
  MAX_BUDGET_ITEMS,
  MAX_ITEM_YUAN,
  MAX_TOTAL_YUAN,
  MODERATION_REASON_MAX,
  PROJECT_MAX,
  ORG_CONTACT_MAX,
  ORG_DESCRIPTION_MAX,
  ORG_NAME_MAX,
  ORG_REGISTRATION_NUMBER_MAX,
  STEP_REASON_MAX,
  SERVICE_AREAS,
  TIERS,
  UPDATE_BODY_MAX,
} from "./rules";

/** A repeated form field (checkboxes, table rows) arrives as one string or several. */
const many = <T extends z.ZodTypeAny>(item: T) =>
  z.preprocess(
    (v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]),
    z.array(item, { invalid_type_error: "errors.invalidType" }),
  );

const optionalText = (max: number) =>
  text({ min: 0, max })
    .optional()
    .transform((s) => (s ? s : null));

/** An id from a select whose first option is "none". */
const optionalId = z
  .string({ invalid_type_error: "errors.invalidType" })
  .optional()
  .transform((s, ctx) => {
    if (!s) return null;
    const parsed = id.safeParse(s);
    return parsed.success ? parsed.data : refuse(ctx, "errors.invalidType");
  });

const serviceArea = oneOf(SERVICE_AREAS, "project:errors.badCategory");

export const organisationSchema = z.object({
  name: text({ min: 2, max: ORG_NAME_MAX }),
  tier: oneOf(TIERS, "project:errors.badTier"),
  registrationNumber: optionalText(ORG_REGISTRATION_NUMBER_MAX),
  services: many(serviceArea)
    .refine((a) => a.length > 0, "project:errors.pickService")
    .transform((a) => [...new Set(a)]),
  communities: many(id)
    .refine((a) => a.length > 0, "project:errors.pickCommunity")
    .refine((a) => a.length <= 30, "errors.invalidType")
    .transform((a) => [...new Set(a)]),
  description: text({ min: 10, max: ORG_DESCRIPTION_MAX, multiline: true }),
  contact: optionalText(ORG_CONTACT_MAX),
});
export type OrganisationInput = z.output<typeof organisationSchema>;

/**
 * The committee's word on a listing. The reason may be left empty to verify; declining without
 * one is the command's refusal (`project:errors.reasonRequired`), since a server caller skips this.
 */
export const orgDecisionSchema = z.object({
  reason: text({ min: 0, max: STEP_REASON_MAX, multiline: true })
    .optional()
    .transform((s) => s ?? ""),
});

/** Inviting someone into an organisation: their login (as they sign in) and a role. */
export const invitationSchema = z.object({
  login: z.unknown().transform((v, ctx): LoginId => {
    const login = typeof v === "string" ? parseLoginId(v) : null;
    return login ?? refuse(ctx, "account:errors.loginFormat");
  }),
  role: oneOf(["admin", "member"]),
});

/** A calendar date (YYYY-MM-DD) that exists. */
const date = formString.transform((s, ctx) => {
  const v = s.trim();
  if (v === "") return refuse(ctx, "errors.required");
  const d = new Date(`${v}T00:00:00Z`);
  const exists = !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === v;
  return /^\d{4}-\d{2}-\d{2}$/.test(v) && exists ? v : refuse(ctx, "project:errors.badDate");
});

/**
 * Whole yuan as typed: digits only. "12.5", "-3", "1e3", "１２" (full-width) and "0" are refused,
 * not rounded: a budget is a promise and must say exactly what it means.
 */
export const yuan = (opts: { allowZero?: boolean; max?: number } = {}) =>
  formString.transform((s, ctx) => {
    const v = s.trim().replace(/,/g, "");
    if (v === "") return refuse(ctx, "errors.required");
    const n = /^\d{1,9}$/.test(v) ? Number(v) : NaN;
    if (!Number.isSafeInteger(n) || (n === 0 && !opts.allowZero)) {
      return refuse(ctx, "project:errors.amountWhole");
    }
    const max = opts.max ?? MAX_ITEM_YUAN;
    return n > max ? refuse(ctx, "project:errors.amountTooBig", { params: { max } }) : n;
  });

/** A proposal's text, place and dates, and its budget rows as typed. */
const projectFields = z.object({
  title: text({ min: 4, max: PROJECT_MAX.title }),
  summary: text({ min: 10, max: PROJECT_MAX.summary }),
  description: text({ min: 20, max: PROJECT_MAX.description, multiline: true }),
  gridId: optionalId,
  place: optionalText(PROJECT_MAX.place),
  category: serviceArea,
  beneficiaries: text({ max: PROJECT_MAX.beneficiaries }),
  startsOn: date,
  endsOn: date,
  itemLabel: many(z.string({ invalid_type_error: "errors.invalidType" })),
  itemAmount: many(z.string({ invalid_type_error: "errors.invalidType" })),
});

/** The rows become items with a total; dates in order. */
function budget<V extends z.output<typeof projectFields>>(v: V, ctx: z.RefinementCtx) {
  const fail = (message: string, params?: Record<string, number>) =>
    refuse(ctx, message, { params, path: "budget" });
  if (v.endsOn < v.startsOn)
    return refuse(ctx, "project:errors.endBeforeStart", { path: "endsOn" });
  if (v.itemLabel.length !== v.itemAmount.length || v.itemLabel.length > MAX_BUDGET_ITEMS + 5) {
    return fail("errors.badForm");
  }
  const items: Array<{ label: string; amount: number }> = [];
  for (let i = 0; i < v.itemLabel.length; i++) {
    const rawLabel = v.itemLabel[i]!;
    const rawAmount = v.itemAmount[i]!;
    // Rows left blank are the spare rows of the form.
    if (rawLabel.trim() === "" && rawAmount.trim() === "") continue;
    const label = text({ max: PROJECT_MAX.itemLabel }).safeParse(rawLabel);
    if (!label.success) return fail("project:errors.itemLabel", { row: i + 1 });
    const amount = yuan().safeParse(rawAmount);
    if (!amount.success) {
      const tooBig = amount.error.issues[0]!.message === "project:errors.amountTooBig";
      return fail(tooBig ? "project:errors.itemTooBig" : "project:errors.itemAmount", {
        row: i + 1,
        max: MAX_ITEM_YUAN,
      });
    }
    items.push({ label: label.data, amount: amount.data });
  }
  if (items.length === 0) return fail("project:errors.noBudget");
  if (items.length > MAX_BUDGET_ITEMS) {
    return fail("project:errors.tooManyItems", { max: MAX_BUDGET_ITEMS });
  }
  const total = items.reduce((s, i) => s + i.amount, 0);
  if (total > MAX_TOTAL_YUAN) return fail("project:errors.totalTooBig", { max: MAX_TOTAL_YUAN });
  const { itemLabel: _l, itemAmount: _a, ...rest } = v;
  return { ...rest, items, total };
}

export const projectSchema = projectFields
  .extend({ communityId: id, organisationId: optionalId })
  .transform(budget);
/**
 * The need (民情) a proposal answers, when it was proposed from the need's page ("propose a
 * micro-project that solves it"): a hidden field of the form, or a server caller's number. Blank
 * or absent is no need; anything but an id is refused as a need that is not there, on its field.
 */
export const answersNeedSchema = z.object({
  needId: z
    .unknown()
    .transform((v, ctx) => {
      if (v === undefined || v === null || v === "") return null;
      const parsed = id.safeParse(v);
      return parsed.success ? parsed.data : refuse(ctx, "project:errors.badNeed");
    })
    .optional(),
});

/** Editing keeps the community and organisation the project was proposed for. */
export const projectEditSchema = projectFields.transform(budget);
export type ProjectInput = z.output<typeof projectSchema>;

export const reasonSchema = z.object({
  reason: text({ min: 2, max: STEP_REASON_MAX, multiline: true }),
});

export const updateSchema = z.object({
  body: text({ min: 5, max: UPDATE_BODY_MAX, multiline: true }),
  spent: yuan({ allowZero: true, max: MAX_TOTAL_YUAN }),
  onDate: date,
});
export type UpdateInput = z.output<typeof updateSchema>;

export const ratingSchema = z.object({
  score: oneOf(["1", "2", "3", "4", "5"], "project:errors.badScore").transform(Number),
});

/** Why a comment is reported or hidden: the room's moderation reason, same limits. */
export const moderationSchema = z.object({
  reason: text({ min: 2, max: MODERATION_REASON_MAX }),
});

export const commentSchema = z.object({
  body: text({ max: COMMENT_MAX, multiline: true }),
  parentId: optionalId,
});

export const thresholdSchema = z.object({
  threshold: z
    .string({ invalid_type_error: "errors.invalidType" })
    .optional()
    .transform((s, ctx) => {
      if (!s || s.trim() === "") return null;
      const n = /^\d{1,5}$/.test(s.trim()) ? Number(s.trim()) : NaN;
      const ok = Number.isInteger(n) && n >= 1 && n <= 10_000;
      return ok ? n : refuse(ctx, "project:errors.badThreshold");
    }),
});
