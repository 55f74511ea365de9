/**
 * Following (关注) and the notice settings' vocabulary (issue 16, items 3 and 4). Pure: the
 * services (app/services/notices/follows.server.ts, delivery.server.ts, digest.server.ts) do the
 * reading and writing; the pages render these names.
 *
 * Kept apart from kinds.ts (which lists the kinds and their sentences): what may be followed, whose
 * followers a subject's notices also reach, a kind's short label and its group on /settings, and
 * the daily digest's own notice, which is not a kind one can switch.
 */
// Types only: kinds.ts reads the digest's names from here.
import type { NoticeKind } from "./kinds";

/** What a person may follow: each has a page that decides who may see it. */
export const FOLLOWABLE = ["council", "meeting", "project", "need"] as const;
export type FollowableType = (typeof FOLLOWABLE)[number];

export const isFollowable = (t: unknown): t is FollowableType =>
  typeof t === "string" && (FOLLOWABLE as readonly string[]).includes(t);

const FOLLOW_PATHS: Record<FollowableType, string> = {
  council: "/councils/",
  meeting: "/meetings/",
  project: "/projects/",
  need: "/needs/",
};

/** The page of something followed. */
export const followLink = (type: FollowableType, id: number) => `${FOLLOW_PATHS[type]}${id}`;

/**
 * Whose followers a notice about this subject also reaches: a meeting's own and its council's
 * (the council holds the meeting), a project's, a need's, a council's. Anything else (a
 * community, a poll) has no followers.
 */
export function followedThrough(subjectType: string): readonly FollowableType[] {
  switch (subjectType) {
    case "meeting":
      return ["meeting", "council"];
    case "council":
    case "project":
    case "need":
      return [subjectType];
    default:
      return [];
  }
}

/** `notice:kindNames.…`: a kind's short label on /settings ("meeting.changed" → meetingChanged). */
export const kindNameKey = (kind: string) =>
  `notice:kindNames.${kind.replace(/\.([a-z])/g, (_m, c: string) => c.toUpperCase())}`;

/** The groups of /settings' list of kinds, in this order; a kind's group is its first word. */
export const KIND_GROUPS = [
  "membership",
  "organisation",
  "seat",
  "meeting",
  "minutes",
  "project",
  "comment",
  "vote",
  "commitment",
  "need",
  "other",
] as const;
export type KindGroup = (typeof KIND_GROUPS)[number];

export function kindGroup(kind: string): KindGroup {
  const first = kind.split(".")[0];
  return (KIND_GROUPS as readonly string[]).includes(first ?? "") ? (first as KindGroup) : "other";
}

/** Every kind under its group, groups in KIND_GROUPS' order (empty groups left out). */
export function groupedKinds(
  kinds: readonly NoticeKind[],
): Array<{ group: KindGroup; kinds: NoticeKind[] }> {
  return KIND_GROUPS.map((group) => ({
    group,
    kinds: kinds.filter((k) => kindGroup(k) === group),
  })).filter((g) => g.kinds.length > 0);
}

/**
 * The daily digest's notice (quiet): one per person per day, "today there are N new notices",
 * leading to what it gathered. Not a kind of NOTICE_KINDS: nobody switches it, nobody follows it.
 */
export const DIGEST_KIND = "notice.digest";
/** Its subject type; its subject id is the digest (the run that gathered, one per day). */
export const DIGEST_SUBJECT = "digest";
/** Held notices are gathered each day at this hour, China time (18:00). */
export const DIGEST_HOUR = 18;
const CHINA_OFFSET_MS = 8 * 3_600_000;

/** The latest digest time at or before `now` (today's 18:00 China time, or yesterday's). */
export function digestCut(now: Date): Date {
  const local = new Date(now.getTime() + CHINA_OFFSET_MS);
  let cut =
    Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate(), DIGEST_HOUR) -
    CHINA_OFFSET_MS;
  if (cut > now.getTime()) cut -= 24 * 3_600_000;
  return new Date(cut);
}
