// Long on purpose (~500 lines): one entry per column of db/schema.ts, table by table.
/**
 * db/schema.ts at run time: every table and column of the `Database` interface, with its SQL type,
 * whether it may hold null, whether an insert may leave it out, and for enum columns the allowed
 * values (the domain's own arrays). What each entry must say is derived from the interface, so a
 * missing or extra table or column, or a flag that disagrees with its TypeScript type, does not
 * compile. tests/schema.test.ts compares this with the migrated database, both ways.
 *
 * Columns are camelCase here as in the interface; the CamelCasePlugin maps them to snake_case.
 */
import type { InsertType, SelectType } from "kysely";
import { CONSENTS } from "../app/domain/assistance/consents";
import { AREA_LEVELS, MEMBERSHIP_STATUSES } from "../app/domain/community/rules";
import {
  COMMITMENT_STATUSES,
  MEETING_STATUSES,
  OWNER_KINDS,
  SEAT_KINDS,
} from "../app/domain/meetings/rules";
import {
  ORGANISATION_MEMBER_STATUSES,
  ORGANISATION_ROLES,
  ORGANISATION_STATUSES,
  PROJECT_STATUSES,
  PROJECT_UPDATE_KINDS,
  SERVICE_AREAS,
  TIERS,
} from "../app/domain/projects/rules";
import {
  BALLOT_CHANNELS,
  ELECTORATES,
  POLL_METHODS,
  RESULTS_SHOWN,
  TALLY_METHODS,
  YES_NO,
} from "../app/domain/voting/rules";
import { NOTICE_KINDS } from "../app/domain/notices/kinds";
import { NEED_CATEGORIES } from "../app/domain/needs/categories";
import {
  NEED_ANSWERS,
  NEED_LINK_KINDS,
  NEED_OUTCOMES,
  NEED_RESIDENT_KINDS,
  NEED_STAFF_ROLES,
  NEED_STATUSES,
  NEED_TIMELINE_ROLES,
  NEED_TIMELINE_STEPS,
  PLATFORMS,
} from "../app/domain/needs/rules";
import {
  AGENDA_STATEMENT_KINDS,
  ELIGIBILITIES,
  STATEMENT_STATUSES,
} from "../app/domain/conversations/rules";
import type { Database } from "./schema";

export type SqlType = "integer" | "text" | "blob";

export interface ColumnSpec {
  type: SqlType;
  nullable: boolean;
  /** An insert may leave it out: the database fills it (a default, the rowid, or null). */
  generated: boolean;
  /** Enum columns: the values the domain allows. */
  values?: readonly string[];
  /** An enum column the database does not check (no CHECK constraint): a debt kept visible. */
  unchecked?: true;
  /** SQLite's implicit rowid of an FTS5 table, which the table's column list does not show. */
  rowid?: true;
}

type Value<C> = NonNullable<SelectType<C>>;
/** The string literals an enum column may hold; never for a plain string or a number. */
type EnumOf<C> = string extends Value<C> ? never : Value<C> extends string ? Value<C> : never;

/** What the entry of a column whose interface type is C must say. */
type Expected<C> = {
  type: Value<C> extends number ? "integer" : Value<C> extends Uint8Array ? "blob" : "text";
  nullable: null extends SelectType<C> ? true : false;
  generated: undefined extends InsertType<C> ? true : false;
  rowid?: true;
} & ([EnumOf<C>] extends [never]
  ? { values?: never; unchecked?: never }
  : { values: readonly EnumOf<C>[]; unchecked?: true });

type SchemaColumns = {
  [T in keyof Database]: { [C in keyof Database[T]]-?: Expected<Database[T][C]> };
};

const int = { type: "integer", nullable: false, generated: false } as const;
const intNull = { type: "integer", nullable: true, generated: false } as const;
const text = { type: "text", nullable: false, generated: false } as const;
const textNull = { type: "text", nullable: true, generated: false } as const;

/** The database fills it when an insert leaves it out (`Generated<…>` in the interface). */
function gen<S extends ColumnSpec>(spec: S): Omit<S, "generated"> & { generated: true } {
  return { ...spec, generated: true };
}

function orNull<S extends ColumnSpec>(spec: S): Omit<S, "nullable"> & { nullable: true } {
  return { ...spec, nullable: true };
}

function oneOf<V extends readonly string[]>(values: V) {
  return { type: "text", nullable: false, generated: false, values } as const;
}

/** Typed as an enum, but the migration put no CHECK on it (the schema test says when one is added). */
function unchecked<S extends ColumnSpec>(spec: S): S & { unchecked: true } {
  return { ...spec, unchecked: true };
}

const fts = {
  rowid: { ...int, rowid: true },
  titleWords: text,
  titleChars: text,
  words: text,
  chars: text,
} as const;

export const SCHEMA_COLUMNS = {
  areas: {
    id: gen(int),
    parentId: intNull,
    level: oneOf(AREA_LEVELS),
    code: text,
    nameZh: text,
    nameEn: text,
    sort: gen(int),
  },
  users: {
    id: gen(int),
    displayName: text,
    username: textNull,
    phone: textNull,
    passwordHash: text,
    isAdmin: gen(int),
    consentVersion: text,
    consentedAt: text,
    createdAt: text,
    deletedAt: gen(textNull),
  },
  sessions: {
    id: text,
    userId: int,
    createdAt: text,
    expiresAt: text,
    lastSeenAt: text,
    revokedAt: textNull,
    userAgent: textNull,
  },
  loginThrottle: {
    key: text,
    failures: int,
    lastFailureAt: text,
    lockedUntil: textNull,
  },
  jobs: {
    name: text,
    dueAt: text,
    lockedBy: textNull,
    lockedUntil: textNull,
    lastRunAt: textNull,
    lastError: textNull,
  },
  noticeOutbox: {
    id: gen(int),
    kind: unchecked(oneOf(NOTICE_KINDS)),
    subjectType: text,
    subjectId: intNull,
    params: text,
    recipients: text,
    actorId: intNull,
    createdAt: text,
    deliveredAt: textNull,
    claimedBy: textNull,
    claimedUntil: textNull,
    onceKey: textNull,
  },
  notices: {
    id: gen(int),
    userId: int,
    outboxId: int,
    kind: unchecked(oneOf(NOTICE_KINDS)),
    subjectType: text,
    subjectId: intNull,
    params: text,
    createdAt: text,
    readAt: textNull,
    via: textNull,
    heldAt: textNull,
    digestId: intNull,
  },
  noticePreferences: {
    userId: int,
    kind: unchecked(oneOf(NOTICE_KINDS)),
    enabled: int,
    updatedAt: text,
  },
  memberships: {
    id: gen(int),
    userId: int,
    communityId: int,
    status: oneOf(MEMBERSHIP_STATUSES),
    requestedAt: text,
    decidedAt: textNull,
    decidedBy: intNull,
    decisionReason: textNull,
  },
  committeeMembers: {
    id: gen(int),
    userId: int,
    communityId: int,
    appointedBy: intNull,
    appointedAt: text,
    endedAt: textNull,
    endedBy: intNull,
  },
  auditLog: {
    id: gen(int),
    at: text,
    actorId: intNull,
    action: text,
    areaId: intNull,
    subjectType: text,
    subjectId: intNull,
    details: gen(text),
    prevHash: text,
    hash: text,
  },
  councils: {
    id: gen(int),
    areaId: int,
    name: text,
    purpose: text,
    createdBy: intNull,
    createdAt: text,
    updatedAt: text,
  },
  councilMembers: {
    councilId: int,
    userId: int,
    addedAt: text,
  },
  meetings: {
    id: gen(int),
    councilId: int,
    topic: text,
    description: text,
    startsAt: text,
    endsAt: text,
    place: text,
    status: oneOf(MEETING_STATUSES),
    isPublic: gen(int),
    roomOpen: gen(int),
    slowModeSeconds: gen(int),
    currentAgendaItemId: intNull,
    floorUserId: intNull,
    floorUntil: textNull,
    createdBy: intNull,
    createdAt: text,
    cancelledAt: textNull,
    cancelReason: textNull,
    sequence: gen(int),
    updatedAt: textNull,
  },
  agendaItems: {
    id: gen(int),
    meetingId: int,
    position: int,
    title: text,
    minutes: int,
  },
  seatKinds: {
    meetingId: int,
    kind: oneOf(SEAT_KINDS),
    capacity: intNull,
  },
  seatInvites: {
    meetingId: int,
    userId: int,
    kind: unchecked(oneOf(SEAT_KINDS)),
    invitedBy: intNull,
    invitedAt: text,
  },
  rsvps: {
    meetingId: int,
    userId: int,
    kind: unchecked(oneOf(SEAT_KINDS)),
    createdAt: text,
    assistedBy: gen(intNull),
  },
  roomMessages: {
    id: gen(int),
    meetingId: int,
    userId: int,
    body: text,
    agendaItemId: intNull,
    createdAt: text,
    hiddenAt: textNull,
    hiddenBy: intNull,
    hiddenReason: textNull,
    pinnedAt: textNull,
    assistedBy: gen(intNull),
  },
  messageFlags: {
    messageId: int,
    userId: int,
    createdAt: text,
    reviewedAt: textNull,
  },
  roomMutes: {
    meetingId: int,
    userId: int,
    until: text,
    reason: text,
    mutedBy: intNull,
  },
  speakerQueue: {
    meetingId: int,
    userId: int,
    raisedAt: text,
  },
  minutes: {
    meetingId: int,
    agendaItemId: int,
    summary: text,
    decisions: text,
    updatedBy: intNull,
    updatedAt: text,
  },
  commitments: {
    id: gen(int),
    meetingId: int,
    agendaItemId: intNull,
    what: text,
    ownerKind: oneOf(OWNER_KINDS),
    ownerName: text,
    ownerUserId: intNull,
    dueDate: text,
    status: oneOf(COMMITMENT_STATUSES),
    createdBy: intNull,
    createdAt: text,
  },
  commitmentUpdates: {
    id: gen(int),
    commitmentId: int,
    status: unchecked(oneOf(COMMITMENT_STATUSES)),
    note: text,
    createdBy: intNull,
    createdAt: text,
  },
  organisations: {
    id: gen(int),
    name: text,
    tier: oneOf(TIERS),
    registrationNumber: textNull,
    description: text,
    contact: textNull,
    status: oneOf(ORGANISATION_STATUSES),
    decidedBy: intNull,
    decidedAt: textNull,
    decisionReason: textNull,
    createdBy: intNull,
    createdAt: text,
    updatedAt: text,
  },
  organisationServices: {
    organisationId: int,
    service: oneOf(SERVICE_AREAS),
  },
  organisationCommunities: {
    organisationId: int,
    communityId: int,
  },
  organisationMembers: {
    organisationId: int,
    userId: int,
    role: oneOf(ORGANISATION_ROLES),
    status: oneOf(ORGANISATION_MEMBER_STATUSES),
    invitedBy: intNull,
    invitedAt: text,
    joinedAt: textNull,
  },
  communitySettings: {
    communityId: int,
    supportThreshold: intNull,
    updatedAt: text,
  },
  projects: {
    id: gen(int),
    communityId: int,
    gridId: intNull,
    place: gen(text),
    organisationId: intNull,
    proposerId: intNull,
    title: text,
    summary: text,
    description: text,
    category: oneOf(SERVICE_AREAS),
    beneficiaries: text,
    startsOn: text,
    endsOn: text,
    budgetTotal: int,
    spentTotal: gen(int),
    status: oneOf(PROJECT_STATUSES),
    statusReason: textNull,
    photo: textNull,
    supportCount: gen(int),
    ratingCount: gen(int),
    ratingSum: gen(int),
    createdAt: text,
    updatedAt: text,
    submittedAt: textNull,
  },
  photos: {
    name: text,
    bytes: { type: "blob", nullable: false, generated: false },
    createdAt: text,
  },
  projectBudgetItems: {
    id: gen(int),
    projectId: int,
    position: int,
    label: text,
    amount: int,
  },
  projectEvents: {
    id: gen(int),
    projectId: int,
    step: text,
    fromStatus: unchecked(orNull(oneOf(PROJECT_STATUSES))),
    toStatus: unchecked(oneOf(PROJECT_STATUSES)),
    actorId: intNull,
    reason: textNull,
    at: text,
    assistedBy: gen(intNull),
  },
  projectUpdates: {
    id: gen(int),
    projectId: int,
    kind: oneOf(PROJECT_UPDATE_KINDS),
    authorId: intNull,
    body: text,
    spent: int,
    onDate: text,
    createdAt: text,
  },
  projectSupports: {
    projectId: int,
    userId: int,
    at: text,
    assistedBy: gen(intNull),
  },
  projectRatings: {
    projectId: int,
    userId: int,
    score: int,
    at: text,
  },
  projectComments: {
    id: gen(int),
    projectId: int,
    parentId: intNull,
    authorId: intNull,
    body: text,
    createdAt: text,
    hiddenAt: textNull,
    hiddenBy: intNull,
    hiddenReason: textNull,
    flagCount: gen(int),
    reviewedAt: textNull,
    assistedBy: gen(intNull),
  },
  commentFlags: {
    commentId: int,
    userId: int,
    reason: text,
    at: text,
  },
  projectsFts: fts,
  organisationsFts: fts,
  polls: {
    id: gen(int),
    communityId: int,
    meetingId: intNull,
    question: text,
    description: gen(text),
    method: oneOf(POLL_METHODS),
    maxChoices: gen(int),
    electorate: oneOf(ELECTORATES),
    results: oneOf(RESULTS_SHOWN),
    opensAt: text,
    closesAt: text,
    createdBy: intNull,
    createdAt: text,
    cancelledAt: textNull,
    cancelReason: textNull,
    ballotsDiscarded: intNull,
  },
  pollOptions: {
    id: gen(int),
    pollId: int,
    position: int,
    code: unchecked(orNull(oneOf(YES_NO))),
    label: text,
  },
  budgetRounds: {
    id: gen(int),
    communityId: int,
    title: text,
    description: gen(text),
    budget: int,
    method: oneOf(TALLY_METHODS),
    minProjects: gen(int),
    maxProjects: intNull,
    opensAt: text,
    closesAt: text,
    talliedAt: textNull,
    spent: intNull,
    createdBy: intNull,
    createdAt: text,
    cancelledAt: textNull,
    cancelReason: textNull,
    ballotsDiscarded: intNull,
  },
  roundProjects: {
    roundId: int,
    projectId: int,
    position: int,
    cost: int,
    approvals: intNull,
    selected: intNull,
  },
  ballots: {
    receipt: text,
    pollId: intNull,
    roundId: intNull,
    choices: text,
    channel: oneOf(BALLOT_CHANNELS),
  },
  participations: {
    id: gen(int),
    pollId: intNull,
    roundId: intNull,
    userId: int,
    channel: oneOf(BALLOT_CHANNELS),
    enteredBy: intNull,
    confirmedBy: intNull,
    confirmedAt: textNull,
    needsReview: gen(int),
    at: text,
    boxed: gen(int),
  },
  paperCounts: {
    id: gen(int),
    pollId: intNull,
    roundId: intNull,
    spoiled: gen(int),
    note: gen(text),
    submittedBy: intNull,
    submittedAt: textNull,
    confirmedBy: intNull,
    confirmedAt: textNull,
    needsReview: gen(int),
    createdAt: text,
  },
  paperCountBallots: {
    id: gen(int),
    countId: int,
    choices: text,
    enteredBy: intNull,
  },
  pollReleases: {
    pollId: int,
    ballots: int,
    results: text,
    releasedAt: text,
  },
  assistedRegistrations: {
    userId: int,
    helperId: intNull,
    communityId: int,
    consent: oneOf(CONSENTS),
    at: text,
  },
  assistanceSittings: {
    id: gen(int),
    helperId: intNull,
    residentId: int,
    communityId: int,
    consent: oneOf(CONSENTS),
    sessionId: text,
    startedAt: text,
    endsAt: text,
    endedAt: textNull,
  },
  assistedActions: {
    id: gen(int),
    sittingId: int,
    action: text,
    subjectType: text,
    subjectId: intNull,
    at: text,
  },
  needUnits: {
    id: gen(int),
    streetId: int,
    platform: orNull(oneOf(PLATFORMS)),
    name: text,
    createdBy: intNull,
    createdAt: text,
  },
  needStaff: {
    id: gen(int),
    userId: int,
    role: oneOf(NEED_STAFF_ROLES),
    areaId: intNull,
    unitId: intNull,
    appointedBy: intNull,
    appointedAt: text,
    endedBy: intNull,
    endedAt: textNull,
  },
  needs: {
    id: gen(int),
    streetId: int,
    communityId: int,
    gridId: int,
    category: oneOf(NEED_CATEGORIES),
    place: gen(text),
    description: text,
    photo: textNull,
    isPublic: int,
    urgent: gen(int),
    reporterId: intNull,
    channel: text,
    channelRef: textNull,
    status: oneOf(NEED_STATUSES),
    unitId: intNull,
    deadlineAt: textNull,
    raised: gen(int),
    dispatched: gen(int),
    extensionsAsked: gen(int),
    rehandled: gen(int),
    intensity: gen(int),
    checkedAt: textNull,
    closedAt: textNull,
    answer: orNull(oneOf(NEED_OUTCOMES)),
    mergedInto: intNull,
    statusNote: textNull,
    mediaUrl: textNull,
    createdAt: text,
    updatedAt: text,
  },
  needResidents: {
    needId: int,
    userId: int,
    kind: oneOf(NEED_RESIDENT_KINDS),
    joinedAt: text,
    answer: orNull(oneOf(NEED_ANSWERS)),
    answeredAt: textNull,
  },
  needSteps: {
    id: gen(int),
    needId: int,
    step: unchecked(oneOf(NEED_TIMELINE_STEPS)),
    role: unchecked(oneOf(NEED_TIMELINE_ROLES)),
    actorId: intNull,
    assistedBy: intNull,
    fromStatus: orNull(oneOf(NEED_STATUSES)),
    toStatus: oneOf(NEED_STATUSES),
    unitId: intNull,
    deadlineAt: textNull,
    note: textNull,
    photo: textNull,
    at: text,
  },
  needLinks: {
    needId: int,
    kind: oneOf(NEED_LINK_KINDS),
    targetId: int,
    createdBy: intNull,
    createdAt: text,
  },
  streetNeedLimits: {
    streetId: int,
    limits: text,
    updatedBy: intNull,
    updatedAt: text,
  },
  intakeKeys: {
    id: gen(int),
    channel: text,
    label: text,
    keyHash: text,
    createdBy: intNull,
    createdAt: text,
    revokedAt: textNull,
  },
  needsFts: fts,
  follows: {
    userId: int,
    subjectType: text,
    subjectId: int,
    createdAt: text,
  },
  noticeQuiet: {
    userId: int,
    since: text,
  },
  indexMethods: {
    version: int,
    tree: text,
    note: text,
    publishedAt: text,
    publishedBy: intNull,
  },
  indexSnapshots: {
    id: gen(int),
    month: text,
    methodVersion: int,
    computedAt: text,
    computedBy: intNull,
    reason: textNull,
    supersededBy: intNull,
  },
  indexScores: {
    snapshotId: int,
    areaId: intNull,
    node: text,
    score: intNull,
    value: intNull,
    numerator: intNull,
    denominator: intNull,
    residents: int,
  },
  conversations: {
    id: gen(int),
    councilId: int,
    meetingId: intNull,
    question: text,
    description: text,
    opensAt: text,
    closesAt: text,
    closedAt: textNull,
    closedBy: intNull,
    eligibility: oneOf(ELIGIBILITIES),
    premoderation: int,
    createdBy: intNull,
    createdAt: text,
    updatedAt: text,
  },
  statements: {
    id: gen(int),
    conversationId: int,
    body: text,
    authorId: intNull,
    isSeed: int,
    status: oneOf(STATEMENT_STATUSES),
    rejectReason: textNull,
    moderatedBy: intNull,
    moderatedAt: textNull,
    createdAt: text,
  },
  statementVotes: {
    conversationId: int,
    statementId: int,
    userId: int,
    vote: int,
    votedAt: text,
  },
  opinionMaps: {
    conversationId: int,
    version: gen(int),
    computedVersion: gen(int),
    computedAt: textNull,
    votesSeen: gen(int),
    result: textNull,
    assignments: textNull,
    claimedBy: textNull,
    claimedUntil: textNull,
  },
  agendaStatements: {
    agendaItemId: int,
    statementId: int,
    kind: oneOf(AGENDA_STATEMENT_KINDS),
    attachedBy: intNull,
    attachedAt: text,
  },
  statementsFts: fts,
} satisfies SchemaColumns;

/**
 * Every value the interface allows for an enum column is in its entry's `values`: if one is not,
 * this names it in the compile error.
 */
type ValuesOf<S> = S extends { values: readonly (infer V)[] } ? V : never;
type Unlisted = {
  [T in keyof Database]: {
    [C in keyof Database[T]]-?: Exclude<
      EnumOf<Database[T][C]>,
      ValuesOf<(typeof SCHEMA_COLUMNS)[T][C & keyof (typeof SCHEMA_COLUMNS)[T]]>
    >;
  }[keyof Database[T]];
}[keyof Database];
const _everyValueListed: [Unlisted] extends [never] ? true : Unlisted = true;
void _everyValueListed;
