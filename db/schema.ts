/**
 * The Database interface: one entry per table, columns in camelCase (Kysely's CamelCasePlugin maps
 * them to the snake_case names in the migrations). Times are ISO-8601 strings in UTC.
 */
import type { Generated, Insertable, Selectable, Updateable } from "kysely";

export type AreaLevel = "district" | "street" | "community" | "grid";
export type MembershipStatus = "pending" | "verified" | "declined";

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
}

export type MeetingStatus = "scheduled" | "live" | "closed" | "published";
export type SeatKind = "resident" | "official" | "expert" | "organisation" | "media";
export type CommitmentStatus = "open" | "in_progress" | "done" | "dropped";
export type OwnerKind = "person" | "department" | "organisation";

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

export interface Database {
  areas: AreasTable;
  users: UsersTable;
  sessions: SessionsTable;
  loginThrottle: LoginThrottleTable;
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
}

export type Area = Selectable<AreasTable>;
export type User = Selectable<UsersTable>;
export type NewUser = Insertable<UsersTable>;
export type UserUpdate = Updateable<UsersTable>;
export type Membership = Selectable<MembershipsTable>;
export type AuditEntry = Selectable<AuditLogTable>;
