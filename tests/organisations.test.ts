/** Social organisations: applying, the committee's decision, the directory, members. */
import { beforeEach, describe, expect, it } from "vitest";
import { getDb } from "../db/client.server";
import { parseLoginId } from "~/domain/accounts/schemas";
import { ANONYMOUS, type Actor } from "~/domain/permissions/policy";
import { organisationSchema } from "~/domain/projects/schemas";
import {
  acceptInvitation,
  applyOrganisation,
  declineInvitation,
  declineOrganisation,
  editOrganisation,
  inviteMember,
  removeMember,
  verifyOrganisation,
} from "~/services/organisations/commands.server";
import {
  listOrganisations,
  organisationPage,
  pendingOrganisations,
  proposingOrganisations,
} from "~/services/organisations/queries.server";
import { run } from "~/services/runner/command.server";
import {
  actorFor,
  makeCommittee,
  makeCommunity,
  makeUser,
  wholeDbSnapshot,
} from "./support/factories";
import { refusal } from "./support/refusal";

let here: number;
let there: number;
let elsewhere: number;
let creatorId: number;
let creator: Actor;
let committeeHere: Actor;
let committeeThere: Actor;
let committeeElsewhere: Actor;
let stranger: Actor;
let admin: Actor;
let n = 0;

beforeEach(async () => {
  here = await makeCommunity("here");
  there = await makeCommunity("there");
  elsewhere = await makeCommunity("elsewhere");
  creatorId = await makeUser({ displayName: "王社长" });
  creator = await actorFor(creatorId);
  const committee = async (community: number) => {
    const id = await makeUser();
    await makeCommittee(id, community);
    return actorFor(id);
  };
  committeeHere = await committee(here);
  committeeThere = await committee(there);
  committeeElsewhere = await committee(elsewhere);
  stranger = await actorFor(await makeUser());
  admin = await actorFor(await makeUser({ isAdmin: true }));
});

function listing(over: Record<string, unknown> = {}) {
  return organisationSchema.parse({
    name: `阳光养老服务社${++n}`,
    tier: "registered",
    registrationNumber: "",
    services: ["elderlyCare", "culture"],
    communities: [String(here), String(there)],
    description: "为社区老人提供养老助餐、陪伴和文化活动",
    contact: "",
    ...over,
  });
}

/** The refusal must carry this status and key, and leave every table as it was. */
async function expectRefusal(fn: () => Promise<unknown>, status: number, key: string) {
  const before = await wholeDbSnapshot();
  const err = await refusal(fn());
  expect({ status: err.status, key: err.key }).toEqual({ status, key });
  expect(await wholeDbSnapshot()).toEqual(before);
  return err;
}

const orgRow = (id: number) =>
  getDb().selectFrom("organisations").selectAll().where("id", "=", id).executeTakeFirstOrThrow();

const memberRows = (id: number) =>
  getDb()
    .selectFrom("organisationMembers")
    .select(["userId", "role", "status"])
    .where("organisationId", "=", id)
    .orderBy("userId")
    .execute();

/**
 * The directory's ids, among the given organisations: the database is shared by the whole file,
 * so other tests' listings are there too.
 */
const directoryIds = async (filters: Parameters<typeof listOrganisations>[0], among: number[]) =>
  (await listOrganisations(filters)).items.map((i) => i.id).filter((id) => among.includes(id));

async function userWithLogin(username: string) {
  const id = await makeUser({ username, displayName: username });
  return { id, login: parseLoginId(username)! };
}

/** An organisation verified by the committee here, with its creator as admin. */
async function verifiedOrg(over: Record<string, unknown> = {}) {
  const id = await run(applyOrganisation, creator, listing(over));
  await run(verifyOrganisation, committeeHere, { id, reason: "" });
  creator = await actorFor(creatorId);
  return id;
}

describe("applying", () => {
  it("makes the applicant the listing's active admin, and the listing pending", async () => {
    const input = listing({ registrationNumber: "52330100MJ1234567X" });
    const id = await run(applyOrganisation, creator, input);
    expect(await orgRow(id)).toMatchObject({
      name: input.name,
      tier: "registered",
      registrationNumber: "52330100MJ1234567X",
      status: "pending",
      createdBy: creatorId,
      decidedBy: null,
    });
    expect(await memberRows(id)).toEqual([{ userId: creatorId, role: "admin", status: "active" }]);
    const me = await actorFor(creatorId);
    expect(me.orgMemberOf).toEqual([id]);
    expect(me.orgAdminOf).toEqual([id]);
    const page = (await organisationPage(me, id))!;
    expect(page.services.sort()).toEqual(["culture", "elderlyCare"]);
    expect(page.communities.map((c) => c.id).sort()).toEqual([here, there].sort());
    expect(page).toMatchObject({ isMember: true, canEdit: true, canDecide: false, memberCount: 1 });
  });

  it("keeps a pending listing out of the directory and from strangers", async () => {
    const id = await run(applyOrganisation, creator, listing());
    expect(await directoryIds({}, [id])).toEqual([]);
    expect(await organisationPage(ANONYMOUS, id)).toBeNull();
    expect(await organisationPage(stranger, id)).toBeNull();
    // A committee whose community the listing does not serve has nothing to do with it.
    expect(await organisationPage(committeeElsewhere, id)).toBeNull();
    expect(await organisationPage(creator, id)).not.toBeNull();
    expect(await organisationPage(admin, id)).not.toBeNull();
    const forCommittee = (await organisationPage(committeeThere, id))!;
    expect(forCommittee).toMatchObject({ canDecide: true, isMember: false, members: [] });
    expect(forCommittee.memberCount).toBe(1);
  });

  it("puts the listing in the queue of every served community's committee", async () => {
    const id = await run(applyOrganisation, creator, listing());
    expect((await pendingOrganisations(committeeHere, here)).map((o) => o.id)).toEqual([id]);
    expect((await pendingOrganisations(committeeThere, there)).map((o) => o.id)).toEqual([id]);
    expect(await pendingOrganisations(committeeElsewhere, elsewhere)).toEqual([]);
    expect((await refusal(pendingOrganisations(committeeHere, there))).status).toBe(403);
  });

  it("refuses the signed-out, and communities that are not communities", async () => {
    await expectRefusal(
      () => run(applyOrganisation, ANONYMOUS, listing()),
      401,
      "errors.signInRequired",
    );
    const street = (await getDb()
      .selectFrom("areas")
      .select("parentId")
      .where("id", "=", here)
      .executeTakeFirstOrThrow())!.parentId!;
    await expectRefusal(
      () =>
        run(applyOrganisation, creator, listing({ communities: [String(here), String(street)] })),
      400,
      "project:errors.pickCommunity",
    );
    await expectRefusal(
      () => run(applyOrganisation, creator, listing({ communities: ["999999"] })),
      400,
      "project:errors.pickCommunity",
    );
  });
});

describe("the committee's decision", () => {
  it("verifies, once, with an audit entry; a second decision is refused", async () => {
    const id = await run(applyOrganisation, creator, listing());
    await run(verifyOrganisation, committeeHere, { id, reason: "" });
    expect(await orgRow(id)).toMatchObject({
      status: "verified",
      decidedBy: committeeHere.userId,
      decisionReason: null,
    });
    const audit = await getDb()
      .selectFrom("auditLog")
      .selectAll()
      .where("action", "=", "organisation.decide")
      .where("subjectId", "=", id)
      .execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      actorId: committeeHere.userId,
      areaId: here,
      subjectType: "organisation",
      subjectId: id,
    });
    expect(JSON.parse(audit[0]!.details)).toMatchObject({ decision: "verify" });
    expect(await directoryIds({}, [id])).toEqual([id]);
    expect((await organisationPage(ANONYMOUS, id))!.organisation.decidedByName).not.toBeNull();

    await expectRefusal(
      () => run(declineOrganisation, committeeThere, { id, reason: "重复" }),
      409,
      "project:errors.organisationDecided",
    );
  });

  it("lets only a committee of a served community decide", async () => {
    const id = await run(applyOrganisation, creator, listing());
    for (const who of [committeeElsewhere, stranger, creator, admin]) {
      await expectRefusal(
        () => run(verifyOrganisation, who, { id, reason: "" }),
        403,
        "errors.forbidden",
      );
    }
    await expectRefusal(
      () => run(verifyOrganisation, ANONYMOUS, { id, reason: "" }),
      401,
      "errors.signInRequired",
    );
    await expectRefusal(
      () => run(verifyOrganisation, committeeHere, { id: 999999, reason: "" }),
      404,
      "project:errors.organisationNotFound",
    );
  });

  it("declines only with a reason, and keeps a declined listing out of the directory", async () => {
    const id = await run(applyOrganisation, creator, listing());
    for (const reason of ["", "   "]) {
      await expectRefusal(
        () => run(declineOrganisation, committeeThere, { id, reason }),
        400,
        "project:errors.reasonRequired",
      );
    }
    await run(declineOrganisation, committeeThere, { id, reason: "  缺少登记证书  " });
    expect(await orgRow(id)).toMatchObject({
      status: "declined",
      decidedBy: committeeThere.userId,
      decisionReason: "缺少登记证书",
    });
    expect(await directoryIds({}, [id])).toEqual([]);
    expect(await organisationPage(stranger, id)).toBeNull();
    expect((await organisationPage(creator, id))!.organisation.decisionReason).toBe("缺少登记证书");
  });

  it("lets exactly one of two simultaneous decisions through", async () => {
    const id = await run(applyOrganisation, creator, listing());
    const results = await Promise.allSettled([
      run(verifyOrganisation, committeeHere, { id, reason: "" }),
      run(declineOrganisation, committeeThere, { id, reason: "不合格" }),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const rejected = results.filter((r) => r.status === "rejected");
    expect(rejected.map((r) => (r as PromiseRejectedResult).reason.status)).toEqual([409]);
    const audit = await getDb()
      .selectFrom("auditLog")
      .select("id")
      .where("action", "=", "organisation.decide")
      .where("subjectId", "=", id)
      .execute();
    expect(audit).toHaveLength(1);
  });
});

describe("the directory", () => {
  let care: number;
  let reading: number;
  let mine: number[];
  beforeEach(async () => {
    care = await verifiedOrg({
      name: "阳光养老服务社",
      services: "elderlyCare",
      communities: String(here),
      tier: "registered",
      description: "为社区老人提供养老助餐和上门探访",
    });
    reading = await run(
      applyOrganisation,
      creator,
      listing({
        name: "Riverside Reading Club",
        services: "culture",
        communities: String(there),
        tier: "charity",
        description: "Weekly reading hours for children and their grandparents",
      }),
    );
    await run(verifyOrganisation, committeeThere, { id: reading, reason: "" });
    // Matching every filter below, but never verified: it must never show.
    const pending = await run(
      applyOrganisation,
      creator,
      listing({
        name: "待审养老 Reading 社",
        services: ["elderlyCare", "culture"],
        communities: [String(here), String(there)],
        tier: "charity",
        description: "养老 reading 尚未审核的组织",
      }),
    );
    const declined = await run(
      applyOrganisation,
      creator,
      listing({ name: "被拒养老 Reading 社", description: "养老 reading 被拒绝的组织" }),
    );
    await run(declineOrganisation, committeeHere, { id: declined, reason: "材料不全" });
    mine = [care, reading, pending, declined];
  });

  it("lists verified organisations only, by name", async () => {
    const all = await listOrganisations({});
    expect(all.items.map((i) => i.id).filter((id) => mine.includes(id))).toEqual([reading, care]);
    expect(all.searched).toBe(false);
    const local = await listOrganisations({ communityId: here });
    expect(local.total).toBe(1);
    expect(local.items).toHaveLength(1);
    expect(local.items[0]).toMatchObject({
      id: care,
      services: ["elderlyCare"],
      completed: 0,
      tier: "registered",
    });
  });

  it("filters by service, community and tier", async () => {
    expect(await directoryIds({ service: "elderlyCare" }, mine)).toEqual([care]);
    expect(await directoryIds({ service: "culture" }, mine)).toEqual([reading]);
    expect(await directoryIds({ service: "mediation" }, mine)).toEqual([]);
    expect(await directoryIds({ communityId: here }, mine)).toEqual([care]);
    expect(await directoryIds({ communityId: there }, mine)).toEqual([reading]);
    expect(await directoryIds({ communityId: elsewhere }, mine)).toEqual([]);
    expect(await directoryIds({ tier: "charity" }, mine)).toEqual([reading]);
    expect(await directoryIds({ tier: "filed" }, mine)).toEqual([]);
    expect(await directoryIds({ tier: "charity", communityId: here }, mine)).toEqual([]);
  });

  it("searches Chinese and English words", async () => {
    const zh = await listOrganisations({ q: "养老" });
    expect(zh.items.map((i) => i.id).filter((id) => mine.includes(id))).toEqual([care]);
    expect(zh.searched).toBe(true);
    expect(await directoryIds({ q: "reading" }, mine)).toEqual([reading]);
    expect(await directoryIds({ q: "GRANDPARENTS" }, mine)).toEqual([reading]);
    expect(await directoryIds({ q: "养老", communityId: there }, mine)).toEqual([]);
    expect(await directoryIds({ q: "停车" }, mine)).toEqual([]);
    expect(await listOrganisations({ q: "  ，。 " })).toEqual({
      items: [],
      total: 0,
      searched: true,
    });
  });

  it("offers only verified organisations to propose for", async () => {
    const pending = await run(applyOrganisation, creator, listing());
    creator = await actorFor(creatorId);
    expect(creator.orgMemberOf).toContain(pending);
    const offered = await proposingOrganisations(creator);
    expect(offered.map((o) => o.id).sort()).toEqual([care, reading].sort());
    expect(offered.find((o) => o.id === care)!.communityIds).toEqual([here]);
    expect(await proposingOrganisations(stranger)).toEqual([]);
  });
});

describe("editing the listing", () => {
  it("is for its admins: the text, services, communities and search index change", async () => {
    const id = await verifiedOrg({ name: "阳光养老服务社", description: "为社区老人提供养老助餐" });
    await run(editOrganisation, creator, {
      ...listing({
        name: "阳光助残服务社",
        services: "hardship",
        communities: String(elsewhere),
        description: "为残疾人家庭提供上门帮扶",
      }),
      id,
    });
    // Serving a community whose committee has not checked it: back to verification, out of the
    // directory until that committee verifies it.
    expect((await orgRow(id)).status).toBe("pending");
    expect(await directoryIds({}, [id])).toEqual([]);
    expect((await pendingOrganisations(committeeElsewhere, elsewhere)).map((o) => o.id)).toEqual([
      id,
    ]);
    await run(verifyOrganisation, committeeElsewhere, { id, reason: "" });
    const page = (await organisationPage(ANONYMOUS, id))!;
    expect(page.organisation.name).toBe("阳光助残服务社");
    expect(page.services).toEqual(["hardship"]);
    expect(page.communities.map((c) => c.id)).toEqual([elsewhere]);
    expect(await directoryIds({ q: "养老" }, [id])).toEqual([]);
    expect(await directoryIds({ q: "助残" }, [id])).toEqual([id]);
    expect(await directoryIds({ communityId: here }, [id])).toEqual([]);
    expect(await directoryIds({ communityId: elsewhere }, [id])).toEqual([id]);
  });

  it("keeps a verified listing verified when it only drops a community or changes its text", async () => {
    const id = await verifiedOrg({ communities: [String(here), String(there)] });
    await run(editOrganisation, creator, {
      ...listing({ communities: String(here), description: "只在本社区开展助老服务活动" }),
      id,
    });
    expect((await orgRow(id)).status).toBe("verified");
    expect(await directoryIds({ q: "助老" }, [id])).toEqual([id]);
  });

  it("refuses members who are not admins, strangers and committees", async () => {
    const id = await verifiedOrg();
    const member = await userWithLogin("plainmember");
    await run(inviteMember, creator, { id, login: member.login, role: "member" });
    await run(acceptInvitation, await actorFor(member.id), { id });
    for (const who of [await actorFor(member.id), stranger, committeeHere, admin]) {
      await expectRefusal(
        () => run(editOrganisation, who, { ...listing({ name: "改名了" }), id }),
        403,
        "errors.forbidden",
      );
    }
    await expectRefusal(
      () => run(editOrganisation, ANONYMOUS, { ...listing(), id }),
      401,
      "errors.signInRequired",
    );
    await expectRefusal(
      () => run(editOrganisation, creator, { ...listing({ communities: "999999" }), id }),
      400,
      "project:errors.pickCommunity",
    );
  });

  it("sends a declined listing back to the committee", async () => {
    const id = await run(applyOrganisation, creator, listing());
    creator = await actorFor(creatorId);
    await run(declineOrganisation, committeeHere, { id, reason: "缺少登记证书" });
    await run(editOrganisation, creator, {
      ...listing({ registrationNumber: "52330100MJ7654321Y" }),
      id,
    });
    expect(await orgRow(id)).toMatchObject({
      status: "pending",
      decidedBy: null,
      decidedAt: null,
      decisionReason: null,
    });
    expect((await pendingOrganisations(committeeHere, here)).map((o) => o.id)).toEqual([id]);
    await run(verifyOrganisation, committeeHere, { id, reason: "" });
    expect((await orgRow(id)).status).toBe("verified");
  });
});

describe("members", () => {
  let org: number;
  beforeEach(async () => {
    org = await verifiedOrg();
  });

  it("are invited, then belong once they accept", async () => {
    const { id, login } = await userWithLogin("xiaoli");
    await run(inviteMember, creator, { id: org, login, role: "member" });
    expect(await memberRows(org)).toContainEqual({ userId: id, role: "member", status: "invited" });
    // An invitation gives no rights yet.
    const invited = await actorFor(id);
    expect(invited.orgMemberOf).toEqual([]);
    expect((await organisationPage(invited, org))!).toMatchObject({
      invitedAs: "member",
      isMember: false,
    });
    await run(acceptInvitation, invited, { id: org });
    const member = await actorFor(id);
    expect(member.orgMemberOf).toEqual([org]);
    expect(member.orgAdminOf).toEqual([]);
    const page = (await organisationPage(member, org))!;
    expect(page).toMatchObject({ isMember: true, canEdit: false, invitedAs: null, memberCount: 2 });
    expect(page.members.map((m) => m.userId).sort()).toEqual([creatorId, id].sort());
  });

  it("can be invited as admins", async () => {
    const { id, login } = await userWithLogin("xiaowang");
    await run(inviteMember, creator, { id: org, login, role: "admin" });
    await run(acceptInvitation, await actorFor(id), { id: org });
    expect((await actorFor(id)).orgAdminOf).toEqual([org]);
  });

  it("decline an invitation, which deletes it; a second answer finds none", async () => {
    const { id, login } = await userWithLogin("xiaozhang");
    await run(inviteMember, creator, { id: org, login, role: "member" });
    const invited = await actorFor(id);
    await run(declineInvitation, invited, { id: org });
    expect((await memberRows(org)).map((m) => m.userId)).toEqual([creatorId]);
    await expectRefusal(
      () => run(acceptInvitation, invited, { id: org }),
      404,
      "project:errors.noInvitation",
    );
    await expectRefusal(
      () => run(declineInvitation, invited, { id: org }),
      404,
      "project:errors.noInvitation",
    );
    await expectRefusal(
      () => run(acceptInvitation, ANONYMOUS, { id: org }),
      401,
      "errors.signInRequired",
    );
  });

  it("are not invited twice, nor when unknown, nor by non-admins", async () => {
    const { id, login } = await userWithLogin("xiaozhao");
    await run(inviteMember, creator, { id: org, login, role: "member" });
    await expectRefusal(
      () => run(inviteMember, creator, { id: org, login, role: "admin" }),
      409,
      "project:errors.alreadyInOrganisation",
    );
    await run(acceptInvitation, await actorFor(id), { id: org });
    await expectRefusal(
      () => run(inviteMember, creator, { id: org, login, role: "member" }),
      409,
      "project:errors.alreadyInOrganisation",
    );
    await expectRefusal(
      () =>
        run(inviteMember, creator, { id: org, login: parseLoginId("nobodyhere")!, role: "member" }),
      404,
      "community:errors.userNotFound",
    );
    const other = await userWithLogin("xiaoqian");
    for (const who of [await actorFor(id), stranger, committeeHere]) {
      await expectRefusal(
        () => run(inviteMember, who, { id: org, login: other.login, role: "member" }),
        403,
        "errors.forbidden",
      );
    }
  });

  it("are removed by an admin, or leave; the rights go with them", async () => {
    const a = await userWithLogin("membera");
    const b = await userWithLogin("memberb");
    for (const m of [a, b]) {
      await run(inviteMember, creator, { id: org, login: m.login, role: "member" });
      await run(acceptInvitation, await actorFor(m.id), { id: org });
    }
    await run(removeMember, creator, { id: org, userId: a.id });
    expect((await actorFor(a.id)).orgMemberOf).toEqual([]);
    await run(removeMember, await actorFor(b.id), { id: org, userId: b.id });
    expect((await actorFor(b.id)).orgMemberOf).toEqual([]);
    expect(await memberRows(org)).toEqual([{ userId: creatorId, role: "admin", status: "active" }]);
  });

  it("cannot remove each other unless admin", async () => {
    const a = await userWithLogin("memberc");
    const b = await userWithLogin("memberd");
    for (const m of [a, b]) {
      await run(inviteMember, creator, { id: org, login: m.login, role: "member" });
      await run(acceptInvitation, await actorFor(m.id), { id: org });
    }
    const memberA = await actorFor(a.id);
    await expectRefusal(
      () => run(removeMember, memberA, { id: org, userId: b.id }),
      403,
      "errors.forbidden",
    );
    await expectRefusal(
      () => run(removeMember, memberA, { id: org, userId: creatorId }),
      403,
      "errors.forbidden",
    );
    await expectRefusal(
      () => run(removeMember, stranger, { id: org, userId: a.id }),
      403,
      "errors.forbidden",
    );
    await expectRefusal(
      () => run(removeMember, committeeHere, { id: org, userId: a.id }),
      403,
      "errors.forbidden",
    );
    await expectRefusal(
      () => run(removeMember, creator, { id: org, userId: stranger.userId! }),
      404,
      "project:errors.notAMember",
    );
  });

  it("always keep one active admin", async () => {
    await expectRefusal(
      () => run(removeMember, creator, { id: org, userId: creatorId }),
      409,
      "project:errors.lastAdmin",
    );
    // An invited admin is not an admin yet, so the creator still cannot leave.
    const second = await userWithLogin("secondadmin");
    await run(inviteMember, creator, { id: org, login: second.login, role: "admin" });
    await expectRefusal(
      () => run(removeMember, creator, { id: org, userId: creatorId }),
      409,
      "project:errors.lastAdmin",
    );
    await run(acceptInvitation, await actorFor(second.id), { id: org });
    // Two admins: one may remove the other, and the one left can then neither leave nor be left alone.
    const secondAdmin = await actorFor(second.id);
    await run(removeMember, secondAdmin, { id: org, userId: creatorId });
    expect(await memberRows(org)).toEqual([{ userId: second.id, role: "admin", status: "active" }]);
    await expectRefusal(
      () => run(removeMember, secondAdmin, { id: org, userId: second.id }),
      409,
      "project:errors.lastAdmin",
    );
    expect((await actorFor(creatorId)).orgAdminOf).toEqual([]);
  });
});
