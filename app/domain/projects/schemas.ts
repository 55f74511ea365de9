/** Forms of organisations and micro-projects. */
import { z } from "zod";
import { parseLoginId, type LoginId } from "../accounts/schemas";
import { id, text } from "../validation";
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
    if (!parsed.success) {
      ctx.addIssue({ code: "custom", message: "errors.invalidType" });
      return z.NEVER;
    }
    return parsed.data;
  });

const serviceArea = z.enum(SERVICE_AREAS, {
  errorMap: () => ({ message: "project:errors.badCategory" }),
});

export const organisationSchema = z.object({
  name: text({ min: 2, max: ORG_NAME_MAX }),
  tier: z.enum(TIERS, { errorMap: () => ({ message: "project:errors.badTier" }) }),
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
    if (!login) {
      ctx.addIssue({ code: "custom", message: "account:errors.loginFormat" });
      return z.NEVER;
    }
    return login;
  }),
  role: z.enum(["admin", "member"], { errorMap: () => ({ message: "errors.invalidChoice" }) }),
});
export type InvitationInput = z.output<typeof invitationSchema>;

/** A calendar date (YYYY-MM-DD) that exists. */
const date = z
  .string({ required_error: "errors.required", invalid_type_error: "errors.invalidType" })
  .transform((s, ctx) => {
    const v = s.trim();
    if (v === "") {
      ctx.addIssue({ code: "custom", message: "errors.required" });
      return z.NEVER;
    }
    const d = new Date(`${v}T00:00:00Z`);
    if (
      !/^\d{4}-\d{2}-\d{2}$/.test(v) ||
      Number.isNaN(d.getTime()) ||
      d.toISOString().slice(0, 10) !== v
    ) {
      ctx.addIssue({ code: "custom", message: "project:errors.badDate" });
      return z.NEVER;
    }
    return v;
  });

/**
 * Whole yuan as typed: digits only. "12.5", "-3", "1e3", "１２" (full-width) and "0" are refused,
 * not rounded: a budget is a promise and must say exactly what it means.
 */
export const yuan = (opts: { allowZero?: boolean; max?: number } = {}) =>
  z
    .string({ required_error: "errors.required", invalid_type_error: "errors.invalidType" })
    .transform((s, ctx) => {
      const v = s.trim().replace(/,/g, "");
      if (v === "") {
        ctx.addIssue({ code: "custom", message: "errors.required" });
        return z.NEVER;
      }
      const n = /^\d{1,9}$/.test(v) ? Number(v) : NaN;
      if (!Number.isSafeInteger(n) || (n === 0 && !opts.allowZero)) {
        ctx.addIssue({ code: "custom", message: "project:errors.amountWhole" });
        return z.NEVER;
      }
      if (n > (opts.max ?? MAX_ITEM_YUAN)) {
        ctx.addIssue({
          code: "custom",
          message: "project:errors.amountTooBig",
          params: { max: opts.max ?? MAX_ITEM_YUAN },
        });
        return z.NEVER;
      }
      return n;
    });

export interface BudgetItem {
  label: string;
  amount: number;
}

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
  if (v.endsOn < v.startsOn) {
    ctx.addIssue({ code: "custom", path: ["endsOn"], message: "project:errors.endBeforeStart" });
    return z.NEVER;
  }
  if (v.itemLabel.length !== v.itemAmount.length || v.itemLabel.length > MAX_BUDGET_ITEMS + 5) {
    ctx.addIssue({ code: "custom", path: ["budget"], message: "errors.badForm" });
    return z.NEVER;
  }
  const items: BudgetItem[] = [];
  for (let i = 0; i < v.itemLabel.length; i++) {
    const rawLabel = v.itemLabel[i]!;
    const rawAmount = v.itemAmount[i]!;
    // Rows left blank are the spare rows of the form.
    if (rawLabel.trim() === "" && rawAmount.trim() === "") continue;
    const label = text({ max: PROJECT_MAX.itemLabel }).safeParse(rawLabel);
    if (!label.success) {
      ctx.addIssue({
        code: "custom",
        path: ["budget"],
        message: "project:errors.itemLabel",
        params: { row: i + 1 },
      });
      return z.NEVER;
    }
    const amount = yuan().safeParse(rawAmount);
    if (!amount.success) {
      const issue = amount.error.issues[0]!;
      ctx.addIssue({
        code: "custom",
        path: ["budget"],
        message:
          issue.message === "project:errors.amountTooBig"
            ? "project:errors.itemTooBig"
            : "project:errors.itemAmount",
        params: { row: i + 1, max: MAX_ITEM_YUAN },
      });
      return z.NEVER;
    }
    items.push({ label: label.data, amount: amount.data });
  }
  if (items.length === 0) {
    ctx.addIssue({ code: "custom", path: ["budget"], message: "project:errors.noBudget" });
    return z.NEVER;
  }
  if (items.length > MAX_BUDGET_ITEMS) {
    ctx.addIssue({
      code: "custom",
      path: ["budget"],
      message: "project:errors.tooManyItems",
      params: { max: MAX_BUDGET_ITEMS },
    });
    return z.NEVER;
  }
  const total = items.reduce((s, i) => s + i.amount, 0);
  if (total > MAX_TOTAL_YUAN) {
    ctx.addIssue({
      code: "custom",
      path: ["budget"],
      message: "project:errors.totalTooBig",
      params: { max: MAX_TOTAL_YUAN },
    });
    return z.NEVER;
  }
  const { itemLabel: _l, itemAmount: _a, ...rest } = v;
  return { ...rest, items, total };
}

export const projectSchema = projectFields
  .extend({ communityId: id, organisationId: optionalId })
  .transform(budget);
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
  score: z
    .enum(["1", "2", "3", "4", "5"], {
      errorMap: () => ({ message: "project:errors.badScore" }),
    })
    .transform(Number),
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
      if (!Number.isInteger(n) || n < 1 || n > 10_000) {
        ctx.addIssue({ code: "custom", message: "project:errors.badThreshold" });
        return z.NEVER;
      }
      return n;
    }),
});
