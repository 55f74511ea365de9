// Long on purpose: the whole Database interface in one file (db/schema-columns.ts mirrors it).
/**
 * The Database interface: one entry per table, columns in camelCase (Kysely's CamelCasePlugin maps
 * them to the snake_case names in the migrations). Times are ISO-8601 strings in UTC.
 */
import type { Generated, Insertable, Selectable, Updateable } from "kysely";
import type { Consent } from "../app/domain/assistance/consents";
import type { AreaLevel, MembershipStatus } from "../app/domain/community/rules";
import type {
  CommitmentStatus,
  MeetingStatus,
  OwnerKind,
  SeatKind,
} from "../app/domain/meetings/rules";
import type {
  OrganisationMemberStatus,
  OrganisationRole,
  OrganisationStatus,
  OrganisationTier,
  ProjectStatus,
  ProjectUpdateKind,
  ServiceArea,
} from "../app/domain/projects/rules";
import type { NoticeKind } from "../app/domain/notices/kinds";
import type { NeedCategory } from "../app/domain/needs/categories";
import type {
  NeedAnswer,
  NeedLinkKind,
  NeedOutcome,
  NeedResidentKind,
  NeedStaffRole,
  NeedStatus,
  NeedTimelineRole,
  NeedTimelineStep,
  Platform,
} from "../app/domain/needs/rules";
import type {
  BallotChannel,
  Electorate,
  PollMethod,
  ResultsShown,
  TallyMethod,
  YesNo,
} from "../app/domain/voting/rules";
import type {
  AgendaStatementKind,
  Eligibility,
  StatementStatus,
} from "../app/domain/conversations/rules";

/*
 * The enums belong to the domain (app/domain/<area>), which imports nothing from db/. These
 * re-exports remain only for importers not yet switched to the domain modules.
 */
export type {
  AreaLevel,
  CommitmentStatus,
  Consent,
  MeetingStatus,
  MembershipStatus,
  OrganisationTier,
  OwnerKind,
  ProjectStatus,
  SeatKind,
  ServiceArea,
};

export interface AreasTable {
  id: Generated<number>;
  parentId: number | null;
  level: AreaLevel;
  code: string;
  nameZh: string;
  nameEn: string;
  sort: Generated<number>;
}

export interface UsersTable {
  id: Generated<number>;
  displayName: string;
  username: string | null;
  phone: string | null;
  passwordHash: string;
  isAdmin: Generated<number>;
  consentVersion: string;
  consentedAt: string;
  createdAt: string;
  /** Set when the person deleted their account; the row is then emptied. */
  deletedAt: Generated<string | null>;
}

export interface SessionsTable {
  /** SHA-256 of the cookie's token: a leaked database does not yield usable cookies. */
  id: string;
  userId: number;
  createdAt: string;
  expiresAt: string;
  lastSeenAt: string;
  revokedAt: string | null;
  userAgent: string | null;
}

export interface LoginThrottleTable {
  key: string;
  failures: number;
  lastFailureAt: string;
  lockedUntil: string | null;
}

export interface JobsTable {
  name: string;
  dueAt: string;
  lockedBy: string | null;
  lockedUntil: string | null;
  lastRunAt: string | null;
  lastError: string | null;
}

/** Notices (通知): a command's announcement, one row, until it is delivered to each person. */
export interface NoticeOutboxTable {
  id: Generated<number>;
  kind: NoticeKind;
  subjectType: string;
  subjectId: number | null;
  /** JSON: what the sentence needs (a title, a reason). */
  params: string;
  /** JSON: a NoticeRecipients (explicit user ids, or a rule such as a community's committee). */
  recipients: string;
  actorId: number | null;
  createdAt: string;
  deliveredAt: string | null;
  claimedBy: string | null;
  claimedUntil: string | null;
  /** What a timed notice is sent once for (unique); null for a command's notices. */
  onceKey: string | null;
}

/** One notice in one person's inbox. */
export interface NoticesTable {
  id: Generated<number>;
  userId: number;
  outboxId: number;
  kind: NoticeKind;
  subjectType: string;
  subjectId: number | null;
  params: string;
  createdAt: string;
  readAt: string | null;
  /** Why the person has it when it was not addressed to them: "follow" (they follow its subject). */
  via: string | null;
  /** Held for the person's daily digest (quiet): not counted, listed or pushed until gathered. */
  heldAt: string | null;
  /** The digest it was gathered into (the digest run's outbox row id). */
  digestId: number | null;
}

/** A kind a person switched off (or on again); protected kinds arrive whatever it says. */
export interface NoticePreferencesTable {
  userId: number;
  kind: NoticeKind;
  enabled: number;
  updatedAt: string;
}

export interface MembershipsTable {
  id: Generated<number>;
  userId: number;
  communityId: number;
  status: MembershipStatus;
  requestedAt: string;
  decidedAt: string | null;
  decidedBy: number | null;
  decisionReason: string | null;
}

export interface CommitteeMembersTable {
  id: Generated<number>;
  userId: number;
  communityId: number;
  appointedBy: number | null;
  appointedAt: string;
  endedAt: string | null;
  endedBy: number | null;
}

export interface AuditLogTable {
  id: Generated<number>;
  at: string;
  actorId: number | null;
  action: string;
  areaId: number | null;
  subjectType: string;
  subjectId: number | null;
  /** JSON object. */
  details: Generated<string>;
  /** Hex SHA-256 of the entry before in this area's chain (db/audit-chain.ts), GENESIS for none. */
  prevHash: string;
  /** Hex SHA-256 of this entry and prevHash (db/audit-chain.ts). */
  hash: string;
}

export interface CouncilsTable {
  id: Generated<number>;
  /** A community or a street. */
  areaId: number;
  name: string;
  purpose: string;
  createdBy: number | null;
  createdAt: string;
  updatedAt: string;
}

export interface CouncilMembersTable {
  councilId: number;
  userId: number;
  addedAt: string;
}

export interface MeetingsTable {
  id: Generated<number>;
  councilId: number;
  topic: string;
  description: string;
  startsAt: string;
  endsAt: string;
  place: string;
  status: MeetingStatus;
  /** Whether anyone may read the room, signed in or not. */
  isPublic: Generated<number>;
  roomOpen: Generated<number>;
  slowModeSeconds: Generated<number>;
  currentAgendaItemId: number | null;
  floorUserId: number | null;
  floorUntil: string | null;
  createdBy: number | null;
  createdAt: string;
  /** Set when the committee cancelled it (it keeps its status: see the migration). */
  cancelledAt: string | null;
  cancelReason: string | null;
  /** Counts the changes to its time, place, agenda or seats, and its cancelling (.ics SEQUENCE). */
  sequence: Generated<number>;
  /** When it was last changed or cancelled. */
  updatedAt: string | null;
}

export interface AgendaItemsTable {
  id: Generated<number>;
  meetingId: number;
  position: number;
  title: string;
  /** The item's time box. */
  minutes: number;
}

export interface SeatKindsTable {
  meetingId: number;
  kind: SeatKind;
  capacity: number | null;
}

export interface SeatInvitesTable {
  meetingId: number;
  userId: number;
  kind: SeatKind;
  invitedBy: number | null;
  invitedAt: string;
}

export interface RsvpsTable {
  meetingId: number;
  userId: number;
  kind: SeatKind;
  createdAt: string;
  /** The committee member who entered it for the resident at the service window. */
  assistedBy: Generated<number | null>;
}

export interface RoomMessagesTable {
  id: Generated<number>;
  meetingId: number;
  userId: number;
  body: string;
  agendaItemId: number | null;
  createdAt: string;
  hiddenAt: string | null;
  hiddenBy: number | null;
  /** A moderator's reason, or null when flags hid the message pending review. */
  hiddenReason: string | null;
  pinnedAt: string | null;
  /** The committee member who entered it for the resident at the service window. */
  assistedBy: Generated<number | null>;
}

export interface MessageFlagsTable {
  messageId: number;
  userId: number;
  createdAt: string;
  reviewedAt: string | null;
}

export interface RoomMutesTable {
  meetingId: number;
  userId: number;
  until: string;
  reason: string;
  mutedBy: number | null;
}

export interface SpeakerQueueTable {
  meetingId: number;
  userId: number;
  raisedAt: string;
}

export interface MinutesTable {
  meetingId: number;
  agendaItemId: number;
  summary: string;
  decisions: string;
  updatedBy: number | null;
  updatedAt: string;
}

export interface CommitmentsTable {
  id: Generated<number>;
  meetingId: number;
  agendaItemId: number | null;
  what: string;
  ownerKind: OwnerKind;
  ownerName: string;
  /** The account answerable for it, reminded as it falls due; null when none is named. */
  ownerUserId: number | null;
  /** YYYY-MM-DD, China time. */
  dueDate: string;
  status: CommitmentStatus;
  createdBy: number | null;
  createdAt: string;
}

export interface CommitmentUpdatesTable {
  id: Generated<number>;
  commitmentId: number;
  status: CommitmentStatus;
  note: string;
  createdBy: number | null;
  createdAt: string;
}

export interface OrganisationsTable {
  id: Generated<number>;
  name: string;
  tier: OrganisationTier;
  registrationNumber: string | null;
  description: string;
  contact: string | null;
  status: OrganisationStatus;
  decidedBy: number | null;
  decidedAt: string | null;
  decisionReason: string | null;
  createdBy: number | null;
  createdAt: string;
  updatedAt: string;
}

export interface OrganisationServicesTable {
  organisationId: number;
  service: ServiceArea;
}

export interface OrganisationCommunitiesTable {
  organisationId: number;
  communityId: number;
}

export interface OrganisationMembersTable {
  organisationId: number;
  userId: number;
  role: OrganisationRole;
  status: OrganisationMemberStatus;
  invitedBy: number | null;
  invitedAt: string;
  joinedAt: string | null;
}

export interface CommunitySettingsTable {
  communityId: number;
  /** Supports at which a submitted project goes under review by itself; null: never. */
  supportThreshold: number | null;
  updatedAt: string;
}

export interface ProjectsTable {
  id: Generated<number>;
  communityId: number;
  gridId: number | null;
  place: Generated<string>;
  organisationId: number | null;
  proposerId: number | null;
  title: string;
  summary: string;
  description: string;
  category: ServiceArea;
  beneficiaries: string;
  startsOn: string;
  endsOn: string;
  /** Whole yuan; always the sum of the budget items. */
  budgetTotal: number;
  spentTotal: Generated<number>;
  status: ProjectStatus;
  /** The reason given with the latest rejection, return or abandonment. */
  statusReason: string | null;
  /** Name of the re-encoded photo in `photos`. */
  photo: string | null;
  supportCount: Generated<number>;
  ratingCount: Generated<number>;
  ratingSum: Generated<number>;
  createdAt: string;
  updatedAt: string;
  submittedAt: string | null;
}

/** A project's photo, re-encoded (WebP, no metadata); its random name is the project's `photo`. */
export interface PhotosTable {
  name: string;
  bytes: Buffer;
  createdAt: string;
}

export interface ProjectBudgetItemsTable {
  id: Generated<number>;
  projectId: number;
  position: number;
  label: string;
  amount: number;
}

export interface ProjectEventsTable {
  id: Generated<number>;
  projectId: number;
  step: string;
  fromStatus: ProjectStatus | null;
  toStatus: ProjectStatus;
  actorId: number | null;
  reason: string | null;
  at: string;
  /** The committee member who took the step for the resident at the service window. */
  assistedBy: Generated<number | null>;
}

export interface ProjectUpdatesTable {
  id: Generated<number>;
  projectId: number;
  kind: ProjectUpdateKind;
  authorId: number | null;
  body: string;
  spent: number;
  onDate: string;
  createdAt: string;
}

export interface ProjectSupportsTable {
  projectId: number;
  userId: number;
  at: string;
  /** The committee member who entered it for the resident at the service window. */
  assistedBy: Generated<number | null>;
}

export interface ProjectRatingsTable {
  projectId: number;
  userId: number;
  score: number;
  at: string;
}

export interface ProjectCommentsTable {
  id: Generated<number>;
  projectId: number;
  parentId: number | null;
  authorId: number | null;
  body: string;
  createdAt: string;
  hiddenAt: string | null;
  hiddenBy: number | null;
  hiddenReason: string | null;
  flagCount: Generated<number>;
  reviewedAt: string | null;
  /** The committee member who entered it for the resident at the service window. */
  assistedBy: Generated<number | null>;
}

export interface CommentFlagsTable {
  commentId: number;
  userId: number;
  reason: string;
  at: string;
}

/** FTS5 tables: rowid is the project's or organisation's id. */
export interface FtsTable {
  rowid: number;
  titleWords: string;
  titleChars: string;
  words: string;
  chars: string;
}

export interface PollsTable {
  id: Generated<number>;
  communityId: number;
  meetingId: number | null;
  question: string;
  description: Generated<string>;
  method: PollMethod;
  /** Approval polls: how many options a voter may choose at most. */
  maxChoices: Generated<number>;
  electorate: Electorate;
  results: ResultsShown;
  opensAt: string;
  closesAt: string;
  createdBy: number | null;
  createdAt: string;
  cancelledAt: string | null;
  cancelReason: string | null;
  /** How many ballots were discarded when it was cancelled. */
  ballotsDiscarded: number | null;
}

export interface PollOptionsTable {
  id: Generated<number>;
  pollId: number;
  position: number;
  code: YesNo | null;
  label: string;
}

export interface BudgetRoundsTable {
  id: Generated<number>;
  communityId: number;
  title: string;
  description: Generated<string>;
  budget: number;
  method: TallyMethod;
  minProjects: Generated<number>;
  maxProjects: number | null;
  opensAt: string;
  closesAt: string;
  talliedAt: string | null;
  spent: number | null;
  createdBy: number | null;
  createdAt: string;
  cancelledAt: string | null;
  cancelReason: string | null;
  /** How many ballots were discarded when it was cancelled. */
  ballotsDiscarded: number | null;
}

export interface RoundProjectsTable {
  roundId: number;
  projectId: number;
  position: number;
  cost: number;
  approvals: number | null;
  selected: number | null;
}

/** No voter column, by design: see the migration. */
export interface BallotsTable {
  receipt: string;
  pollId: number | null;
  roundId: number | null;
  choices: string;
  channel: BallotChannel;
}

export interface ParticipationsTable {
  id: Generated<number>;
  pollId: number | null;
  roundId: number | null;
  userId: number;
  channel: BallotChannel;
  enteredBy: number | null;
  confirmedBy: number | null;
  confirmedAt: string | null;
  needsReview: Generated<number>;
  at: string;
  /** 1: the window recorded that this resident voted on paper; their paper is in the box. */
  boxed: Generated<number>;
}

/** The count of a poll's or round's paper box, after closing. */
export interface PaperCountsTable {
  id: Generated<number>;
  pollId: number | null;
  roundId: number | null;
  spoiled: Generated<number>;
  note: Generated<string>;
  submittedBy: number | null;
  submittedAt: string | null;
  confirmedBy: number | null;
  confirmedAt: string | null;
  needsReview: Generated<number>;
  createdAt: string;
}

/** A ballot from the box while the count is entered: no voter, no time. */
export interface PaperCountBallotsTable {
  id: Generated<number>;
  countId: number;
  choices: string;
  enteredBy: number | null;
}

/** The latest released snapshot of a live poll's results. */
export interface PollReleasesTable {
  pollId: number;
  ballots: number;
  /** JSON object: option id → votes. */
  results: string;
  releasedAt: string;
}

export interface AssistedRegistrationsTable {
  userId: number;
  helperId: number | null;
  communityId: number;
  consent: Consent;
  at: string;
}

export interface AssistanceSittingsTable {
  id: Generated<number>;
  helperId: number | null;
  residentId: number;
  communityId: number;
  consent: Consent;
  sessionId: string;
  startedAt: string;
  endsAt: string;
  endedAt: string | null;
}

export interface AssistedActionsTable {
  id: Generated<number>;
  sittingId: number;
  action: string;
  subjectType: string;
  subjectId: number | null;
  at: string;
}

export interface NeedUnitsTable {
  id: Generated<number>;
  streetId: number;
  /** One of the four platforms; null for a department. */
  platform: Platform | null;
  /** A department's name (a platform's label is translated; its name is kept for the API). */
  name: string;
  createdBy: number | null;
  createdAt: string;
}

export interface NeedStaffTable {
  id: Generated<number>;
  userId: number;
  role: NeedStaffRole;
  /** The grid (grid worker) or the street (command room); null for a unit's member. */
  areaId: number | null;
  unitId: number | null;
  appointedBy: number | null;
  appointedAt: string;
  endedBy: number | null;
  endedAt: string | null;
}

export interface NeedsTable {
  id: Generated<number>;
  streetId: number;
  communityId: number;
  gridId: number;
  category: NeedCategory;
  place: Generated<string>;
  description: string;
  photo: string | null;
  isPublic: number;
  urgent: Generated<number>;
  reporterId: number | null;
  /** 'web', 'window', or the intake channel's name. */
  channel: string;
  /** The other channel's own reference, unique per channel. */
  channelRef: string | null;
  status: NeedStatus;
  unitId: number | null;
  /** When the running step's time runs out; null when no step is timed. */
  deadlineAt: string | null;
  /** 0 on time; 1 overdue and raised to the command room; 2 raised to the admins. */
  raised: Generated<number>;
  dispatched: Generated<number>;
  extensionsAsked: Generated<number>;
  rehandled: Generated<number>;
  /** Residents behind it: the reporter and the "me too" residents. */
  intensity: Generated<number>;
  checkedAt: string | null;
  closedAt: string | null;
  /** What closed it. */
  answer: NeedOutcome | null;
  mergedInto: number | null;
  /** The reason with "not for this platform" (where it belongs). */
  statusNote: string | null;
  /** A picture another channel sent as a link (Open311 `media_url`); never fetched. */
  mediaUrl: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface NeedResidentsTable {
  needId: number;
  userId: number;
  kind: NeedResidentKind;
  joinedAt: string;
  answer: NeedAnswer | null;
  answeredAt: string | null;
}

export interface NeedStepsTable {
  id: Generated<number>;
  needId: number;
  /** A loop step, or the report, a "me too", a link. */
  step: NeedTimelineStep;
  role: NeedTimelineRole;
  actorId: number | null;
  assistedBy: number | null;
  fromStatus: NeedStatus | null;
  toStatus: NeedStatus;
  unitId: number | null;
  deadlineAt: string | null;
  note: string | null;
  photo: string | null;
  at: string;
}

export interface NeedLinksTable {
  needId: number;
  kind: NeedLinkKind;
  targetId: number;
  createdBy: number | null;
  createdAt: string;
}

export interface StreetNeedLimitsTable {
  streetId: number;
  /** JSON: a partial DeadlineLimits. */
  limits: string;
  updatedBy: number | null;
  updatedAt: string;
}

export interface IntakeKeysTable {
  id: Generated<number>;
  channel: string;
  label: string;
  keyHash: string;
  createdBy: number | null;
  createdAt: string;
  revokedAt: string | null;
}

/** Following (关注): a person follows a council, meeting, project or need (app/domain/notices/follows.ts). */
export interface FollowsTable {
  userId: number;
  subjectType: string;
  subjectId: number;
  createdAt: string;
}

/** A person who asked for their notices gathered into one a day (quiet). */
export interface NoticeQuietTable {
  userId: number;
  since: string;
}

/** 六和指数: a published version of the method (never changed once published). */
export interface IndexMethodsTable {
  version: number;
  /** The method tree as JSON (app/domain/index/method.ts). */
  tree: string;
  note: string;
  publishedAt: string;
  publishedBy: number | null;
}

/** One computation of one month's index; a correction supersedes it (db migration 20261204_0100). */
export interface IndexSnapshotsTable {
  id: Generated<number>;
  /** "YYYY-MM", in China time. */
  month: string;
  methodVersion: number;
  computedAt: string;
  /** NULL: the monthly job. */
  computedBy: number | null;
  /** NULL for a month's first snapshot; a correction's reason. */
  reason: string | null;
  supersededBy: number | null;
}

/**
 * One figure of a snapshot: an area (NULL: the city) and a node ("total", "d:…", "i:…", "t:…",
 * "m:…"). Integers: `score` in hundredths (0–10000, NULL = no data), `value` in thousandths.
 */
export interface IndexScoresTable {
  snapshotId: number;
  areaId: number | null;
  node: string;
  score: number | null;
  value: number | null;
  numerator: number | null;
  denominator: number | null;
  residents: number;
}

/** 意见征集: a question put to a council's community or a meeting's seat holders (issue 18). */
export interface ConversationsTable {
  id: Generated<number>;
  councilId: number;
  meetingId: number | null;
  question: string;
  description: string;
  opensAt: string;
  closesAt: string;
  /** Set when the committee closed it before `closesAt`. */
  closedAt: string | null;
  closedBy: number | null;
  eligibility: Eligibility;
  /** 1: participants' statements wait for the committee before anyone sees them. */
  premoderation: number;
  createdBy: number | null;
  createdAt: string;
  updatedAt: string;
}

/** 观点: one short statement of a conversation. */
export interface StatementsTable {
  id: Generated<number>;
  conversationId: number;
  body: string;
  authorId: number | null;
  isSeed: number;
  status: StatementStatus;
  rejectReason: string | null;
  moderatedBy: number | null;
  moderatedAt: string | null;
  createdAt: string;
}

/** A person's last answer to a statement: one row per statement and person. */
export interface StatementVotesTable {
  conversationId: number;
  statementId: number;
  userId: number;
  /** 1 agree, -1 disagree, 0 pass. */
  vote: number;
  votedAt: string;
}

/** The last computed opinion map of a conversation, and the claim on computing the next. */
export interface OpinionMapsTable {
  conversationId: number;
  /** Bumped by every change the map depends on (a vote, a moderation). */
  version: Generated<number>;
  /** The `version` the stored map was computed from: stale while the two differ. */
  computedVersion: Generated<number>;
  computedAt: string | null;
  votesSeen: Generated<number>;
  /** JSON: the shown map (app/services/conversations/map.server.ts, StoredMap); no participant in it. */
  result: string | null;
  /** JSON: PreviousAssignment[] (user id → group), for stable groups only; never shown. */
  assignments: string | null;
  claimedBy: string | null;
  claimedUntil: string | null;
}

/** A statement the committee attached to a meeting's agenda item. */
export interface AgendaStatementsTable {
  agendaItemId: number;
  statementId: number;
  kind: AgendaStatementKind;
  attachedBy: number | null;
  attachedAt: string;
}

export interface Database {
  areas: AreasTable;
  users: UsersTable;
  sessions: SessionsTable;
  loginThrottle: LoginThrottleTable;
  jobs: JobsTable;
  noticeOutbox: NoticeOutboxTable;
  notices: NoticesTable;
  noticePreferences: NoticePreferencesTable;
  memberships: MembershipsTable;
  committeeMembers: CommitteeMembersTable;
  auditLog: AuditLogTable;
  councils: CouncilsTable;
  councilMembers: CouncilMembersTable;
  meetings: MeetingsTable;
  agendaItems: AgendaItemsTable;
  seatKinds: SeatKindsTable;
  seatInvites: SeatInvitesTable;
  rsvps: RsvpsTable;
  roomMessages: RoomMessagesTable;
  messageFlags: MessageFlagsTable;
  roomMutes: RoomMutesTable;
  speakerQueue: SpeakerQueueTable;
  minutes: MinutesTable;
  commitments: CommitmentsTable;
  commitmentUpdates: CommitmentUpdatesTable;
  organisations: OrganisationsTable;
  organisationServices: OrganisationServicesTable;
  organisationCommunities: OrganisationCommunitiesTable;
  organisationMembers: OrganisationMembersTable;
  communitySettings: CommunitySettingsTable;
  projects: ProjectsTable;
  photos: PhotosTable;
  projectBudgetItems: ProjectBudgetItemsTable;
  projectEvents: ProjectEventsTable;
  projectUpdates: ProjectUpdatesTable;
  projectSupports: ProjectSupportsTable;
  projectRatings: ProjectRatingsTable;
  projectComments: ProjectCommentsTable;
  commentFlags: CommentFlagsTable;
  projectsFts: FtsTable;
  organisationsFts: FtsTable;
  polls: PollsTable;
  pollOptions: PollOptionsTable;
  budgetRounds: BudgetRoundsTable;
  roundProjects: RoundProjectsTable;
  ballots: BallotsTable;
  participations: ParticipationsTable;
  paperCounts: PaperCountsTable;
  paperCountBallots: PaperCountBallotsTable;
  pollReleases: PollReleasesTable;
  assistedRegistrations: AssistedRegistrationsTable;
  assistanceSittings: AssistanceSittingsTable;
  assistedActions: AssistedActionsTable;
  needUnits: NeedUnitsTable;
  needStaff: NeedStaffTable;
  needs: NeedsTable;
  needResidents: NeedResidentsTable;
  needSteps: NeedStepsTable;
  needLinks: NeedLinksTable;
  streetNeedLimits: StreetNeedLimitsTable;
  intakeKeys: IntakeKeysTable;
  needsFts: FtsTable;
  follows: FollowsTable;
  noticeQuiet: NoticeQuietTable;
  indexMethods: IndexMethodsTable;
  indexSnapshots: IndexSnapshotsTable;
  indexScores: IndexScoresTable;
  conversations: ConversationsTable;
  statements: StatementsTable;
  statementVotes: StatementVotesTable;
  opinionMaps: OpinionMapsTable;
  agendaStatements: AgendaStatementsTable;
  statementsFts: FtsTable;
}

export type Area = Selectable<AreasTable>;
export type User = Selectable<UsersTable>;
export type NewUser = Insertable<UsersTable>;
export type UserUpdate = Updateable<UsersTable>;
export type Membership = Selectable<MembershipsTable>;
export type AuditEntry = Selectable<AuditLogTable>;
