/**
 * Micro-projects: proposing, editing, the lifecycle and its history, supports and the support
 * threshold, progress reports, ratings, comments and their moderation, the list, photos.
 */
import sharp from "sharp";
import { beforeEach, describe, expect, it } from "vitest";
import { getDb } from "../db/client.server";
import { isPostgres } from "../db/portable";
import type { ProjectStatus } from "../db/schema";
import { DomainError } from "~/domain/errors";
import { ANONYMOUS, type Actor } from "~/domain/permissions/policy";
import type { Step } from "~/domain/projects/rules";
import {
  commentSchema,
  ratingSchema,
  reasonSchema,
  thresholdSchema,
  updateSchema,
  type UpdateInput,
} from "~/domain/projects/schemas";
import {
  addProgress,
  editProject,
  proposeProject,
  setSupportThreshold,
  takeStep,
} from "~/services/projects/commands.server";
import {
  addComment,
  flagComment,
  hideComment,
  restoreComment,
  rateProject,
  supportProject,
  withdrawSupport,
} from "~/services/projects/participation.server";
import {
  listProjects,
  projectPage,
  projectPhoto,
  reviewQueue,
} from "~/services/projects/queries.server";
import { run } from "~/services/runner/command.server";
import {
  actorFor,
  gridsOf,
  makeCommittee,
  makeCommunity,
  makeMembership,
  makeOrganisation,
  makeResident,
  makeUser,
  projectInput,
  wholeDbSnapshot,
} from "./support/factories";
import { refusal } from "./support/refusal";

const uploadedFiles = async () =>
  (await getDb().selectFrom("photos").select("name").orderBy("name").execute()).map((r) => r.name);

const today = () => new Date().toISOString().slice(0, 10);
const daysFromNow = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10);

let here: number;
let there: number;
let grid: number;
let gridThere: number;
let proposer: Actor;
let committee: Actor;
let committee2: Actor;
let committeeThere: Actor;
let residents: Actor[];
let pendingUser: Actor;
let residentThere: Actor;
let org: number;
let orgMember: Actor;
let orgMember2: Actor;

beforeEach(async () => {
  here = await makeCommunity("here");
  there = await makeCommunity("there");
  [grid] = (await gridsOf(here)) as [number];
  [gridThere] = (await gridsOf(there)) as [number];
  proposer = await makeResident(here, { displayName: "张阿姨" });
  const committeeMember = async (community: number) => {
    const id = await makeUser();
    await makeCommittee(id, community);
    return actorFor(id);
  };
  committee = await committeeMember(here);
  committee2 = await committeeMember(here);
  committeeThere = await committeeMember(there);
  residents = [];
  for (let i = 0; i < 5; i++) residents.push(await makeResident(here));
  const p = await makeUser();
  await makeMembership(p, here, "pending");
  pendingUser = await actorFor(p);
  residentThere = await makeResident(there);
  // Organisation members need not live in the community they serve.
  const m1 = await makeUser({ displayName: "社工小陈" });
  const m2 = await makeUser();
  org = await makeOrganisation({ communities: [here], members: [m1, m2] });
  orgMember = await actorFor(m1);
  orgMember2 = await actorFor(m2);
});

const r = (i: number) => residents[i]!;

const input = (over: Record<string, unknown> = {}) => projectInput(here, over);

const report = (over: Record<string, string> = {}): UpdateInput =>
  updateSchema.parse({
    body: "扶手全部装好，老人反映很好",
    spent: "1900",
    onDate: today(),
    ...over,
  });

const reason = (s: string) => reasonSchema.parse({ reason: s }).reason;

/** The refusal must carry this status and key, and leave every table (photos too) as it was. */
async function expectRefusal(fn: () => Promise<unknown>, status: number, key: string) {
  const before = await wholeDbSnapshot();
  expect(before).toHaveProperty("photos");
  const err = await refusal(fn());
  expect({ status: err.status, key: err.key }).toEqual({ status, key });
  expect(await wholeDbSnapshot()).toEqual(before);
  return err;
}

const row = (id: number) =>
  getDb().selectFrom("projects").selectAll().where("id", "=", id).executeTakeFirstOrThrow();

const history = (id: number) =>
  getDb()
    .selectFrom("projectEvents")
    .select(["step", "fromStatus", "toStatus", "actorId", "reason"])
    .where("projectId", "=", id)
    .orderBy("id")
    .execute();

async function audit(subjectType: string, subjectId: number) {
  const rows = await getDb()
    .selectFrom("auditLog")
    .select(["action", "actorId", "areaId", "details"])
    .where("subjectType", "=", subjectType)
    .where("subjectId", "=", subjectId)
    .orderBy("id")
    .execute();
  return rows.map((a) => ({ ...a, details: JSON.parse(a.details) as Record<string, unknown> }));
}

const propose = (over: Record<string, unknown> = {}, who: Actor = proposer) =>
  run(proposeProject, who, { ...input(over), photo: null });

/** Who takes each step on the way: the project's people carry it out, the committee decides. */
const TAKER: Record<Step, () => Actor> = {
  submit: () => proposer,
  startReview: () => committee,
  accept: () => committee,
  reject: () => committee,
  return: () => committee,
  select: () => committee,
  start: () => proposer,
  complete: () => proposer,
  abandon: () => proposer,
};

const ROUTE: Record<Exclude<ProjectStatus, "draft">, Step[]> = {
  submitted: ["submit"],
  underReview: ["submit", "startReview"],
  accepted: ["submit", "startReview", "accept"],
  rejected: ["submit", "startReview", "reject"],
  returned: ["submit", "startReview", "return"],
  selected: ["submit", "startReview", "accept", "select"],
  inProgress: ["submit", "startReview", "accept", "select", "start"],
  completed: ["submit", "startReview", "accept", "select", "start", "complete"],
  abandoned: ["submit", "startReview", "accept", "select", "abandon"],
};

function stepInput(step: Step): { reason?: string } & Partial<UpdateInput> {
  if (step === "complete") return report();
  if (step === "reject" || step === "return" || step === "abandon") return { reason: "理由说明" };
  return {};
}

/** A resident's project in the given status, reached through the real steps. */
async function projectIn(status: ProjectStatus, over: Record<string, unknown> = {}) {
  const id = await propose(over);
  if (status !== "draft") {
    for (const step of ROUTE[status])
      await run(takeStep, TAKER[step](), { id, step, ...stepInput(step) });
  }
  expect((await row(id)).status).toBe(status);
  return id;
}

describe("the whole-database snapshot the refusals rely on", () => {
  it("notices one changed field, and a changed search index", async () => {
    const id = await projectIn("draft");
    const before = await wholeDbSnapshot();
    expect(Object.keys(before)).toEqual(
      expect.arrayContaining(["projects", "project_events", "comment_flags", "projects_fts"]),
    );
    await getDb().updateTable("projects").set({ place: "四幢" }).where("id", "=", id).execute();
    const changed = await wholeDbSnapshot();
    expect(changed).not.toEqual(before);
    await run(editProject, proposer, {
      ...input({ description: "完全不同的描述文字，只为改变搜索索引的内容。" }),
      id,
      photo: null,
      removePhoto: false,
    });
    const reindexed = await wholeDbSnapshot();
    expect(reindexed.projects_fts).not.toEqual(changed.projects_fts);
  });
});

describe("proposing", () => {
  it("as a verified resident makes a draft with its budget and a 'create' entry", async () => {
    const id = await propose({ gridId: String(grid) });
    expect(await row(id)).toMatchObject({
      communityId: here,
      gridId: grid,
      organisationId: null,
      proposerId: proposer.userId,
      status: "draft",
      budgetTotal: 2000,
      spentTotal: 0,
      supportCount: 0,
      submittedAt: null,
      photo: null,
    });
    const items = await getDb()
      .selectFrom("projectBudgetItems")
      .select(["position", "label", "amount"])
      .where("projectId", "=", id)
      .orderBy("position")
      .execute();
    expect(items).toEqual([
      { position: 0, label: "不锈钢扶手", amount: 1200 },
      { position: 1, label: "安装人工", amount: 800 },
    ]);
    expect(await history(id)).toEqual([
      {
        step: "create",
        fromStatus: null,
        toStatus: "draft",
        actorId: proposer.userId,
        reason: null,
      },
    ]);
    const page = (await projectPage(proposer, id))!;
    expect(page.items).toEqual([
      { label: "不锈钢扶手", amount: 1200 },
      { label: "安装人工", amount: 800 },
    ]);
    expect(page.viewer).toMatchObject({ canEdit: true, steps: ["submit"], canSupport: false });
  });

  it("for a verified organisation serving the community, by a member who lives elsewhere", async () => {
    const id = await propose({ organisationId: String(org) }, orgMember);
    expect(await row(id)).toMatchObject({
      organisationId: org,
      proposerId: orgMember.userId,
      status: "draft",
    });
    // The organisation's other members write it with them.
    const page = (await projectPage(orgMember2, id))!;
    expect(page.project.organisationName).not.toBeNull();
    expect(page.viewer).toMatchObject({ canEdit: true, steps: ["submit"] });
    await run(takeStep, orgMember2, { id, step: "submit" });
    expect((await row(id)).status).toBe("submitted");
  });

  it("refuses people who may not propose here, writing nothing", async () => {
    await expectRefusal(() => propose({}, pendingUser), 403, "errors.forbidden");
    await expectRefusal(() => propose({}, residentThere), 403, "errors.forbidden");
    await expectRefusal(() => propose({}, committee), 403, "errors.forbidden");
    await expectRefusal(() => propose({}, ANONYMOUS), 401, "errors.signInRequired");
    // A resident naming an organisation they do not belong to.
    await expectRefusal(
      () => propose({ organisationId: String(org) }, r(0)),
      403,
      "errors.forbidden",
    );
  });

  it("refuses organisations that are not verified or do not serve the community", async () => {
    const u = await makeUser();
    const unverified = await makeOrganisation({
      communities: [here],
      members: [u],
      status: "pending",
    });
    await expectRefusal(
      async () => propose({ organisationId: String(unverified) }, await actorFor(u)),
      409,
      "project:errors.organisationNotVerified",
    );
    const v = await makeUser();
    const elsewhere = await makeOrganisation({ communities: [there], members: [v] });
    await expectRefusal(
      async () => propose({ organisationId: String(elsewhere) }, await actorFor(v)),
      400,
      "project:errors.organisationDoesNotServe",
    );
  });

  it("refuses a grid of another community, and a place that is not a community", async () => {
    await expectRefusal(
      () => propose({ gridId: String(gridThere) }),
      400,
      "project:errors.badGrid",
    );
    await expectRefusal(
      () => propose({ communityId: String(grid) }),
      400,
      "project:errors.badCommunity",
    );
    await expectRefusal(
      () => propose({ communityId: "999999" }),
      400,
      "project:errors.badCommunity",
    );
  });

  it("keeps a draft from everyone but its writers", async () => {
    const id = await propose({ title: "草稿养老助餐" });
    for (const who of [r(0), committee, ANONYMOUS, orgMember]) {
      expect(await projectPage(who, id)).toBeNull();
    }
    expect((await listProjects({ communityId: here })).items).toEqual([]);
    expect((await listProjects({ communityId: here, status: "draft" })).items).toEqual([]);
    expect((await listProjects({ q: "草稿养老助餐" })).items.map((p) => p.id)).not.toContain(id);
    // Acting on it gives the same answer as a project that does not exist.
    await expectRefusal(() => run(supportProject, r(0), { id }), 404, "project:errors.notFound");
    await expectRefusal(
      () => run(addComment, r(0), { id, body: "好", parentId: null }),
      404,
      "project:errors.notFound",
    );
    await expectRefusal(
      () => run(takeStep, committee, { id, step: "startReview" }),
      404,
      "project:errors.notFound",
    );

    await run(takeStep, proposer, { id, step: "submit" });
    expect(await projectPage(ANONYMOUS, id)).not.toBeNull();
    expect((await listProjects({ communityId: here })).items.map((p) => p.id)).toEqual([id]);
  });
});

describe("editing", () => {
  it("replaces the text and the budget of a draft, with an 'edit' entry", async () => {
    const id = await propose();
    await run(editProject, proposer, {
      ...input({
        title: "三幢楼道扶手和照明",
        gridId: String(grid),
        itemLabel: ["扶手", "感应灯", "人工"],
        itemAmount: ["1000", "300", "700"],
      }),
      id,
      photo: null,
      removePhoto: false,
    });
    expect(await row(id)).toMatchObject({
      title: "三幢楼道扶手和照明",
      gridId: grid,
      budgetTotal: 2000,
      status: "draft",
    });
    expect((await projectPage(proposer, id))!.items).toEqual([
      { label: "扶手", amount: 1000 },
      { label: "感应灯", amount: 300 },
      { label: "人工", amount: 700 },
    ]);
    expect((await history(id)).map((e) => [e.step, e.fromStatus, e.toStatus, e.actorId])).toEqual([
      ["create", null, "draft", proposer.userId],
      ["edit", "draft", "draft", proposer.userId],
    ]);
  });

  it("is closed once submitted, and to everybody but the project's people", async () => {
    const id = await propose();
    // A stranger cannot even see the draft.
    await expectRefusal(
      () => run(editProject, r(0), { ...input(), id, photo: null, removePhoto: false }),
      404,
      "project:errors.notFound",
    );
    await run(takeStep, proposer, { id, step: "submit" });
    await expectRefusal(
      () =>
        run(editProject, proposer, {
          ...input({ title: "提交后修改" }),
          id,
          photo: null,
          removePhoto: false,
        }),
      409,
      "project:errors.notEditable",
    );
    for (const who of [r(0), committee, orgMember]) {
      await expectRefusal(
        () => run(editProject, who, { ...input(), id, photo: null, removePhoto: false }),
        403,
        "errors.forbidden",
      );
    }
    await expectRefusal(
      () => run(editProject, ANONYMOUS, { ...input(), id, photo: null, removePhoto: false }),
      401,
      "errors.signInRequired",
    );
  });

  it("refuses a grid of another community", async () => {
    const id = await propose();
    await expectRefusal(
      () =>
        run(editProject, proposer, {
          ...input({ gridId: String(gridThere) }),
          id,
          photo: null,
          removePhoto: false,
        }),
      400,
      "project:errors.badGrid",
    );
  });

  it("reopens after a return, for the proposer only, and the project is submitted again", async () => {
    const id = await projectIn("underReview");
    await run(takeStep, committee, {
      id,
      step: "return",
      reason: reason("预算里人工费偏高，请说明"),
    });
    expect(await row(id)).toMatchObject({
      status: "returned",
      statusReason: "预算里人工费偏高，请说明",
    });
    expect((await projectPage(proposer, id))!.viewer).toMatchObject({
      canEdit: true,
      steps: ["submit"],
    });
    await expectRefusal(
      () => run(editProject, r(0), { ...input(), id, photo: null, removePhoto: false }),
      403,
      "errors.forbidden",
    );
    await run(editProject, proposer, {
      ...input({ itemLabel: ["扶手", "人工"], itemAmount: ["1200", "500"] }),
      id,
      photo: null,
      removePhoto: false,
    });
    await run(takeStep, proposer, { id, step: "submit" });
    expect(await row(id)).toMatchObject({
      status: "submitted",
      statusReason: null,
      budgetTotal: 1700,
    });
    expect((await history(id)).map((e) => [e.step, e.fromStatus, e.toStatus])).toEqual([
      ["create", null, "draft"],
      ["submit", "draft", "submitted"],
      ["startReview", "submitted", "underReview"],
      ["return", "underReview", "returned"],
      ["edit", "returned", "returned"],
      ["submit", "returned", "submitted"],
    ]);
  });
});

describe("the lifecycle", () => {
  it("goes from draft to completed, recording every step and auditing the committee's", async () => {
    const id = await propose();
    await run(takeStep, proposer, { id, step: "submit" });
    expect((await row(id)).submittedAt).not.toBeNull();
    await run(takeStep, committee, { id, step: "startReview" });
    await run(takeStep, committee, { id, step: "accept", reason: "  " });
    await run(takeStep, committee2, { id, step: "select" });
    await run(takeStep, proposer, { id, step: "start" });
    await run(addProgress, proposer, { id, ...report({ body: "扶手已到货", spent: "1200" }) });
    await run(takeStep, proposer, { id, step: "complete", ...report({ spent: "650" }) });

    expect(await row(id)).toMatchObject({ status: "completed", spentTotal: 1850 });
    const p = proposer.userId;
    const c = committee.userId;
    expect(await history(id)).toEqual([
      { step: "create", fromStatus: null, toStatus: "draft", actorId: p, reason: null },
      { step: "submit", fromStatus: "draft", toStatus: "submitted", actorId: p, reason: null },
      {
        step: "startReview",
        fromStatus: "submitted",
        toStatus: "underReview",
        actorId: c,
        reason: null,
      },
      { step: "accept", fromStatus: "underReview", toStatus: "accepted", actorId: c, reason: null },
      {
        step: "select",
        fromStatus: "accepted",
        toStatus: "selected",
        actorId: committee2.userId,
        reason: null,
      },
      { step: "start", fromStatus: "selected", toStatus: "inProgress", actorId: p, reason: null },
      {
        step: "complete",
        fromStatus: "inProgress",
        toStatus: "completed",
        actorId: p,
        reason: null,
      },
    ]);
    expect(
      (await audit("project", id)).map((a) => [a.action, a.actorId, a.areaId, a.details.step]),
    ).toEqual([
      ["project.review", c, here, "startReview"],
      ["project.review", c, here, "accept"],
      ["project.select", committee2.userId, here, "select"],
      ["project.carryOut", p, here, "start"],
      ["project.carryOut", p, here, "progress"],
      ["project.carryOut", p, here, "complete"],
    ]);
    const page = (await projectPage(ANONYMOUS, id))!;
    expect(page.updates.map((u) => [u.kind, u.spent])).toEqual([
      ["progress", 1200],
      ["final", 650],
    ]);
    expect(page.events).toHaveLength(7);
    for (const who of [proposer, committee, ANONYMOUS]) {
      expect((await projectPage(who, id))!.viewer.steps).toEqual([]);
    }
  });

  it("asks a reason to reject, return or abandon, and keeps it", async () => {
    const id = await projectIn("underReview");
    for (const step of ["reject", "return"] as const) {
      for (const given of [undefined, "", "   "]) {
        await expectRefusal(
          () =>
            run(takeStep, committee, {
              id,
              step,
              ...(given === undefined ? {} : { reason: given }),
            }),
          400,
          "project:errors.reasonRequired",
        );
      }
    }
    await run(takeStep, committee, { id, step: "reject", reason: " 不属于微实事范围 " });
    expect(await row(id)).toMatchObject({ status: "rejected", statusReason: "不属于微实事范围" });
    expect((await history(id)).at(-1)).toEqual({
      step: "reject",
      fromStatus: "underReview",
      toStatus: "rejected",
      actorId: committee.userId,
      reason: "不属于微实事范围",
    });
    expect((await audit("project", id)).at(-1)!.details).toMatchObject({
      step: "reject",
      from: "underReview",
      to: "rejected",
      reason: "不属于微实事范围",
    });
    // Rejected is final.
    await expectRefusal(
      () => run(takeStep, committee, { id, step: "accept" }),
      409,
      "project:errors.stepNotAllowed",
    );
    await expectRefusal(
      () => run(takeStep, proposer, { id, step: "submit" }),
      409,
      "project:errors.stepNotAllowed",
    );

    const other = await projectIn("selected");
    await expectRefusal(
      () => run(takeStep, proposer, { id: other, step: "abandon" }),
      400,
      "project:errors.reasonRequired",
    );
  });

  it("is abandoned with a reason by the committee, audited", async () => {
    const id = await projectIn("inProgress");
    await run(takeStep, committee, { id, step: "abandon", reason: "施工方无法进场" });
    expect(await row(id)).toMatchObject({ status: "abandoned", statusReason: "施工方无法进场" });
    expect((await audit("project", id)).at(-1)).toMatchObject({
      action: "project.abandon",
      actorId: committee.userId,
    });
  });

  it("completes only with a final report", async () => {
    const id = await projectIn("inProgress");
    await expectRefusal(
      () => run(takeStep, proposer, { id, step: "complete" }),
      400,
      "project:errors.reportRequired",
    );
    await run(takeStep, committee, { id, step: "complete", ...report({ spent: "0" }) });
    expect((await row(id)).status).toBe("completed");
  });

  // A final report is a report like the progress ones, which may not be dated in the future.
  it("refuses a final report dated in the future, like a progress report", async () => {
    const id = await projectIn("inProgress");
    await expectRefusal(
      () =>
        run(takeStep, proposer, { id, step: "complete", ...report({ onDate: daysFromNow(30) }) }),
      400,
      "project:errors.dateInFuture",
    );
  });

  it("refuses steps from the wrong status or by the wrong people, writing nothing", async () => {
    const id = await projectIn("submitted");
    await expectRefusal(
      () => run(takeStep, committee, { id, step: "accept" }),
      409,
      "project:errors.stepNotAllowed",
    );
    await expectRefusal(
      () => run(takeStep, proposer, { id, step: "submit" }),
      409,
      "project:errors.stepNotAllowed",
    );
    await expectRefusal(
      () => run(takeStep, proposer, { id, step: "startReview" }),
      403,
      "errors.forbidden",
    );
    await expectRefusal(
      () => run(takeStep, r(0), { id, step: "startReview" }),
      403,
      "errors.forbidden",
    );
    await expectRefusal(
      () => run(takeStep, committeeThere, { id, step: "startReview" }),
      403,
      "errors.forbidden",
    );
    await expectRefusal(
      () => run(takeStep, orgMember, { id, step: "startReview" }),
      403,
      "errors.forbidden",
    );
    await expectRefusal(
      () => run(takeStep, ANONYMOUS, { id, step: "startReview" }),
      401,
      "errors.signInRequired",
    );
    await expectRefusal(
      () => run(takeStep, committee, { id: 999999, step: "startReview" }),
      404,
      "project:errors.notFound",
    );
  });

  it("lets exactly one of two committee members accept at the same moment", async () => {
    const id = await projectIn("underReview");
    const results = await Promise.allSettled([
      run(takeStep, committee, { id, step: "accept" }),
      run(takeStep, committee2, { id, step: "accept" }),
    ]);
    expect(results.map((x) => x.status).sort()).toEqual(["fulfilled", "rejected"]);
    const failure = results.find((x) => x.status === "rejected") as PromiseRejectedResult;
    expect(failure.reason).toBeInstanceOf(DomainError);
    expect(failure.reason).toMatchObject({ status: 409, key: "project:errors.stepNotAllowed" });
    expect((await row(id)).status).toBe("accepted");
    expect((await history(id)).filter((e) => e.step === "accept")).toHaveLength(1);
    expect((await audit("project", id)).filter((a) => a.details.step === "accept")).toHaveLength(1);
  });
});

describe("progress reports", () => {
  it("are taken only while in progress, not from the future, and add up", async () => {
    const selected = await projectIn("selected");
    await expectRefusal(
      () => run(addProgress, proposer, { id: selected, ...report() }),
      409,
      "project:errors.notInProgress",
    );
    const id = await projectIn("inProgress");
    await expectRefusal(
      () => run(addProgress, proposer, { id, ...report({ onDate: daysFromNow(2) }) }),
      400,
      "project:errors.dateInFuture",
    );
    await expectRefusal(() => run(addProgress, r(0), { id, ...report() }), 403, "errors.forbidden");
    await expectRefusal(
      () => run(addProgress, committeeThere, { id, ...report() }),
      403,
      "errors.forbidden",
    );
    await run(addProgress, proposer, { id, ...report({ spent: "300", onDate: daysFromNow(-3) }) });
    await run(addProgress, committee, { id, ...report({ spent: "200" }) });
    expect((await row(id)).spentTotal).toBe(500);
    const page = (await projectPage(ANONYMOUS, id))!;
    expect(page.updates.map((u) => [u.kind, u.spent, u.onDate])).toEqual([
      ["progress", 300, daysFromNow(-3)],
      ["progress", 200, today()],
    ]);
    expect((await projectPage(proposer, id))!.viewer.canReport).toBe(true);
    expect((await projectPage(r(0), id))!.viewer.canReport).toBe(false);
  });
});

describe("supports", () => {
  it("are given once by a verified resident, and withdrawn", async () => {
    const id = await projectIn("submitted");
    await run(supportProject, r(0), { id });
    await run(supportProject, r(1), { id });
    expect((await row(id)).supportCount).toBe(2);
    expect((await projectPage(r(0), id))!.viewer).toMatchObject({
      supported: true,
      canSupport: true,
    });
    await expectRefusal(
      () => run(supportProject, r(0), { id }),
      409,
      "project:errors.alreadySupported",
    );
    await run(withdrawSupport, r(0), { id });
    expect((await row(id)).supportCount).toBe(1);
    expect((await projectPage(r(0), id))!.viewer.supported).toBe(false);
    await expectRefusal(
      () => run(withdrawSupport, r(0), { id }),
      404,
      "project:errors.notSupported",
    );
    await expectRefusal(
      () => run(withdrawSupport, r(2), { id }),
      404,
      "project:errors.notSupported",
    );
  });

  it("counts supports given at the same moment, each once, with some twice over", async () => {
    const id = await projectIn("submitted");
    const many = [...residents];
    for (let i = 0; i < 25; i++) many.push(await makeResident(here));
    // Everyone at once, and every third person twice: the count must equal the rows.
    const tries = [...many, ...many.filter((_, i) => i % 3 === 0)];
    const results = await Promise.allSettled(tries.map((a) => run(supportProject, a, { id })));
    expect(results.filter((x) => x.status === "fulfilled")).toHaveLength(many.length);
    for (const x of results.filter((x) => x.status === "rejected"))
      expect((x as PromiseRejectedResult).reason).toMatchObject({
        key: "project:errors.alreadySupported",
      });
    const rows = await getDb()
      .selectFrom("projectSupports")
      .select("userId")
      .where("projectId", "=", id)
      .execute();
    expect(rows).toHaveLength(many.length);
    expect((await row(id)).supportCount).toBe(many.length);
  });

  it("cannot land after a decision that races it: the decision commits first, the support is refused", async () => {
    // The committee's rejection is sent first; a resident's support follows while it is on its
    // way. Both are checked against the project's status inside their own transaction, so the
    // support sees the rejection and is refused, and the record shows no support.
    for (let round = 0; round < 5; round++) {
      const id = await projectIn("underReview");
      const [decided, supported] = await Promise.allSettled([
        run(takeStep, committee, { id, step: "reject", reason: "预算超出社区承受能力" }),
        run(supportProject, r(round), { id }),
      ]);
      expect(decided.status).toBe("fulfilled");
      const supports = await getDb()
        .selectFrom("projectSupports")
        .select("userId")
        .where("projectId", "=", id)
        .execute();
      // SQLite commits in the order sent. PostgreSQL runs both at once and may serialise the
      // support first: then it landed before the decision and counts, in the count and the rows
      // alike. Never may a support land after the decision.
      if (isPostgres(getDb()) && supported.status === "fulfilled") {
        expect(await row(id)).toMatchObject({ status: "rejected", supportCount: 1 });
        expect(supports).toHaveLength(1);
        continue;
      }
      expect(supported.status).toBe("rejected");
      expect(supported.status === "rejected" && supported.reason).toMatchObject({
        status: 409,
        key: "project:errors.notSupportable",
      });
      expect(await row(id)).toMatchObject({ status: "rejected", supportCount: 0 });
      expect(supports).toEqual([]);
    }
  });

  it("cannot be withdrawn once the project is decided: the count is part of the record", async () => {
    const id = await projectIn("underReview");
    await run(supportProject, r(0), { id });
    await run(takeStep, committee, { id, step: "reject", reason: "预算超出社区承受能力" });
    await expectRefusal(
      () => run(withdrawSupport, r(0), { id }),
      409,
      "project:errors.notSupportable",
    );
    expect((await row(id)).supportCount).toBe(1);
  });

  it("are refused to people who are not verified residents of the community", async () => {
    const id = await projectIn("submitted");
    await expectRefusal(() => run(supportProject, pendingUser, { id }), 403, "errors.forbidden");
    await expectRefusal(() => run(supportProject, residentThere, { id }), 403, "errors.forbidden");
    await expectRefusal(() => run(supportProject, committee, { id }), 403, "errors.forbidden");
    await expectRefusal(() => run(supportProject, ANONYMOUS, { id }), 401, "errors.signInRequired");
    expect((await projectPage(pendingUser, id))!.viewer.canSupport).toBe(false);
  });

  it("are taken before the work starts, and not on drafts or decided projects", async () => {
    for (const status of ["submitted", "underReview", "accepted", "selected"] as const) {
      const id = await projectIn(status);
      await run(supportProject, r(0), { id });
      expect((await row(id)).supportCount).toBe(1);
    }
    // The proposer sees their draft (a stranger would get 404).
    const draft = await projectIn("draft");
    await expectRefusal(
      () => run(supportProject, proposer, { id: draft }),
      409,
      "project:errors.notSupportable",
    );
    for (const status of [
      "rejected",
      "returned",
      "inProgress",
      "completed",
      "abandoned",
    ] as const) {
      const id = await projectIn(status);
      await expectRefusal(
        () => run(supportProject, r(0), { id }),
        409,
        "project:errors.notSupportable",
      );
      expect((await projectPage(r(0), id))!.viewer.canSupport).toBe(false);
    }
  });
});

describe("the support threshold", () => {
  const threshold = (s: string) => thresholdSchema.parse({ threshold: s }).threshold;

  it("moves a submitted project under review when the Nth support arrives", async () => {
    await run(setSupportThreshold, committee, { communityId: here, threshold: threshold("2") });
    expect(await audit("community", here)).toEqual([
      {
        action: "community.settings",
        actorId: committee.userId,
        areaId: here,
        details: { supportThreshold: 2 },
      },
    ]);
    const id = await projectIn("submitted");
    await run(supportProject, r(0), { id });
    expect((await row(id)).status).toBe("submitted");
    await run(supportProject, r(1), { id });
    expect((await row(id)).status).toBe("underReview");
    expect((await history(id)).at(-1)).toEqual({
      step: "autoReview",
      fromStatus: "submitted",
      toStatus: "underReview",
      actorId: null,
      reason: "2",
    });
    await run(supportProject, r(2), { id });
    expect((await history(id)).filter((e) => e.step === "autoReview")).toHaveLength(1);
    expect((await reviewQueue(committee, here)).map((p) => [p.id, p.status])).toEqual([
      [id, "underReview"],
    ]);
  });

  it("moves at once the projects that already have enough, and only those", async () => {
    const three = await projectIn("submitted");
    const one = await projectIn("submitted");
    const accepted = await projectIn("accepted");
    for (const i of [0, 1, 2]) await run(supportProject, r(i), { id: three });
    await run(supportProject, r(0), { id: one });
    for (const i of [0, 1, 2]) await run(supportProject, r(i), { id: accepted });
    await run(setSupportThreshold, committee, { communityId: here, threshold: threshold("4") });
    expect((await row(three)).status).toBe("submitted");
    await run(setSupportThreshold, committee, { communityId: here, threshold: threshold("3") });
    expect((await row(three)).status).toBe("underReview");
    expect((await history(three)).at(-1)).toMatchObject({ step: "autoReview", actorId: null });
    expect((await row(one)).status).toBe("submitted");
    expect((await row(accepted)).status).toBe("accepted");
  });

  it("stops moving projects once cleared, and belongs to one community", async () => {
    await run(setSupportThreshold, committee, { communityId: here, threshold: threshold("1") });
    await run(setSupportThreshold, committee, { communityId: here, threshold: threshold("") });
    const id = await projectIn("submitted");
    await run(supportProject, r(0), { id });
    expect((await row(id)).status).toBe("submitted");
    await run(setSupportThreshold, committeeThere, {
      communityId: there,
      threshold: threshold("1"),
    });
    expect((await row(id)).status).toBe("submitted");
  });

  it("counts supports gathered before a return when the project comes back", async () => {
    const id = await projectIn("submitted");
    await run(supportProject, r(0), { id });
    await run(supportProject, r(1), { id });
    await run(takeStep, committee, { id, step: "startReview" });
    await run(takeStep, committee, { id, step: "return", reason: "请补充预算" });
    await run(setSupportThreshold, committee, { communityId: here, threshold: threshold("2") });
    expect((await row(id)).status).toBe("returned");
    await run(takeStep, proposer, { id, step: "submit" });
    expect((await row(id)).status).toBe("underReview");
    expect((await history(id)).slice(-2).map((e) => [e.step, e.actorId])).toEqual([
      ["submit", proposer.userId],
      ["autoReview", null],
    ]);
  });

  it("is set by the community's committee only", async () => {
    await expectRefusal(
      () => run(setSupportThreshold, r(0), { communityId: here, threshold: 2 }),
      403,
      "errors.forbidden",
    );
    await expectRefusal(
      () => run(setSupportThreshold, committeeThere, { communityId: here, threshold: 2 }),
      403,
      "errors.forbidden",
    );
    await expectRefusal(
      () => run(setSupportThreshold, ANONYMOUS, { communityId: here, threshold: 2 }),
      401,
      "errors.signInRequired",
    );
  });

  it("refuses a threshold that is not a whole number from 1 to 10000, even from a caller that skipped the form", async () => {
    for (const bad of [0, -1, 1.5, 10_001, Number.NaN]) {
      await expectRefusal(
        () => run(setSupportThreshold, committee, { communityId: here, threshold: bad }),
        400,
        "project:errors.badThreshold",
      );
    }
  });
});

describe("ratings", () => {
  it("are given once per resident, 1 to 5, to completed projects only", async () => {
    const inProgress = await projectIn("inProgress");
    await expectRefusal(
      () => run(rateProject, r(0), { id: inProgress, score: 5 }),
      409,
      "project:errors.notCompleted",
    );
    const id = await projectIn("completed");
    for (const bad of [0, 6, 2.5, Number.NaN]) {
      await expectRefusal(
        () => run(rateProject, r(0), { id, score: bad }),
        400,
        "project:errors.badScore",
      );
    }
    await expectRefusal(
      () => run(rateProject, pendingUser, { id, score: 5 }),
      403,
      "errors.forbidden",
    );
    await expectRefusal(
      () => run(rateProject, residentThere, { id, score: 5 }),
      403,
      "errors.forbidden",
    );
    expect((await projectPage(r(0), id))!.viewer.canRate).toBe(true);
    await run(rateProject, r(0), { id, score: ratingSchema.parse({ score: "4" }).score });
    await run(rateProject, r(1), { id, score: ratingSchema.parse({ score: "5" }).score });
    await expectRefusal(
      () => run(rateProject, r(0), { id, score: 1 }),
      409,
      "project:errors.alreadyRated",
    );
    const page = (await projectPage(r(0), id))!;
    expect(page.project).toMatchObject({ ratingCount: 2, averageRating: 4.5 });
    expect(page.viewer).toMatchObject({ rated: 4, canRate: false });
  });
});

describe("comments", () => {
  const body = (s: string) => commentSchema.parse({ body: s }).body;

  it("are written by verified residents, with one level of replies", async () => {
    const id = await projectIn("submitted");
    const top = await run(addComment, r(0), {
      id,
      body: body("扶手的材料用什么？"),
      parentId: null,
    });
    const reply = await run(addComment, r(1), { id, body: body("不锈钢的"), parentId: top });
    await expectRefusal(
      () => run(addComment, r(2), { id, body: body("回复的回复"), parentId: reply }),
      400,
      "project:errors.badParent",
    );
    const other = await projectIn("submitted");
    const elsewhere = await run(addComment, r(0), {
      id: other,
      body: body("别处的评论"),
      parentId: null,
    });
    await expectRefusal(
      () => run(addComment, r(2), { id, body: body("挂错了"), parentId: elsewhere }),
      400,
      "project:errors.badParent",
    );
    await expectRefusal(
      () => run(addComment, r(2), { id, body: body("无此"), parentId: 999999 }),
      400,
      "project:errors.badParent",
    );
    const page = (await projectPage(ANONYMOUS, id))!;
    expect(page.comments.map((c) => [c.id, c.parentId, c.body])).toEqual([
      [top, null, "扶手的材料用什么？"],
      [reply, top, "不锈钢的"],
    ]);
    expect(page.viewer.canComment).toBe(false);
  });

  it("are refused to people who are not verified residents, and on drafts", async () => {
    const id = await projectIn("submitted");
    await expectRefusal(
      () => run(addComment, pendingUser, { id, body: "你好", parentId: null }),
      403,
      "errors.forbidden",
    );
    await expectRefusal(
      () => run(addComment, residentThere, { id, body: "你好", parentId: null }),
      403,
      "errors.forbidden",
    );
    await expectRefusal(
      () => run(addComment, ANONYMOUS, { id, body: "你好", parentId: null }),
      401,
      "errors.signInRequired",
    );
    const draft = await projectIn("draft");
    await expectRefusal(
      () => run(addComment, proposer, { id: draft, body: "自己评论草稿", parentId: null }),
      409,
      "project:errors.notCommentable",
    );
  });

  it("are limited to five a minute per person", async () => {
    const id = await projectIn("submitted");
    const talker = r(3);
    for (let i = 0; i < 5; i++)
      await run(addComment, talker, { id, body: `第${i + 1}条`, parentId: null });
    await expectRefusal(
      () => run(addComment, talker, { id, body: "第6条", parentId: null }),
      429,
      "project:errors.commentRate",
    );
    // Someone else is not held back by it.
    await run(addComment, r(4), { id, body: "我也说一句", parentId: null });
  });
});

describe("flags and moderation", () => {
  let id: number;
  let comment: number;
  beforeEach(async () => {
    id = await projectIn("submitted");
    comment = await run(addComment, r(0), { id, body: "这个项目就是浪费钱", parentId: null });
  });
  const view = async (who: Actor) =>
    (await projectPage(who, id))!.comments.find((c) => c.id === comment)!;

  it("are refused on one's own comment, twice, and to non-residents", async () => {
    await expectRefusal(
      () => run(flagComment, r(0), { commentId: comment, reason: "spam" }),
      409,
      "project:errors.flagOwn",
    );
    await run(flagComment, r(1), { commentId: comment, reason: "abuse" });
    await expectRefusal(
      () => run(flagComment, r(1), { commentId: comment, reason: "abuse" }),
      409,
      "project:errors.alreadyFlagged",
    );
    await expectRefusal(
      () => run(flagComment, pendingUser, { commentId: comment, reason: "abuse" }),
      403,
      "errors.forbidden",
    );
    await expectRefusal(
      () => run(flagComment, residentThere, { commentId: comment, reason: "abuse" }),
      403,
      "errors.forbidden",
    );
    await expectRefusal(
      () => run(flagComment, r(2), { commentId: 999999, reason: "abuse" }),
      404,
      "project:errors.commentNotFound",
    );
    expect((await view(r(1))).flaggedByMe).toBe(true);
    expect((await view(r(2))).flaggedByMe).toBe(false);
  });

  it("hide a comment at three, until the committee restores it for good", async () => {
    await run(flagComment, r(1), { commentId: comment, reason: "abuse" });
    await run(flagComment, r(2), { commentId: comment, reason: "abuse" });
    expect((await view(ANONYMOUS)).hidden).toBe(false);
    await run(flagComment, r(3), { commentId: comment, reason: "abuse" });
    expect(await view(ANONYMOUS)).toMatchObject({
      hidden: true,
      hiddenByFlags: true,
      body: null,
      flagCount: 0,
    });
    // The author and the committee still read it.
    expect((await view(r(0))).body).toBe("这个项目就是浪费钱");
    expect(await view(committee)).toMatchObject({ body: "这个项目就是浪费钱", flagCount: 3 });

    await expectRefusal(
      () => run(restoreComment, r(1), { commentId: comment }),
      403,
      "errors.forbidden",
    );
    await run(restoreComment, committee, { commentId: comment });
    expect(await view(ANONYMOUS)).toMatchObject({ hidden: false, body: "这个项目就是浪费钱" });
    expect(
      (await audit("projectComment", comment)).map((a) => [a.action, a.actorId, a.details]),
    ).toEqual([["project.moderate", committee.userId, { change: "restored" }]]);
    // Reviewed: more flags no longer hide it.
    await run(flagComment, r(4), { commentId: comment, reason: "abuse" });
    expect((await view(committee)).flagCount).toBe(4);
    expect((await view(ANONYMOUS)).hidden).toBe(false);
  });

  it("committee hides with a reason, audited; residents may not", async () => {
    await expectRefusal(
      () => run(hideComment, r(1), { commentId: comment, reason: "人身攻击" }),
      403,
      "errors.forbidden",
    );
    await expectRefusal(
      () => run(hideComment, committeeThere, { commentId: comment, reason: "人身攻击" }),
      403,
      "errors.forbidden",
    );
    await expectRefusal(
      () => run(restoreComment, committee, { commentId: comment }),
      409,
      "project:errors.notHidden",
    );
    await run(hideComment, committee, { commentId: comment, reason: "人身攻击" });
    expect(await view(ANONYMOUS)).toMatchObject({
      hidden: true,
      hiddenByFlags: false,
      hiddenReason: "人身攻击",
      body: null,
    });
    expect(await audit("projectComment", comment)).toEqual([
      {
        action: "project.moderate",
        actorId: committee.userId,
        areaId: here,
        details: { change: "hidden", reason: "人身攻击" },
      },
    ]);
    await expectRefusal(
      () => run(hideComment, committee, { commentId: comment, reason: "再次" }),
      409,
      "project:errors.alreadyHidden",
    );
  });
});

describe("the list", () => {
  let care: number;
  let lift: number;
  let far: number;
  let mine: number[];
  beforeEach(async () => {
    care = await projectIn("submitted", {
      title: "社区养老助餐点",
      summary: "在活动室开设老年助餐点，每天中午供餐",
      category: "elderlyCare",
    });
    lift = await projectIn("submitted", {
      title: "三幢加装电梯意见征集",
      summary: "为三幢加装电梯征集意见并做可行性评估",
      category: "communityService",
    });
    far = await run(proposeProject, residentThere, {
      ...input({
        communityId: String(there),
        title: "亲子读书角",
        summary: "在社区图书室设立亲子读书角",
        category: "culture",
      }),
      photo: null,
    });
    await run(takeStep, residentThere, { id: far, step: "submit" });
    // A draft that would match everything: it must never be listed.
    const draft = await projectIn("draft", {
      title: "养老加装草稿",
      summary: "养老和加装电梯的草稿还没写完",
      category: "elderlyCare",
    });
    await run(supportProject, r(0), { id: care });
    await run(supportProject, r(1), { id: care });
    mine = [care, lift, far, draft];
  });

  const ids = async (filters: Parameters<typeof listProjects>[0]) =>
    (await listProjects(filters)).items.map((p) => p.id).filter((i) => mine.includes(i));

  it("shows the newest first, or the most supported", async () => {
    expect(await ids({})).toEqual([far, lift, care]);
    expect(await ids({ sort: "supported", communityId: here })).toEqual([care, lift]);
    const page = await listProjects({ communityId: here });
    expect(page.total).toBe(2);
    expect(page.items.find((p) => p.id === care)).toMatchObject({
      supportCount: 2,
      budgetTotal: 2000,
      status: "submitted",
      organisationName: null,
    });
  });

  it("filters by community, category and status", async () => {
    expect(await ids({ communityId: here })).toEqual([lift, care]);
    expect(await ids({ communityId: there })).toEqual([far]);
    expect(await ids({ category: "elderlyCare" })).toEqual([care]);
    expect(await ids({ category: "culture", communityId: here })).toEqual([]);
    await run(takeStep, committee, { id: lift, step: "startReview" });
    expect(await ids({ status: "underReview" })).toEqual([lift]);
    expect(await ids({ status: "submitted", communityId: here })).toEqual([care]);
  });

  it("searches Chinese words, never listing drafts", async () => {
    const found = await listProjects({ q: "养老" });
    expect(found.searched).toBe(true);
    expect(found.items.map((p) => p.id).filter((i) => mine.includes(i))).toEqual([care]);
    expect(await ids({ q: "加装" })).toEqual([lift]);
    expect(await ids({ q: "加装", communityId: there })).toEqual([]);
    expect(await ids({ q: "读书" })).toEqual([far]);
  });

  it("puts submitted projects in the committee's queue, for that committee only", async () => {
    expect((await reviewQueue(committee, here)).map((p) => p.id)).toEqual([care, lift]);
    expect((await refusal(reviewQueue(r(0), here))).status).toBe(403);
    expect((await refusal(reviewQueue(committeeThere, here))).status).toBe(403);
  });
});

describe("photos", () => {
  const png = () =>
    sharp({ create: { width: 50, height: 50, channels: 3, background: "#369" } })
      .png()
      .toBuffer();

  it("stores a PNG with the project, seen with the project", async () => {
    const before = await uploadedFiles();
    const id = await run(proposeProject, proposer, { ...input(), photo: await png() });
    const name = await projectPhoto(proposer, id);
    expect(name).toMatch(/^[0-9a-f]{32}\.webp$/);
    expect(await uploadedFiles()).toEqual([...before, name!].sort());
    expect((await projectPage(proposer, id))!.project.hasPhoto).toBe(true);
    // A draft's photo is as private as the draft.
    expect(await projectPhoto(ANONYMOUS, id)).toBeNull();
    await run(takeStep, proposer, { id, step: "submit" });
    expect(await projectPhoto(ANONYMOUS, id)).toBe(name);
  });

  it("refuses a text file as a photo, storing nothing anywhere", async () => {
    await expectRefusal(
      async () =>
        run(proposeProject, proposer, {
          ...input(),
          photo: new TextEncoder().encode("not a picture\n"),
        }),
      400,
      "project:errors.photoNotImage",
    );
  });

  it("stores nothing when the proposal itself is refused", async () => {
    await expectRefusal(
      async () => run(proposeProject, pendingUser, { ...input(), photo: await png() }),
      403,
      "errors.forbidden",
    );
  });

  it("replaces and removes the photo on edit, deleting the old one", async () => {
    const id = await run(proposeProject, proposer, { ...input(), photo: await png() });
    const first = (await projectPhoto(proposer, id))!;
    await run(editProject, proposer, { ...input(), id, photo: await png(), removePhoto: false });
    const second = (await projectPhoto(proposer, id))!;
    expect(second).not.toBe(first);
    expect(await uploadedFiles()).toContain(second);
    expect(await uploadedFiles()).not.toContain(first);
    await run(editProject, proposer, { ...input(), id, photo: null, removePhoto: true });
    expect(await projectPhoto(proposer, id)).toBeNull();
    expect(await uploadedFiles()).not.toContain(second);
  });
});
