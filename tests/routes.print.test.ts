/**
 * The printable pages (a meeting's agenda sheet, a project's summary) as Remix calls them: they
 * carry what the paper needs, refuse exactly what their on-screen pages refuse, and answer 404,
 * never 500, for ids that do not exist or are not ids.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { getDb } from "../db/client.server";
import { loader as meetingLoader } from "~/routes/meetings.$id._index";
import { loader as meetingPrintLoader } from "~/routes/meetings.$id.print";
import { loader as projectLoader } from "~/routes/projects.$id._index";
import { loader as projectPrintLoader } from "~/routes/projects.$id.print";
import {
  cookieFor,
  makeCommunity,
  makeMeeting,
  makeMembership,
  makeProject,
  makeUser,
} from "./support/factories";
import { body, run } from "./support/remix";

const get = (path: string, cookie: string | null = null) =>
  new Request(`http://localhost${path}`, cookie ? { headers: { cookie } } : {});

let community: number;
let resident: number;
let residentCookie: string;
let strangerCookie: string;

beforeAll(async () => {
  community = await makeCommunity("print");
  resident = await makeUser({ displayName: "张阿姨" });
  await makeMembership(resident, community, "verified");
  residentCookie = await cookieFor(resident);
  strangerCookie = await cookieFor(await makeUser());
});

interface Sheet {
  title: string;
  url: string;
  [k: string]: unknown;
}

describe("a meeting's agenda sheet", () => {
  it("carries the topic, time, place, agenda in order, seats and sign-ups, and the page's path", async () => {
    const { meetingId } = await makeMeeting(community, { status: "scheduled", residentSeats: 30 });
    await getDb()
      .insertInto("rsvps")
      .values({
        meetingId,
        userId: resident,
        kind: "resident",
        createdAt: new Date().toISOString(),
      })
      .execute();
    const res = await run(meetingPrintLoader, get(`/meetings/${meetingId}/print`), {
      id: String(meetingId),
    });
    expect(res.status).toBe(200);
    const data = await body<Sheet>(res);
    expect(data).toMatchObject({
      title: "停车",
      meeting: { topic: "停车", description: "夜间停车", place: "议事厅", status: "scheduled" },
      council: { name: "圆桌会" },
      area: { nameZh: "print区", nameEn: "print" },
      agenda: [
        { title: "现状", minutes: 20 },
        { title: "方案", minutes: 20 },
      ],
      seats: [{ kind: "resident", capacity: 30, taken: 1 }],
      rsvps: 1,
      url: `/meetings/${meetingId}`,
    });
    // Who signed up is not on the notice board.
    expect(JSON.stringify(data)).not.toContain("张阿姨");
  });

  it("is refused exactly when the meeting page is, and answers 404 for unknown or malformed ids", async () => {
    const { meetingId } = await makeMeeting(community, { isPublic: false });
    // A meeting that is not public keeps its room private; its page (and so its sheet) is public.
    for (const cookie of [null, strangerCookie, residentCookie]) {
      const page = await run(meetingLoader, get(`/meetings/${meetingId}`, cookie), {
        id: String(meetingId),
      });
      const sheet = await run(meetingPrintLoader, get(`/meetings/${meetingId}/print`, cookie), {
        id: String(meetingId),
      });
      expect([cookie, sheet.status]).toEqual([cookie, page.status]);
    }
    for (const id of ["999999", "abc", "0", "-1", "1.5", "9".repeat(30)]) {
      const page = await run(meetingLoader, get(`/meetings/${id}`), { id });
      const sheet = await run(meetingPrintLoader, get(`/meetings/${id}/print`), { id });
      expect([id, sheet.status]).toEqual([id, 404]);
      expect([id, page.status]).toEqual([id, 404]);
    }
  });
});

describe("a project's summary sheet", () => {
  async function projectWithBudget(status: "accepted" | "draft") {
    const id = await makeProject(community, { title: `加装扶手${status}`, cost: 3500 });
    const db = getDb();
    await db
      .updateTable("projects")
      .set({ status, proposerId: resident, place: "3 幢楼道", supportCount: 12 })
      .where("id", "=", id)
      .execute();
    await db
      .insertInto("projectBudgetItems")
      .values([
        { projectId: id, position: 1, label: "扶手材料", amount: 2000 },
        { projectId: id, position: 2, label: "安装人工", amount: 1500 },
      ])
      .execute();
    return id;
  }

  it("carries the facts, the itemised budget with its total and the latest report", async () => {
    const id = await projectWithBudget("accepted");
    const now = new Date().toISOString();
    await getDb()
      .insertInto("projectUpdates")
      .values([
        {
          projectId: id,
          kind: "progress",
          authorId: resident,
          body: "材料已采购",
          spent: 2000,
          onDate: "2030-02-01",
          createdAt: now,
        },
        {
          projectId: id,
          kind: "final",
          authorId: resident,
          body: "扶手全部装好",
          spent: 1400,
          onDate: "2030-03-01",
          createdAt: now,
        },
      ])
      .execute();
    const res = await run(projectPrintLoader, get(`/projects/${id}/print`), { id: String(id) });
    expect(res.status).toBe(200);
    expect(await body<Sheet>(res)).toMatchObject({
      title: "加装扶手accepted",
      project: {
        status: "accepted",
        category: "communityService",
        summary: "为社区居民办一件实事",
        beneficiaries: "社区居民",
        place: "3 幢楼道",
        startsOn: "2030-01-01",
        endsOn: "2030-06-30",
        budgetTotal: 3500,
        supportCount: 12,
        community: { nameZh: "print区", nameEn: "print" },
        proposer: "张阿姨",
      },
      items: [
        { label: "扶手材料", amount: 2000 },
        { label: "安装人工", amount: 1500 },
      ],
      latest: { kind: "final", body: "扶手全部装好", spent: 1400, onDate: "2030-03-01" },
      url: `/projects/${id}`,
    });
  });

  it("has no report section for a project without reports", async () => {
    const id = await makeProject(community);
    const res = await run(projectPrintLoader, get(`/projects/${id}/print`), { id: String(id) });
    expect((await body<Sheet>(res)).latest).toBeNull();
  });

  it("keeps a draft as private as its page, and answers 404 for unknown or malformed ids", async () => {
    const id = await projectWithBudget("draft");
    for (const [who, cookie, status] of [
      ["anonymous", null, 404],
      ["stranger", strangerCookie, 404],
      ["proposer", residentCookie, 200],
    ] as const) {
      const page = await run(projectLoader, get(`/projects/${id}`, cookie), { id: String(id) });
      const sheet = await run(projectPrintLoader, get(`/projects/${id}/print`, cookie), {
        id: String(id),
      });
      expect([who, page.status, sheet.status]).toEqual([who, status, status]);
    }
    for (const bad of ["999999", "abc", "0", "-1", "1e3", "9".repeat(30)]) {
      const sheet = await run(projectPrintLoader, get(`/projects/${bad}/print`), { id: bad });
      expect([bad, sheet.status]).toEqual([bad, 404]);
    }
  });
});
