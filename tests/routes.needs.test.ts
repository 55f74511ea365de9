/**
 * 民情 pages as Remix calls them, with real Requests: reporting from /needs/new (the community is
 * the grid's), "me too" from the similar list, a step from a need's page by its role and refused to
 * others (translated, nothing written), and the whole pages in both languages, in standard mode and
 * in 长辈版 (no script), with a private need's details kept from those not handling it; a micro-project
 * proposed from a need's page, created with its link to the need or refused with nothing written;
 * and the staff page's error summary, whose links reach the fields of forms that share names.
 */
import { createRequestHandler } from "@remix-run/node";
import { beforeEach, describe, expect, it } from "vitest";
import { getDb } from "../db/client.server";
import enNeed from "../public/locales/en/need.json";
import enProject from "../public/locales/en/project.json";
import zhNeed from "../public/locales/zh-CN/need.json";
import zhProject from "../public/locales/zh-CN/project.json";
import type { Actor } from "~/domain/permissions/policy";
import * as root from "~/root";
import * as boardRoute from "~/routes/needs._index";
import * as needRoute from "~/routes/needs.$id._index";
import * as newRoute from "~/routes/needs.new";
import * as staffRoute from "~/routes/needs.staff";
import * as projectRoute from "~/routes/projects.$id._index";
import * as newProjectRoute from "~/routes/projects.new";
import { run as runCommand } from "~/services/runner/command.server";
import { appointSchema } from "~/domain/needs/schemas";
import { takeNeedStep } from "~/services/needs/commands.server";
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

/** A page's text as the reader sees it: without React's text separators and entities. */
const plain = (html: string) =>
  html
    .replaceAll("<!-- -->", "")
    .replaceAll("&#x27;", "'")
    .replaceAll("&quot;", '"')
    .replaceAll("&amp;", "&");

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
  it("links the unit form's street error to its select, whose id says which form it is in", async () => {
    const admin = await makeUser({ isAdmin: true });
    const session = await cookieFor(admin);
    const res = await handler(
      formRequest(
        "/needs/staff",
        { intent: "unit", streetId: String(community), name: "城管中队" },
        { cookie: `lng=zh-CN; ${session}` },
      ),
    );
    expect(res.status).toBe(400);
    const html = plain(await res.text());
    // The page has two street selects (the command room's appointment, the new unit): the
    // summary's link must name the unit form's one, and that one must be on the page.
    expect(html).toMatch(/<a href="#f-streetId-unit">[^<]*请选择一个街道/);
    expect(html).toContain('id="f-streetId-unit"');
    for (const [, target] of html.matchAll(/<a href="#([^"]+)"/g)) {
      if (target === "main") continue;
      expect(html, target).toContain(`id="${target}"`);
    }
  });
});

describe("proposing a micro-project from a need", () => {
  const handler = createRequestHandler(
    routesBuild({
      root: ["", undefined, root],
      "routes/needs.$id._index": ["needs/:id", "root", needRoute],
      "routes/projects.new": ["projects/new", "root", newProjectRoute],
      "routes/projects.$id._index": ["projects/:id", "root", projectRoute],
    }),
  );
  const texts = {
    "zh-CN": { need: zhNeed, project: zhProject },
    en: { need: enNeed, project: enProject },
  } as const;
  type Lng = keyof typeof texts;

  async function get(url: string, who: Actor | null, lng: Lng = "zh-CN", mode = "full") {
    const cookies = [`lng=${lng}`, `mode=${mode}`];
    if (who) cookies.push(await cookie(who));
    const res = await handler(
      new Request(`http://localhost${url}`, { headers: { Cookie: cookies.join("; ") } }),
    );
    return { status: res.status, html: plain(await res.text()) };
  }

  async function post(
    url: string,
    fields: Record<string, string | string[]>,
    who: Actor,
    lng: Lng = "zh-CN",
  ) {
    return handler(formRequest(url, fields, { cookie: `lng=${lng}; ${await cookie(who)}` }));
  }

  /** A proposal that passes, for the test's community. */
  const proposal = (change: Record<string, string> = {}) => ({
    title: "楼道感应灯改造",
    summary: "为老旧小区楼道加装感应灯，方便夜间出行",
    description: "小区共有十二个单元，楼道照明损坏多年，居民夜间上下楼不便，计划统一更换为感应灯。",
    communityId: String(community),
    organisationId: "",
    gridId: String(grid),
    place: "",
    category: "communityService",
    beneficiaries: "5幢居民约80人",
    startsOn: "2030-01-01",
    endsOn: "2030-03-01",
    itemLabel: ["感应灯", ""],
    itemAmount: ["3000", ""],
    ...change,
  });

  const hiddenNeed = (id: number) => new RegExp(`<input[^>]*name="needId"[^>]*value="${id}"`);

  async function committee() {
    const { userId } = await getDb()
      .selectFrom("committeeMembers")
      .select("userId")
      .where("communityId", "=", community)
      .executeTakeFirstOrThrow();
    return actorFor(userId);
  }

  it("links from the need to a form that shows and carries it, in both languages and modes", async () => {
    const id = idFrom(await reportAs(resident));
    const needPage = await get(`/needs/${id}`, neighbour);
    expect(needPage.html).toContain(`href="/projects/new?need=${id}"`);
    for (const lng of ["zh-CN", "en"] as const) {
      for (const mode of ["full", "lite"]) {
        const { status, html } = await get(`/projects/new?need=${id}`, neighbour, lng, mode);
        expect(status).toBe(200);
        expect(html).toContain(texts[lng].project.form.need);
        expect(html).toContain(`${texts[lng].need.categories.repairsFacilities} #${id}`);
        expect(html).toContain(`href="/needs/${id}"`);
        expect(html).toMatch(hiddenNeed(id));
        // A public need's place is everyone's to read.
        expect(html).toContain("5幢");
        if (mode === "lite") expect(html).not.toContain("<script");
      }
    }
  });

  it("keeps a private need's place and words off a neighbour's form, and still carries it", async () => {
    const id = idFrom(
      await reportAs(resident, {
        category: "neighbourDispute",
        place: "7幢302",
        description: "楼上每晚噪音到凌晨。",
      }),
    );
    const theirs = await get(`/projects/new?need=${id}`, neighbour);
    expect(theirs.html).toContain(`#${id}`);
    expect(theirs.html).toMatch(hiddenNeed(id));
    expect(theirs.html).not.toContain("7幢302");
    expect(theirs.html).not.toContain("楼上每晚噪音");
    const own = await get(`/projects/new?need=${id}`, resident);
    expect(own.html).toContain("7幢302");
    expect(own.html).not.toContain("楼上每晚噪音");
  });

  it("creates the project with its link in one command; both pages show it, a draft only to its writers", async () => {
    const id = idFrom(await reportAs(resident));
    const res = await post(`/projects/new?need=${id}`, proposal({ needId: String(id) }), neighbour);
    expect(res.status).toBe(302);
    const pid = Number(/^\/projects\/(\d+)\?done=created$/.exec(res.headers.get("Location")!)![1]);
    const db = getDb();
    expect(
      await db
        .selectFrom("needLinks")
        .select(["kind", "targetId", "createdBy"])
        .where("needId", "=", id)
        .execute(),
    ).toEqual([{ kind: "project", targetId: pid, createdBy: neighbour.userId }]);
    const step = await db
      .selectFrom("needSteps")
      .select(["step", "role", "note", "actorId"])
      .where("needId", "=", id)
      .orderBy("id", "desc")
      .executeTakeFirstOrThrow();
    expect(step).toEqual({
      step: "link",
      role: "proposer",
      note: `project:${pid}`,
      actorId: neighbour.userId,
    });

    for (const lng of ["zh-CN", "en"] as const) {
      for (const mode of ["full", "lite"]) {
        // The proposer reads the draft, on the need's page too.
        const mine = await get(`/needs/${id}`, neighbour, lng, mode);
        expect(mine.html).toContain(`href="/projects/${pid}"`);
        expect(mine.html).toContain("楼道感应灯改造");
        expect(mine.html).toContain(`(${texts[lng].need.links.draft})`);
        expect(mine.html).toContain(texts[lng].need.roles.proposer);
        const project = await get(`/projects/${pid}`, neighbour, lng, mode);
        expect(project.status).toBe(200);
        expect(project.html).toContain(`href="/needs/${id}"`);
        expect(project.html).toContain(texts[lng].need.links.onProject);
        // Others read that a project answers it, not what it is, until it is submitted.
        const others = await get(`/needs/${id}`, resident, lng, mode);
        expect(others.html).not.toContain("楼道感应灯改造");
        expect(others.html).not.toContain(`href="/projects/${pid}"`);
        expect(others.html).toContain(texts[lng].need.links.unseenProject);
        if (mode === "lite") {
          for (const h of [mine.html, project.html, others.html])
            expect(h).not.toContain("<script");
        }
      }
    }
    const submitted = await post(`/projects/${pid}`, { intent: "step", step: "submit" }, neighbour);
    expect(submitted.status).toBe(302);
    const others = await get(`/needs/${id}`, null);
    expect(others.html).toContain(`href="/projects/${pid}"`);
    expect(others.html).toContain("楼道感应灯改造");
    expect(others.html).not.toContain(zhNeed.links.unseenProject);
  });

  /** A resident's need (id), a neighbour's merged into it (dup) and one of another community (far). */
  async function needsNoProjectTakes() {
    const id = idFrom(await reportAs(resident));
    const dup = idFrom(await reportAs(neighbour));
    await runCommand(
      takeNeedStep,
      await committee(),
      takeNeedStep.input.parse({ needId: String(dup), step: "merge", into: String(id) }),
    );
    const elsewhere = await makeCommunity("elsewhere");
    const there = await makeResident(elsewhere);
    const [thereGrid] = await gridsOf(elsewhere);
    const far = idFrom(await reportAs(there, { gridId: String(thereGrid) }));
    return { id, dup, far };
  }
  it("refuses a forged, unknown, merged or other community's need on the form, translated, writing nothing", async () => {
    const { id, dup, far } = await needsNoProjectTakes();
    const stranger = await actorFor(await makeUser());
    const cases = [
      { needId: "abc", status: 400, field: "needId", key: "badNeed" },
      { needId: String(far + 1000), status: 400, field: "needId", key: "badNeed" },
      { needId: "-1", status: 400, field: "needId", key: "badNeed" },
      { needId: String(dup), status: 409, field: "needId", key: "needTakesNoProjects" },
      { needId: String(far), status: 400, field: "communityId", key: "needElsewhere" },
    ] as const;
    await Promise.all([cookie(neighbour), cookie(stranger)]);
    const before = await wholeDbSnapshot();
    for (const lng of ["zh-CN", "en"] as const) {
      for (const c of cases) {
        const res = await post(
          `/projects/new?need=${id}`,
          proposal({ needId: c.needId }),
          neighbour,
          lng,
        );
        expect(res.status, `${lng} ${c.needId}`).toBe(c.status);
        const html = plain(await res.text());
        expect(html, `${lng} ${c.needId}`).toContain(texts[lng].project.errors[c.key]);
        // The summary's link reaches what the error is about.
        expect(html).toContain(`href="#f-${c.field}"`);
        expect(html).toContain(`id="f-${c.field}"`);
        // What was typed is kept.
        expect(html).toContain("楼道感应灯改造");
      }
      // Someone who may not propose here is told that, whatever the need.
      const res = await post(
        `/projects/new?need=${id}`,
        proposal({ needId: String(id) }),
        stranger,
        lng,
      );
      expect(res.status).toBe(403);
    }
    expect(await wholeDbSnapshot()).toEqual(before);
  });

  it("says on the form when the address names no need it can carry, and carries none", async () => {
    const { dup, far } = await needsNoProjectTakes();
    for (const lng of ["zh-CN", "en"] as const) {
      for (const [need, key] of [
        ["abc", "badNeed"],
        [String(far + 1000), "badNeed"],
        [String(dup), "needTakesNoProjects"],
        [String(far), "needNotYours"],
      ] as const) {
        const { status, html } = await get(`/projects/new?need=${need}`, neighbour, lng, "lite");
        expect(status, need).toBe(200);
        expect(html, need).toContain(texts[lng].project.errors[key]);
        expect(html, need).not.toContain('name="needId"');
      }
    }
    // A merged need's page invites no proposal: its "merged into" link leads to the one that does.
    const merged = await get(`/needs/${dup}`, neighbour);
    expect(merged.html).not.toContain("/projects/new?need=");
  });
});
