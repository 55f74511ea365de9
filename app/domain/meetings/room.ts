/**
 * The live room's inputs: one schema per command, as the room page's forms send them (strings)
 * and as the socket's events do (numbers). Values the page sets itself (hidden ids, the options
 * of a select) are refused as a tampered form (`errors.badForm`); what a person types (a message,
 * a reason) is refused with its own message.
 */
import { z } from "zod";
import { DomainError } from "../errors";
import { refuse } from "../refuse";
import { charCount, CONTROL, fieldErrors, formId } from "../validation";
import {
  MAX_MUTE_MINUTES,
  MAX_SLOW_MODE_SECONDS,
  MESSAGE_MAX,
  MODERATION_REASON_MAX,
  TURN_SECONDS,
} from "./rules";

const BAD = "errors.badForm";

/**
 * Typed text: NFC, trimmed, required (with its own message), at most `max` characters, none of the
 * characters no one types (CONTROL).
 */
function typed(max: number, required: string) {
  return z
    .string({ required_error: required, invalid_type_error: "errors.invalidType" })
    .transform((s) => s.normalize("NFC").trim())
    .superRefine((s, ctx) => {
      if (s === "") refuse(ctx, required);
      else if (charCount(s) > max) refuse(ctx, "errors.tooLong", { params: { max } });
      // The same rule as every form's text (validation.ts), for the socket's events too.
      else if (CONTROL.test(s)) refuse(ctx, "errors.invalidCharacters");
    });
}

/** A message as posted; counted in characters, not bytes. */
export const messageBody = typed(MESSAGE_MAX, "meeting:errors.messageEmpty");
/** A moderator's reason for hiding or muting. */
export const reasonText = typed(MODERATION_REASON_MAX, "meeting:errors.reasonRequired");

/** A whole number the page offers (a hidden field, a select): "30" from a form, 30 from a socket. */
const whole = (min: number, max: number) =>
  z.preprocess(
    // Digits only: an empty field, "1e2", a boolean or null is not a number the page sent.
    (v) => (typeof v === "string" && /^\d{1,9}$/.test(v.trim()) ? Number(v) : v),
    z.number({ invalid_type_error: BAD, required_error: BAD }).int(BAD).min(min, BAD).max(max, BAD),
  );

/** An id the page may leave empty ("next in the queue"); absent from a socket payload alike. */
const optionalId = z.preprocess((v) => (v === "" ? undefined : v), formId.optional());

const meeting = { meetingId: formId };
/** A message of the room; the meeting, when given (the page's address), must be its own. */
const message = { meetingId: formId.optional(), messageId: formId };

export const meetingInput = z.object(meeting);
export const postInput = z.object({ ...meeting, body: messageBody });
export const messageInput = z.object(message);
export const hideInput = z.object({ ...message, reason: reasonText });
/** Lowering a hand: one's own, or (moderators) someone's. */
export const lowerInput = z.object({ ...meeting, userId: optionalId });
export const muteInput = z.object({
  ...meeting,
  userId: formId,
  minutes: whole(1, MAX_MUTE_MINUTES),
  reason: reasonText,
});
export const unmuteInput = z.object({ ...meeting, userId: formId });
export const slowModeInput = z.object({ ...meeting, seconds: whole(0, MAX_SLOW_MODE_SECONDS) });
export const agendaInput = z.object({ ...meeting, agendaItemId: formId });
/** The floor for a turn of one of the offered lengths; to a named person or the first in line. */
export const floorInput = z.object({
  ...meeting,
  userId: optionalId,
  seconds: whole(1, Math.max(...TURN_SECONDS)).refine(
    (s) => (TURN_SECONDS as readonly number[]).includes(s),
    BAD,
  ),
});

export type PostInput = z.output<typeof postInput>;

/**
 * The same limit for a server caller that skipped the form (a seed, a test, another command):
 * the parsed value, or the refusal the form would have given.
 */
export function checked<S extends z.ZodTypeAny>(schema: S, value: unknown, field: string) {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data as z.output<S>;
  const e = fieldErrors(parsed.error)._form ?? { key: "errors.invalidType" };
  throw new DomainError(400, e.key, e.params ?? {}, field);
}
