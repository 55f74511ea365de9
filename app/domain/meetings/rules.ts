/**
 * Meetings and their rooms: limits, the status machine, and the room's pacing rules. Pure, so the
 * services and the socket layer share them and the tests can run them without a database.
 */
import { chinaToday } from "../time";

export const MEETING_STATUSES = ["scheduled", "live", "closed", "published"] as const;
export type MeetingStatus = (typeof MEETING_STATUSES)[number];
export const SEAT_KINDS = ["resident", "official", "expert", "organisation", "media"] as const;
export type SeatKind = (typeof SEAT_KINDS)[number];
export const COMMITMENT_STATUSES = ["open", "in_progress", "done", "dropped"] as const;
export type CommitmentStatus = (typeof COMMITMENT_STATUSES)[number];
/** Who a commitment is owed by. */
export const OWNER_KINDS = ["person", "department", "organisation"] as const;
export type OwnerKind = (typeof OWNER_KINDS)[number];
/** Seats given by invitation; residents' seats are open to every verified resident. */
export const INVITED_SEAT_KINDS = [
  "official",
  "expert",
  "organisation",
  "media",
] as const satisfies readonly SeatKind[];

export const MESSAGE_MAX = 2000;
/**
 * A message's length as the room counts it (`messageBody`): characters, not UTF-16 units, of the
 * text as stored (NFC, trimmed). The page checks it before sending, so nobody who types meets the
 * socket's size limits.
 */
export const messageLength = (body: string) => [...body.normalize("NFC").trim()].length;
/** Why a moderator hides a message or mutes someone (and why a comment is reported). */
export const MODERATION_REASON_MAX = 200;
/** Lengths of what the committee writes: councils, meetings, minutes, commitments (characters). */
export const COUNCIL_NAME_MAX = 60;
export const COUNCIL_PURPOSE_MAX = 500;
export const TOPIC_MAX = 80;
export const DESCRIPTION_MAX = 2000;
export const PLACE_MAX = 120;
export const AGENDA_TITLE_MAX = 80;
/** An agenda item's time box in minutes; an empty box gets the default. */
export const TIME_BOX_MIN = 1;
export const TIME_BOX_MAX = 240;
export const TIME_BOX_DEFAULT = 15;
/** Agenda rows on the scheduling and editing forms (pages import it from here: no zod). */
export const AGENDA_ROWS = 6;
/** Seats of one kind; "*" means as many as come. */
export const CAPACITY_MAX = 10_000;
export const SUMMARY_MAX = 4000;
export const DECISIONS_MAX = 2000;
export const COMMITMENT_MAX = 200;
export const OWNER_NAME_MAX = 60;
export const NOTE_MAX = 500;
/** About five messages in ten seconds per person, whatever the slow mode. */
export const RATE_WINDOW_MS = 10_000;
export const RATE_MAX = 5;
export const HISTORY_PAGE = 30;
/** Flags from this many distinct verified residents hide a message until a moderator reviews it. */
export const FLAGS_TO_HIDE = 3;
export const MAX_SLOW_MODE_SECONDS = 600;
/** The slow-mode paces the room page offers (0 is off); a socket may ask for any up to the maximum. */
export const SLOW_MODE_CHOICES = [0, 10, 30, 60, 120] as const;
export const MAX_MUTE_MINUTES = 24 * 60;
/** The mute the room page offers in one click, next to each message. */
export const QUICK_MUTE_MINUTES = 10;
/** The lengths of a speaker's turn a moderator may give, in seconds. */
export const TURN_SECONDS = [60, 120, 180, 300] as const;
export const DEFAULT_TURN_SECONDS = 120;
/** The most messages one history page or one catch-up after a reconnect sends. */
export const HISTORY_MAX = 200;

/** Who moves a meeting on: scheduled → live → closed → minutes published. */
const NEXT: Record<MeetingStatus, MeetingStatus | null> = {
  scheduled: "live",
  live: "closed",
  closed: "published",
  published: null,
};

export function nextStatus(status: MeetingStatus): MeetingStatus | null {
  return NEXT[status];
}

export function canMoveTo(from: MeetingStatus, to: MeetingStatus): boolean {
  return NEXT[from] === to;
}

/**
 * Why the committee may no longer change or cancel a meeting, or null while it may: only a
 * scheduled meeting that has not ended and is not cancelled already. (Once live, the meeting is
 * under way in its room: it is ended, not moved.)
 */
export function changeRefusal(
  m: { status: MeetingStatus; endsAt: string; cancelledAt: string | null },
  now: Date,
): "meeting:errors.alreadyCancelled" | "meeting:errors.tooLateToChange" | null {
  if (m.cancelledAt !== null) return "meeting:errors.alreadyCancelled";
  if (m.status !== "scheduled" || m.endsAt <= now.toISOString()) {
    return "meeting:errors.tooLateToChange";
  }
  return null;
}

/** People may sign up and post while a meeting has not ended. */
export function isOpenForPeople(status: MeetingStatus): boolean {
  return status === "scheduled" || status === "live";
}

const COMMITMENT_NEXT: Record<CommitmentStatus, readonly CommitmentStatus[]> = {
  open: ["in_progress", "done", "dropped"],
  in_progress: ["done", "dropped"],
  done: [],
  dropped: [],
};

export function canMoveCommitment(from: CommitmentStatus, to: CommitmentStatus): boolean {
  return COMMITMENT_NEXT[from].includes(to);
}

/** An open commitment past its due date (a YYYY-MM-DD in China time). */
export function isOverdue(
  c: { status: CommitmentStatus; dueDate: string },
  today: string = chinaToday(),
): boolean {
  return (c.status === "open" || c.status === "in_progress") && c.dueDate < today;
}

/**
 * Whether a person may post now, given the times of their recent messages (newest first).
 * Returns the seconds to wait, or 0.
 */
export function waitBeforePosting(
  recent: readonly Date[],
  now: Date,
  slowModeSeconds: number,
): { reason: "rate" | "slow" | null; seconds: number } {
  const inWindow = recent.filter((t) => now.getTime() - t.getTime() < RATE_WINDOW_MS);
  if (inWindow.length >= RATE_MAX) {
    const oldest = inWindow[RATE_MAX - 1]!;
    return {
      reason: "rate",
      seconds: Math.max(1, Math.ceil((oldest.getTime() + RATE_WINDOW_MS - now.getTime()) / 1000)),
    };
  }
  const last = recent[0];
  if (slowModeSeconds > 0 && last) {
    const ready = last.getTime() + slowModeSeconds * 1000;
    if (ready > now.getTime()) {
      return { reason: "slow", seconds: Math.ceil((ready - now.getTime()) / 1000) };
    }
  }
  return { reason: null, seconds: 0 };
}
