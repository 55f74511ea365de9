/**
 * 六和指数: the admins' two forms, as the commands parse them (app/services/index/commands.server.ts).
 *   - compute a month: `month` ("YYYY-MM"), `reason` (required when the month already has a
 *     snapshot: the new one is a correction), `methodVersion` (optional: the latest).
 *   - publish a method: `tree` (the method as JSON text), `note` (what changed and why), and
 *     `version`, optional: the number the admin means to publish; when given it must be the next
 *     one, so a form that names a published version (or a stale form, after someone else
 *     published) is refused instead of quietly becoming another number.
 */
import { z } from "zod";
import { parseMonth } from "../month";
import { methodTreeSchema, type MethodTree } from "./method";
import { text, wholeNumber } from "../validation";

export const REASON_MAX = 500;
export const NOTE_MAX = 500;
/** The tree's JSON text: the default method is about 4,000 characters, 9,000 pretty-printed. */
export const TREE_TEXT_MAX = 30_000;
/**
 * What the publishing form's body may weigh: more than the house's 64 KB for ordinary forms,
 * since a tree in Chinese is 9 bytes a character once URL-encoded (the route passes it to
 * `readForm` as `maxBytes`).
 */
export const PUBLISH_FORM_MAX_BYTES = 9 * (TREE_TEXT_MAX + NOTE_MAX) + 4096;

/** An optional form field: an empty string is "not given". */
const optional = <S extends z.ZodTypeAny>(schema: S) =>
  z.preprocess((v) => (v === "" ? undefined : v), schema.optional());

export const monthField = z
  .string({ required_error: "index:errors.badMonth", invalid_type_error: "index:errors.badMonth" })
  .transform((s) => s.trim())
  .refine((s) => parseMonth(s) !== null, "index:errors.badMonth");

export const computeIndexSchema = z.object({
  month: monthField,
  reason: optional(text({ max: REASON_MAX, multiline: true })),
  methodVersion: optional(
    wholeNumber("index:errors.badMethodVersion").pipe(
      z.number().positive("index:errors.badMethodVersion"),
    ),
  ),
});
export type ComputeIndexInput = z.output<typeof computeIndexSchema>;

/** The tree's JSON text, parsed and held to every rule of a method (./method.ts). */
export const treeField = z
  .string({ required_error: "errors.required", invalid_type_error: "errors.invalidType" })
  .superRefine((s, ctx) => {
    if (s.trim().length === 0)
      ctx.addIssue({ code: "custom", message: "errors.required", fatal: true });
    else if (s.length > TREE_TEXT_MAX)
      ctx.addIssue({
        code: "custom",
        message: "errors.tooLong",
        params: { max: TREE_TEXT_MAX },
        fatal: true,
      });
  })
  .transform((s, ctx): MethodTree => {
    let json: unknown;
    try {
      json = JSON.parse(s);
    } catch {
      ctx.addIssue({ code: "custom", message: "index:errors.treeNotJson" });
      return z.NEVER;
    }
    const parsed = methodTreeSchema.safeParse(json);
    if (parsed.success) return parsed.data;
    for (const issue of parsed.error.issues) {
      ctx.addIssue({
        code: "custom",
        message: issue.message,
        params: issue.code === "custom" ? issue.params : undefined,
      });
    }
    return z.NEVER;
  });

export const publishMethodSchema = z.object({
  tree: treeField,
  note: text({ max: NOTE_MAX, multiline: true }),
  version: optional(wholeNumber("errors.badForm").pipe(z.number().positive("errors.badForm"))),
});
export type PublishMethodInput = z.output<typeof publishMethodSchema>;
