/** Forms of conversations (意见征集) and their statements (观点). */
import { z } from "zod";
import { chinaDateTime } from "../meetings/schemas";
import { refuse } from "../refuse";
import { CONTROL, charCount, formChoice, formId, formString, id, text } from "../validation";
import {
  ATTACH_MAX,
  AGENDA_STATEMENT_KINDS,
  DESCRIPTION_MAX,
  ELIGIBILITIES,
  QUESTION_MAX,
  QUESTION_MIN,
  REJECT_REASON_MAX,
  SEEDS_MAX,
  STATEMENT_MAX,
  VOTE_CHOICES,
} from "./rules";

/** A statement's text: one idea, 1–140 characters after trimming, on one line. */
export const statementBody = text({ max: STATEMENT_MAX });

/** A select or radio the page offers; anything else is refused as an invalid choice. */
const choice = <T extends string>(values: readonly [T, ...T[]]) =>
  z.enum(values, { errorMap: () => ({ message: "errors.invalidChoice" }) });

/** The seed statements, one a line; blank lines are ignored, each line is a statement's text. */
const seedLines = formString
  .optional()
  .default("")
  .transform((s, ctx) => {
    const lines = s
      .normalize("NFC")
      .split(/\r\n|\r|\n/)
      .map((l) => l.trim())
      .filter((l) => l !== "");
    if (lines.length > SEEDS_MAX) {
      return refuse(ctx, "conversations:errors.tooManySeeds", { params: { max: SEEDS_MAX } });
    }
    for (const [i, line] of lines.entries()) {
      if (charCount(line) > STATEMENT_MAX) {
        return refuse(ctx, "conversations:errors.seedTooLong", {
          params: { line: i + 1, max: STATEMENT_MAX },
        });
      }
      if (CONTROL.test(line)) return refuse(ctx, "errors.invalidCharacters");
    }
    // The same statement twice would split its votes.
    return [...new Set(lines)];
  });

/** An optional meeting: empty means none. */
const optionalMeeting = z.preprocess(
  (v) => (v === "" || v === undefined ? null : v),
  id.nullable(),
);

export const conversationSchema = z
  .object({
    councilId: formId,
    meetingId: optionalMeeting,
    question: text({ min: QUESTION_MIN, max: QUESTION_MAX }),
    description: text({ min: 0, max: DESCRIPTION_MAX, multiline: true }).optional().default(""),
    opensAt: chinaDateTime,
    closesAt: chinaDateTime,
    eligibility: choice(ELIGIBILITIES),
    // A checkbox: sent as "yes" when ticked, absent otherwise.
    premoderation: z
      .union([z.literal("yes"), z.literal("on"), z.boolean()])
      .optional()
      .transform((v) => v === true || v === "yes" || v === "on"),
    seeds: seedLines,
  })
  .superRefine((v, ctx) => {
    // A time that did not parse has its own error already.
    if (typeof v.opensAt === "string" && typeof v.closesAt === "string") {
      if (v.closesAt <= v.opensAt) {
        refuse(ctx, "conversations:errors.closesBeforeOpens", { path: "closesAt" });
      }
    }
    if (v.eligibility === "seats" && v.meetingId === null) {
      refuse(ctx, "conversations:errors.seatsNeedMeeting", { path: "eligibility" });
    }
  });
export type ConversationInput = z.output<typeof conversationSchema>;

export const conversationIdSchema = z.object({ conversationId: formId });

export const submitSchema = z.object({ conversationId: formId, body: statementBody });

export const voteSchema = z.object({
  conversationId: formId,
  statementId: formId,
  vote: formChoice(VOTE_CHOICES),
});

export const moderateSchema = z
  .object({
    statementId: formId,
    decision: formChoice(["accept", "reject"]),
    reason: text({ min: 0, max: REJECT_REASON_MAX }).optional().default(""),
  })
  .superRefine((v, ctx) => {
    if (v.decision === "reject" && v.reason === "") {
      refuse(ctx, "conversations:errors.reasonRequired", { path: "reason" });
    }
  });

/** Several ids in one field (checkboxes), one or more. */
const ids = z.preprocess(
  (v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]),
  z
    .array(formId, { invalid_type_error: "errors.badForm" })
    .min(1, "conversations:errors.noStatementsPicked")
    .max(ATTACH_MAX, "errors.badForm"),
);

export const attachSchema = z.object({
  agendaItemId: formId,
  statementIds: ids.transform((list) => [...new Set(list)]),
  kind: formChoice(AGENDA_STATEMENT_KINDS),
});

export const detachSchema = z.object({ agendaItemId: formId, statementId: formId });
