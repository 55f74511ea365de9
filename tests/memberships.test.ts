import { beforeEach, describe, expect, it } from "vitest";
import { getDb } from "../db/client.server";
import { ANONYMOUS, type Actor } from "~/domain/permissions/policy";
import { parseLoginId } from "~/domain/accounts/schemas";
import { listAudit } from "~/services/audit.server";
import {
  appointCommitteeMember,
  decideMembership,
  endCommitteeMember,
  requestMembership,
  withdrawMembership,
} from "~/services/communities/commands.server";
import { communityPage, homeNews, listPending } from "~/services/communities/queries.server";
import { onEvent, type DomainEvent } from "~/services/events.server";
import { run } from "~/services/runner/command.server";
import {
  actorFor,
  makeCommittee,
  makeCommunity,
  makeMembership,
  makeUser,
  tableCounts,
} from "./support/factories";
import { refusal } from "./support/refusal";

let community: number;
let otherCommunity: number;
let resident: Actor;
let committee: Actor;
let outsider: Actor;
let admin: Actor;

beforeEach(async () => {
  community = await makeCommunity("here");
  otherCommunity = await makeCommunity("there");
  resident = await actorFor(await makeUser());
  const c = await makeUser({ displayName: "李主任" });
  await makeCommittee(c, community);
  committee = await actorFor(c);
  const o = await makeUser();
  await makeCommittee(o, otherCommunity);
  outsider = await actorFor(o);
  admin = await actorFor(await makeUser({ isAdmin: true }));
});

describe("asking to join", () => {
  it("creates a pending request and tells the committee", async () => {
    const events: DomainEvent[] = [];
    const stop = onEvent((e) => events.push(e));
    const id = await run(requestMembership, resident, { communityId: community });
    stop();
    const pending = await listPending(committee, community);
    expect(pending.map((p) => p.id)).toEqual([id]);
    expect(events).toEqual([
      {
        type: "membership.requested",
        communityId: community,
        membershipId: id,
        userId: resident.userId,
      },
    ]);
  });

  it("refuses twice, anonymous people, and places that are not communities", async () => {
    await run(requestMembership, resident, { communityId: community });
    const before = await tableCounts();
    expect((await refusal(run(requestMembership, resident, { communityId: community }))).key).toBe(
      "community:errors.alreadyPending",
    );
    expect(
      (await refusal(run(requestMembership, ANONYMOUS, { communityId: community }))).status,
    ).toBe(401);
    const street = (
      await getDb()
        .selectFrom("areas")
        .select("parentId")
        .where("id", "=", community)
        .executeTakeFirstOrThrow()
    ).parentId!;
    expect((await refusal(run(requestMembership, resident, { communityId: street }))).status).toBe(
      404,
    );
    expect((await refusal(run(requestMembership, resident, { communityId: 987654 }))).status).toBe(
      404,
    );
    expect(await tableCounts()).toEqual(before);
  });

  it("lets a declined resident ask again", async () => {
    const id = await run(requestMembership, resident, { communityId: community });
    await run(decideMembership, committee, {
      membershipId: id,
      decision: "decline",
      reason: "地址不符",
    });
    expect(await run(requestMembership, resident, { communityId: community })).toBe(id);
    const row = await getDb()
      .selectFrom("memberships")
      .selectAll()
      .where("id", "=", id)
      .executeTakeFirstOrThrow();
    expect([row.status, row.decisionReason]).toEqual(["pending", null]);
  });
});

describe("deciding", () => {
  it("verifies, writes the audit log in the same step, and refreshes the resident's rights", async () => {
    const id = await run(requestMembership, resident, { communityId: community });
    await run(decideMembership, committee, { membershipId: id, decision: "verify", reason: "" });
    const row = await getDb()
      .selectFrom("memberships")
      .selectAll()
      .where("id", "=", id)
      .executeTakeFirstOrThrow();
    expect(row.status).toBe("verified");
    expect(row.decidedBy).toBe(committee.userId);
    const audit = await listAudit(committee, community);
    expect(audit[0]).toMatchObject({
      action: "membership.decide",
      subjectId: id,
      actorName: "李主任",
    });
    expect((await actorFor(resident.userId!)).verifiedIn).toEqual([community]);
    expect((await communityPage(community))?.verifiedCount).toBe(1);
  });

  it("needs a reason to decline", async () => {
    const id = await run(requestMembership, resident, { communityId: community });
    const before = await tableCounts();
    const e = await refusal(
      run(decideMembership, committee, { membershipId: id, decision: "decline", reason: "  " }),
    );
    expect([e.status, e.key, e.field]).toEqual([400, "community:errors.reasonRequired", "reason"]);
    expect(await tableCounts()).toEqual(before);
  });

  it("refuses residents, other communities' committees and admins, writing nothing", async () => {
    const id = await run(requestMembership, resident, { communityId: community });
    const other = await actorFor(await makeUser());
    await makeMembership(other.userId!, community, "verified");
    const before = await tableCounts();
    for (const actor of [resident, await actorFor(other.userId!), outsider, admin]) {
      const e = await refusal(
        run(decideMembership, actor, { membershipId: id, decision: "verify", reason: "" }),
      );
      expect([e.status, e.key]).toEqual([403, "errors.forbidden"]);
    }
    expect(
      (
        await refusal(
          run(decideMembership, ANONYMOUS, { membershipId: id, decision: "verify", reason: "" }),
        )
      ).status,
    ).toBe(401);
    expect((await refusal(listPending(resident, community))).status).toBe(403);
    expect(await tableCounts()).toEqual(before);
  });

  it("lets only one of two simultaneous decisions win", async () => {
    const second = await actorFor(await makeUser());
    await makeCommittee(second.userId!, community);
    const secondActor = await actorFor(second.userId!);
    const id = await run(requestMembership, resident, { communityId: community });
    const results = await Promise.allSettled([
      run(decideMembership, committee, { membershipId: id, decision: "verify", reason: "" }),
      run(decideMembership, secondActor, { membershipId: id, decision: "decline", reason: "重复" }),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const audit = await listAudit(committee, community);
    expect(audit.filter((a) => a.action === "membership.decide")).toHaveLength(1);
  });

  it("refuses an unknown request with 404", async () => {
    expect(
      (
        await refusal(
          run(decideMembership, committee, {
            membershipId: 424242,
            decision: "verify",
            reason: "",
          }),
        )
      ).status,
    ).toBe(404);
  });
});

describe("withdrawing and leaving", () => {
  it("lets residents withdraw their own request, and says 'not found' for anyone else's", async () => {
    const id = await run(requestMembership, resident, { communityId: community });
    const stranger = await actorFor(await makeUser());
    const e = await refusal(run(withdrawMembership, stranger, { membershipId: id }));
    expect([e.status, e.key]).toEqual([404, "community:errors.membershipNotFound"]);
    expect((await refusal(run(withdrawMembership, ANONYMOUS, { membershipId: id }))).status).toBe(
      401,
    );
    await run(withdrawMembership, resident, { membershipId: id });
    expect(await listPending(committee, community)).toEqual([]);
  });
});

describe("committee appointments", () => {
  it("lets admins appoint and stand down, with audit entries", async () => {
    const u = await makeUser({ username: "newmember", displayName: "新委员" });
    await run(appointCommitteeMember, admin, {
      communityId: community,
      login: parseLoginId("newmember")!,
    });
    expect((await actorFor(u)).committeeOf).toBe(community);
    const page = await communityPage(community);
    const seat = page!.committee.find((m) => m.userId === u)!;
    await run(endCommitteeMember, admin, { committeeMemberId: seat.id });
    expect((await actorFor(u)).committeeOf).toBeNull();
    const actions = (await listAudit(admin, community)).map((a) => a.action);
    expect(actions.slice(0, 2)).toEqual(["committee.end", "committee.appoint"]);
  });

  it("refuses non-admins, unknown people, and a second community", async () => {
    await makeUser({ username: "candidate" });
    const before = await tableCounts();
    expect(
      (
        await refusal(
          run(appointCommitteeMember, committee, {
            communityId: community,
            login: parseLoginId("candidate")!,
          }),
        )
      ).status,
    ).toBe(403);
    expect(
      (
        await refusal(
          run(appointCommitteeMember, admin, {
            communityId: community,
            login: parseLoginId("nosuchperson")!,
          }),
        )
      ).key,
    ).toBe("community:errors.userNotFound");
    const busy = await getDb()
      .selectFrom("users")
      .select("username")
      .where("id", "=", outsider.userId!)
      .executeTakeFirstOrThrow();
    expect(
      (
        await refusal(
          run(appointCommitteeMember, admin, {
            communityId: community,
            login: parseLoginId(busy.username!)!,
          }),
        )
      ).key,
    ).toBe("community:errors.committeeElsewhere");
    expect(await tableCounts()).toEqual(before);
  });
});

/** What `homeFor` gives `homeNews`: the person's memberships. */
async function homeNewsOf(actor: Actor) {
  const mine =
    actor.userId === null
      ? []
      : await getDb()
          .selectFrom("memberships")
          .select(["communityId", "status"])
          .where("userId", "=", actor.userId)
          .execute();
  return homeNews(actor, mine);
}

describe("home news", () => {
  it("counts new residents without naming them, and shows the committee its queue", async () => {
    const id = await run(requestMembership, resident, { communityId: community });
    await run(decideMembership, committee, { membershipId: id, decision: "verify", reason: "" });
    const waiting = await actorFor(await makeUser());
    await run(requestMembership, waiting, { communityId: community });
    const [mine] = await homeNewsOf(await actorFor(resident.userId!));
    expect(mine).toMatchObject({
      communityId: community,
      myStatus: "verified",
      verifiedCount: 1,
      newResidentsThisWeek: 1,
      pendingRequests: null,
    });
    const [theirs] = await homeNewsOf(committee);
    expect(theirs).toMatchObject({
      communityId: community,
      myStatus: "committee",
      pendingRequests: 1,
    });
    expect(await homeNewsOf(ANONYMOUS)).toEqual([]);
  });
});
