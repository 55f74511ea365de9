/**
 * Micro-projects (微实事), the reads: the public list with search, a project's page, a person's own
 * projects, the committee's review queue. Writes are commands (`./commands.server.ts`).
 */
import { getDb } from "../../../db/client.server";
import { preparedTogether } from "../../../db/prepared";
import type { ProjectStatus, ServiceArea } from "../../../db/schema";
import { authorize, can, type Actor } from "~/domain/permissions/policy";
import {
  availableSteps,
  averageRating,
  isEditable,
  isSupportable,
  mayViewProject,
  projectTarget,
} from "~/domain/projects/rules";
import { matchExpression } from "~/domain/search/segment";
import { countOf } from "../rows.server";
import type { Db } from "../runner/command.server";
import { matchingIds, rankExpression } from "../search.server";
import { shownReads } from "../shown.server";
import { supportThreshold as thresholdIn, visibleProject as visibleIn } from "./shared.server";

export const PROJECTS_PAGE = 20;

const visibleProject = (actor: Actor, id: number) => visibleIn(getDb(), actor, id);

export const supportThreshold = (communityId: number) => thresholdIn(getDb(), communityId);

export type ProjectSort = "newest" | "supported" | "relevance";

export interface ProjectFilters {
  q?: string;
  communityId?: number;
  category?: ServiceArea;
  status?: ProjectStatus;
  organisationId?: number;
  sort?: ProjectSort;
  page?: number;
}

export interface ProjectCard {
  id: number;
  title: string;
  summary: string;
  status: ProjectStatus;
  category: ServiceArea;
  budgetTotal: number;
  supportCount: number;
  communityId: number;
  communityZh: string;
  communityEn: string;
  organisationName: string | null;
  updatedAt: string;
}

/** The public list: drafts never appear, whoever asks. */
export async function listProjects(
  filters: ProjectFilters,
  pageSize = PROJECTS_PAGE,
): Promise<{ items: ProjectCard[]; total: number; searched: boolean }> {
  const db = getDb();
  const expression = filters.q ? matchExpression(filters.q) : null;
  if (filters.q && !expression) return { items: [], total: 0, searched: true };
  let q = db
    .selectFrom("projects")
    .innerJoin("areas", "areas.id", "projects.communityId")
    .leftJoin("organisations", "organisations.id", "projects.organisationId")
    .where("projects.status", "!=", "draft");
  if (expression) q = q.where("projects.id", "in", matchingIds("project", expression));
  if (filters.communityId) q = q.where("projects.communityId", "=", filters.communityId);
  if (filters.category) q = q.where("projects.category", "=", filters.category);
  if (filters.status) q = q.where("projects.status", "=", filters.status);
  if (filters.organisationId) q = q.where("projects.organisationId", "=", filters.organisationId);
  const page = Math.max(1, filters.page ?? 1);
  let rows = q.select([
    "projects.id",
    "projects.title",
    "projects.summary",
    "projects.status",
    "projects.category",
    "projects.budgetTotal",
    "projects.supportCount",
    "projects.communityId",
    "areas.nameZh as communityZh",
    "areas.nameEn as communityEn",
    "organisations.name as organisationName",
    "projects.updatedAt",
  ]);
  const sort = filters.sort ?? (expression ? "relevance" : "newest");
  if (sort === "supported") rows = rows.orderBy("projects.supportCount", "desc");
  if (sort === "relevance" && expression) {
    rows = rows.orderBy(rankExpression("project", expression, "projects.id"));
  }
  const [total, items] = await Promise.all([
    countOf(q),
    rows
      .orderBy("projects.createdAt", "desc")
      .orderBy("projects.id", "desc")
      .limit(pageSize)
      .offset((page - 1) * pageSize)
      .execute(),
  ]);
  return { items, total, searched: expression !== null };
}

/**
 * The public list as `/projects` shows it: the same for every viewer, so read once per filter, sort
 * and page and kept a few seconds per process (../shown.server.ts); at most KEPT_LISTS at once,
 * since their keys come from the query string. Any project.changed drops them all, on every
 * process: a list spans communities, and a support changes its counts and order. (An
 * organisation's new name shows within PAGE_CACHE_MS: no event says it changed.)
 */
export function shownProjectList(filters: ProjectFilters) {
  const key: ProjectFilters = {
    q: filters.q || undefined,
    communityId: filters.communityId,
    category: filters.category,
    status: filters.status,
    organisationId: filters.organisationId,
    sort: filters.sort,
    page: Math.max(1, filters.page ?? 1),
  };
  return keptLists(JSON.stringify(key));
}

const KEPT_LISTS = 500;
const keptLists = shownReads(
  "projectLists",
  (key: string) => listProjects(JSON.parse(key) as ProjectFilters),
  (e) => (e.type === "project.changed" ? "all" : null),
  KEPT_LISTS,
);

/** Projects waiting for this committee: submitted or under review, oldest first. */
export async function reviewQueue(actor: Actor, communityId: number) {
  authorize(actor, "project.review", { communityId });
  return getDb()
    .selectFrom("projects")
    .select(["id", "title", "status", "supportCount", "submittedAt"])
    .where("communityId", "=", communityId)
    .where("status", "in", ["submitted", "underReview"])
    .orderBy("submittedAt")
    .execute();
}

/** A person's own drafts and projects (also those of their organisations). */
export async function myProjects(actor: Actor) {
  if (actor.userId === null) return [];
  const userId = actor.userId;
  const orgs = [...actor.orgMemberOf];
  return getDb()
    .selectFrom("projects")
    .select(["id", "title", "status", "updatedAt"])
    .where((eb) =>
      orgs.length > 0
        ? eb.or([eb("proposerId", "=", userId), eb("organisationId", "in", orgs)])
        : eb("proposerId", "=", userId),
    )
    .orderBy("updatedAt", "desc")
    .limit(50)
    .execute();
}

export interface CommentView {
  id: number;
  parentId: number | null;
  authorName: string | null;
  authorId: number | null;
  body: string | null;
  createdAt: string;
  hidden: boolean;
  hiddenReason: string | null;
  hiddenByFlags: boolean;
  flagCount: number;
  flaggedByMe: boolean;
  /** Written by a committee member for the author at the service window. */
  assisted: boolean;
}

/** What a project's page shows alike to every viewer (`projectShown`); null: no such project. */
async function projectShared(id: number) {
  const db = getDb();
  const [project, items, events, updates, comments, assistedSupports] = await Promise.all([
    db
      .selectFrom("projects")
      .innerJoin("areas as c", "c.id", "projects.communityId")
      .leftJoin("areas as g", "g.id", "projects.gridId")
      .leftJoin("organisations", "organisations.id", "projects.organisationId")
      .leftJoin("users", "users.id", "projects.proposerId")
      .selectAll("projects")
      .select([
        "c.nameZh as communityZh",
        "c.nameEn as communityEn",
        "g.nameZh as gridZh",
        "g.nameEn as gridEn",
        "organisations.name as organisationName",
        "users.displayName as proposerName",
      ])
      .where("projects.id", "=", id)
      .executeTakeFirst(),
    db
      .selectFrom("projectBudgetItems")
      .select(["label", "amount"])
      .where("projectId", "=", id)
      .orderBy("position")
      .execute(),
    db
      .selectFrom("projectEvents")
      .leftJoin("users", "users.id", "projectEvents.actorId")
      .select([
        "projectEvents.id",
        "projectEvents.step",
        "projectEvents.fromStatus",
        "projectEvents.toStatus",
        "projectEvents.reason",
        "projectEvents.at",
        "projectEvents.assistedBy",
        "users.displayName as actorName",
      ])
      .where("projectId", "=", id)
      .orderBy("projectEvents.id")
      .execute(),
    db
      .selectFrom("projectUpdates")
      .leftJoin("users", "users.id", "projectUpdates.authorId")
      .select([
        "projectUpdates.id",
        "projectUpdates.kind",
        "projectUpdates.body",
        "projectUpdates.spent",
        "projectUpdates.onDate",
        "users.displayName as authorName",
      ])
      .where("projectId", "=", id)
      .orderBy("projectUpdates.onDate")
      .orderBy("projectUpdates.id")
      .execute(),
    db
      .selectFrom("projectComments")
      .leftJoin("users", "users.id", "projectComments.authorId")
      .select([
        "projectComments.id",
        "projectComments.parentId",
        "projectComments.authorId",
        "users.displayName as authorName",
        "projectComments.body",
        "projectComments.createdAt",
        "projectComments.hiddenAt",
        "projectComments.hiddenBy",
        "projectComments.hiddenReason",
        "projectComments.flagCount",
        "projectComments.assistedBy",
      ])
      .where("projectId", "=", id)
      .orderBy("projectComments.id")
      .execute(),
    countOf(
      db
        .selectFrom("projectSupports")
        .where("projectId", "=", id)
        .where("assistedBy", "is not", null),
    ),
  ]);
  return project ? { project, items, events, updates, comments, assistedSupports } : null;
}

/**
 * A project's page as every viewer sees it (the project with its community, grid, organisation and
 * proposer, budget items, steps, progress reports, every comment as stored, the supports entered
 * at the service window), kept a few seconds per process (../shown.server.ts); every command that
 * changes any of it emits the project's `project.changed`, which drops it on every process. Who may
 * see a draft, which hidden comments a viewer may read, and the viewer's own support, rating and
 * flags are decided or read per request in `projectPage`.
 */
const projectShown = shownReads("projectPage", projectShared, (e) =>
  e.type === "project.changed" ? e.projectId : null,
);

/**
 * The viewer's own rows on a project's page (their support, their rating, the comments they
 * flagged) in one statement built and compiled once (`preparedTogether`), where they were three.
 */
const viewerRows = preparedTogether((db: Db, v: { projectId: number; userId: number }) => ({
  support: db
    .selectFrom("projectSupports")
    .select("userId")
    .where("projectId", "=", v.projectId)
    .where("userId", "=", v.userId),
  rating: db
    .selectFrom("projectRatings")
    .select("score")
    .where("projectId", "=", v.projectId)
    .where("userId", "=", v.userId),
  flags: db
    .selectFrom("commentFlags")
    .innerJoin("projectComments", "projectComments.id", "commentFlags.commentId")
    .select("commentFlags.commentId")
    .where("projectComments.projectId", "=", v.projectId)
    .where("commentFlags.userId", "=", v.userId),
}));

export async function projectPage(actor: Actor, id: number) {
  const shared = await projectShown(id);
  if (!shared) return null;
  const p = shared.project;
  if (!mayViewProject(actor, p)) return null;
  const { project, items, events, updates, comments, assistedSupports } = shared;
  const db = getDb();
  const target = projectTarget(p);
  const canModerate = can(actor, "project.moderate", { communityId: p.communityId });
  const own =
    actor.userId === null
      ? { support: [], rating: [], flags: [] }
      : await viewerRows(db, { projectId: id, userId: actor.userId });
  const mine = { supported: own.support.length > 0, rated: own.rating[0]?.score ?? null };
  const myFlags = own.flags;
  const flagged = new Set(myFlags.map((f) => f.commentId));
  const commentViews: CommentView[] = comments.map((c) => {
    const hidden = c.hiddenAt !== null;
    // Hidden words stay readable to the committee that must review them, and to their author.
    const showBody =
      !hidden || canModerate || (actor.userId !== null && c.authorId === actor.userId);
    return {
      id: c.id,
      parentId: c.parentId,
      authorId: c.authorId,
      // A deleted account keeps its row with an empty name.
      authorName: c.authorName || null,
      body: showBody ? c.body : null,
      createdAt: c.createdAt,
      hidden,
      hiddenReason: c.hiddenReason,
      hiddenByFlags: hidden && c.hiddenBy === null,
      flagCount: canModerate ? c.flagCount : 0,
      flaggedByMe: flagged.has(c.id),
      assisted: c.assistedBy !== null,
    };
  });
  const isResident = can(actor, "project.support", { communityId: p.communityId });
  const { photo, ratingSum, ratingCount, ...rest } = project;
  return {
    project: {
      ...rest,
      proposerName: rest.proposerName || null,
      hasPhoto: photo !== null,
      ratingCount,
      averageRating: averageRating(ratingSum, ratingCount),
      assistedSupports,
    },
    items,
    events: events.map(({ assistedBy, ...e }) => ({
      ...e,
      actorName: e.actorName || null,
      assisted: assistedBy !== null,
    })),
    updates: updates.map((u) => ({ ...u, authorName: u.authorName || null })),
    comments: commentViews,
    viewer: {
      userId: actor.userId,
      signedIn: actor.userId !== null,
      supported: mine.supported,
      rated: mine.rated,
      steps: availableSteps(actor, p),
      canEdit: isEditable(p.status) && can(actor, "project.edit", target),
      canSupport: isResident && isSupportable(p.status),
      canRate: isResident && p.status === "completed" && mine.rated === null,
      canComment: can(actor, "project.comment", { communityId: p.communityId }),
      canReport: p.status === "inProgress" && can(actor, "project.carryOut", target),
      canModerate,
    },
  };
}

/** The stored photo's file name, for the photo route; drafts stay private like the page. */
export async function projectPhoto(actor: Actor, id: number): Promise<string | null> {
  const p = await visibleProject(actor, id).catch(() => null);
  return p?.photo ?? null;
}
