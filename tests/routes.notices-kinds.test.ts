/**
 * /notifications reads the second slice's notices (issue 16, item 2): one resident is invited to a
 * seat and to an organisation, is told their organisation was declined, that minutes were
 * published, that a project they support was accepted, and that someone replied to their comment.
 * Each reads as its sentence, with its link, in both languages, in the standard page and in 长辈版.
 */
import { createRequestHandler } from "@remix-run/node";
import { beforeAll, describe, expect, it } from "vitest";
import { getDb } from "../db/client.server";
import { parseLoginId } from "~/domain/accounts/schemas";
import { commentSchema } from "~/domain/projects/schemas";
import * as root from "~/root";
import * as notificationsRoute from "~/routes/notifications";
import { inviteToSeat, moveMeeting } from "~/services/meetings/commands.server";
import { writeMinutes } from "~/services/meetings/minutes.server";
import { deliveriesSettled } from "~/services/notices/delivery.server";
import { declineOrganisation, inviteMember } from "~/services/organisations/commands.server";
import { proposeProject, takeStep } from "~/services/projects/commands.server";
import { addComment, supportProject } from "~/services/projects/participation.server";
import { run } from "~/services/runner/command.server";
import { routesBuild } from "./support/builds";
import {
  actorFor,
  cookieFor,
  inviteSeat,
  makeCommitteeMember,
  makeCommunity,
  makeCouncil,
  makeMeetingAt,
  makeMembership,
  makeOrganisation,
  makeResident,
  makeUser,
  projectInput,
} from "./support/factories";

let reader: number;
const ids = { meeting: 0, minutes: 0, invitedOrg: 0, ownOrg: 0, project: 0, reply: 0 };

beforeAll(async () => {
  const community = await makeCommunity("翠苑");
  const committee = await makeCommitteeMember(community);
  reader = await makeUser({ username: "reader1", displayName: "张阿姨" });
  await makeMembership(reader, community, "verified");
  const me = await actorFor(reader);
  const login = parseLoginId("reader1")!;

  const council = await makeCouncil(community, "圆桌会");
  ids.meeting = await makeMeetingAt(council, "加装电梯", "scheduled", 24, 26);
  await run(inviteToSeat, committee, { meetingId: ids.meeting, login, kind: "expert" });

  ids.minutes = await makeMeetingAt(council, "垃圾分类", "closed", -3, -1);
  const { id: item } = await getDb()
    .insertInto("agendaItems")
    .values({ meetingId: ids.minutes, position: 1, title: "现状", minutes: 20 })
    .returning("id")
    .executeTakeFirstOrThrow();
  await inviteSeat(ids.minutes, reader);
  await run(writeMinutes, committee, {
    meetingId: ids.minutes,
    agendaItemId: item,
    summary: "分类桶放在东门",
    decisions: "",
  });
  await run(moveMeeting, committee, { meetingId: ids.minutes, to: "published" });

  const admin = await makeUser();
  ids.invitedOrg = await makeOrganisation({
    communities: [community],
    members: [admin],
    status: "pending",
    name: "夕阳红助老队",
  });
  await run(inviteMember, await actorFor(admin), { id: ids.invitedOrg, login, role: "member" });
  ids.ownOrg = await makeOrganisation({
    communities: [community],
    members: [reader],
    status: "pending",
    name: "楼道互助会",
  });
  await run(declineOrganisation, committee, { id: ids.ownOrg, reason: "缺少登记证明" });

  const proposer = await makeResident(community);
  ids.project = await run(proposeProject, proposer, { ...projectInput(community), photo: null });
  await run(takeStep, proposer, { id: ids.project, step: "submit" });
  await run(supportProject, me, { id: ids.project });
  const body = (s: string) => commentSchema.parse({ body: s }).body;
  const top = await run(addComment, me, { id: ids.project, body: body("好事"), parentId: null });
  ids.reply = await run(addComment, proposer, {
    id: ids.project,
    body: body("谢谢支持"),
    parentId: top,
  });
  await run(takeStep, committee, { id: ids.project, step: "startReview" });
  await run(takeStep, committee, { id: ids.project, step: "accept" });
  await deliveriesSettled();
});

const handler = createRequestHandler(
  routesBuild({
    root: ["", undefined, root],
    "routes/notifications": ["notifications", "root", notificationsRoute],
  }),
);

async function page(lng: string, mode: string) {
  const cookie = [`lng=${lng}`, `mode=${mode}`, await cookieFor(reader)].join("; ");
  const res = await handler(
    new Request("http://localhost/notifications", { headers: { Cookie: cookie } }),
  );
  expect(res.status).toBe(200);
  return res.text();
}

/** Each notice's sentence, and the link around it. */
function expected(lng: "zh-CN" | "en"): Array<[string, string]> {
  const zh = lng === "zh-CN";
  return [
    [
      zh
        ? "你受邀作为专家参加会议「加装电梯」，请到会议页面报名。"
        : "You are invited to the meeting “加装电梯”, on a seat for experts. Please sign up on its page.",
      `/meetings/${ids.meeting}`,
    ],
    [
      zh
        ? "会议「垃圾分类」的纪要已公布。"
        : "The minutes of the meeting “垃圾分类” are published.",
      `/meetings/${ids.minutes}`,
    ],
    [
      zh
        ? "「夕阳红助老队」邀请你成为成员，请到组织页面接受或谢绝。"
        : "“夕阳红助老队” invites you to join as a member. Please accept or decline on its page.",
      `/orgs/${ids.invitedOrg}`,
    ],
    [
      zh
        ? "你的组织「楼道互助会」没有通过社区审核。"
        : "Your organisation “楼道互助会” was not verified by the community committee.",
      `/orgs/${ids.ownOrg}`,
    ],
    [
      zh
        ? "有人回复了你在项目「三幢楼道扶手」下的评论。"
        : "Someone replied to your comment on the project “三幢楼道扶手”.",
      `/projects/${ids.project}#comment-${ids.reply}`,
    ],
    [
      zh
        ? "你支持的项目「三幢楼道扶手」通过了审核。"
        : "The project “三幢楼道扶手” that you support was accepted.",
      `/projects/${ids.project}`,
    ],
  ];
}

describe("/notifications, the second slice's kinds", () => {
  for (const lng of ["zh-CN", "en"] as const) {
    for (const mode of ["full", "lite"] as const) {
      it(`${lng} ${mode}: each reads as its sentence, linked to where it happened`, async () => {
        const html = await page(lng, mode);
        for (const [sentence, href] of expected(lng)) {
          expect(html).toContain(` href="${href}">${sentence}</a>`);
        }
        expect(html).toContain(lng === "zh-CN" ? "原因：缺少登记证明" : "Reason: 缺少登记证明");
        // Nothing said as "a new notice": every kind has its sentence.
        expect(html).not.toContain(lng === "zh-CN" ? "你有一条新通知。" : "You have a new notice.");
        if (mode === "lite") expect(html).not.toContain("<script");
      });
    }
  }
});
