/**
 * Notices (issue 16, first slice): who gets each kind and who does not, the outbox surviving a
 * crash between commit and delivery, delivery that never gives anyone a notice twice, and the
 * person's own marks.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { getDb } from "../db/client.server";
import { transaction } from "../db/portable";
import { ANONYMOUS, type Actor } from "~/domain/permissions/policy";
import type { NoticeDraft } from "~/domain/notices/kinds";
import { decideMembership, requestMembership } from "~/services/communities/commands.server";
import { onEvent, type DomainEvent } from "~/services/events.server";
import { runDueJobs } from "~/services/jobs.server";
import { markAllNoticesRead, markNoticeRead } from "~/services/notices/commands.server";
import {
  DELIVERED_KEPT_MS,
  DELIVERY_CHUNK,
  purgeDelivered,
  deliverOutbox,
  deliverPending,
  deliveriesSettled,
  setImmediateDelivery,
  writeOutbox,
} from "~/services/notices/delivery.server";
import { listNotices, unreadCount } from "~/services/notices/queries.server";
import { proposeProject, takeStep } from "~/services/projects/commands.server";
import { supportProject } from "~/services/projects/participation.server";
import { setSupportThreshold } from "~/services/projects/commands.server";
import { run, runIn } from "~/services/runner/command.server";
import {
  actorFor,
  makeCommittee,
  makeCommunity,
  makeOrganisation,
  makeResident,
  makeUser,
  makeUsers,
  projectInput,
  tableCounts,
} from "./support/factories";
import { refusal } from "./support/refusal";

let community: number;
let committee: Actor;
let colleague: Actor;
let otherCommittee: Actor;

async function noticesOf(userId: number | null) {
  return getDb()
    .selectFrom("notices")
    .selectAll()
    .where("userId", "=", userId!)
    .orderBy("id")
    .execute();
}

async function switchOff(userId: number, kind: string) {
  await getDb()
    .insertInto("noticePreferences")
    .values({ userId, kind: kind as never, enabled: 0, updatedAt: new Date().toISOString() })
    .execute();
}

/** Runs a command and waits for the delivery that follows its commit. */
async function runAndDeliver<T>(p: Promise<T>): Promise<T> {
  const r = await p;
  await deliveriesSettled();
  return r;
}

beforeEach(async () => {
  setImmediateDelivery(true);
  community = await makeCommunity("here");
  const c = await makeUser({ displayName: "李主任" });
  await makeCommittee(c, community);
  committee = await actorFor(c);
  const c2 = await makeUser();
  await makeCommittee(c2, community);
  colleague = await actorFor(c2);
  const o = await makeUser();
  await makeCommittee(o, await makeCommunity("there"));
  otherCommittee = await actorFor(o);
});

afterEach(() => setImmediateDelivery(true));

describe("membership.asked", () => {
  it("tells the community's committee, not the resident who asked nor another committee", async () => {
    const resident = await actorFor(await makeUser());
    await runAndDeliver(run(requestMembership, resident, { communityId: community }));
    for (const member of [committee, colleague]) {
      const [n, ...rest] = await noticesOf(member.userId);
      expect(rest).toEqual([]);
      expect(n).toMatchObject({ kind: "membership.asked", subjectType: "community" });
      expect(n!.subjectId).toBe(community);
      expect(JSON.parse(n!.params)).toEqual({ community: { zh: "here区", en: "here" } });
    }
    expect(await noticesOf(resident.userId)).toEqual([]);
    expect(await noticesOf(otherCommittee.userId)).toEqual([]);
  });

  it("skips a committee member who switched it off (it is not protected)", async () => {
    await switchOff(colleague.userId!, "membership.asked");
    const resident = await actorFor(await makeUser());
    await runAndDeliver(run(requestMembership, resident, { communityId: community }));
    expect(await noticesOf(committee.userId)).toHaveLength(1);
    expect(await noticesOf(colleague.userId)).toEqual([]);
  });

  it("writes one outbox row and no notice when the request is refused", async () => {
    const resident = await actorFor(await makeUser());
    await runAndDeliver(run(requestMembership, resident, { communityId: community }));
    const before = await tableCounts();
    await refusal(run(requestMembership, resident, { communityId: community }));
    await deliveriesSettled();
    expect(await tableCounts()).toEqual(before);
  });
});

describe("membership.decided", () => {
  it("tells the resident, with the reason, even when switched off (protected); not the committee", async () => {
    const resident = await actorFor(await makeUser());
    await switchOff(resident.userId!, "membership.decided");
    const id = await runAndDeliver(run(requestMembership, resident, { communityId: community }));
    await runAndDeliver(
      run(decideMembership, committee, {
        membershipId: id,
        decision: "decline",
        reason: "地址不符",
      }),
    );
    const [n] = await noticesOf(resident.userId);
    expect(n).toMatchObject({ kind: "membership.decided", subjectId: community });
    expect(JSON.parse(n!.params)).toMatchObject({ status: "declined", reason: "地址不符" });
    // The deciding member is not told of their own act; their colleague only of the request.
    expect((await noticesOf(committee.userId)).map((x) => x.kind)).toEqual(["membership.asked"]);
    expect((await noticesOf(colleague.userId)).map((x) => x.kind)).toEqual(["membership.asked"]);
  });
});

describe("project.stepped", () => {
  it("tells the proposer of every step others take, with its reason, and nobody else", async () => {
    const proposer = await makeResident(community);
    const neighbour = await makeResident(community);
    const id = await run(proposeProject, proposer, { ...projectInput(community), photo: null });
    // The proposer's own step tells nobody.
    await runAndDeliver(run(takeStep, proposer, { id, step: "submit" }));
    expect(await noticesOf(proposer.userId)).toEqual([]);
    await runAndDeliver(run(takeStep, committee, { id, step: "startReview" }));
    await runAndDeliver(run(takeStep, committee, { id, step: "return", reason: "预算写细一些" }));
    const got = await noticesOf(proposer.userId);
    expect(got.map((n) => [n.subjectId, JSON.parse(n.params)])).toEqual([
      [id, { title: "三幢楼道扶手", step: "startReview", reason: null }],
      [id, { title: "三幢楼道扶手", step: "return", reason: "预算写细一些" }],
    ]);
    for (const other of [neighbour, committee, colleague]) {
      expect(await noticesOf(other.userId)).toEqual([]);
    }
  });

  it("tells the proposer when supports move the project under review", async () => {
    const proposer = await makeResident(community);
    const supporter = await makeResident(community);
    await run(setSupportThreshold, committee, { communityId: community, threshold: 1 });
    const id = await run(proposeProject, proposer, { ...projectInput(community), photo: null });
    await runAndDeliver(run(takeStep, proposer, { id, step: "submit" }));
    await runAndDeliver(run(supportProject, supporter, { id }));
    const got = await noticesOf(proposer.userId);
    expect(got.map((n) => JSON.parse(n.params).step)).toEqual(["autoReview"]);
    expect(await noticesOf(supporter.userId)).toEqual([]);
  });

  it("never tells anyone who may not see the project (a draft), nor a deleted account", async () => {
    const [member, member2] = [await makeUser(), await makeUser()];
    const org = await makeOrganisation({ communities: [community], members: [member, member2] });
    const proposer = await makeResident(community);
    const draft = await run(proposeProject, proposer, { ...projectInput(community), photo: null });
    const orgDraft = await run(proposeProject, await actorFor(member), {
      ...projectInput(community, { organisationId: String(org) }),
      photo: null,
    });
    const stranger = await makeResident(community);
    const gone = await makeUser();
    await getDb()
      .updateTable("users")
      .set({ deletedAt: new Date().toISOString() })
      .where("id", "=", gone)
      .execute();
    const everyone = [stranger.userId!, proposer.userId!, gone, member2, committee.userId!];
    const about = (id: number): NoticeDraft => ({
      kind: "project.stepped",
      subject: { type: "project", id },
      params: { title: "x", step: "other", reason: null },
      recipients: { users: everyone },
    });
    setImmediateDelivery(false);
    const ids = await transaction(getDb(), (trx) =>
      writeOutbox(trx, [about(draft), about(orgDraft)], null, new Date().toISOString()),
    );
    expect(await deliverOutbox(ids)).toBe(2);
    expect((await noticesOf(proposer.userId)).map((n) => n.subjectId)).toEqual([draft]);
    expect((await noticesOf(member2)).map((n) => n.subjectId)).toEqual([orgDraft]);
    for (const u of [stranger.userId, gone, committee.userId]) {
      expect(await noticesOf(u)).toEqual([]);
    }
  });
});

describe("the outbox", () => {
  it("is written in the command's transaction: rolled back with it, nothing delivered", async () => {
    const resident = await actorFor(await makeUser());
    const before = await tableCounts();
    const crash = transaction(getDb(), async (trx) => {
      const done = await runIn(trx, requestMembership, resident, { communityId: community });
      const inside = await trx.selectFrom("noticeOutbox").select("kind").execute();
      expect(inside.map((r) => r.kind)).toContain("membership.asked");
      // The transaction fails after the command ran (a lost connection, a failed commit).
      void done;
      throw new Error("commit failed");
    });
    await expect(crash).rejects.toThrow("commit failed");
    await deliveriesSettled();
    expect(await tableCounts()).toEqual(before);
    expect(await noticesOf(committee.userId)).toEqual([]);
  });

  it("survives a crash between commit and delivery: the job delivers it, exactly once", async () => {
    const resident = await actorFor(await makeUser());
    const id = await runAndDeliver(run(requestMembership, resident, { communityId: community }));
    // The process "dies" right after the commit: nothing is handed to its delivery queue.
    setImmediateDelivery(false);
    await run(decideMembership, committee, { membershipId: id, decision: "verify", reason: "" });
    await deliveriesSettled();
    const pending = await getDb()
      .selectFrom("noticeOutbox")
      .selectAll()
      .where("deliveredAt", "is", null)
      .execute();
    expect(pending.map((r) => r.kind)).toEqual(["membership.decided"]);
    expect(await noticesOf(resident.userId)).toEqual([]);

    // Another process's job finds it.
    const ran = await runDueJobs(getDb(), "other-process", new Date());
    expect(ran).toContain("notices.deliver");
    expect(await noticesOf(resident.userId)).toHaveLength(1);
    // Delivered again (the job again; a claim that ran out mid-delivery): nobody twice.
    expect(await deliverPending()).toBe(0);
    await getDb()
      .updateTable("noticeOutbox")
      .set({ deliveredAt: null })
      .where("id", "=", pending[0]!.id)
      .execute();
    // Two deliverers at once, as two processes would.
    await Promise.all([deliverOutbox([pending[0]!.id]), deliverPending()]);
    expect(await noticesOf(resident.userId)).toHaveLength(1);
    const row = await getDb()
      .selectFrom("noticeOutbox")
      .select("deliveredAt")
      .where("id", "=", pending[0]!.id)
      .executeTakeFirstOrThrow();
    expect(row.deliveredAt).not.toBeNull();
  });

  it("forgets delivered rows after a month, keeping the notices", async () => {
    await deliverPending();
    const mine = (await getDb().selectFrom("noticeOutbox").select("id").execute()).length;
    const resident = await actorFor(await makeUser());
    await runAndDeliver(run(requestMembership, resident, { communityId: community }));
    setImmediateDelivery(false);
    await run(requestMembership, await actorFor(await makeUser()), { communityId: community });
    const rows = () =>
      getDb().selectFrom("noticeOutbox").select("deliveredAt").orderBy("id").execute();
    const month = new Date(Date.now() + DELIVERED_KEPT_MS + 60_000);
    await purgeDelivered(getDb(), new Date());
    expect(await rows()).toHaveLength(mine + 2);
    await purgeDelivered(getDb(), month);
    // Undelivered rows stay, whatever their age; the delivered ones' notices stay too.
    expect((await rows()).map((r) => r.deliveredAt)).toEqual([null]);
    expect(await noticesOf(committee.userId)).toHaveLength(1);
    await deliverPending();
  });

  it("leaves a row another deliverer holds to that deliverer until its claim runs out", async () => {
    const resident = await actorFor(await makeUser());
    setImmediateDelivery(false);
    await run(requestMembership, resident, { communityId: community });
    const now = new Date();
    const [row] = await getDb().selectFrom("noticeOutbox").select("id").execute();
    await getDb()
      .updateTable("noticeOutbox")
      .set({ claimedBy: "dead", claimedUntil: new Date(now.getTime() + 60_000).toISOString() })
      .execute();
    expect(await deliverOutbox([row!.id], getDb(), now)).toBe(0);
    expect(await noticesOf(committee.userId)).toEqual([]);
    // Its claim ran out: the job takes it over.
    expect(await deliverPending(getDb(), new Date(now.getTime() + 120_000))).toBe(1);
    expect(await noticesOf(committee.userId)).toHaveLength(1);
  });

  it("fans a community-wide notice out in chunks from one outbox row, told per chunk", async () => {
    const db = getDb();
    const n = DELIVERY_CHUNK * 2 + 7;
    const at = new Date().toISOString();
    const users = await makeUsers(n, "fan");
    await db
      .insertInto("memberships")
      .values(
        users.map((userId) => ({
          userId,
          communityId: community,
          status: "verified" as const,
          requestedAt: at,
        })),
      )
      .execute();
    // A resident who deleted their account is told nothing.
    const gone = users[1]!;
    await db.updateTable("users").set({ deletedAt: at }).where("id", "=", gone).execute();
    const events: DomainEvent[] = [];
    const stop = onEvent((e) => e.type === "notice.created" && events.push(e));
    const draft: NoticeDraft = {
      kind: "membership.asked",
      subject: { type: "community", id: community },
      params: { community: { zh: "这里", en: "here" } },
      recipients: { community, who: "verified" },
    };
    const ids = await transaction(db, (trx) => writeOutbox(trx, [draft], users[0]!, at));
    expect(ids).toHaveLength(1);
    expect(await deliverOutbox(ids)).toBe(n - 2);
    stop();
    expect(events).toHaveLength(3);
    const told = events.flatMap((e) => (e.type === "notice.created" ? e.userIds : []));
    expect(new Set(told).size).toBe(n - 2);
    expect(told).not.toContain(users[0]!);
    expect(told).not.toContain(gone);
    const count = await db
      .selectFrom("notices")
      .select((eb) => eb.fn.countAll().as("c"))
      .where("outboxId", "=", ids[0]!)
      .executeTakeFirstOrThrow();
    expect(Number(count.c)).toBe(n - 2);
  });
});

describe("reading and marking", () => {
  async function withNotices() {
    const resident = await actorFor(await makeUser());
    await runAndDeliver(run(requestMembership, resident, { communityId: community }));
    const second = await actorFor(await makeUser());
    await runAndDeliver(run(requestMembership, second, { communityId: community }));
    return noticesOf(committee.userId);
  }

  it("lists the person's notices newest first with the unread count", async () => {
    const mine = await withNotices();
    const page = await listNotices(committee);
    expect(page.notices.map((n) => n.id)).toEqual(mine.map((n) => n.id).reverse());
    expect(page.unread).toBe(2);
    expect(await unreadCount(committee)).toBe(2);
    expect(await unreadCount(ANONYMOUS)).toBe(0);
    expect((await refusal(listNotices(ANONYMOUS))).status).toBe(401);
  });

  it("marks one read; another person's notice is not found to them and nothing is written", async () => {
    const [first] = await withNotices();
    const before = await tableCounts();
    const snapshot = await getDb().selectFrom("notices").selectAll().execute();
    for (const other of [colleague, otherCommittee]) {
      const e = await refusal(run(markNoticeRead, other, { noticeId: first!.id }));
      expect([e.status, e.key]).toEqual([404, "notice:errors.notFound"]);
    }
    const e = await refusal(run(markNoticeRead, committee, { noticeId: 987654 }));
    expect(e.status).toBe(404);
    expect((await refusal(run(markNoticeRead, ANONYMOUS, { noticeId: first!.id }))).status).toBe(
      401,
    );
    expect(await getDb().selectFrom("notices").selectAll().execute()).toEqual(snapshot);
    expect(await tableCounts()).toEqual(before);

    const events: DomainEvent[] = [];
    const stop = onEvent((ev) => events.push(ev));
    expect(await run(markNoticeRead, committee, { noticeId: first!.id })).toBe(true);
    stop();
    expect(events).toEqual([{ type: "notice.read", userId: committee.userId }]);
    expect(await unreadCount(committee)).toBe(1);
    expect(await unreadCount(colleague)).toBe(2);
  });

  it("marks all read up to what the page showed, and only the person's own", async () => {
    const mine = await withNotices();
    expect(await run(markAllNoticesRead, committee, { upTo: mine[0]!.id })).toBe(1);
    expect(await unreadCount(committee)).toBe(1);
    expect(await run(markAllNoticesRead, committee, {})).toBe(1);
    expect(await unreadCount(committee)).toBe(0);
    expect(await unreadCount(colleague)).toBe(2);
    expect((await refusal(run(markAllNoticesRead, ANONYMOUS, {}))).status).toBe(401);
  });

  it("counts unread notices only up to 100 (the header says 99+)", async () => {
    const db = getDb();
    const at = new Date().toISOString();
    await db
      .insertInto("notices")
      .values(
        Array.from({ length: 150 }, (_, i) => ({
          userId: committee.userId!,
          outboxId: 100_000 + i,
          kind: "membership.asked" as const,
          subjectType: "community",
          subjectId: community,
          params: "{}",
          createdAt: at,
        })),
      )
      .execute();
    expect(await unreadCount(committee)).toBe(100);
  });
});
