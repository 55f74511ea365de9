/**
 * The permission policy: every action the server checks, and who may take it. Loaders, actions and
 * socket handlers all ask `decide`/`can` here, and /permissions (the public 权责清单) is rendered
 * from the same table, so the published list and the enforced rules cannot drift apart.
 *
 * A rule grants an action to a role; roles that depend on a place (a community's verified
 * residents, its committee) are checked against the target's community.
 */
import { DomainError } from "../errors";

export interface Actor {
  userId: number | null;
  isAdmin: boolean;
  /** The community whose committee this person serves on, if any. */
  committeeOf: number | null;
  /** Communities where this person is a verified resident. */
  verifiedIn: readonly number[];
  /** Organisations where this person is an active member (admins included). */
  orgMemberOf: readonly number[];
  /** Organisations where this person is an organisation admin. */
  orgAdminOf: readonly number[];
  /** 民情: grids where this person is the 网格员. */
  gridWorkerOf: readonly number[];
  /** 民情: streets whose command room (街道综合指挥室) this person staffs. */
  commandRoomOf: readonly number[];
  /** 民情: handling units (a platform, a department) this person is a member of. */
  unitOf: readonly number[];
  /**
   * Set while a committee member acts for this person at the service window: the actor is the
   * resident (limited to the sitting's community), and only actions marked `assistable` pass.
   */
  assistedBy?: { helperId: number; sittingId: number; communityId: number };
  /**
   * 民情: set when the caller is another channel (12345, 96315, 110 …) with an Open311 API key,
   * never a person: `userId` is null, and the key's channel is all it holds.
   */
  intakeKey?: { id: number; channel: string };
}

export interface Target {
  communityId?: number;
  /** Several communities (an organisation serves several): a committee of any one of them counts. */
  communityIds?: readonly number[];
  /** The organisation a thing belongs to (its listing, its members, its projects). */
  organisationId?: number;
  /** The user a record belongs to (their own session, their own request...). */
  ownerId?: number;
  /** People holding an invited seat at the meeting concerned. */
  seatHolders?: readonly number[];
  /** Whether the thing (a meeting's room) is open to the public. */
  isPublic?: boolean;
  /** 民情: the need's grid, street and the unit it is dispatched to. */
  gridId?: number;
  streetId?: number;
  unitId?: number;
  /** 民情: the residents who said "me too" (我也遇到) to the need. */
  meToo?: readonly number[];
}

export const ANONYMOUS: Actor = Object.freeze({
  userId: null,
  isAdmin: false,
  committeeOf: null,
  verifiedIn: Object.freeze([]) as readonly number[],
  orgMemberOf: Object.freeze([]) as readonly number[],
  orgAdminOf: Object.freeze([]) as readonly number[],
  gridWorkerOf: Object.freeze([]) as readonly number[],
  commandRoomOf: Object.freeze([]) as readonly number[],
  unitOf: Object.freeze([]) as readonly number[],
});

export const roles = {
  anyone: () => true,
  // An API key is not a visitor who could sign up or sign in.
  signedOut: (a: Actor) => a.userId === null && a.intakeKey === undefined,
  signedIn: (a: Actor) => a.userId !== null,
  self: (a: Actor, t: Target) => a.userId !== null && t.ownerId === a.userId,
  verifiedResident: (a: Actor, t: Target) =>
    t.communityId !== undefined && a.verifiedIn.includes(t.communityId),
  seatHolder: (a: Actor, t: Target) =>
    a.userId !== null && (t.seatHolders ?? []).includes(a.userId),
  committee: (a: Actor, t: Target) =>
    a.committeeOf !== null &&
    (a.committeeOf === t.communityId || (t.communityIds ?? []).includes(a.committeeOf)),
  orgMember: (a: Actor, t: Target) =>
    t.organisationId !== undefined && a.orgMemberOf.includes(t.organisationId),
  orgAdmin: (a: Actor, t: Target) =>
    t.organisationId !== undefined && a.orgAdminOf.includes(t.organisationId),
  publicReader: (_a: Actor, t: Target) => t.isPublic === true,
  meToo: (a: Actor, t: Target) => a.userId !== null && (t.meToo ?? []).includes(a.userId),
  gridWorker: (a: Actor, t: Target) => t.gridId !== undefined && a.gridWorkerOf.includes(t.gridId),
  commandRoom: (a: Actor, t: Target) =>
    t.streetId !== undefined && a.commandRoomOf.includes(t.streetId),
  handlingUnit: (a: Actor, t: Target) => t.unitId !== undefined && a.unitOf.includes(t.unitId),
  admin: (a: Actor) => a.isAdmin,
  /** Another channel sending needs in through the Open311 API, by its key. */
  intakeChannel: (a: Actor) => a.intakeKey !== undefined,
} as const satisfies Record<string, (actor: Actor, target: Target) => boolean>;

export type Role = keyof typeof roles;

export interface ActionPolicy {
  /** Section of the 权责清单 the action is listed under. */
  group:
    | "public"
    | "account"
    | "community"
    | "meeting"
    | "organisation"
    | "project"
    | "vote"
    | "need"
    | "committee"
    | "admin";
  /** Any one of these roles suffices. */
  allow: readonly Role[];
  /** Whether taking the action writes an audit log entry. */
  audited?: boolean;
  /**
   * Whether a committee member acting for a resident at the service window may take it. Reading
   * and the everyday public actions may; votes (secret: the window hands out a paper ballot),
   * account and data matters, and anything with powers beyond a resident's may not.
   */
  assistable?: boolean;
  /**
   * Whether the action leaves the database as it is (it reads, or keeps a preference in a cookie).
   * Every other action writes, and so is declared as a command: a test holds the two together.
   */
  reads?: boolean;
  /**
   * At most `max` of these a person takes in `windowMinutes` (counted in the database, so across
   * processes; a refusal, 429, writes nothing). For the everyday writes a script could repeat:
   * comments, supports, flags, proposals, applications, requests, RSVPs. Room posts have their own
   * pacing (app/domain/meetings/rules.ts); registrations are limited per address.
   */
  rate?: { max: number; windowMinutes: number };
}

export const policy = {
  "community.view": { group: "public", allow: ["anyone"], assistable: true, reads: true },
  "permissions.view": { group: "public", allow: ["anyone"], assistable: true, reads: true },
  "realtime.readPublic": { group: "public", allow: ["anyone"], assistable: true, reads: true },
  "realtime.readOwn": { group: "account", allow: ["self"], assistable: true, reads: true },
  "settings.change": { group: "public", allow: ["anyone"], assistable: true, reads: true },
  "account.register": { group: "account", allow: ["signedOut"] },
  "account.login": { group: "account", allow: ["signedOut"] },
  "account.logout": { group: "account", allow: ["signedIn"], assistable: true },
  "session.list": { group: "account", allow: ["signedIn"], reads: true },
  "session.revoke": { group: "account", allow: ["self"] },
  "account.downloadData": { group: "account", allow: ["self"], reads: true },
  "account.delete": { group: "account", allow: ["self"] },
  // One's own notices (通知): read at /notifications and in the header, marked read there.
  "notice.view": { group: "account", allow: ["self"], assistable: true, reads: true },
  "notice.read": { group: "account", allow: ["self"], assistable: true },
  "notice.readAll": { group: "account", allow: ["self"], assistable: true },
  "membership.request": {
    group: "community",
    allow: ["signedIn"],
    rate: { max: 20, windowMinutes: 24 * 60 },
  },
  "membership.withdraw": { group: "community", allow: ["self"] },
  "membership.viewPending": { group: "committee", allow: ["committee"], reads: true },
  "membership.decide": { group: "committee", allow: ["committee"], audited: true },
  "audit.view": { group: "committee", allow: ["committee", "admin"], reads: true },
  "council.view": { group: "public", allow: ["anyone"], assistable: true, reads: true },
  "meeting.view": { group: "public", allow: ["anyone"], assistable: true, reads: true },
  "council.manage": { group: "committee", allow: ["committee", "admin"], audited: true },
  "meeting.manage": { group: "committee", allow: ["committee"], audited: true },
  // "self": one's own sign-up, to take it back (the sign-up itself names no owner).
  "meeting.rsvp": {
    group: "meeting",
    allow: ["verifiedResident", "seatHolder", "self"],
    assistable: true,
    rate: { max: 60, windowMinutes: 60 },
  },
  "room.read": {
    group: "meeting",
    allow: ["publicReader", "verifiedResident", "seatHolder", "committee"],
    assistable: true,
    reads: true,
  },
  "room.post": {
    group: "meeting",
    allow: ["verifiedResident", "seatHolder", "committee"],
    assistable: true,
  },
  "room.flag": {
    group: "meeting",
    allow: ["verifiedResident"],
    assistable: true,
    rate: { max: 60, windowMinutes: 60 },
  },
  "queue.raise": {
    group: "meeting",
    allow: ["verifiedResident", "seatHolder", "committee"],
    assistable: true,
  },
  "room.moderate": { group: "committee", allow: ["committee"], audited: true },
  "minutes.write": { group: "committee", allow: ["committee"], audited: true },
  "commitment.update": { group: "committee", allow: ["committee"], audited: true },
  "organisation.view": { group: "public", allow: ["anyone"], assistable: true, reads: true },
  "project.view": { group: "public", allow: ["anyone"], assistable: true, reads: true },
  "organisation.viewUnverified": {
    group: "organisation",
    allow: ["self", "orgMember", "committee", "admin"],
    assistable: true,
    reads: true,
  },
  "organisation.apply": {
    group: "organisation",
    allow: ["signedIn"],
    rate: { max: 10, windowMinutes: 24 * 60 },
  },
  "organisation.edit": { group: "organisation", allow: ["orgAdmin"] },
  "organisation.manageMembers": { group: "organisation", allow: ["orgAdmin"] },
  "organisation.respondInvite": { group: "organisation", allow: ["self"] },
  "organisation.leave": { group: "organisation", allow: ["self"] },
  "project.viewDraft": {
    group: "project",
    allow: ["self", "orgMember"],
    assistable: true,
    reads: true,
  },
  "project.propose": {
    group: "project",
    allow: ["verifiedResident", "orgMember"],
    assistable: true,
    rate: { max: 20, windowMinutes: 24 * 60 },
  },
  "project.edit": { group: "project", allow: ["self", "orgMember"], assistable: true },
  "project.submit": { group: "project", allow: ["self", "orgMember"], assistable: true },
  "project.carryOut": {
    group: "project",
    allow: ["self", "orgMember", "committee"],
    audited: true,
  },
  "project.abandon": { group: "project", allow: ["self", "orgMember", "committee"], audited: true },
  "project.support": {
    group: "project",
    allow: ["verifiedResident"],
    assistable: true,
    rate: { max: 60, windowMinutes: 60 },
  },
  "project.rate": {
    group: "project",
    allow: ["verifiedResident"],
    assistable: true,
    rate: { max: 60, windowMinutes: 60 },
  },
  "project.comment": {
    group: "project",
    allow: ["verifiedResident"],
    assistable: true,
    rate: { max: 30, windowMinutes: 10 },
  },
  "project.flagComment": {
    group: "project",
    allow: ["verifiedResident"],
    assistable: true,
    rate: { max: 60, windowMinutes: 60 },
  },
  "organisation.decide": { group: "committee", allow: ["committee"], audited: true },
  "project.review": { group: "committee", allow: ["committee"], audited: true },
  "project.select": { group: "committee", allow: ["committee"], audited: true },
  "project.moderate": { group: "committee", allow: ["committee"], audited: true },
  "community.settings": { group: "committee", allow: ["committee"], audited: true },
  "poll.view": { group: "public", allow: ["anyone"], assistable: true, reads: true },
  "budget.view": { group: "public", allow: ["anyone"], assistable: true, reads: true },
  "poll.vote": { group: "vote", allow: ["verifiedResident", "seatHolder"] },
  "budget.vote": { group: "vote", allow: ["verifiedResident"] },
  "poll.manage": { group: "committee", allow: ["committee"], audited: true },
  "budget.manage": { group: "committee", allow: ["committee"], audited: true },
  "ballot.enterPaper": { group: "committee", allow: ["committee"], audited: true },
  "ballot.countPaper": { group: "committee", allow: ["committee"], audited: true },
  "ballot.confirmPaper": { group: "committee", allow: ["committee"], audited: true },
  "assist.register": { group: "committee", allow: ["committee"], audited: true },
  "assist.start": { group: "committee", allow: ["committee"], audited: true },
  "assist.reissue": { group: "committee", allow: ["committee"], audited: true },
  "assist.end": { group: "account", allow: ["signedIn"], audited: true, assistable: true },
  "assist.viewOwn": { group: "account", allow: ["self"], assistable: true, reads: true },
  // 民情 (needs). The loop's steps grant the roles of app/domain/needs/machine.ts's ROLE_TABLE
  // (reporter → self, unit → handlingUnit; a test holds the two together). Admins appoint the
  // street's people and read every desk; they take no step of the loop themselves.
  "need.view": { group: "public", allow: ["anyone"], assistable: true, reads: true },
  "need.viewDetails": {
    group: "need",
    allow: [
      "publicReader",
      "self",
      "meToo",
      "gridWorker",
      "commandRoom",
      "handlingUnit",
      "committee",
    ],
    assistable: true,
    reads: true,
  },
  "need.report": {
    group: "need",
    allow: ["verifiedResident"],
    assistable: true,
    rate: { max: 10, windowMinutes: 24 * 60 },
  },
  "need.meToo": {
    group: "need",
    allow: ["verifiedResident"],
    assistable: true,
    rate: { max: 60, windowMinutes: 60 },
  },
  "need.answer": { group: "need", allow: ["self", "meToo"], assistable: true },
  "need.reopen": { group: "need", allow: ["self", "meToo"], assistable: true },
  "need.accept": { group: "need", allow: ["gridWorker"], audited: true },
  "need.resolveOnSpot": { group: "need", allow: ["gridWorker"], audited: true },
  "need.escalate": { group: "need", allow: ["gridWorker"], audited: true },
  "need.check": { group: "need", allow: ["gridWorker"], audited: true },
  "need.dispatch": { group: "need", allow: ["commandRoom"], audited: true },
  "need.returnToRoom": { group: "need", allow: ["handlingUnit"], audited: true },
  "need.askExtension": { group: "need", allow: ["handlingUnit"], audited: true },
  "need.resolve": { group: "need", allow: ["handlingUnit"], audited: true },
  "need.viewDesk": { group: "need", allow: ["commandRoom", "admin"], reads: true },
  "need.viewQueue": { group: "need", allow: ["handlingUnit", "commandRoom", "admin"], reads: true },
  "need.merge": { group: "committee", allow: ["committee"], audited: true },
  "need.markNotForPlatform": { group: "committee", allow: ["committee"], audited: true },
  "need.link": { group: "committee", allow: ["committee"], audited: true },
  "need.appointGridWorker": { group: "committee", allow: ["committee"], audited: true },
  "need.appointCommandRoom": { group: "admin", allow: ["admin"], audited: true },
  "need.manageUnits": { group: "admin", allow: ["admin"], audited: true },
  "need.setLimits": { group: "admin", allow: ["admin"], audited: true },
  // The Open311 intake: admins issue and revoke the other channels' keys; a key sends needs in
  // (rate-limited per key by the intake itself, app/services/needs/intake.server.ts).
  "need.manageKeys": { group: "admin", allow: ["admin"], audited: true },
  "need.intake": { group: "need", allow: ["intakeChannel"], audited: true },
  "committee.appoint": { group: "admin", allow: ["admin"], audited: true },
  // 六和指数: computing a month on demand (a correction needs a reason) and publishing a new
  // version of the method (a published version is never changed; there is no action to edit one).
  "index.compute": { group: "admin", allow: ["admin"], audited: true },
  "index.publishMethod": { group: "admin", allow: ["admin"], audited: true },
  "committee.end": { group: "admin", allow: ["admin"], audited: true },
  // Following (关注) a council, meeting, project or need: anyone signed in who may see it (its
  // page's rule, checked when the command loads it: "not found" otherwise); unfollowing and one's
  // notice switches (kinds, the quiet digest) are one's own.
  "notice.follow": {
    group: "account",
    allow: ["signedIn"],
    rate: { max: 120, windowMinutes: 60 },
  },
  "notice.unfollow": { group: "account", allow: ["self"] },
  // 意见征集 (conversations, issue 18): a council's committee puts a question; its community's
  // verified residents (or the meeting's seat holders, by the conversation's eligibility) write
  // short statements and answer them; the map is everyone's to read. Admins run the conversations
  // of a street's council, which no community's committee alone speaks for (as council.manage).
  "conversation.view": { group: "public", allow: ["anyone"], assistable: true, reads: true },
  "conversation.export": { group: "public", allow: ["anyone"], assistable: true, reads: true },
  "conversation.create": { group: "committee", allow: ["committee", "admin"], audited: true },
  "conversation.close": { group: "committee", allow: ["committee", "admin"], audited: true },
  // Neither is assistable: an opinion is one's own, and the map would place the helper's answers
  // and words as the resident's (the window's 长辈版 pages let older residents take part alone).
  "statement.submit": {
    group: "meeting",
    allow: ["verifiedResident", "seatHolder"],
    rate: { max: 20, windowMinutes: 60 },
  },
  // Answers can be changed, so they are limited too: a script changing one answer back and forth
  // would otherwise write as fast as a core can; 600 an hour is three answers a second for 200
  // statements, far beyond what a person does on the vote card.
  "statement.vote": {
    group: "meeting",
    allow: ["verifiedResident", "seatHolder"],
    rate: { max: 600, windowMinutes: 60 },
  },
  "statement.moderate": { group: "committee", allow: ["committee", "admin"], audited: true },
  "agenda.attachStatements": { group: "committee", allow: ["committee"], audited: true },
  "notice.settings": { group: "account", allow: ["self"] },
} as const satisfies Record<string, ActionPolicy>;

export type Action = keyof typeof policy;

export const actions = Object.keys(policy) as Action[];

export type Decision =
  | { ok: true }
  | { ok: false; reason: "signInRequired" | "forbidden" | "notAssistable" | "outsideSitting" };

/** Whether a target names communities, none of them the sitting's. */
function outsideSitting(communityId: number, target: Target): boolean {
  const named = [
    ...(target.communityId === undefined ? [] : [target.communityId]),
    ...(target.communityIds ?? []),
  ];
  return named.length > 0 && !named.includes(communityId);
}

export function decide(actor: Actor, action: Action, target: Target = {}): Decision {
  const entry: ActionPolicy = policy[action];
  if (actor.assistedBy && !entry.assistable) return { ok: false, reason: "notAssistable" };
  // A sitting is one community's window: nothing it does reaches into another community.
  if (actor.assistedBy && outsideSitting(actor.assistedBy.communityId, target))
    return { ok: false, reason: "outsideSitting" };
  if (entry.allow.some((role) => roles[role](actor, target))) return { ok: true };
  // Signing in could help only if some granted role is open to a signed-in person.
  const needsAccount = actor.userId === null && !entry.allow.every((r) => r === "signedOut");
  return { ok: false, reason: needsAccount ? "signInRequired" : "forbidden" };
}

export function can(actor: Actor, action: Action, target: Target = {}): boolean {
  return decide(actor, action, target).ok;
}

/** A person who is signed in: what every action that no anonymous role can take may rely on. */
export type SignedInActor = Actor & { userId: number };

/**
 * Roles an actor without an account can hold (an anonymous visitor, or another channel's API key);
 * an action granting none of them needs a signed-in person.
 */
const OPEN_ROLES = [
  "anyone",
  "signedOut",
  "publicReader",
  "intakeChannel",
] as const satisfies readonly Role[];
type OpenRole = (typeof OPEN_ROLES)[number];

/** The actor an action's callers may assume once it is authorised. */
export type ActorFor<A extends Action> =
  Extract<(typeof policy)[A]["allow"][number], OpenRole> extends never ? SignedInActor : Actor;

function needsSignIn(action: Action): boolean {
  const allow: readonly Role[] = policy[action].allow;
  return !allow.some((r) => (OPEN_ROLES as readonly Role[]).includes(r));
}

/**
 * Throws the refusal services and socket handlers report: 401 to sign in, 403 otherwise. Returns
 * the actor, narrowed to a signed-in person when the action admits no anonymous role.
 */
export function authorize<A extends Action>(
  actor: Actor,
  action: A,
  target: Target = {},
): ActorFor<A> {
  const d = decide(actor, action, target);
  if (!d.ok) {
    throw new DomainError(d.reason === "signInRequired" ? 401 : 403, `errors.${d.reason}`, {
      action,
    });
  }
  // No granted role admits an anonymous actor, so this holds whenever `decide` passed; checked
  // all the same, since the narrowed type is what callers build on.
  if (needsSignIn(action) && actor.userId === null) {
    throw new DomainError(401, "errors.signInRequired", { action });
  }
  return actor as ActorFor<A>;
}
