import { z } from "zod";
import { refuse } from "../refuse";
import { charCount, formString, text } from "../validation";
import { DISPLAY_NAME_MAX, LOGIN_MAX, PASSWORD_MAX, PASSWORD_MIN } from "./limits";

export const PRIVACY_NOTICE_VERSION = "2026-11-27";

export const PHONE = /^1[3-9]\d{9}$/;
export const USERNAME = /^[a-z][a-z0-9_.-]{2,31}$/;

export type LoginId = { kind: "phone"; value: string } | { kind: "username"; value: string };

/** A login is a mainland mobile number or a username; phones are told apart by their shape. */
export function parseLoginId(raw: string): LoginId | null {
  const s = raw.normalize("NFKC").trim();
  if (/^[+\d][\d\s-]*$/.test(s)) {
    // People write 138 1234 5678 or +86-138...; keep only the eleven digits.
    const digits = s.replace(/[\s-]/g, "").replace(/^\+?86(?=\d{11}$)/, "");
    return PHONE.test(digits) ? { kind: "phone", value: digits } : null;
  }
  const lower = s.toLowerCase();
  return USERNAME.test(lower) ? { kind: "username", value: lower } : null;
}

/** A person named by their login: whom a committee appoints or invites, or adds to a council. */
export const namedLogin = formString.transform(
  (s, ctx): LoginId => parseLoginId(s) ?? refuse(ctx, "account:errors.loginFormat"),
);

const loginField = formString.transform((s, ctx) => {
  if (s.trim() === "") return refuse(ctx, "errors.required");
  if (charCount(s) > LOGIN_MAX)
    return refuse(ctx, "errors.tooLong", { params: { max: LOGIN_MAX } });
  return parseLoginId(s) ?? refuse(ctx, "account:errors.loginFormat");
});

const passwordField = formString.superRefine((s, ctx) => {
  const n = charCount(s);
  if (n === 0) refuse(ctx, "errors.required");
  else if (n < PASSWORD_MIN)
    refuse(ctx, "account:errors.passwordShort", { params: { min: PASSWORD_MIN } });
  else if (n > PASSWORD_MAX) refuse(ctx, "errors.tooLong", { params: { max: PASSWORD_MAX } });
});

/**
 * Words that name a role on Liuhe or in the neighbourhood's administration. A display name holding
 * one could pass its owner off as the committee, the platform or the street: "居委会王主任" posting
 * in a room reads as an official notice. Substrings, on purpose: "李主任" is how residents address
 * a committee director, so a resident who is not one may not call themselves that either.
 */
export const ROLE_WORDS: readonly string[] = [
  "居委会",
  "居委",
  "社区委员会",
  "委员会主任",
  "书记",
  "主任",
  "管理员",
  "官方",
  "客服",
  "平台",
  "网格员",
  "街道办",
  "admin", // also administrator
  "moderator",
  "committee",
  "official",
  "staff",
  "support",
];

/**
 * A name as compared with the role words: NFKC (full-width "ａｄｍｉｎ" is "admin"), lower case,
 * and without the spaces, punctuation, symbols and invisible format characters people put between
 * letters ("管 理 员", "A.d.m.i.n", "官·方").
 */
export const foldName = (s: string) =>
  s
    .normalize("NFKC")
    .toLowerCase()
    .replace(/[\p{Z}\p{P}\p{S}\p{Cf}\s]/gu, "");

/** The role word a display name claims, if any. */
export const claimedRole = (name: string): string | undefined => {
  const folded = foldName(name);
  return ROLE_WORDS.find((w) => folded.includes(w));
};

/**
 * A display name, wherever one is set (registering at /join, and at the service window). It may not
 * claim a role. Committee members and admins are not exempted: the schema cannot know roles, and it
 * need not, because the pages show role labels next to names from the roles themselves, never
 * from what someone typed as their name.
 */
export const displayNameField = text({ max: DISPLAY_NAME_MAX }).superRefine((s, ctx) => {
  if (claimedRole(s) !== undefined) refuse(ctx, "errors.displayNameRole");
});

export const registrationSchema = z.object({
  displayName: displayNameField,
  login: loginField,
  password: passwordField,
  consent: z.literal("yes", {
    errorMap: () => ({ message: "account:errors.consentRequired" }),
  }),
});

export const loginSchema = z.object({
  login: loginField,
  password: formString.min(1, "errors.required").max(PASSWORD_MAX * 4, "errors.tooLong"),
});
export type LoginInput = z.output<typeof loginSchema>;

/** A phone number as others see it: 138****5678. */
export function maskPhone(phone: string): string {
  return phone.length === 11 ? `${phone.slice(0, 3)}****${phone.slice(7)}` : "****";
}
