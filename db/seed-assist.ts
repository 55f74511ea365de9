/**
 * Demo data for the service window (人工服务窗口), loaded last by `seedDemoData`: 陈桂芳 of 东坡路
 * has no phone; 李建国 of the committee registered her at the window (login `lh100001`, the demo
 * password), and a week later acted for her once — she signed up for the upcoming canteen meeting
 * and commented on the lift project, both marked "with assistance". Sign in as her to see
 * /me/assisted; the community's audit log shows the registration and the sitting.
 *
 * Every step is the window's own command, run by 李建国 (or, in the sitting, as her) at the moment
 * it happened.
 */
import type { DB } from "./client.server";
import { assistedActor } from "../app/services/assistance/actor";
import {
  endSitting,
  registerResident,
  startSitting,
} from "../app/services/assistance/commands.server";
import { hashPassword } from "../app/services/accounts/password.server";
import { rsvp } from "../app/services/meetings/commands.server";
import { addComment } from "../app/services/projects/participation.server";
import { DEMO_PASSWORD, seedClock, seedRunner } from "./seed-kit-base";

/** The helper's browser session at the window; the sitting is over, so no live session has it. */
const SESSION = "demo-sitting";

export async function seedAssist(db: DB): Promise<void> {
  const { daysAgo } = seedClock();
  const { actorOf, runAs } = seedRunner(db);
  const one = <T>(q: { executeTakeFirstOrThrow(): Promise<T> }) => q.executeTakeFirstOrThrow();

  const slip = await runAs(
    "committee",
    registerResident,
    { displayName: "陈桂芳", consent: "signed" },
    daysAgo(20),
  );
  // The slip's login and password are drawn at random, as they must be at a real window; the demo
  // needs ones the README and the journeys know. No command picks them, so they are set here.
  await db
    .updateTable("users")
    .set({ username: "lh100001", passwordHash: await hashPassword(DEMO_PASSWORD) })
    .where("id", "=", slip.userId)
    .execute();

  const dongpo = await one(db.selectFrom("areas").select("id").where("code", "=", "dongpo"));
  const meeting = await one(
    db
      .selectFrom("meetings")
      .innerJoin("councils", "councils.id", "meetings.councilId")
      .select("meetings.id")
      .where("councils.areaId", "=", dongpo.id)
      .where("meetings.topic", "=", "社区食堂试运营意见征集"),
  );
  const project = await one(
    db.selectFrom("projects").select("id").where("title", "=", "为老旧小区加装电梯意见征集与协调"),
  );

  const helper = await actorOf("committee");
  const { sittingId } = await runAs(
    helper,
    startSitting,
    { residentId: slip.userId, consent: "spoken", sessionId: SESSION },
    daysAgo(13),
  );
  // In the sitting the helper's session is her, as the session code makes it (assistance/actor.ts).
  const her = assistedActor(await actorOf("lh100001"), {
    sittingId,
    communityId: dongpo.id,
    endsAt: "",
    helper: { id: helper.userId!, displayName: "李建国" },
    resident: {
      id: slip.userId,
      displayName: "陈桂芳",
      username: "lh100001",
      phone: null,
      isAdmin: false,
    },
  });
  await runAs(her, rsvp, { meetingId: meeting.id }, daysAgo(13, 5));
  await runAs(
    her,
    addComment,
    {
      id: project.id,
      parentId: null,
      body: "我住五楼，腿脚不好，盼着早点装上电梯。施工时请照顾一下老人出行。",
    },
    daysAgo(13, 15),
  );
  await runAs(helper, endSitting, { sessionId: SESSION }, daysAgo(13, 25));
}
