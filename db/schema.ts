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

export interface Database {
  areas: AreasTable;
  users: UsersTable;
  sessions: SessionsTable;
  loginThrottle: LoginThrottleTable;
  memberships: MembershipsTable;
  committeeMembers: CommitteeMembersTable;
  auditLog: AuditLogTable;
}

export type Area = Selectable<AreasTable>;
export type User = Selectable<UsersTable>;
export type NewUser = Insertable<UsersTable>;
export type UserUpdate = Updateable<UsersTable>;
export type Membership = Selectable<MembershipsTable>;
export type AuditEntry = Selectable<AuditLogTable>;
