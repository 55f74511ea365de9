/**
 * Privacy by default (issue 13, "Also"): deleting an account anonymises what the person wrote.
 * What stays public (a proposal, comments, room messages, a raised hand, a committee seat) is
 * shown afterwards as by a former resident (前居民), and the name appears in no page's HTML.
 *
 * The pages are rendered whole, as the app renders them: the app's own server build (Vite with the
 * Remix plugin, as tests/page-bytes.test.ts does) and its entry.server.
 */
import { createRequestHandler, type ServerBuild } from "@remix-run/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appBuild } from "./support/builds";
import { getDb } from "../db/client.server";
import { deleteAccount } from "~/services/accounts/commands.server";
import {
  appointCommitteeMember,
  decideMembership,
  requestMembership,
} from "~/services/communities/commands.server";
import { addCouncilMember } from "~/services/meetings/councils.server";
import { rsvp } from "~/services/meetings/commands.server";
import { proposeProject, takeStep } from "~/services/projects/commands.server";
import { addComment } from "~/services/projects/participation.server";
import { postMessage, raiseHand } from "~/services/room/commands.server";
import { run } from "~/services/runner/command.server";
import {
  addBoxBallot,
  decideCount,
  recordPaperVoter,
  submitCount,
} from "~/services/voting/box.server";
import { createPoll } from "~/services/voting/commands.server";
import {
  actorFor,
  cookieFor,
  makeCommitteeMember,
  makeCommunity,
  makeMeeting,
  makeResident,
  makeUser,
  pollInput,
  projectInput,
  setVoteWindow,
  TEST_PASSWORD,
} from "./support/factories";

const NAME = "欧阳碧落";
const LATER = "赵清泉"; // appointed to the committee, then deletes the account
const NEWCOMER = "钱沐阳"; // verified by the committee, then deletes the account

let closeBuild: () => Promise<void>;
let build: ServerBuild;
let pages: string[];
let committeeCookie: string;
let community: number;

beforeAll(async () => {
  community = await makeCommunity("隐私");
  const committee = await makeCommitteeMember(community);
  committeeCookie = await cookieFor(committee.userId!);
  const person = await makeResident(community, { displayName: NAME });

  // A proposal of theirs, a comment on it, a message and a raised hand in a live room, a seat.
  const projectId = await run(proposeProject, person, {
    ...projectInput(community),
    photo: null,
  });
  await run(takeStep, person, { id: projectId, step: "submit", reason: "" });
  await run(addComment, person, { id: projectId, body: "楼道扶手早该装了", parentId: null });
  const { meetingId, councilId } = await makeMeeting(community);
  await run(rsvp, person, { meetingId });
  await run(postMessage, person, { meetingId, body: "我同意夜间停车方案" });
  await run(raiseHand, person, { meetingId });

  // Someone appointed to the committee (the home page lists the month's committee changes).
  const laterId = await makeUser({ username: "later", displayName: LATER });
  const admin = await actorFor(await makeUser({ isAdmin: true }));
  await run(appointCommitteeMember, admin, {
    login: { kind: "username", value: "later" },
    communityId: community,
  });
  // The committee member is also a council member, so the council page lists them.
  await run(addCouncilMember, committee, {
    councilId,
    login: { kind: "username", value: "later" },
  });
  // A newcomer the committee verifies (the audit page names them in the decision).
  const newcomer = await actorFor(await makeUser({ displayName: NEWCOMER }));
  const membershipId = await run(requestMembership, newcomer, { communityId: community });
  await run(decideMembership, committee, { membershipId, decision: "verify", reason: "" });

  // A paper vote by the person, recorded at the window; after closing the box is counted by the
  // committee and the count confirmed by the new member.
  const pollId = await run(createPoll, committee, {
    ...pollInput(),
    communityId: community,
    meetingId: null,
  });
  const option = await getDb()
    .selectFrom("pollOptions")
    .select("id")
    .where("pollId", "=", pollId)
    .orderBy("id")
    .executeTakeFirstOrThrow();
  await run(recordPaperVoter, committee, { kind: "poll", id: pollId, voter: person.userId! });
  await setVoteWindow("poll", pollId, -2 * 3_600_000, -3_600_000);
  await run(addBoxBallot, committee, { kind: "poll", id: pollId, choice: [option.id] });
  await run(submitCount, committee, { kind: "poll", id: pollId, note: "" });
  await run(decideCount, await actorFor(laterId), {
    kind: "poll",
    id: pollId,
    decision: "confirm",
  });

  for (const who of [person, await actorFor(laterId), newcomer]) {
    await run(deleteAccount, who, { password: TEST_PASSWORD });
  }

  pages = [
    "/",
    `/projects/${projectId}`,
    `/projects/${projectId}/print`,
    `/meetings/${meetingId}`,
    `/meetings/${meetingId}/room`,
    `/councils/${councilId}`,
    `/communities/${community}`,
    `/communities/${community}/audit`,
    `/polls/${pollId}`,
  ];

  ({ build, close: closeBuild } = await appBuild());
}, 180_000);

afterAll(async () => {
  await closeBuild?.();
});

async function html(page: string, lng: string, mode: string): Promise<string> {
  const handler = createRequestHandler(build, "production");
  const res = await handler(
    new Request(`http://localhost${page}`, {
      headers: { Cookie: `lng=${lng}; mode=${mode}; ${committeeCookie}` },
    }),
  );
  expect(res.status, page).toBe(200);
  return res.text();
}

describe("after an account is deleted", () => {
  it.each([
    ["zh-CN", "full", "前居民"],
    ["zh-CN", "lite", "前居民"],
    ["en", "full", "former resident"],
    ["en", "lite", "former resident"],
  ])(
    "no page shows the name, and its writing is by a former resident (%s, %s)",
    async (lng, mode, former) => {
      const shown: Record<string, number> = {};
      for (const page of pages) {
        const text = await html(page, lng, mode);
        expect(text.includes(NAME), `${page} shows ${NAME}`).toBe(false);
        expect(text.includes(LATER), `${page} shows ${LATER}`).toBe(false);
        expect(text.includes(NEWCOMER), `${page} shows ${NEWCOMER}`).toBe(false);
        shown[page] = text.split(former).length - 1;
      }
      // Where the writing is shown, it is by a former resident: the project (proposer, comment,
      // history), the room (message, raised hand), the council's members, the committee change.
      const [home, project, print, , room, council] = pages;
      for (const page of [home!, project!, print!, room!, council!]) {
        expect(shown[page], `${page} names a former resident`).toBeGreaterThan(0);
      }
      expect(shown[project!]).toBeGreaterThanOrEqual(3);
      // The audit page keeps the actions (appointment, council seat, verification) without names.
      expect(shown[`/communities/${community}/audit`]).toBeGreaterThanOrEqual(3);
      // The register of paper voters names a former resident, and the count was confirmed by one.
      const poll = pages[pages.length - 1]!;
      expect(shown[poll]).toBeGreaterThanOrEqual(2);
      const paper = await html(poll, lng, mode);
      // Confirmed (by someone whose account is gone since), so not offered for confirming again.
      expect(paper).toContain(lng === "en" ? "confirmed by former resident" : "前居民 确认");
      expect(paper).not.toContain(lng === "en" ? "Confirm the count" : "确认计票结果");
    },
  );
});
