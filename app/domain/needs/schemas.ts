/**
 * 民情 (needs): what the report form, the step forms and the staff forms may send, parsed at the
 * edge (forms, the Open311 API) with one rule for text and numbers (app/domain/validation.ts).
 */
import { z } from "zod";
import { namedLogin } from "../accounts/schemas";
import { oneOf, refuse } from "../refuse";
import { formChoice, formId, formString, id, text, wholeNumber } from "../validation";
import { NEED_CATEGORIES } from "./categories";
import { streetLimitsSchema } from "./clock";
import { DEADLINE_STEPS, LIMIT_UNITS } from "./limits";
import { NEED_NOTE_MAX, STEP_NAMES, type NeedStep } from "./machine";
import {
  NEED_DESCRIPTION_MAX,
  NEED_DESCRIPTION_MIN,
  NEED_PLACE_MAX,
  NEED_LINK_KINDS,
  PLATFORMS,
  VISIBILITIES,
} from "./rules";

/** An optional form field: an empty string is "not given". */
const optional = <S extends z.ZodTypeAny>(schema: S) =>
  z.preprocess((v) => (v === "" ? undefined : v), schema.optional());

/** The form's and the API's category: anything else is refused with one clear message. */
export const needCategory = oneOf(NEED_CATEGORIES, "need:errors.unknownCategory");

/** A photo as the multipart adapter hands it over: bytes, or nothing. */
export const photoField = z
  .custom<Uint8Array | null>((v) => v === null || v instanceof Uint8Array)
  .optional()
  .transform((v) => v ?? null);

/** A community or grid picked from a list: anything but an id is refused with `key`. */
const place = (key: string) => wholeNumber(key).refine((n) => n > 0, key);

export const reportSchema = z.object({
  communityId: place("need:errors.badCommunity"),
  gridId: place("need:errors.badGrid"),
  category: needCategory,
  place: optional(text({ min: 0, max: NEED_PLACE_MAX })).transform((v) => v ?? ""),
  description: text({ min: NEED_DESCRIPTION_MIN, max: NEED_DESCRIPTION_MAX, multiline: true }),
  visibility: optional(oneOf(VISIBILITIES)).transform((v) => v ?? "auto"),
  photo: photoField,
});
export type ReportInput = z.output<typeof reportSchema>;

export const meTooSchema = z.object({ needId: formId });

/** A date a person picks (the end of that China day is the deadline). */
const day = formString.transform((s, ctx) => {
  const v = s.trim();
  const d = new Date(`${v}T00:00:00Z`);
  const exists = !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === v;
  return /^\d{4}-\d{2}-\d{2}$/.test(v) && exists ? v : refuse(ctx, "need:errors.badDate");
});

/** The end of a China date (UTC+8), as a deadline. */
export function endOfChinaDate(ymd: string): Date {
  return new Date(new Date(`${ymd}T23:59:59.999+08:00`).getTime());
}

/** Steps a person takes from a form: every step but the timed auto-close. */
export const PERSON_STEPS = STEP_NAMES.filter((s) => s !== "autoClose") as [
  NeedStep,
  ...NeedStep[],
];

export const stepSchema = z.object({
  needId: formId,
  step: formChoice(PERSON_STEPS),
  // Whether a note is required is the step's (checkNote): the form's field is optional.
  note: optional(text({ min: 0, max: NEED_NOTE_MAX, multiline: true })),
  // Dispatch: the unit and, optionally, a deadline other than the street's limit; urgent.
  unitId: optional(id),
  deadline: optional(day),
  urgent: optional(z.literal("on")).transform((v) => v === "on"),
  // Merge: the need this one is a duplicate of.
  into: optional(id),
  photo: photoField,
});
export type StepInput = z.output<typeof stepSchema>;

export const appointSchema = z.object({
  /** A grid (grid worker) or a street (command room). */
  areaId: id,
  login: namedLogin,
});

export const endStaffSchema = z.object({ staffId: formId });

export const unitSchema = z.object({
  streetId: id,
  platform: optional(oneOf(PLATFORMS, "need:errors.badPlatform")),
  name: text({ min: 2, max: 60 }),
});

export const unitMemberSchema = z.object({
  unitId: id,
  login: namedLogin,
});

/** Linking a need to a meeting (its agenda) or a micro-project (that answers it). */
export const linkSchema = z.object({
  needId: formId,
  kind: formChoice(NEED_LINK_KINDS),
  targetId: place("need:errors.badLinkTarget"),
});

/**
 * A street's own time limits, as the admin's form sends them: for each timed stretch a number of
 * days and whether they are working or calendar days; a blank number keeps the default.
 */
export const limitsFormSchema = z
  .object({
    streetId: id,
    ...Object.fromEntries(
      DEADLINE_STEPS.flatMap((step) => [
        [`${step}Days`, optional(wholeNumber("need:errors.badLimit"))],
        [`${step}Unit`, optional(oneOf(LIMIT_UNITS))],
      ]),
    ),
  })
  .transform((form, ctx) => {
    const f = form as Record<string, unknown>;
    const limits: Record<string, unknown> = {};
    for (const step of DEADLINE_STEPS) {
      const n = f[`${step}Days`];
      if (n === undefined) continue;
      limits[step] = { [(f[`${step}Unit`] as string | undefined) ?? "workingDays"]: n };
    }
    const parsed = streetLimitsSchema.safeParse(limits);
    if (!parsed.success) {
      const step = String(parsed.error.issues[0]?.path[0] ?? DEADLINE_STEPS[0]);
      return refuse(ctx, "need:errors.badLimit", { path: `${step}Days` });
    }
    return { streetId: form.streetId, limits: parsed.data };
  });
export type LimitsInput = z.output<typeof limitsFormSchema>;
