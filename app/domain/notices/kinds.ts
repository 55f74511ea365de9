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
] as const;
export type NoticeKind = (typeof NOTICE_KINDS)[number];

export const isNoticeKind = (k: unknown): k is NoticeKind =>
  typeof k === "string" && (NOTICE_KINDS as readonly string[]).includes(k);

/** What a notice is about; the link and who may see it follow from it. */
export type NoticeSubjectType = "community" | "project" | "meeting" | "poll" | "round";

export interface KindRule {
  subject: NoticeSubjectType;
  /**
   * Notices that protect the person (their account, their own membership, their own proposals)
   * arrive even when switched off. Others' requests reach a committee member on the page's queue
   * as well, so that one may be switched off.
   */
  protected: boolean;
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
};

export const isProtected = (kind: NoticeKind) => KINDS[kind].protected;

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
}

/** Who a notice is for: people by id, or a rule the delivery expands (in chunks) after the commit. */
export type NoticeRecipients =
  { users: readonly number[] } | { community: number; who: "committee" | "verified" };

/** A notice as a command hands it to `ctx.notify`. */
export type NoticeDraft = {
  [K in NoticeKind]: {
    kind: K;
    subject: { type: NoticeSubjectType; id: number };
    params: NoticeParams[K];
    recipients: NoticeRecipients;
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
};

/** Where a notice leads: its subject's page. */
export function noticeLink(n: Pick<StoredNotice, "subjectType" | "subjectId">): string {
  if (n.subjectType === DIGEST_SUBJECT && n.subjectId !== null) {
    return `/notifications?digest=${n.subjectId}`;
  }
  const base = SUBJECT_PATHS[n.subjectType as NoticeSubjectType];
  return base && n.subjectId !== null ? `${base}${n.subjectId}` : "/notifications";
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
