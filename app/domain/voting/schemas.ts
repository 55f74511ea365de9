/** Forms of polls, budget rounds and ballots. */
import { z } from "zod";
import { chinaDateTime } from "../meetings/schemas";
import { yuan } from "../projects/schemas";
import { asWhole, formChoice, id, text } from "../validation";
import {
  COUNT_NOTE_MAX,
  ELECTORATES,
  MAX_OPTIONS,
  normaliseReceipt,
  OPTION_MAX,
  OPTION_ROWS,
  POLL_DESCRIPTION_MAX,
  POLL_METHODS,
  QUESTION_MAX,
  RECEIPT_TYPED_MAX,
  RESULTS_SHOWN,
  ROUND_BUDGET_MAX,
  ROUND_COUNT_MAX,
  ROUND_DESCRIPTION_MAX,
  ROUND_TITLE_MAX,
  TALLY_METHODS,
} from "./rules";

const many = <T extends z.ZodTypeAny>(item: T) =>
  z.preprocess(
    (v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]),
    z.array(item, { invalid_type_error: "errors.invalidType" }),
  );

/** One of the choices a select offers. */
const choice = <T extends string>(values: readonly [T, ...T[]]) =>
  z.enum(values, { errorMap: () => ({ message: "errors.invalidChoice" }) });

const count = (max: number) =>
  z
    .string({ invalid_type_error: "errors.invalidType" })
    .optional()
    .transform((s, ctx) => {
      if (!s || s.trim() === "") return null;
      const n = /^\d{1,3}$/.test(s.trim()) ? Number(s.trim()) : NaN;
      if (!Number.isInteger(n) || n < 1 || n > max) {
        ctx.addIssue({ code: "custom", message: "vote:errors.badCount", params: { max } });
        return z.NEVER;
      }
      return n;
    });

/** A poll's or round's description: optional, and may run over several lines. */
const description = (max: number) => text({ min: 0, max, multiline: true }).optional().default("");

/** The window must make sense: it closes after it opens. */
function checkWindow(v: { opensAt: unknown; closesAt: unknown }, ctx: z.RefinementCtx) {
  // A time that did not parse has its own error already; comparing it would invent a second one.
  if (typeof v.opensAt !== "string" || typeof v.closesAt !== "string") return;
  if (v.closesAt <= v.opensAt) {
    ctx.addIssue({ code: "custom", path: ["closesAt"], message: "vote:errors.closesBeforeOpens" });
  }
}

export const pollSchema = z
  .object({
    question: text({ min: 4, max: QUESTION_MAX }),
    description: description(POLL_DESCRIPTION_MAX),
    method: choice(POLL_METHODS),
    option: many(z.string({ invalid_type_error: "errors.invalidType" })),
    maxChoices: count(MAX_OPTIONS),
    electorate: choice(ELECTORATES),
    results: choice(RESULTS_SHOWN),
    opensAt: chinaDateTime,
    closesAt: chinaDateTime,
  })
  .superRefine(checkWindow)
  .transform((v, ctx) => {
    const { option, ...rest } = v;
    if (v.method === "yesNo") return { ...rest, options: [] as string[], maxChoices: 1 };
    if (option.length > OPTION_ROWS + MAX_OPTIONS) {
      ctx.addIssue({ code: "custom", path: ["options"], message: "errors.badForm" });
      return z.NEVER;
    }
    const options: string[] = [];
    for (const raw of option) {
      if (raw.trim() === "") continue;
      const parsed = text({ max: OPTION_MAX }).safeParse(raw);
      if (!parsed.success) {
        ctx.addIssue({ code: "custom", path: ["options"], message: "vote:errors.badOption" });
        return z.NEVER;
      }
      options.push(parsed.data);
    }
    if (
      options.length < 2 ||
      options.length > MAX_OPTIONS ||
      new Set(options).size !== options.length
    ) {
      ctx.addIssue({
        code: "custom",
        path: ["options"],
        message: "vote:errors.optionCount",
        params: { max: MAX_OPTIONS },
      });
      return z.NEVER;
    }
    const maxChoices = v.method === "approval" ? (v.maxChoices ?? options.length) : 1;
    if (maxChoices > options.length) {
      ctx.addIssue({
        code: "custom",
        path: ["maxChoices"],
        message: "vote:errors.maxChoicesTooBig",
      });
      return z.NEVER;
    }
    return { ...rest, options, maxChoices };
  });

export const roundSchema = z
  .object({
    title: text({ min: 4, max: ROUND_TITLE_MAX }),
    description: description(ROUND_DESCRIPTION_MAX),
    budget: yuan({ max: ROUND_BUDGET_MAX }),
    method: choice(TALLY_METHODS),
    minProjects: count(ROUND_COUNT_MAX),
    maxProjects: count(ROUND_COUNT_MAX),
    project: many(id),
    opensAt: chinaDateTime,
    closesAt: chinaDateTime,
  })
  .superRefine(checkWindow)
  .transform((v, ctx) => {
    const { project, ...rest } = v;
    const projects = [...new Set(project)];
    if (projects.length < 2) {
      ctx.addIssue({ code: "custom", path: ["project"], message: "vote:errors.pickProjects" });
      return z.NEVER;
    }
    const minProjects = v.minProjects ?? 1;
    if (v.maxProjects !== null && v.maxProjects < minProjects) {
      ctx.addIssue({ code: "custom", path: ["maxProjects"], message: "vote:errors.maxBelowMin" });
      return z.NEVER;
    }
    return { ...rest, projects, minProjects };
  });

/** A ballot as posted: the chosen ids (radio or checkboxes), any number of them. */
export const ballotSchema = z.object({ choice: many(id) });

/** What a ballot is cast in; the poll and round pages post the same forms. */
export const VOTE_KINDS = ["poll", "round"] as const;
export type VoteKind = (typeof VOTE_KINDS)[number];

const PICK_VOTER = "vote:errors.pickVoter";

/** A resident who handed in a paper ballot at the service window: picked from the register. */
export const paperVoterSchema = z.object({
  voter: z.preprocess(
    asWhole,
    z
      .number({ invalid_type_error: PICK_VOTER, required_error: PICK_VOTER })
      .int(PICK_VOTER)
      .positive(PICK_VOTER)
      .max(Number.MAX_SAFE_INTEGER, PICK_VOTER),
  ),
});

/** Submitting the box's count: the note is needed only when papers are missing. */
export const submitCountSchema = z.object({
  note: z.preprocess(
    (v) => (v === undefined ? "" : v),
    text({ min: 0, max: COUNT_NOTE_MAX, multiline: true }),
  ),
});

/** The second member's answer to a submitted count. */
export const COUNT_DECISIONS = ["confirm", "return"] as const;
export const decideCountSchema = z.object({ decision: formChoice(COUNT_DECISIONS) });

/** A receipt to look up, as typed: anything that is not one reads as a mistyped receipt. */
export const receiptSchema = z.object({
  receipt: z.unknown().transform((v, ctx) => {
    const receipt =
      typeof v === "string" && v.length <= RECEIPT_TYPED_MAX ? normaliseReceipt(v) : null;
    if (receipt === null) {
      ctx.addIssue({ code: "custom", message: "vote:errors.badReceipt" });
      return z.NEVER;
    }
    return receipt;
  }),
});
