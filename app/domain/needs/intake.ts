/**
 * 民情 (needs): the intake from other channels (数据联席: 12345, 96315, 110, labour inspection …)
 * as an Open311 GeoReport v2 API (issue 15, item 8) — the keys admins issue per channel, what a
 * channel may send, and how a need's status reads in Open311's two words.
 */
import { z } from "zod";
import { refuse } from "../refuse";
import { formId, formString, text } from "../validation";
import { needCategory } from "./schemas";
import type { NeedStatus } from "./machine";
import { NEED_DESCRIPTION_MAX, NEED_DESCRIPTION_MIN, NEED_PLACE_MAX } from "./rules";

/** A channel's name, as the need's `channel` column and the pages show it: "12345", "labour". */
export const CHANNEL_PATTERN = /^[a-z0-9-]{2,20}$/;
/** Names the site's own ways in take; a key may not pretend to be one of them. */
export const RESERVED_CHANNELS = ["web", "window"] as const;

export const issueKeySchema = z.object({
  channel: formString.transform((s, ctx) => {
    const v = s.trim();
    if (!CHANNEL_PATTERN.test(v)) return refuse(ctx, "need:intake.errors.badChannel");
    if ((RESERVED_CHANNELS as readonly string[]).includes(v)) {
      return refuse(ctx, "need:intake.errors.reservedChannel");
    }
    return v;
  }),
  label: text({ min: 2, max: 60 }),
});
export type IssueKeyInput = z.output<typeof issueKeySchema>;

export const revokeKeySchema = z.object({ keyId: formId });

/** The other channel's own reference for the case: printable, no spaces, at most 64 characters. */
export const CHANNEL_REF_PATTERN = /^[\x21-\x7e]{1,64}$/;
export const MEDIA_URL_MAX = 500;
/** A grid code as the areas table keeps it (areas.code). */
const GRID_CODE_MAX = 60;

const optional = <S extends z.ZodTypeAny>(schema: S) =>
  z.preprocess((v) => (v === "" || v === null ? undefined : v), schema.optional());

/**
 * What a channel sends (Open311's field names): the category as `service_code`, the description,
 * the grid by its code (`address_id`) or an address that names it (`address_string`), and,
 * optionally, a picture's link and its own reference (`attribute[ref]`). Anything else Open311
 * allows — the caller's name, phone or e-mail — is not read, so it is never stored.
 */
export const intakeSchema = z.object({
  service_code: needCategory,
  description: text({ min: NEED_DESCRIPTION_MIN, max: NEED_DESCRIPTION_MAX, multiline: true }),
  address_id: optional(text({ min: 1, max: GRID_CODE_MAX })),
  address_string: optional(text({ min: 1, max: NEED_PLACE_MAX })),
  media_url: optional(
    formString.transform((s, ctx) => {
      const v = s.trim();
      let url: URL | null = null;
      try {
        url = new URL(v);
      } catch {
        // refused below
      }
      const ok =
        url !== null &&
        (url.protocol === "https:" || url.protocol === "http:") &&
        v.length <= MEDIA_URL_MAX &&
        !/[\s\x00-\x1f]/.test(v);
      return ok ? url!.href : refuse(ctx, "need:intake.errors.badMediaUrl");
    }),
  ),
  "attribute[ref]": optional(
    formString.transform((s, ctx) =>
      CHANNEL_REF_PATTERN.test(s) ? s : refuse(ctx, "need:intake.errors.badRef"),
    ),
  ),
});
export type IntakeInput = z.output<typeof intakeSchema>;

/**
 * The grid codes an address may name: its words, split at spaces and punctuation (at most 20, so a
 * long address cannot make a long query).
 */
export function gridCodesIn(address: string): string[] {
  const words = address
    .split(/[\s,，;；、·|/()（）[\]【】]+/u)
    .map((w) => w.trim())
    .filter((w) => w.length > 0 && w.length <= GRID_CODE_MAX);
  return [...new Set(words)].slice(0, 20);
}

/** Open311 knows two statuses: a need is `closed` once no one works on it any more. */
export const OPEN311_CLOSED: readonly NeedStatus[] = ["closed", "merged", "notForPlatform"];
export const open311Status = (s: NeedStatus): "open" | "closed" =>
  OPEN311_CLOSED.includes(s) ? "closed" : "open";

/** The most requests one list answers (the spec's own bound), and its default span. */
export const OPEN311_LIST_MAX = 1000;
export const OPEN311_DEFAULT_DAYS = 90;

/** Requests one key may send in an hour, unless INTAKE_RATE_PER_HOUR says otherwise. */
export const INTAKE_RATE_PER_HOUR = 600;
