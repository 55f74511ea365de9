/**
 * 民情 (needs): the enumerations the tables and the pages share, beside the loop (machine.ts), the
 * categories (categories.ts) and the clock (clock.ts).
 */
import { NEED_ROLES, STEP_NAMES, type NeedStatus } from "./machine";

export { NEED_STATUSES, NEED_ROLES, type NeedStatus, type NeedRole } from "./machine";

/** Who serves in the loop, by appointment: the roles of `need_staff`. */
export const NEED_STAFF_ROLES = ["gridWorker", "commandRoom", "unit"] as const;
export type NeedStaffRole = (typeof NEED_STAFF_ROLES)[number];

/**
 * The four platforms (四平台) every street has; a street's departments are units too, named by an
 * admin, with no platform.
 */
export const PLATFORMS = ["governance", "market", "enforcement", "service"] as const;
export type Platform = (typeof PLATFORMS)[number];

/** The residents behind a need. */
export const NEED_RESIDENT_KINDS = ["reporter", "meToo"] as const;
export type NeedResidentKind = (typeof NEED_RESIDENT_KINDS)[number];

/** A resident's answer after the check. */
export const NEED_ANSWERS = ["satisfied", "partly", "notSatisfied"] as const;
export type NeedAnswer = (typeof NEED_ANSWERS)[number];
/** What closed a need: an answer, or none within the window ("none"). */
export const NEED_OUTCOMES = [...NEED_ANSWERS, "none"] as const;
export type NeedOutcome = (typeof NEED_OUTCOMES)[number];

/** What a need can be linked to (item 7 of the issue). */
export const NEED_LINK_KINDS = ["meeting", "project"] as const;
export type NeedLinkKind = (typeof NEED_LINK_KINDS)[number];

/**
 * Whether residents may still propose a micro-project that answers a need: not once it was merged
 * into another (the project answers that one) or turned away as not for this platform.
 */
export const takesProjects = (s: NeedStatus): boolean => s !== "merged" && s !== "notForPlatform";

/** How a need came in: the site, the service window, or another channel's key (its name). */
export const WEB_CHANNEL = "web";
export const WINDOW_CHANNEL = "window";

/** Who may read a need's details: by the category's default, everyone, or only those handling it. */
export const VISIBILITIES = ["auto", "public", "private"] as const;
export type Visibility = (typeof VISIBILITIES)[number];

/** Description and place, in characters. */
export const NEED_DESCRIPTION_MAX = 2000;
export const NEED_DESCRIPTION_MIN = 5;
export const NEED_PLACE_MAX = 100;

/** What a need's timeline records: the loop's steps, and the report, a "me too" and a link. */
export const NEED_TIMELINE_STEPS = [...STEP_NAMES, "report", "meToo", "link"] as const;
export type NeedTimelineStep = (typeof NEED_TIMELINE_STEPS)[number];
/**
 * Who took a step, by role; "channel" for a need another channel sent in, "proposer" for a
 * resident (or an organisation's member) whose new micro-project answers the need.
 */
export const NEED_TIMELINE_ROLES = [...NEED_ROLES, "channel", "proposer"] as const;
export type NeedTimelineRole = (typeof NEED_TIMELINE_ROLES)[number];
