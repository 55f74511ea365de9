/**
 * Turning untrusted form input into typed values, with refusals as locale keys.
 *
 * Forms arrive as FormData, where a field can be missing, repeated, or a file. `formToObject` keeps
 * those shapes so that the zod schemas can refuse "wrong types" instead of silently taking the
 * first value.
 */
import { z } from "zod";

export interface FieldError {
  key: string;
  params?: Record<string, string | number>;
}
export type FieldErrors = Record<string, FieldError>;

export type FormValue = string | string[] | { file: true; name: string };
export type FormObject = Record<string, FormValue>;

export function formToObject(form: FormData): FormObject {
  // No prototype: a field named "__proto__" must be a field, not a way to swap the object's
  // prototype (and smuggle in fields such as "name" that the form never sent).
  const out: FormObject = Object.create(null) as FormObject;
  for (const key of new Set(form.keys())) {
    const values = form.getAll(key);
    const mapped = values.map((v) => (typeof v === "string" ? v : null));
    if (mapped.some((v) => v === null)) {
      const file = values.find((v) => typeof v !== "string") as File;
      out[key] = { file: true, name: file.name };
    } else {
      out[key] = mapped.length === 1 ? mapped[0]! : (mapped as string[]);
    }
  }
  return out;
}

/** Only the string fields, for re-filling a refused form (never passwords). */
export function keptValues(form: FormObject, omit: readonly string[] = []): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(form)) {
    if (typeof v === "string" && !omit.includes(k)) out[k] = v;
  }
  return out;
}

/**
 * Characters no one types into a form: C0 controls but tab and line breaks, DEL; bidirectional
 * overrides and isolates (U+202A–U+202E, U+2066–U+2069), which can make text read differently
 * from what it says; and U+FFFD, which is what a byte that was not UTF-8 becomes on the way in.
 * The same rule for every typed text, from a form or a socket event.
 */
export const CONTROL =
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\u202a-\u202e\u2066-\u2069\ufffd]/;
// Mainland resident ID numbers: 17 digits and a check digit. Liuhe never stores them.
const ID_NUMBER = /\d{17}[\dXx]/;

export const charCount = (s: string) => [...s].length;

/** A form's string field: missing is refused as required, anything but one string as the wrong type. */
export const formString = z.string({
  required_error: "errors.required",
  invalid_type_error: "errors.invalidType",
});

/** A required single-line text field, trimmed, with a length in characters (not UTF-16 units). */
export function text(opts: { min?: number; max: number; multiline?: boolean }) {
  const min = opts.min ?? 1;
  return formString
    .transform((s) => s.normalize("NFC").trim())
    .superRefine((s, ctx) => {
      const n = charCount(s);
      if (n === 0 && min > 0) ctx.addIssue({ code: "custom", message: "errors.required" });
      else if (n < min)
        ctx.addIssue({ code: "custom", message: "errors.tooShort", params: { min } });
      else if (n > opts.max)
        ctx.addIssue({ code: "custom", message: "errors.tooLong", params: { max: opts.max } });
      else if (!opts.multiline && /[\r\n]/.test(s))
        ctx.addIssue({ code: "custom", message: "errors.singleLine" });
      else if (CONTROL.test(s))
        ctx.addIssue({ code: "custom", message: "errors.invalidCharacters" });
      else if (ID_NUMBER.test(s)) ctx.addIssue({ code: "custom", message: "errors.noIdNumbers" });
    });
}

/**
 * A whole number as a page sends it: digits only ("16"), or a number (16, from a socket event).
 * "0x10", "1e1", "16.0", "" and " " are not: `Number()` and `z.coerce` read the first three as
 * numbers and the last two as 0.
 */
export const asWhole = (v: unknown): unknown =>
  typeof v === "string" && /^\d{1,15}$/.test(v.trim()) ? Number(v.trim()) : v;

/** A whole number from a form or a socket event, refused with `invalid` when it is anything else. */
export const wholeNumber = (invalid: string) =>
  z.preprocess(
    asWhole,
    z.number({ invalid_type_error: invalid, required_error: invalid }).int(invalid),
  );

/** A positive integer id from a form or URL. */
export const id = z.preprocess(
  asWhole,
  z
    .number({ invalid_type_error: "errors.invalidType", required_error: "errors.invalidType" })
    .int("errors.invalidType")
    .positive("errors.invalidType")
    .max(Number.MAX_SAFE_INTEGER, "errors.invalidType"),
);

/**
 * An id the page itself puts in a form (a hidden field, a button's value), never typed by the
 * person: if it is wrong, the form was tampered with or is stale, and the refusal is the form's.
 */
export const formId = z.preprocess(
  asWhole,
  z
    .number({ invalid_type_error: "errors.badForm", required_error: "errors.badForm" })
    .int("errors.badForm")
    .positive("errors.badForm")
    .max(Number.MAX_SAFE_INTEGER, "errors.badForm"),
);

/** One of a fixed set of values the page itself puts in a form (a step, an action). */
export const formChoice = <T extends string>(values: readonly [T, ...T[]]) =>
  z.enum(values, { errorMap: () => ({ message: "errors.badForm" }) });

export function fieldErrors(error: z.ZodError): FieldErrors {
  const out: FieldErrors = {};
  for (const issue of error.issues) {
    // A malformed form is the form's problem, whichever field showed it.
    const field = issue.message === "errors.badForm" ? "_form" : String(issue.path[0] ?? "_form");
    if (out[field]) continue;
    const custom = issue.code === "custom" ? (issue.params as FieldError["params"]) : undefined;
    // Zod's own messages are English prose; anything that is not one of our keys is a type error.
    const key =
      issue.message.includes(".") && !issue.message.includes(" ")
        ? issue.message
        : "errors.invalidType";
    out[field] = custom ? { key, params: custom } : { key };
  }
  return out;
}

export type Parsed<T> = { ok: true; data: T } | { ok: false; errors: FieldErrors };

export function parseForm<S extends z.ZodTypeAny>(
  schema: S,
  form: FormObject,
): Parsed<z.output<S>> {
  const result = schema.safeParse(form);
  return result.success
    ? { ok: true, data: result.data }
    : { ok: false, errors: fieldErrors(result.error) };
}
