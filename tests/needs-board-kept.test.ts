/**
 * A street's 民情 boards are read once for every viewer and kept a few seconds per process
 * (services/needs/queries.server.ts, `streetBoards`): a need reported, joined or moved through a
 * command shows on the next board of its street; a write outside commands waits for
 * PAGE_CACHE_MS; another street's changes drop nothing here; what a viewer may not read stays
 * hidden from them although the rows are shared; one's own list is never kept. Read through the
 * route's own loader, as Remix calls it.
 */
import { beforeEach, describe, expect, it } from "vitest";
import { keepShownReads } from "./support/shown";
import type { Actor } from "~/domain/permissions/policy";
import { loader } from "~/routes/needs._index";
import { meToo } from "~/services/needs/commands.server";
import { appointGridWorker } from "~/services/needs/staff.server";
import { getDb } from "../db/client.server";
import {
  actorFor,
  cookieFor,
  gridsOf,
  makeCommittee,
  makeCommunity,
  makeResident,
  makeUser,
} from "./support/factories";
import { reportIn, send, streetOf, username } from "./support/needs";
import { body, run } from "./support/remix";

interface Board {
  scope: { kind: string; id: number } | null;
  grids: Array<{ id: number }>;
  items: Array<{ id: number; description: string | null; intensity: number }>;
  total: number;
}

async function board(search: string, cookie: string | null = null): Promise<Board> {
  const res = await run(
    loader,
    new Request(`http://localhost/needs?${search}`, {
      headers: cookie ? { Cookie: cookie } : {},
    }),
    {},
  );
  expect(res.status).toBe(200);
  return body<Board>(res);
}

keepShownReads();

let community: number;
let grid: number;
let street: number;
let reporter: Actor;
let reporterCookie: string;
let neighbour: Actor;
let neighbourCookie: string;
let workerCookie: string;

beforeEach(async () => {
  community = await makeCommunity("kept");
  grid = (await gridsOf(community))[0]!;
  street = await streetOf(community);
  reporter = await makeResident(community);
  reporterCookie = await cookieFor(reporter.userId!);
  neighbour = await makeResident(community);
  neighbourCookie = await cookieFor(neighbour.userId!);
  const committeeId = await makeUser();
  await makeCommittee(committeeId, community);
  const workerId = await makeUser();
  await send(appointGridWorker, await actorFor(committeeId), {
    areaId: grid,
    login: await username(workerId),
  });
  workerCookie = await cookieFor(workerId);
});

const describeDirectly = (needId: number, description: string) =>
  getDb().updateTable("needs").set({ description }).where("id", "=", needId).execute();

describe("a street's boards, kept for every viewer", () => {
  it("show a need reported through a command on the next board, and keep a write outside commands until dropped", async () => {
    const before = await board(`street=${street}`);
    expect(before.scope).toMatchObject({ kind: "street", id: street });
    expect(before.items).toEqual([]);
    const id = await reportIn({ community, grid }, reporter);
    // need.changed dropped the street's boards: the street's, the community's, at once.
    expect((await board(`street=${street}`)).items.map((i) => i.id)).toEqual([id]);
    expect((await board(`community=${community}`)).items.map((i) => i.id)).toEqual([id]);

    await describeDirectly(id, "直接改写的描述");
    expect((await board(`street=${street}`)).items[0]?.description).not.toBe("直接改写的描述");
    expect((await board(`community=${community}`, neighbourCookie)).items[0]?.description).not.toBe(
      "直接改写的描述",
    );

    // A need of another street drops nothing here.
    const elsewhere = await makeCommunity("elsewhere");
    const elsewhereReporter = await makeResident(elsewhere);
    const other = await reportIn(
      { community: elsewhere, grid: (await gridsOf(elsewhere))[0]! },
      elsewhereReporter,
    );
    expect((await board(`street=${await streetOf(elsewhere)}`)).items.map((i) => i.id)).toEqual([
      other,
    ]);
    expect((await board(`street=${street}`)).items[0]?.description).not.toBe("直接改写的描述");

    // "Me too" through its command: the street's boards are read again, the new text with it.
    await send(meToo, neighbour, { needId: String(id) });
    const after = await board(`street=${street}`);
    expect(after.items[0]).toMatchObject({ id, description: "直接改写的描述", intensity: 2 });
  });

  it("hide a private need's details from each viewer who may not read them, though the rows are shared", async () => {
    const id = await reportIn({ community, grid }, reporter, {
      category: "neighbourDispute",
      description: "楼上邻居每晚噪音到凌晨。",
    });
    const search = `community=${community}&status=all`;
    // The reporter reads first, so the kept rows were read for a viewer who may see the details.
    expect((await board(search, reporterCookie)).items[0]).toMatchObject({
      id,
      description: "楼上邻居每晚噪音到凌晨。",
    });
    expect((await board(search, neighbourCookie)).items[0]).toMatchObject({
      id,
      description: null,
    });
    expect((await board(search)).items[0]).toMatchObject({ id, description: null });
    expect((await board(search, workerCookie)).items[0]?.description).toBe(
      "楼上邻居每晚噪音到凌晨。",
    );
  });

  it("never keep one's own list, on its own or within a board", async () => {
    const id = await reportIn({ community, grid }, reporter);
    for (const search of ["mine=1&status=all", `community=${community}&mine=1&status=all`]) {
      expect((await board(search, reporterCookie)).items.map((i) => i.id)).toEqual([id]);
      // Another resident's own list, on the same board: not the reporter's.
      expect((await board(search, neighbourCookie)).items).toEqual([]);
    }
    await describeDirectly(id, "我的需求，直接改写");
    expect(
      (await board(`community=${community}&mine=1&status=all`, reporterCookie)).items[0]
        ?.description,
    ).toBe("我的需求，直接改写");
  });

  it("give a community's and a street's grids, and no board for an area of another level", async () => {
    const c = await board(`community=${community}`);
    expect(c.grids.map((g) => g.id)).toEqual(await gridsOf(community));
    expect((await board(`street=${street}`)).grids.map((g) => g.id)).toEqual(
      await gridsOf(community),
    );
    // A community's id given as a street, and a street's as a community: no such board.
    expect(await board(`street=${community}`)).toMatchObject({ scope: null, grids: [] });
    expect(await board(`community=${street}`)).toMatchObject({ scope: null, grids: [] });
  });
});
