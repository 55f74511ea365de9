/**
 * 民情 pages as Remix calls them, with real Requests: reporting from /needs/new (the community is
 * the grid's), "me too" from the similar list, a step from a need's page by its role and refused to
 * others (translated, nothing written), and the whole pages in both languages, in standard mode and
 * in 长辈版 (no script), with a private need's details kept from those not handling it.
 */
import { createRequestHandler } from "@remix-run/node";
import { beforeEach, describe, expect, it } from "vitest";
import { getDb } from "../db/client.server";
import enNeed from "../public/locales/en/need.json";
import zhNeed from "../public/locales/zh-CN/need.json";
import type { Actor } from "~/domain/permissions/policy";
import * as root from "~/root";
import * as boardRoute from "~/routes/needs._index";
import * as needRoute from "~/routes/needs.$id._index";
import * as newRoute from "~/routes/needs.new";
import * as staffRoute from "~/routes/needs.staff";
import { run as runCommand } from "~/services/runner/command.server";
import { appointSchema } from "~/domain/needs/schemas";
import { appointGridWorker } from "~/services/needs/staff.server";
import type { Refusal } from "~/utils/forms.server";
import { routesBuild } from "./support/builds";
import {
  actorFor,
  cookieFor,
  gridsOf,
  makeCommittee,
  makeCommunity,
  makeResident,
  makeUser,
  wholeDbSnapshot,
} from "./support/factories";
import { body, formRequest, run } from "./support/remix";

let community: number;
let grid: number;
let resident: Actor;
let neighbour: Actor;
let gridWorker: Actor;

beforeEach(async () => {
  sessions.clear();
  community = await makeCommunity("pages");
  grid = (await gridsOf(community))[0]!;
  resident = await makeResident(community);
  neighbour = await makeResident(community);
  const committeeId = await makeUser();
  await makeCommittee(committeeId, community);
  const gw = await makeUser();
  const { username } = await getDb()
    .selectFrom("users")
    .select("username")
    .where("id", "=", gw)
    .executeTakeFirstOrThrow();
  await runCommand(
    appointGridWorker,
    await actorFor(committeeId),
    appointSchema.parse({ areaId: String(grid), login: username }),
  );
  gridWorker = await actorFor(gw);
});

/** One session per person: a new session is a row, which a "nothing written" check would see. */
const sessions = new Map<number, string>();
async function cookie(who: Actor) {
  if (!sessions.has(who.userId!)) sessions.set(who.userId!, await cookieFor(who.userId!));
  return sessions.get(who.userId!)!;
}

async function reportAs(who: Actor, fields: Record<string, string> = {}) {
  return run(
    newRoute.action,
    formRequest(
      "/needs/new",
      {
        intent: "report",
        gridId: String(grid),
        category: "repairsFacilities",
        place: "5幢",
        description: "楼道灯坏了，晚上看不清台阶。",
        ...fields,
      },
      { cookie: await cookie(who) },
    ),
  );
}

const idFrom = (res: Response) => Number(/\/needs\/(\d+)/.exec(res.headers.get("Location")!)![1]);

describe("/needs/new", () => {
  it("reports in the grid's community and sends the reporter to the need", async () => {
    const res = await reportAs(resident);
    expect(res.status).toBe(302);
    expect(res.headers.get("Location")).toMatch(/^\/needs\/\d+\?done=reported$/);
    const need = await getDb()
      .selectFrom("needs")
      .selectAll()
      .where("id", "=", idFrom(res))
      .executeTakeFirstOrThrow();
    expect(need).toMatchObject({
      communityId: community,
      gridId: grid,
      reporterId: resident.userId,
    });
  });

  it("refuses an empty description on its field, keeps what was typed, writes nothing", async () => {
    await cookie(resident);
    const before = await wholeDbSnapshot();
    const res = await reportAs(resident, { description: "" });
    expect(res.status).toBe(400);
    const refusal = await body<Refusal>(res);
    expect(refusal.errors.description?.key).toBe("errors.required");
    expect(refusal.values.place).toBe("5幢");
    expect(await wholeDbSnapshot()).toEqual(before);
  });

  it("lists the open needs of the grid and category, and joins one with 'me too'", async () => {
    const id = idFrom(await reportAs(resident));
    const cookie = await cookieFor(neighbour.userId!);
    const page = await run(
      newRoute.loader,
      new Request(
        `http://localhost/needs/new?grid=${grid}&category=repairsFacilities&q=${encodeURIComponent("楼道灯")}`,
        { headers: { cookie } },
      ),
    );
    const data = await body<{ similar: Array<{ id: number; similar: boolean }> }>(page);
    expect(data.similar).toEqual([expect.objectContaining({ id, similar: true })]);
    const joined = await run(
      newRoute.action,
      formRequest("/needs/new", { intent: "meToo", needId: String(id) }, { cookie }),
    );
    expect(joined.headers.get("Location")).toBe(`/needs/${id}?done=meToo`);
    const again = await run(
      newRoute.action,
      formRequest("/needs/new", { intent: "meToo", needId: String(id) }, { cookie }),
    );
    expect(again.status).toBe(409);
    expect((await body<Refusal>(again)).errors._form?.key).toBe("need:errors.alreadyBehind");
  });
});

describe("/needs/:id", () => {
  it("takes the grid worker's step, and refuses it to the reporter with nothing written", async () => {
    const id = idFrom(await reportAs(resident));
    const post = async (who: Actor, fields: Record<string, string>) =>
      run(
        needRoute.action,
        formRequest(
          `/needs/${id}`,
          { intent: "step", ...fields },
          {
            cookie: await cookie(who),
          },
        ),
        { id: String(id) },
      );
    await Promise.all([cookie(resident), cookie(gridWorker)]);
    const before = await wholeDbSnapshot();
    const refused = await post(resident, { step: "accept" });
    expect(refused.status).toBe(403);
    expect((await body<Refusal>(refused)).errors._form?.key).toBe("errors.forbidden");
    const forged = await post(gridWorker, { step: "teleport" });
    expect(forged.status).toBe(400);
    expect(await wholeDbSnapshot()).toEqual(before);
    const ok = await post(gridWorker, { step: "accept", note: "明天上午去看" });
    expect(ok.headers.get("Location")).toBe(`/needs/${id}?done=step`);
    const n = await getDb()
      .selectFrom("needs")
      .select("status")
      .where("id", "=", id)
      .executeTakeFirstOrThrow();
    expect(n.status).toBe("accepted");
  });
});

describe("whole pages", () => {
  const handler = createRequestHandler(
    routesBuild({
      root: ["", undefined, root],
      "routes/needs._index": ["needs", "root", boardRoute],
      "routes/needs.new": ["needs/new", "root", newRoute],
      "routes/needs.$id._index": ["needs/:id", "root", needRoute],
    }),
  );
  async function html(url: string, lng: string, mode: string, who: Actor | null) {
    const cookie = [`lng=${lng}`, `mode=${mode}`];
    if (who) cookie.push(await cookieFor(who.userId!));
    const res = await handler(
      new Request(`http://localhost${url}`, { headers: { Cookie: cookie.join("; ") } }),
    );
    expect(res.status, url).toBe(200);
    return res.text();
  }

  it("renders the board, the form and a need in both languages and modes; 长辈版 has no script", async () => {
    const id = idFrom(await reportAs(resident));
    const words = {
      "zh-CN": { board: "民情诉求", form: "反映问题", status: "待网格员受理", accept: "受理" },
      en: {
        board: "Needs",
        form: "Report a need",
        status: "Waiting for the grid worker",
        accept: "Accept",
      },
    };
    for (const lng of ["zh-CN", "en"] as const) {
      for (const mode of ["full", "lite"]) {
        const board = await html(`/needs?community=${community}`, lng, mode, null);
        expect(board).toContain(words[lng].board);
        expect(board).toContain(`/needs/${id}`);
        // The figures of the community's street, one link from the board.
        const { parentId } = await getDb()
          .selectFrom("areas")
          .select("parentId")
          .where("id", "=", community)
          .executeTakeFirstOrThrow();
        expect(board).toContain(`href="/needs/figures?scope=${parentId}"`);
        const form = await html("/needs/new", lng, mode, resident);
        expect(form).toContain(words[lng].form);
        const page = await html(`/needs/${id}`, lng, mode, gridWorker);
        expect(page).toContain(words[lng].status);
        expect(page).toContain(`>${words[lng].accept}</button>`);
        expect(page).toContain("楼道灯坏了");
        if (mode === "lite")
          for (const h of [board, form, page]) expect(h).not.toContain("<script");
      }
    }
  });

  it("keeps a private need's details from neighbours, and shows them to the grid worker", async () => {
    const id = idFrom(
      await reportAs(resident, {
        category: "neighbourDispute",
        description: "楼上每晚噪音到凌晨。",
      }),
    );
    expect(await html(`/needs/${id}`, "zh-CN", "full", neighbour)).not.toContain("楼上每晚噪音");
    expect(await html(`/needs?community=${community}`, "zh-CN", "full", null)).not.toContain(
      "楼上每晚噪音",
    );
    expect(await html(`/needs/${id}`, "zh-CN", "full", gridWorker)).toContain("楼上每晚噪音");
    expect(await html(`/needs/${id}`, "zh-CN", "full", resident)).toContain("楼上每晚噪音");
  });
});

describe("/needs/staff", () => {
  it("lets the committee appoint and end a grid worker, and refuses residents", async () => {
    const committeeId = (
      await getDb()
        .selectFrom("committeeMembers")
        .select("userId")
        .where("communityId", "=", community)
        .executeTakeFirstOrThrow()
    ).userId;
    const committee = await actorFor(committeeId);
    const someone = await makeUser();
    const { username } = await getDb()
      .selectFrom("users")
      .select("username")
      .where("id", "=", someone)
      .executeTakeFirstOrThrow();
    const asResident = await run(
      staffRoute.loader,
      new Request("http://localhost/needs/staff", { headers: { cookie: await cookie(resident) } }),
    );
    expect(asResident.status).toBe(403);
    const page = await run(
      staffRoute.loader,
      new Request("http://localhost/needs/staff", { headers: { cookie: await cookie(committee) } }),
    );
    const data = await body<{ gridWorkers: Array<{ id: number; username: string }> }>(page);
    expect(data.gridWorkers.map((g) => g.username)).toHaveLength(1);
    const post = async (fields: Record<string, string>) =>
      run(
        staffRoute.action,
        formRequest("/needs/staff", fields, { cookie: await cookie(committee) }),
      );
    expect(
      (await post({ intent: "gridWorker", areaId: String(grid), login: username! })).status,
    ).toBe(302);
    expect((await actorFor(someone)).gridWorkerOf).toEqual([grid]);
    const again = await post({ intent: "gridWorker", areaId: String(grid), login: username! });
    expect((await body<Refusal>(again)).errors.login?.key).toBe("need:errors.alreadyAppointed");
    const row = await getDb()
      .selectFrom("needStaff")
      .select("id")
      .where("userId", "=", someone)
      .executeTakeFirstOrThrow();
    expect((await post({ intent: "end", staffId: String(row.id) })).status).toBe(302);
    expect((await actorFor(someone)).gridWorkerOf).toEqual([]);
  });
});

describe("/needs/staff refusals, as the page shows them", () => {
  const handler = createRequestHandler(
    routesBuild({
      root: ["", undefined, root],
      "routes/needs.staff": ["needs/staff", "root", staffRoute],
    }),
  );
  const texts = { "zh-CN": zhNeed.errors, en: enNeed.errors };

  it("refuses a unit for a place that is not a street, and ending no appointment: translated, nothing written", async () => {
    const admin = await makeUser({ isAdmin: true });
    const session = await cookieFor(admin);
    const { max } = await getDb()
      .selectFrom("needStaff")
      .select((eb) => eb.fn.max("id").as("max"))
      .executeTakeFirstOrThrow();
    const cases = [
      {
        fields: { intent: "unit", streetId: String(community), name: "城管中队" },
        status: 400,
        name: "badStreet",
      },
      {
        fields: { intent: "end", staffId: String(Number(max) + 1) },
        status: 404,
        name: "staffNotFound",
      },
    ] as const;
    const before = await wholeDbSnapshot();
    for (const lng of ["zh-CN", "en"] as const) {
      // The page alone does not carry these words: the refusal puts them there.
      const page = await handler(
        new Request("http://localhost/needs/staff", {
          headers: { cookie: `lng=${lng}; ${session}` },
        }),
      );
      const plain = await page.text();
      expect(page.status).toBe(200);
      for (const c of cases) expect(plain).not.toContain(texts[lng][c.name]);
      for (const c of cases) {
        const res = await handler(
          formRequest("/needs/staff", c.fields, { cookie: `lng=${lng}; ${session}` }),
        );
        expect(res.status, `${lng} ${c.name}`).toBe(c.status);
        const html = await res.text();
        expect(html, `${lng} ${c.name}`).toContain(texts[lng][c.name]);
      }
    }
    expect(await wholeDbSnapshot()).toEqual(before);
  });
});
