/**
 * Notices (通知): the fixed list of kinds, which of them a person cannot switch off, and how a
 * stored notice becomes a sentence (an i18n key and its values) and a link. Pure: the services
 * write and deliver notices (app/services/notices), the page and the header read them.
 *
 * A later slice adds a kind by adding it here (with its subject, its sentence and its link), to the
 * locale files (`notice:kinds.…`), and to the command that announces it with `ctx.notify`. The
 * delivery decides who may see a subject by its type (app/services/notices/delivery.server.ts):
 * a new subject type is seen by nobody until it says who may.
 */
import { INVITED_SEAT_KINDS } from "../meetings/rules";
import { formatDateTime } from "~/utils/format";
import { isNeedCategory, type NeedCategory } from "../needs/categories";
import type { NeedStep } from "../needs/machine";

import { DIGEST_KIND, DIGEST_SUBJECT } from "./follows";

export const NOTICE_KINDS = [
  /** A resident asked to join a community: to its committee. */
  "membership.asked",
  /** The committee verified or declined a request to join (with the reason): to the resident. */
  "membership.decided",
  /** A micro-project one proposed moved a step (with its reason): to the proposer. */
  "project.stepped",
  /** A meeting one signed up for or was invited to changed its time, place, topic, agenda or seats. */
  "meeting.changed",
  /** A meeting one signed up for or was invited to was cancelled (with the reason). */
  "meeting.cancelled",
  /** A poll or budget round one could vote in was cancelled before it closed (with the reason). */
  "vote.cancelled",
  /** One was invited to a stakeholder seat at a meeting: to the invitee. */
  "seat.invited",
  /** One was invited to join an organisation: to the invitee (they answer on its page). */
  "organisation.invited",
  /** The committee verified or declined an organisation (with the reason): to its active members. */
  "organisation.decided",
  /** The minutes of a meeting one signed up for or was invited to were published. */
  "minutes.published",
  /** A micro-project one supports (not proposed) was accepted, selected or completed. */
  "project.supported",
  /** Someone replied to one's comment on a project. */
  "comment.replied",
  /** A meeting one signed up for or was invited to begins within a day (sent by a job, once). */
  "meeting.reminder",
  /** A poll or budget round one may vote in opened. */
  "vote.opened",
  /** A poll or budget round one may vote in closes within a day, and one has not voted. */
  "vote.closing",
  /** A poll's or budget round's results were published. */
  "vote.results",
  /**
   * 民情: a need one reported or said "me too" to moved a step of its loop (with the note residents
   * read on its page): to those residents. Protected for the reporter only (their own report).
   */
  "need.stepped",
  /** 民情: a need is now theirs to do: to its grid's workers, the street's command room or the unit. */
  "need.assigned",
  /** 民情: a need ran past its time and was raised a level: to the level it was raised to. */
  "need.overdue",
  /** A commitment of a meeting's minutes one answers for falls due within 3 days (sent once). */
  "commitment.due",
  /** A commitment one answers for is past its date and not done (sent once). */
  "commitment.overdue",
] as const;
export type NoticeKind = (typeof NOTICE_KINDS)[number];

export const isNoticeKind = (k: unknown): k is NoticeKind =>
  typeof k === "string" && (NOTICE_KINDS as readonly string[]).includes(k);

/** What a notice is about; the link and who may see it follow from it. */
export type NoticeSubjectType =
  "community" | "project" | "meeting" | "poll" | "round" | "organisation" | "need";

export interface KindRule {
  subject: NoticeSubjectType;
  /**
   * Notices that protect the person (their account, their own membership, their own proposals)
   * arrive even when switched off. Others' requests reach a committee member on the page's queue
   * as well, so that one may be switched off.
   */
  protected: boolean;
  /**
   * Protected for the subject's owner only (a need's reporter), switchable for everyone else who
   * gets it (the "me too" residents): the delivery asks who owns the subject.
   */
  protectsOwner?: true;
  /**
   * Whether people who follow the subject (./follows.ts: a meeting's and its council's followers, a
   * project's) get it too. Personal kinds (one's membership, a reply to one's comment) never do.
   */
  followers?: boolean;
}

export const KINDS: Record<NoticeKind, KindRule> = {
  "membership.asked": { subject: "community", protected: false },
  "membership.decided": { subject: "community", protected: true },
  "project.stepped": { subject: "project", protected: true, followers: true },
  "meeting.changed": { subject: "meeting", protected: false, followers: true },
  "meeting.cancelled": { subject: "meeting", protected: false, followers: true },
  // A poll or a round: the subject's type says which.
  "vote.cancelled": { subject: "poll", protected: false },
  "seat.invited": { subject: "meeting", protected: false },
  "organisation.invited": { subject: "organisation", protected: false },
  // Their own organisation: as for their own membership, told even when switched off.
  "organisation.decided": { subject: "organisation", protected: true },
  "minutes.published": { subject: "meeting", protected: false, followers: true },
  "project.supported": { subject: "project", protected: false },
  "comment.replied": { subject: "project", protected: false },
  "meeting.reminder": { subject: "meeting", protected: false },
  "vote.opened": { subject: "poll", protected: false },
  "vote.closing": { subject: "poll", protected: false },
  "vote.results": { subject: "poll", protected: false },
  "need.stepped": { subject: "need", protected: false, protectsOwner: true, followers: true },
  "need.assigned": { subject: "need", protected: false },
  "need.overdue": { subject: "need", protected: false },
  // The meeting whose minutes record it: its page lists the commitment and its updates.
  "commitment.due": { subject: "meeting", protected: false },
  "commitment.overdue": { subject: "meeting", protected: false },
};

export const isProtected = (kind: NoticeKind) => KINDS[kind].protected;
export const protectsOwner = (kind: NoticeKind) => KINDS[kind].protectsOwner === true;

/** A place's name in both languages, as a notice keeps it (the sentence is read in either). */
export interface PlaceName {
  zh: string;
  en: string;
}

/** What each kind's sentence needs, and nothing more. */
export interface NoticeParams {
  "membership.asked": { community: PlaceName };
  "membership.decided": {
    community: PlaceName;
    status: "verified" | "declined";
    reason: string | null;
  };
  "project.stepped": { title: string; step: string; reason: string | null };
  /** `what`: the parts that changed (the sentence names the time and place when they did). */
  "meeting.changed": {
    topic: string;
    what: readonly string[];
    startsAt: string;
    place: string;
    reason: null;
  };
  "meeting.cancelled": { topic: string; reason: string };
  "vote.cancelled": { title: string; reason: string };
  /** `seat`: the invited seat's kind (never "resident": residents' seats are open). */
  "seat.invited": { topic: string; seat: string };
  "organisation.invited": { name: string; role: "admin" | "member" };
  "organisation.decided": {
    name: string;
    status: "verified" | "declined";
    reason: string | null;
  };
  "minutes.published": { topic: string };
  "project.supported": { title: string; step: "accept" | "select" | "complete" };
  /** `commentId`: the reply (the link leads to it); its words are not kept in the notice. */
  "comment.replied": { title: string; commentId: number };
  "meeting.reminder": { topic: string; startsAt: string; place: string };
  "vote.opened": { title: string; closesAt: string };
  "vote.closing": { title: string; closesAt: string };
  "vote.results": { title: string };
  /**
   * A need's number is its subject's id; its category names it. Never its description or place (a
   * private need's), and a note only where its page shows it to the residents told.
   */
  "need.stepped": {
    category: NeedCategory;
    step: NeedStep;
    /** Why (a return, more time, turned away, sent back): said after the sentence. */
    reason: string | null;
    /** What was done (resolved, on the spot or by the unit): said in the sentence. */
    done: string | null;
    /** The need it was merged into. */
    into: number | null;
  };
  "need.assigned": { category: NeedCategory; step: NeedAssignStep; reason: null };
  /** `level`: 1 raised to the street's command room, 2 to the admins. */
  "need.overdue": { category: NeedCategory; level: 1 | 2; reason: null };
  /** `due`: YYYY-MM-DD, China time, as the commitment keeps it. */
  "commitment.due": { what: string; due: string };
  "commitment.overdue": { what: string; due: string };
}

/** The steps that make a need someone's to do (the report puts it in the grid worker's hands). */
export const NEED_ASSIGN_STEPS = [
  "report",
  "escalate",
  "returnToRoom",
  "dispatch",
  "resolve",
  "answerNotSatisfied",
  "reopen",
] as const;
export type NeedAssignStep = (typeof NEED_ASSIGN_STEPS)[number];

/** Who a notice is for: people by id, or a rule the delivery expands (in chunks) after the commit. */
export type NoticeRecipients =
  | { users: readonly number[] }
  | { community: number; who: "committee" | "verified" }
  /** An organisation's active members (admins included), as they are when it is delivered. */
  | { organisation: number; who: "members" }
  /** A project's supporters but its proposer, read a chunk at a time when it is delivered. */
  | { project: number; who: "supporters" }
  /** Those who may vote in a poll or round and have not (by the voter roll, never a ballot). */
  | { vote: { type: "poll" | "round"; id: number }; who: "notVoted" }
  | NeedRecipients;

/**
 * 民情: the people around a need, read when the notice is delivered (so only current staff): a
 * grid's workers, a street's command room, a unit's members, the admins, a need's residents.
 */
export type NeedRecipients =
  | { grid: number; who: "gridWorkers" }
  | { street: number; who: "commandRoom" }
  | { unit: number; who: "unit" }
  | { who: "admins" }
  | { need: number; who: "residents" };

/** A notice as a command hands it to `ctx.notify`. */
export type NoticeDraft = {
  [K in NoticeKind]: {
    kind: K;
    subject: { type: NoticeSubjectType; id: number };
    params: NoticeParams[K];
    recipients: NoticeRecipients;
    /**
     * Sent once: a second draft with the same key (another process, another run of a job, after
     * a restart) writes nothing. Timed notices name the thing and what makes it new again.
     */
    once?: string;
  };
}[NoticeKind];

/** A stored notice, as the page reads it. */
export interface StoredNotice {
  kind: string;
  subjectType: string;
  subjectId: number | null;
  /** JSON text, as stored. */
  params: string;
  /** "follow" when the person has it because they follow its subject (not addressed to them). */
  via?: string | null;
}

const SUBJECT_PATHS: Record<NoticeSubjectType, string> = {
  community: "/communities/",
  project: "/projects/",
  meeting: "/meetings/",
  poll: "/polls/",
  round: "/budgets/",
  organisation: "/orgs/",
  need: "/needs/",
};

/** Where a notice leads: its subject's page (at the reply, for a reply to one's comment). */
export function noticeLink(
  n: Pick<StoredNotice, "subjectType" | "subjectId"> &
    Partial<Pick<StoredNotice, "kind" | "params">>,
): string {
  // A day's digest opens the list of what it gathered.
  if (n.subjectType === DIGEST_SUBJECT && n.subjectId !== null) {
    return `/notifications?digest=${n.subjectId}`;
  }
  const base = SUBJECT_PATHS[n.subjectType as NoticeSubjectType];
  if (!base || n.subjectId === null) return "/notifications";
  return `${base}${n.subjectId}${placeOnPage(n)}`;
}

/** The anchor of the thing on the subject's page a notice is about, if any. */
function placeOnPage(n: Partial<Pick<StoredNotice, "kind" | "params">>): string {
  if (n.kind !== "comment.replied" || n.params === undefined) return "";
  const id = replyOf(n.params);
  return id === null ? "" : `#comment-${id}`;
}

/** The reply a `comment.replied` notice is about, from its params as stored; null if unreadable. */
export function replyOf(params: string): number | null {
  const id = parseParams(params).commentId;
  return typeof id === "number" && Number.isInteger(id) ? id : null;
}

function parseParams(text: string): Record<string, unknown> {
  try {
    const v: unknown = JSON.parse(text);
    return v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

const str = (v: unknown) => (typeof v === "string" ? v : "");

function closesAt(v: unknown, lng: string): string {
  const iso = str(v);
  return iso && !Number.isNaN(Date.parse(iso))
    ? formatDateTime(iso, lng === "en" ? "en" : "zh-CN")
    : "";
}

function placeName(v: unknown, lng: string): string {
  const p = (v ?? {}) as Partial<PlaceName>;
  return str(lng === "en" ? (p.en ?? p.zh) : (p.zh ?? p.en));
}

/** The project steps a sentence exists for; anything else reads as "moved a step". */
const PROJECT_STEPS = [
  "submit",
  "autoReview",
  "startReview",
  "accept",
  "reject",
  "return",
  "select",
  "start",
  "complete",
  "abandon",
] as const;

export interface NoticeMessage {
  /** An i18n key of the `notice` namespace. */
  key: string;
  params: Record<string, string>;
  /** The reason given, said after the sentence (a separate key, so the sentence stays short). */
  reason: string | null;
}

/**
 * A notice's sentence: its key and values, in the reader's language (place names are kept in
 * both). Unknown kinds (a newer process wrote one, a kind was retired) still read as a notice.
 */
export function noticeMessage(n: StoredNotice, lng: string): NoticeMessage {
  const p = parseParams(n.params);
  const reason = str(p.reason) || null;
  switch (n.kind) {
    case "membership.asked":
      return {
        key: "notice:kinds.membershipAsked",
        params: { community: placeName(p.community, lng) },
        reason: null,
      };
    case "membership.decided":
      return {
        key:
          p.status === "declined"
            ? "notice:kinds.membershipDeclined"
            : "notice:kinds.membershipVerified",
        params: { community: placeName(p.community, lng) },
        reason,
      };
    case "project.stepped": {
      // A follower's copy: not "your project".
      if (n.via === "follow") {
        return { key: "notice:kinds.projectFollowed", params: { title: str(p.title) }, reason };
      }
      const step = (PROJECT_STEPS as readonly string[]).includes(str(p.step))
        ? str(p.step)
        : "other";
      return {
        key: `notice:kinds.projectStepped.${step}`,
        params: { title: str(p.title) },
        reason,
      };
    }
    case "meeting.changed": {
      // The new time and place are the news when they moved; otherwise "look at what changed".
      const what = Array.isArray(p.what) ? p.what.map(str) : [];
      const moved = what.includes("time") || what.includes("place");
      return {
        key: moved ? "notice:kinds.meetingMoved" : "notice:kinds.meetingChanged",
        params: { topic: str(p.topic), place: str(p.place), startsAt: str(p.startsAt) },
        reason: null,
      };
    }
    case "meeting.cancelled":
      return { key: "notice:kinds.meetingCancelled", params: { topic: str(p.topic) }, reason };
    case "vote.cancelled":
      return { key: "notice:kinds.voteCancelled", params: { title: str(p.title) }, reason };
    case "seat.invited":
      return {
        key: `notice:kinds.seatInvited.${oneOf(p.seat, INVITED_SEAT_KINDS)}`,
        params: { topic: str(p.topic) },
        reason: null,
      };
    case "organisation.invited":
      return {
        key: `notice:kinds.organisationInvited.${p.role === "admin" ? "admin" : "member"}`,
        params: { name: str(p.name) },
        reason: null,
      };
    case "organisation.decided":
      return {
        key:
          p.status === "declined"
            ? "notice:kinds.organisationDeclined"
            : "notice:kinds.organisationVerified",
        params: { name: str(p.name) },
        reason,
      };
    case "minutes.published":
      return {
        key: "notice:kinds.minutesPublished",
        params: { topic: str(p.topic) },
        reason: null,
      };
    case "project.supported":
      return {
        key: `notice:kinds.projectSupported.${oneOf(p.step, SUPPORTED_STEPS)}`,
        params: { title: str(p.title) },
        reason: null,
      };
    case "comment.replied":
      return { key: "notice:kinds.commentReplied", params: { title: str(p.title) }, reason: null };
    case "meeting.reminder":
      return {
        key: "notice:kinds.meetingReminder",
        params: { topic: str(p.topic), place: str(p.place), startsAt: str(p.startsAt) },
        reason: null,
      };
    case "vote.opened":
    case "vote.closing":
      return {
        key: n.kind === "vote.opened" ? "notice:kinds.voteOpened" : "notice:kinds.voteClosing",
        // When it closes, in the reader's words (the page formats only a meeting's `startsAt`).
        params: { title: str(p.title), closesAt: closesAt(p.closesAt, lng) },
        reason: null,
      };
    case "vote.results":
      return { key: "notice:kinds.voteResults", params: { title: str(p.title) }, reason: null };
    case "need.stepped":
    case "need.assigned":
    case "need.overdue":
      return needMessage(n, p, reason);
    case "commitment.due":
    case "commitment.overdue":
      return {
        key:
          n.kind === "commitment.due"
            ? "notice:kinds.commitmentDue"
            : "notice:kinds.commitmentOverdue",
        params: { what: str(p.what), due: str(p.due) },
        reason: null,
      };
    case DIGEST_KIND:
      return {
        key: "notice:kinds.digest",
        params: { count: String(typeof p.count === "number" ? p.count : 0) },
        reason: null,
      };
    default:
      return { key: "notice:kinds.other", params: {}, reason: null };
  }
}

/** The steps of a supported project its supporters are told of. */
export const SUPPORTED_STEPS = ["accept", "select", "complete"] as const;

/** The value if it is one of these, else "other" (a sentence exists for each, and for "other"). */
function oneOf(v: unknown, these: readonly string[]): string {
  return these.includes(str(v)) ? str(v) : "other";
}

/** The need steps a resident's sentence exists for; anything else reads as "moved a step". */
const NEED_STEPPED: readonly string[] = [
  "accept",
  "resolveOnSpot",
  "escalate",
  "dispatch",
  "returnToRoom",
  "askExtension",
  "resolve",
  "check",
  "answerSatisfied",
  "answerPartly",
  "answerNotSatisfied",
  "autoClose",
  "reopen",
  "merge",
  "markNotForPlatform",
] satisfies readonly NeedStep[];

/**
 * A need's sentence: its number and category (the sentence translates the code, nested), and for
 * the residents what was done or where it was merged.
 */
function needMessage(
  n: StoredNotice,
  p: Record<string, unknown>,
  reason: string | null,
): NoticeMessage {
  const params = {
    id: n.subjectId === null ? "" : String(n.subjectId),
    category: isNeedCategory(p.category) ? p.category : "other",
  };
  const step = str(p.step);
  if (n.kind === "need.overdue") {
    return {
      key:
        p.level === 2 ? "notice:kinds.needOverdue.admins" : "notice:kinds.needOverdue.commandRoom",
      params,
      reason: null,
    };
  }
  // A follower's copy: not "the need you reported", and no note (that is for its residents).
  if (n.kind === "need.stepped" && n.via === "follow") {
    return { key: "notice:kinds.needFollowed", params, reason: null };
  }
  if (n.kind === "need.assigned") {
    const known = (NEED_ASSIGN_STEPS as readonly string[]).includes(step);
    return { key: `notice:kinds.needAssigned.${known ? step : "other"}`, params, reason: null };
  }
  return {
    key: `notice:kinds.needStepped.${NEED_STEPPED.includes(step) ? step : "other"}`,
    params: {
      ...params,
      done: str(p.done),
      into: typeof p.into === "number" ? String(p.into) : "",
    },
    reason,
  };
}
