/** Forms of councils, meetings, minutes and commitments. */
import { z } from "zod";
import type { MeetingStatus } from "./rules";
import { namedLogin, parseLoginId } from "../accounts/schemas";
import { oneOf, refuse } from "../refuse";
import { fromChinaTime } from "../time";
import { asWhole, formChoice, formId, text, formString } from "../validation";
import {
  AGENDA_ROWS,
  AGENDA_TITLE_MAX,
  CAPACITY_MAX,
  COMMITMENT_MAX,
  COMMITMENT_STATUSES,
  COUNCIL_NAME_MAX,
  COUNCIL_PURPOSE_MAX,
  DECISIONS_MAX,
  DESCRIPTION_MAX,
  INVITED_SEAT_KINDS,
  NOTE_MAX,
  OWNER_KINDS,
  OWNER_NAME_MAX,
  PLACE_MAX,
  SEAT_KINDS,
  SUMMARY_MAX,
  TIME_BOX_DEFAULT,
  TIME_BOX_MAX,
  TIME_BOX_MIN,
  TOPIC_MAX,
} from "./rules";

export { AGENDA_ROWS };

export const councilSchema = z.object({
  name: text({ max: COUNCIL_NAME_MAX }),
  purpose: text({ max: COUNCIL_PURPOSE_MAX, multiline: true }),
});

export const councilMemberSchema = z.object({ login: namedLogin });

/** A datetime-local value, read as China time (the platform serves Hangzhou). */
export const chinaDateTime = formString.transform((s, ctx) => {
  if (s.trim() === "") return refuse(ctx, "errors.required");
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})$/.exec(s.trim());
  const d = m ? fromChinaTime(m[1]!, m[2]) : null;
  return d ? d.toISOString() : refuse(ctx, "meeting:errors.badDateTime");
});

const minutesField = z.preprocess(
  asWhole,
  z
    .number({ invalid_type_error: "errors.invalidType", required_error: "errors.invalidType" })
    .int("errors.invalidType")
    .min(TIME_BOX_MIN, "meeting:errors.badTimeBox")
    .max(TIME_BOX_MAX, "meeting:errors.badTimeBox"),
);

const capacityField = z
  .string({ invalid_type_error: "errors.invalidType" })
  .optional()
  .transform((s, ctx) => {
    if (s === undefined || s.trim() === "") return undefined;
    if (s.trim() === "*") return null;
    const n = asWhole(s);
    const ok = typeof n === "number" && n >= 0 && n <= CAPACITY_MAX;
    return ok ? n : refuse(ctx, "meeting:errors.badCapacity");
  });

export const meetingSchema = z
  .object({
    topic: text({ max: TOPIC_MAX }),
    description: text({ max: DESCRIPTION_MAX, multiline: true }),
    startsAt: chinaDateTime,
    endsAt: chinaDateTime,
    place: text({ max: PLACE_MAX }),
    isPublic: z.enum(["yes", "no"]).optional().default("no"),
    ...Object.fromEntries(
      Array.from({ length: AGENDA_ROWS }, (_, i) => [
        [`agenda${i}`, text({ min: 0, max: AGENDA_TITLE_MAX }).optional().default("")],
        [`agendaMinutes${i}`, z.string().optional().default("")],
      ]).flat(),
    ),
    ...Object.fromEntries(SEAT_KINDS.map((k) => [`seats_${k}`, capacityField])),
  })
  .transform((v, ctx) => {
    const values = v as Record<string, unknown>;
    const agenda: Array<{ title: string; minutes: number }> = [];
    for (let i = 0; i < AGENDA_ROWS; i++) {
      const title = values[`agenda${i}`] as string;
      if (!title) continue;
      const minutes = minutesField.safeParse(
        values[`agendaMinutes${i}`] || String(TIME_BOX_DEFAULT),
      );
      if (!minutes.success)
        return refuse(ctx, "meeting:errors.badTimeBox", { path: `agendaMinutes${i}` });
      agenda.push({ title, minutes: minutes.data });
    }
    if (agenda.length === 0)
      return refuse(ctx, "meeting:errors.agendaRequired", { path: "agenda0" });
    if (v.endsAt <= v.startsAt)
      return refuse(ctx, "meeting:errors.endBeforeStart", { path: "endsAt" });
    const seats: Partial<Record<(typeof SEAT_KINDS)[number], number | null>> = {};
    for (const k of SEAT_KINDS) {
      const c = values[`seats_${k}`] as number | null | undefined;
      if (c !== undefined) seats[k] = c;
    }
    // Residents can always sign up unless the committee set a number (0 closes resident seats).
    if (!("resident" in seats)) seats.resident = null;
    return {
      topic: v.topic,
      description: v.description,
      startsAt: v.startsAt,
      endsAt: v.endsAt,
      place: v.place,
      isPublic: v.isPublic === "yes",
      agenda,
      seats,
    };
  });

/** The committee moves a meeting one step on; the page sets the step in its button. */
export const moveSchema = z.object({
  to: formChoice(["live", "closed", "published"] as const satisfies readonly MeetingStatus[]),
});

export const inviteSchema = z.object({
  login: namedLogin,
  kind: oneOf(INVITED_SEAT_KINDS),
});

export const minutesSchema = z.object({
  // A choice among the meeting's own agenda items, which the page lists.
  agendaItemId: formId,
  summary: text({ max: SUMMARY_MAX, multiline: true }),
  decisions: text({ min: 0, max: DECISIONS_MAX, multiline: true }),
});

export const commitmentSchema = z.object({
  what: text({ max: COMMITMENT_MAX }),
  ownerKind: oneOf(OWNER_KINDS),
  ownerName: text({ max: OWNER_NAME_MAX }),
  /** The account (username or phone) of the person answerable, reminded as it falls due; optional. */
  ownerLogin: formString
    .optional()
    .transform((s, ctx) =>
      !s || s.trim() === ""
        ? null
        : (parseLoginId(s.trim()) ?? refuse(ctx, "account:errors.loginFormat")),
    ),
  dueDate: formString
    .regex(/^\d{4}-\d{2}-\d{2}$/, "meeting:errors.badDate")
    .refine((s) => fromChinaTime(s) !== null, "meeting:errors.badDate"),
  agendaItemId: z
    .string()
    .optional()
    .transform((s) => (s ? Number(s) : null))
    .refine((n) => n === null || (Number.isInteger(n) && n > 0), "errors.invalidType"),
});

export const commitmentUpdateSchema = z.object({
  commitmentId: formId,
  status: oneOf(COMMITMENT_STATUSES),
  note: text({ max: NOTE_MAX, multiline: true }),
});
