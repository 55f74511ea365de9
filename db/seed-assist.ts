/**
 * Demo data for the service window (人工服务窗口), loaded last by `seedDemoData`: 陈桂芳 of 东坡路
 * has no phone; 李建国 of the committee registered her at the window (login `lh100001`, the demo
 * password), and a week later acted for her once — she signed up for the upcoming canteen meeting
 * and commented on the lift project, both marked "with assistance". Sign in as her to see
 * /me/assisted; the community's audit log shows the registration and the sitting.
 */
import type { DB } from "./client.server";
import { PRIVACY_NOTICE_VERSION } from "../app/domain/accounts/schemas";

export async function seedAssist(db: DB): Promise<void> {
  const DAY = 86_400_000;
  const now = Date.now();
  const at = (daysAgo: number, minutes = 0) =>
    new Date(now - daysAgo * DAY + minutes * 60_000).toISOString();
  await db.transaction().execute(async (trx) => {
    const one = async <T>(q: { executeTakeFirstOrThrow(): Promise<T> }) =>
      q.executeTakeFirstOrThrow();
    const dongpo = await one(trx.selectFrom("areas").select("id").where("code", "=", "dongpo"));
    const helper = await one(
      trx.selectFrom("users").select("id").where("username", "=", "committee"),
    );
    // The demo accounts share one password hash (see seed.ts).
    const { passwordHash } = await one(
      trx.selectFrom("users").select("passwordHash").where("username", "=", "resident"),
    );
    const { id: residentId } = await one(
      trx
        .insertInto("users")
        .values({
          displayName: "陈桂芳",
          username: "lh100001",
          phone: null,
          passwordHash,
          isAdmin: 0,
          consentVersion: PRIVACY_NOTICE_VERSION,
          consentedAt: at(20),
          createdAt: at(20),
        })
        .returning("id"),
    );
    await trx
      .insertInto("memberships")
      .values({
        userId: residentId,
        communityId: dongpo.id,
        status: "verified",
        requestedAt: at(20),
        decidedAt: at(20),
        decidedBy: helper.id,
        decisionReason: null,
      })
      .execute();
    await trx
      .insertInto("assistedRegistrations")
      .values({
        userId: residentId,
        helperId: helper.id,
        communityId: dongpo.id,
        consent: "signed",
        at: at(20),
      })
      .execute();

    const meeting = await one(
      trx
        .selectFrom("meetings")
        .innerJoin("councils", "councils.id", "meetings.councilId")
        .select("meetings.id")
        .where("councils.areaId", "=", dongpo.id)
        .where("meetings.topic", "=", "社区食堂试运营意见征集"),
    );
    const project = await one(
      trx
        .selectFrom("projects")
        .select("id")
        .where("title", "=", "为老旧小区加装电梯意见征集与协调"),
    );
    const { id: sittingId } = await one(
      trx
        .insertInto("assistanceSittings")
        .values({
          helperId: helper.id,
          residentId,
          communityId: dongpo.id,
          consent: "spoken",
          // A finished sitting: no live session is bound to it.
          sessionId: "demo-sitting",
          startedAt: at(13),
          endsAt: at(13, 120),
          endedAt: at(13, 25),
        })
        .returning("id"),
    );
    await trx
      .insertInto("rsvps")
      .values({
        meetingId: meeting.id,
        userId: residentId,
        kind: "resident",
        createdAt: at(13, 5),
        assistedBy: helper.id,
      })
      .execute();
    await trx
      .insertInto("projectComments")
      .values({
        projectId: project.id,
        parentId: null,
        authorId: residentId,
        body: "我住五楼，腿脚不好，盼着早点装上电梯。施工时请照顾一下老人出行。",
        createdAt: at(13, 15),
        hiddenAt: null,
        hiddenBy: null,
        hiddenReason: null,
        reviewedAt: null,
        assistedBy: helper.id,
      })
      .execute();
    await trx
      .insertInto("assistedActions")
      .values([
        {
          sittingId,
          action: "meeting.rsvp",
          subjectType: "meeting",
          subjectId: meeting.id,
          at: at(13, 5),
        },
        {
          sittingId,
          action: "project.comment",
          subjectType: "project",
          subjectId: project.id,
          at: at(13, 15),
        },
      ])
      .execute();
    const audit = (action: string, when: string, details: Record<string, unknown>) =>
      trx
        .insertInto("auditLog")
        .values({
          at: when,
          actorId: helper.id,
          action,
          areaId: dongpo.id,
          subjectType: "user",
          subjectId: residentId,
          details: JSON.stringify({ displayName: "陈桂芳", ...details }),
        })
        .execute();
    await audit("assist.register", at(20), { consent: "signed" });
    await audit("assist.start", at(13), { consent: "spoken", sitting: sittingId });
    await audit("assist.end", at(13, 25), { sitting: sittingId });
  });
}
