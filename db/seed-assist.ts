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
import type { Actor } from "../app/domain/permissions/policy";
import { assistedActor } from "../app/services/assistance/actor";
import {
  endSitting,
  registerResident,
  startSitting,
} from "../app/services/assistance/commands.server";
import { hashPassword } from "../app/services/accounts/password.server";
import { rsvp } from "../app/services/meetings/commands.server";
import { addComment } from "../app/services/projects/participation.server";
import { DEMO_PASSWORD, made, seedKit, Timeline } from "./seed-kit";

/** The helper's browser session at the window; the sitting is over, so no live session has it. */
const SESSION = "demo-sitting";

export async function seedAssist(db: DB, base = Date.now()): Promise<void> {
  const kit = seedKit(db, base);
  const { daysAgo } = kit;
  const tl = new Timeline();
  const one = <T>(q: { executeTakeFirstOrThrow(): Promise<T> }) => q.executeTakeFirstOrThrow();
  const dongpo = await kit.areaId("dongpo");
  const meeting = await one(
    db
      .selectFrom("meetings")
      .innerJoin("councils", "councils.id", "meetings.councilId")
      .select("meetings.id")
      .where("councils.areaId", "=", dongpo)
      .where("meetings.topic", "=", "社区食堂试运营意见征集"),
  );
  const project = await one(
    db.selectFrom("projects").select("id").where("title", "=", "为老旧小区加装电梯意见征集与协调"),
  );

  const resident = made<number>("陈桂芳's account");
  tl.add(daysAgo(20), "committee registers 陈桂芳 at the window", async (now) => {
    const slip = await kit.run(registerResident, "committee", now, {
      displayName: "陈桂芳",
      consent: "signed",
    });
    resident.set(slip.userId);
    // The slip's login and password are drawn at random, as they must be at a real window; the
    // demo needs ones the README and the journeys know. No command picks them, so they are set
    // here.
    await db
      .updateTable("users")
      .set({ username: "lh100001", passwordHash: await hashPassword(DEMO_PASSWORD) })
      .where("id", "=", slip.userId)
      .execute();
  });

  // The sitting: the helper starts it, acts as her twice, and ends it.
  const helper = made<Actor>("the helper");
  const her = made<Actor>("陈桂芳 in the sitting");
  tl.add(daysAgo(13), "committee starts a sitting for 陈桂芳", async (now) => {
    const by = await kit.actorOf("committee");
    helper.set(by);
    const { sittingId } = await kit.run(startSitting, by, now, {
      residentId: resident.get(),
      consent: "spoken",
      sessionId: SESSION,
    });
    // In the sitting the helper's session is her, as the session code makes it
    // (assistance/actor.ts).
    her.set(
      assistedActor(await kit.actorOf("lh100001"), {
        sittingId,
        communityId: dongpo,
        endsAt: "",
        helper: { id: by.userId!, displayName: "李建国" },
        resident: {
          id: resident.get(),
          displayName: "陈桂芳",
          username: "lh100001",
          phone: null,
          isAdmin: false,
        },
      }),
    );
  });
  tl.add(daysAgo(13, 5), "陈桂芳 RSVPs, assisted", (now) =>
    kit.run(rsvp, her.get(), now, { meetingId: meeting.id }),
  );
  tl.add(daysAgo(13, 15), "陈桂芳 comments, assisted", (now) =>
    kit.run(addComment, her.get(), now, {
      id: project.id,
      parentId: null,
      body: "我住五楼，腿脚不好，盼着早点装上电梯。施工时请照顾一下老人出行。",
    }),
  );
  tl.add(daysAgo(13, 25), "committee ends the sitting", (now) =>
    kit.run(endSitting, helper.get(), now, { sessionId: SESSION }),
  );
  await tl.play();
}
