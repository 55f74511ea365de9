/**
 * 民情 (needs), the reads: the boards (a community's, a street's, a unit's queue, the command
 * room's desk, a person's own), one need's page with its timeline and the steps its viewer may
 * take, and the report form's choices with the similar open needs ("me too").
 */
import { getDb } from "../../../db/client.server";
import { NEED_CATEGORIES, type NeedCategory } from "~/domain/needs/categories";
import {
  NEEDS_PAGE,
  NEED_SORTS,
  STATUS_FILTERS,
  type NeedSort,
  type StatusFilter,
} from "~/domain/needs/board";
import { isOverdue } from "~/domain/needs/clock";
import {
  NEED_STATUSES,
  availableSteps,
  isOpen,
  type NeedStatus,
  type NeedStep,
} from "~/domain/needs/machine";
import { takesProjects, type NeedLinkKind } from "~/domain/needs/rules";
import { can, type Actor } from "~/domain/permissions/policy";
import { isPublicStatus, projectTarget, type ProjectStatus } from "~/domain/projects/rules";
import { matchExpression } from "~/domain/search/segment";
import { countOf } from "../rows.server";
import type { Db } from "../runner/command.server";
import { groupedShownReads, shownReads } from "../shown.server";
import { matchingIds, rankExpression } from "../search.server";
import {
  factsOf,
  loadNeed,
  needTarget,
  rolesFor,
  streetLimits,
  type NeedRow,
} from "./shared.server";

export { NEEDS_PAGE, NEED_SORTS, STATUS_FILTERS, type NeedSort, type StatusFilter };
/** A board counts its needs up to this many, then says "more than". */
export const COUNT_CAP = 1000;
/** Where a need stands once it is no longer worked on. */
const DONE: NeedStatus[] = ["closed", "merged", "notForPlatform"];
/** Where a need stands while it is worked on (or waits for its reporter's answer). */
const OPEN: NeedStatus[] = NEED_STATUSES.filter(isOpen);

export interface NeedFilters {
  communityId?: number;
  streetId?: number;
  unitId?: number;
  gridId?: number;
  category?: NeedCategory;
  status?: StatusFilter;
  overdue?: boolean;
  /** The actor's own: reported or "me too". */
  mine?: boolean;
  sort?: NeedSort;
  page?: number;
}

export interface NeedCard {
  id: number;
  category: NeedCategory;
  status: NeedStatus;
  communityId: number;
  communityZh: string;
  communityEn: string;
  gridZh: string;
  gridEn: string;
  /** Null when the details are not for this reader. */
  place: string | null;
  description: string | null;
  intensity: number;
  channel: string;
  createdAt: string;
  deadlineAt: string | null;
  overdue: boolean;
  raised: number;
  unitName: string | null;
  unitPlatform: string | null;
}

/** What a list shows of a need's text: the details when the reader may see them, else nothing. */
function shownDetails(
  actor: Actor,
  row: Pick<NeedRow, "communityId" | "gridId" | "streetId" | "unitId" | "reporterId" | "isPublic">,
) {
  return can(actor, "need.viewDetails", needTarget({ need: row as NeedRow, meTooIds: [] }));
}

/** A board's needs as every viewer sees them before the details are hidden from some. */
async function boardRows(actor: Actor, filters: NeedFilters, now: Date) {
  const db = getDb();
  // The filters alone, no joins: what the count reads (every need has its community and grid, so
  // the joins would add nothing to it but, at 100,000 needs, most of a board's time).
  let q = db.selectFrom("needs");
  if (filters.communityId) q = q.where("needs.communityId", "=", filters.communityId);
  if (filters.streetId) q = q.where("needs.streetId", "=", filters.streetId);
  if (filters.unitId) q = q.where("needs.unitId", "=", filters.unitId);
  if (filters.gridId) q = q.where("needs.gridId", "=", filters.gridId);
  if (filters.category) q = q.where("needs.category", "=", filters.category);
  const status = filters.status ?? "open";
  // Open as the statuses it is (not "not done"): an index on (street, status) then counts them.
  if (status === "open") q = q.where("needs.status", "in", OPEN);
  else if (status === "done") q = q.where("needs.status", "in", DONE);
  else if (status === "toDispatch")
    q = q.where("needs.status", "in", ["escalated", "returnedToRoom"]);
  else if (status !== "all") q = q.where("needs.status", "=", status);
  if (filters.overdue) q = q.where("needs.deadlineAt", "<", now.toISOString());
  if (filters.mine) {
    const userId = actor.userId ?? -1;
    q = q.where(({ exists, selectFrom }) =>
      exists(
        selectFrom("needResidents")
          .select("needResidents.needId")
          .whereRef("needResidents.needId", "=", "needs.id")
          .where("needResidents.userId", "=", userId),
      ),
    );
  }
  const sort = filters.sort ?? "newest";
  const page = Math.max(1, filters.page ?? 1);
  const dir = sort === "oldest" ? "asc" : "desc";
  // The page's ids first, from the needs alone (an index gives them in order, or covers the sort),
  // then the joins for those twenty only: joined first, a desk of 5,000 needs sorted by intensity
  // looked up every one of them (bench/needs).
  const ids = (sort === "intensity" ? q.orderBy("needs.intensity", "desc") : q)
    .select("needs.id")
    .orderBy("needs.createdAt", dir)
    .orderBy("needs.id", dir)
    .limit(NEEDS_PAGE)
    .offset((page - 1) * NEEDS_PAGE);
  let rows = db
    .selectFrom("needs")
    .where("needs.id", "in", ids)
    .innerJoin("areas as community", "community.id", "needs.communityId")
    .innerJoin("areas as grid", "grid.id", "needs.gridId")
    .leftJoin("needUnits", "needUnits.id", "needs.unitId")
    .select([
      "needs.id",
      "needs.category",
      "needs.status",
      "needs.communityId",
      "needs.gridId",
      "needs.streetId",
      "needs.unitId",
      "needs.reporterId",
      "needs.isPublic",
      "needs.place",
      "needs.description",
      "needs.intensity",
      "needs.channel",
      "needs.createdAt",
      "needs.deadlineAt",
      "needs.raised",
      "community.nameZh as communityZh",
      "community.nameEn as communityEn",
      "grid.nameZh as gridZh",
      "grid.nameEn as gridEn",
      "needUnits.name as unitName",
      "needUnits.platform as unitPlatform",
    ]);
  if (sort === "intensity") rows = rows.orderBy("needs.intensity", "desc");
  const [counted, found] = await Promise.all([
    // Counted up to the cap and no further: at 100,000 needs an exact count of a street's open
    // needs was most of the board's time (bench/needs), and "more than 1,000" says as much.
    countOf(
      db.selectFrom(
        q
          .select("needs.id")
          .limit(COUNT_CAP + 1)
          .as("capped"),
      ),
    ),
    rows.orderBy("needs.createdAt", dir).orderBy("needs.id", dir).execute(),
  ]);
  return { counted, found };
}

/**
 * A street's boards (its own, its communities', its units' queues and desk), read once for every
 * viewer and kept a few seconds per process (../shown.server.ts): the rows are the same for
 * everyone (what a viewer may not read is hidden from them afterwards, in `listNeeds`), and a
 * board at 100,000 needs was three reads a view (bench/needs). Kept in a group per street, so a
 * need that moves drops its street's boards on every process and no other street's. At most
 * KEPT_BOARDS per street are kept.
 */
const keptBoardRows = groupedShownReads(
  "needBoards",
  (_streetId: number, read: { actor: Actor; filters: NeedFilters; now: Date }) =>
    boardRows(read.actor, read.filters, read.now),
  ({ filters }) =>
    JSON.stringify([
      filters.communityId ?? 0,
      filters.streetId ?? 0,
      filters.unitId ?? 0,
      filters.gridId ?? 0,
      filters.category ?? "",
      filters.status ?? "open",
      filters.overdue === true,
      filters.sort ?? "newest",
      Math.max(1, filters.page ?? 1),
    ]),
  (e) => (e.type === "need.changed" ? e.streetId : null),
  200,
);

/**
 * A board's page of needs, with their count (up to COUNT_CAP). `keptIn`: the street the board
 * belongs to, when its rows may be shared by every viewer (not one's own list): see `streetBoards`.
 */
export async function listNeeds(
  actor: Actor,
  filters: NeedFilters,
  now = new Date(),
  countCap = COUNT_CAP,
  keptIn: number | null = null,
): Promise<{ items: NeedCard[]; total: number; more: boolean }> {
  const { counted, found } =
    keptIn !== null && !filters.mine
      ? await keptBoardRows(keptIn, { actor, filters, now })
      : await boardRows(actor, filters, now);
  const items = found.map((r) => {
    const details = shownDetails(actor, r);
    return {
      id: r.id,
      category: r.category,
      status: r.status,
      communityId: r.communityId,
      communityZh: r.communityZh,
      communityEn: r.communityEn,
      gridZh: r.gridZh,
      gridEn: r.gridEn,
      place: details ? r.place : null,
      description: details ? r.description : null,
      intensity: r.intensity,
      channel: r.channel,
      createdAt: r.createdAt,
      deadlineAt: r.deadlineAt,
      overdue: isOpen(r.status) && isOverdue(r.deadlineAt ? new Date(r.deadlineAt) : null, now),
      raised: r.raised,
      unitName: r.unitName,
      unitPlatform: r.unitPlatform,
    };
  });
  return { items, total: Math.min(counted, countCap), more: counted > countCap };
}

/** A board's scope: a community's, with its street; a street's; or a unit's, with its street. */
export async function boardScope(
  filters: Pick<NeedFilters, "communityId" | "streetId" | "unitId">,
) {
  const db = getDb();
  if (filters.unitId) {
    const unit = await db
      .selectFrom("needUnits")
      .innerJoin("areas", "areas.id", "needUnits.streetId")
      .select([
        "needUnits.id",
        "needUnits.name",
        "needUnits.platform",
        "needUnits.streetId",
        "areas.nameZh",
        "areas.nameEn",
      ])
      .where("needUnits.id", "=", filters.unitId)
      .executeTakeFirst();
    return unit ? ({ kind: "unit", ...unit } as const) : null;
  }
  const areaId = filters.communityId ?? filters.streetId;
  if (!areaId) return null;
  const area = await db
    .selectFrom("areas")
    .select(["id", "nameZh", "nameEn", "level", "parentId"])
    .where("id", "=", areaId)
    .where("level", "=", filters.communityId ? "community" : "street")
    .executeTakeFirst();
  if (!area) return null;
  return { kind: filters.communityId ? ("community" as const) : ("street" as const), ...area };
}

/** The grids a board filters by: a community's, or every community's of a street. */
export async function boardGrids(scope: { communityId?: number; streetId?: number }) {
  let q = getDb()
    .selectFrom("areas as grid")
    .innerJoin("areas as community", "community.id", "grid.parentId")
    .select([
      "grid.id",
      "grid.nameZh",
      "grid.nameEn",
      "community.nameZh as communityZh",
      "community.nameEn as communityEn",
    ])
    .where("grid.level", "=", "grid");
  if (scope.communityId) q = q.where("grid.parentId", "=", scope.communityId);
  else if (scope.streetId) q = q.where("community.parentId", "=", scope.streetId);
  else return [];
  return q.orderBy("community.sort").orderBy("grid.sort").orderBy("grid.id").execute();
}

/**
 * A board's scope with the grids it filters by (`boardScope`, `boardGrids`). A community's or a
 * street's are kept a few seconds per process (../shown.server.ts) with no event to drop them:
 * areas are set up with the city (the seed, migrations) and no command changes them. A unit's
 * queue is read each time (admins rename units).
 */
export async function boardPlace(
  filters: Pick<NeedFilters, "communityId" | "streetId" | "unitId">,
) {
  if (filters.unitId || !(filters.communityId ?? filters.streetId)) {
    return { scope: await boardScope(filters), grids: [] };
  }
  return filters.communityId
    ? keptAreaPlaces(`community:${filters.communityId}`)
    : keptAreaPlaces(`street:${filters.streetId}`);
}

const keptAreaPlaces = shownReads(
  "needBoardPlaces",
  async (key: string) => {
    const [kind, raw] = key.split(":");
    const id = Number(raw);
    const area = kind === "community" ? { communityId: id } : { streetId: id };
    const [scope, grids] = await Promise.all([boardScope(area), boardGrids(area)]);
    return { scope, grids: scope === null ? [] : grids };
  },
  () => null,
);

/** Streets, each with its communities: where a board can be opened. */
export async function needPlaces() {
  const rows = await getDb()
    .selectFrom("areas as community")
    .innerJoin("areas as street", "street.id", "community.parentId")
    .select([
      "community.id",
      "community.nameZh",
      "community.nameEn",
      "street.id as streetId",
      "street.nameZh as streetZh",
      "street.nameEn as streetEn",
    ])
    .where("community.level", "=", "community")
    .orderBy("street.sort")
    .orderBy("street.id")
    .orderBy("community.sort")
    .orderBy("community.id")
    .execute();
  const streets = new Map<
    number,
    {
      id: number;
      nameZh: string;
      nameEn: string;
      communities: { id: number; nameZh: string; nameEn: string }[];
    }
  >();
  for (const r of rows) {
    const s = streets.get(r.streetId) ?? {
      id: r.streetId,
      nameZh: r.streetZh,
      nameEn: r.streetEn,
      communities: [],
    };
    s.communities.push({ id: r.id, nameZh: r.nameZh, nameEn: r.nameEn });
    streets.set(r.streetId, s);
  }
  return [...streets.values()];
}

/** The units a person serves in, and the streets whose command room they staff: their desks. */
export async function myDesks(actor: Actor) {
  // Most viewers serve at no desk: nothing to read.
  if (actor.unitOf.length === 0 && actor.commandRoomOf.length === 0)
    return { units: [], streets: [] };
  const db = getDb();
  // `in` with no values is not SQL: an id that no row has stands in for "none".
  const ids = (list: readonly number[]) => (list.length > 0 ? [...list] : [-1]);
  const [units, streets] = await Promise.all([
    db
      .selectFrom("needUnits")
      .select(["id", "name", "platform", "streetId"])
      .where("id", "in", ids(actor.unitOf))
      .execute(),
    db
      .selectFrom("areas")
      .select(["id", "nameZh", "nameEn"])
      .where("id", "in", ids(actor.commandRoomOf))
      .execute(),
  ]);
  return { units, streets };
}

export interface TimelineEntry {
  id: number;
  step: string;
  role: string;
  fromStatus: NeedStatus | null;
  toStatus: NeedStatus;
  note: string | null;
  at: string;
  deadlineAt: string | null;
  unitName: string | null;
  unitPlatform: string | null;
  assisted: boolean;
  photo: string | null;
}

/** Steps the page offers: every step but the timed auto-close. */
type PersonStep = Exclude<NeedStep, "autoClose">;

export async function needPage(actor: Actor, needId: number, now = new Date()) {
  const db = getDb();
  const loaded = await loadNeed(db, needId).catch(() => null);
  if (!loaded) return null;
  const { need } = loaded;
  const target = needTarget(loaded);
  const details = can(actor, "need.viewDetails", target);
  const [places, unit, steps, links, units, mergeTargets, mine] = await Promise.all([
    db
      .selectFrom("areas as grid")
      .innerJoin("areas as community", "community.id", "grid.parentId")
      .innerJoin("areas as street", "street.id", "community.parentId")
      .select([
        "grid.nameZh as gridZh",
        "grid.nameEn as gridEn",
        "community.nameZh as communityZh",
        "community.nameEn as communityEn",
        "street.nameZh as streetZh",
        "street.nameEn as streetEn",
      ])
      .where("grid.id", "=", need.gridId)
      .executeTakeFirstOrThrow(),
    need.unitId === null
      ? null
      : db
          .selectFrom("needUnits")
          .select(["id", "name", "platform"])
          .where("id", "=", need.unitId)
          .executeTakeFirst(),
    db
      .selectFrom("needSteps")
      .leftJoin("needUnits", "needUnits.id", "needSteps.unitId")
      .select([
        "needSteps.id",
        "needSteps.step",
        "needSteps.role",
        "needSteps.fromStatus",
        "needSteps.toStatus",
        "needSteps.note",
        "needSteps.at",
        "needSteps.deadlineAt",
        "needSteps.assistedBy",
        "needSteps.photo",
        "needUnits.name as unitName",
        "needUnits.platform as unitPlatform",
      ])
      .where("needSteps.needId", "=", need.id)
      .orderBy("needSteps.id")
      .execute(),
    db
      .selectFrom("needLinks")
      .leftJoin("meetings", (j) =>
        j.onRef("meetings.id", "=", "needLinks.targetId").on("needLinks.kind", "=", "meeting"),
      )
      .leftJoin("projects", (j) =>
        j.onRef("projects.id", "=", "needLinks.targetId").on("needLinks.kind", "=", "project"),
      )
      .select([
        "needLinks.kind",
        "needLinks.targetId",
        "needLinks.createdAt",
        "meetings.topic",
        "projects.title",
        "projects.status as projectStatus",
        "projects.communityId as projectCommunityId",
        "projects.proposerId",
        "projects.organisationId",
      ])
      .where("needLinks.needId", "=", need.id)
      .orderBy("needLinks.createdAt")
      .orderBy("needLinks.targetId")
      .execute()
      .then((rows) => rows.filter((l) => linkVisible(actor, l)).map(linkView)),
    can(actor, "need.dispatch", target)
      ? db
          .selectFrom("needUnits")
          .select(["id", "name", "platform"])
          .where("streetId", "=", need.streetId)
          .orderBy("platform")
          .orderBy("id")
          .execute()
      : [],
    can(actor, "need.merge", target) && isOpen(need.status)
      ? db
          .selectFrom("needs")
          .select(["id", "category", "status", "createdAt"])
          .where("communityId", "=", need.communityId)
          .where("id", "!=", need.id)
          .where("status", "not in", ["closed", "merged", "notForPlatform"])
          .orderBy((eb) => eb.case().when("category", "=", need.category).then(0).else(1).end())
          .orderBy("id", "desc")
          .limit(30)
          .execute()
      : [],
    actor.userId === null
      ? null
      : db
          .selectFrom("needResidents")
          .select(["kind", "answer"])
          .where("needId", "=", need.id)
          .where("userId", "=", actor.userId)
          .executeTakeFirst(),
  ]);
  const linkChoices = can(actor, "need.link", target)
    ? await Promise.all([
        db
          .selectFrom("meetings")
          .innerJoin("councils", "councils.id", "meetings.councilId")
          .select(["meetings.id", "meetings.topic", "meetings.startsAt"])
          .where("councils.areaId", "in", [need.communityId, need.streetId])
          .where("meetings.status", "in", ["scheduled", "live"])
          .orderBy("meetings.startsAt")
          .limit(30)
          .execute(),
        db
          .selectFrom("projects")
          .select(["id", "title"])
          .where("communityId", "=", need.communityId)
          .where("status", "!=", "draft")
          .orderBy("id", "desc")
          .limit(50)
          .execute(),
      ]).then(([meetings, projects]) => ({ meetings, projects }))
    : null;
  const roles = rolesFor(actor, target);
  const steps_ = availableSteps(roles, need.status, factsOf(need, now)).filter(
    (s): s is PersonStep => s !== "autoClose",
  );
  const timeline: TimelineEntry[] = steps.map((s) => ({
    id: s.id,
    step: s.step,
    role: s.role,
    fromStatus: s.fromStatus,
    toStatus: s.toStatus,
    // A private need's notes may say as much as its description.
    note: details ? s.note : null,
    at: s.at,
    deadlineAt: s.deadlineAt,
    unitName: s.unitName,
    unitPlatform: s.unitPlatform,
    assisted: s.assistedBy !== null,
    photo: details ? s.photo : null,
  }));
  return {
    need: {
      id: need.id,
      category: need.category,
      status: need.status,
      communityId: need.communityId,
      gridId: need.gridId,
      streetId: need.streetId,
      isPublic: need.isPublic === 1,
      urgent: need.urgent === 1,
      channel: need.channel,
      intensity: need.intensity,
      rehandled: need.rehandled,
      extensionsAsked: need.extensionsAsked,
      createdAt: need.createdAt,
      updatedAt: need.updatedAt,
      deadlineAt: need.deadlineAt,
      overdue:
        isOpen(need.status) && isOverdue(need.deadlineAt ? new Date(need.deadlineAt) : null, now),
      raised: need.raised,
      checkedAt: need.checkedAt,
      closedAt: need.closedAt,
      answer: need.answer,
      mergedInto: need.mergedInto,
      statusNote: details ? need.statusNote : null,
      place: details ? need.place : null,
      description: details ? need.description : null,
      photo: details ? need.photo : null,
      ...places,
    },
    details,
    unit: unit ?? null,
    timeline,
    links,
    viewer: {
      signedIn: actor.userId !== null,
      roles,
      steps: steps_,
      behind: mine?.kind ?? null,
      answer: mine?.answer ?? null,
      canMeToo:
        isOpen(need.status) && !mine && can(actor, "need.meToo", { communityId: need.communityId }),
      units,
      mergeTargets,
      linkChoices,
    },
  };
}
export type NeedPage = NonNullable<Awaited<ReturnType<typeof needPage>>>;

interface LinkRow {
  kind: NeedLinkKind;
  targetId: number;
  createdAt: string;
  topic: string | null;
  title: string | null;
  projectStatus: ProjectStatus | null;
  projectCommunityId: number | null;
  proposerId: number | null;
  organisationId: number | null;
}

/**
 * A project a resident proposed from the need's page is linked while still a draft: until it is
 * submitted, the link is shown only to those who may read the draft (its proposer, its
 * organisation), as the project's own page is. A link whose project is gone is not shown.
 */
function linkVisible(actor: Actor, l: LinkRow): boolean {
  if (l.kind !== "project") return true;
  if (l.projectStatus === null || l.projectCommunityId === null) return false;
  if (isPublicStatus(l.projectStatus)) return true;
  const ref = {
    communityId: l.projectCommunityId,
    proposerId: l.proposerId,
    organisationId: l.organisationId,
  };
  return can(actor, "project.viewDraft", projectTarget(ref));
}

const linkView = (l: LinkRow) => ({
  kind: l.kind,
  targetId: l.targetId,
  createdAt: l.createdAt,
  topic: l.topic,
  title: l.title,
  draft: l.projectStatus === "draft",
});

/**
 * The need a micro-project is being proposed for, as the project form shows it: what the need's
 * page shows everyone (number, category, status, places), and its place only to those who may read
 * its details. `null` when there is no such need or it is not the reader's to see.
 */
export async function needForProposal(actor: Actor, needId: number) {
  const db = getDb();
  const loaded = await loadNeed(db, needId).catch(() => null);
  if (!loaded || !can(actor, "need.view", needTarget(loaded))) return null;
  const { need } = loaded;
  const places = await db
    .selectFrom("areas as grid")
    .innerJoin("areas as community", "community.id", "grid.parentId")
    .select([
      "grid.nameZh as gridZh",
      "grid.nameEn as gridEn",
      "community.nameZh as communityZh",
      "community.nameEn as communityEn",
    ])
    .where("grid.id", "=", need.gridId)
    .executeTakeFirstOrThrow();
  return {
    id: need.id,
    category: need.category,
    status: need.status,
    communityId: need.communityId,
    gridId: need.gridId,
    takesProjects: takesProjects(need.status),
    place: can(actor, "need.viewDetails", needTarget(loaded)) ? need.place : null,
    ...places,
  };
}

/**
 * Open needs in a grid and category that look like what the resident is writing: those matching
 * the words first (the same search as projects), then the newest others, at most `limit`.
 */
export async function similarNeeds(
  actor: Actor,
  gridId: number,
  category: NeedCategory,
  words: string,
  limit = 5,
) {
  const db = getDb();
  const base = db
    .selectFrom("needs")
    .select([
      "id",
      "status",
      "intensity",
      "createdAt",
      "isPublic",
      "place",
      "description",
      "communityId",
      "gridId",
      "streetId",
      "unitId",
      "reporterId",
    ])
    .where("gridId", "=", gridId)
    .where("category", "=", category)
    .where("status", "not in", DONE);
  const expression = words ? matchExpression(words) : null;
  // Only public needs are matched by words: a match on a private one would tell what it says.
  const matching = expression
    ? await base
        .where("isPublic", "=", 1)
        .where("needs.id", "in", matchingIds("need", expression))
        .orderBy(rankExpression("need", expression, "needs.id"))
        .limit(limit)
        .execute()
    : [];
  const others =
    matching.length >= limit
      ? []
      : await base
          .where("id", "not in", matching.length ? matching.map((m) => m.id) : [0])
          .orderBy("intensity", "desc")
          .orderBy("id", "desc")
          .limit(limit - matching.length)
          .execute();
  return [
    ...matching.map((m) => ({ ...m, similar: true })),
    ...others.map((o) => ({ ...o, similar: false })),
  ].map((r) => {
    const details = shownDetails(actor, r);
    return {
      id: r.id,
      status: r.status,
      intensity: r.intensity,
      createdAt: r.createdAt,
      similar: r.similar,
      place: details ? r.place : null,
      description: details ? r.description : null,
    };
  });
}

export const isNeedCategoryParam = (v: string | null): v is NeedCategory =>
  (NEED_CATEGORIES as readonly (string | null)[]).includes(v);

/** The name of a need's photo (or of one of its steps'), when the reader may see the details. */
export async function needPhoto(actor: Actor, needId: number, stepId?: number) {
  const db = getDb();
  const loaded = await loadNeed(db, needId).catch(() => null);
  if (!loaded || !can(actor, "need.viewDetails", needTarget(loaded))) return null;
  if (stepId === undefined) return loaded.need.photo;
  const step = await db
    .selectFrom("needSteps")
    .select("photo")
    .where("id", "=", stepId)
    .where("needId", "=", needId)
    .executeTakeFirst();
  return step?.photo ?? null;
}

/**
 * Who serves in the loop, for the people who appoint them: a committee member sees their
 * community's grids and grid workers; an admin every street's command room and units.
 */
export async function staffPage(actor: Actor) {
  const db = getDb();
  const staff = db
    .selectFrom("needStaff")
    .innerJoin("users", "users.id", "needStaff.userId")
    .select([
      "needStaff.id",
      "needStaff.role",
      "needStaff.areaId",
      "needStaff.unitId",
      "needStaff.appointedAt",
      "users.displayName",
      "users.username",
    ])
    .where("needStaff.endedAt", "is", null)
    .orderBy("needStaff.id");
  const community =
    actor.committeeOf === null
      ? null
      : await db
          .selectFrom("areas")
          .select(["id", "nameZh", "nameEn"])
          .where("id", "=", actor.committeeOf)
          .executeTakeFirst();
  const grids = community
    ? await db
        .selectFrom("areas")
        .select(["id", "nameZh", "nameEn"])
        .where("parentId", "=", community.id)
        .where("level", "=", "grid")
        .orderBy("sort")
        .orderBy("id")
        .execute()
    : [];
  const gridWorkers = grids.length
    ? await staff
        .where("needStaff.role", "=", "gridWorker")
        .where(
          "needStaff.areaId",
          "in",
          grids.map((g) => g.id),
        )
        .execute()
    : [];
  if (!actor.isAdmin) return { community, grids, gridWorkers, admin: null };
  const [streets, units, roomStaff, unitStaff, limitRows] = await Promise.all([
    db
      .selectFrom("areas")
      .select(["id", "nameZh", "nameEn"])
      .where("level", "=", "street")
      .orderBy("sort")
      .orderBy("id")
      .execute(),
    db
      .selectFrom("needUnits")
      .select(["id", "streetId", "platform", "name"])
      .orderBy("streetId")
      .orderBy("id")
      .execute(),
    staff.where("needStaff.role", "=", "commandRoom").execute(),
    staff.where("needStaff.role", "=", "unit").execute(),
    db.selectFrom("streetNeedLimits").select(["streetId"]).execute(),
  ]);
  // Each street's limits in force: its own over the defaults.
  const limits = Object.fromEntries(
    await Promise.all(streets.map(async (st) => [st.id, await streetLimits(db, st.id)] as const)),
  );
  const ownLimits = limitRows.map((r) => r.streetId);
  return {
    community,
    grids,
    gridWorkers,
    admin: { streets, units, roomStaff, unitStaff, limits, ownLimits },
  };
}

/** The needs linked to a meeting or a project, for its page (category and status: no details). */
export async function linkedNeeds(kind: NeedLinkKind, id: number) {
  return linkedNeedRows(getDb(), kind, id).execute();
}

/** `linkedNeeds` as a query (for `readTogether`). */
export function linkedNeedRows(db: Db, kind: NeedLinkKind, id: number) {
  return db
    .selectFrom("needLinks")
    .innerJoin("needs", "needs.id", "needLinks.needId")
    .select(["needs.id", "needs.category", "needs.status", "needs.intensity"])
    .where("needLinks.kind", "=", kind)
    .where("needLinks.targetId", "=", id)
    .orderBy("needs.id");
}
