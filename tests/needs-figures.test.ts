/**
 * 民情 figures: a small street of needs moved through the loop by the commands at injected clocks,
 * then every heat cell and every figure per community and per unit checked exactly — for a month
 * (China time) and for what is open now, for a street and a district — and the page in both
 * languages, standard and 长辈版 (no script).
 */
import { createRequestHandler } from "@remix-run/node";
import { beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "~/domain/permissions/policy";
import * as root from "~/root";
import * as figuresRoute from "~/routes/needs.figures";
import { meToo, reportNeed, takeNeedStep } from "~/services/needs/commands.server";
import { figuresScope, needFigures, type NeedFigures } from "~/services/needs/figures.server";
import {
  addUnitMember,
  appointCommandRoom,
  appointGridWorker,
  createUnit,
} from "~/services/needs/staff.server";
import { routesBuild } from "./support/builds";
import { actorFor, makeArea, makeCommittee, makeResident, makeUser } from "./support/factories";
import { later, MONDAY, send, username } from "./support/needs";

/** When the figures are read: 8 July, past every deadline of June. */
const NOW = later(30);

let district: number;
let street: number;
let a: number;
let b: number;
let far: number;
let u1: number;
let u2: number;
const need: Record<string, number> = {};

beforeAll(async () => {
  district = await makeArea("district", null, "figures-district");
  street = await makeArea("street", district, "figures-street");
  const otherStreet = await makeArea("street", district, "figures-other");
  a = await makeArea("community", street, "figures-a");
  b = await makeArea("community", street, "figures-b");
  far = await makeArea("community", otherStreet, "figures-far");
  const gridA = await makeArea("grid", a);
  const gridB = await makeArea("grid", b);
  const gridFar = await makeArea("grid", far);
  const [r1, r2, r3, r4, r5, r6] = await Promise.all([
    makeResident(a),
    makeResident(a),
    makeResident(a),
    makeResident(b),
    makeResident(b),
    makeResident(far),
  ]);
  const committeeA = await makeUser();
  const committeeB = await makeUser();
  await makeCommittee(committeeA, a);
  await makeCommittee(committeeB, b);
  const [cA, cB] = await Promise.all([actorFor(committeeA), actorFor(committeeB)]);
  const admin = await actorFor(await makeUser({ isAdmin: true }));
  const [gwId, crId, m1, m2] = [
    await makeUser(),
    await makeUser(),
    await makeUser(),
    await makeUser(),
  ];
  await send(appointGridWorker, cA, { areaId: gridA, login: await username(gwId) });
  await send(appointGridWorker, cB, { areaId: gridB, login: await username(gwId) });
  await send(appointCommandRoom, admin, { areaId: street, login: await username(crId) });
  u1 = (await send(createUnit, admin, {
    streetId: street,
    platform: "service",
    name: "便民服务",
  })) as number;
  u2 = (await send(createUnit, admin, { streetId: street, name: "城管中队" })) as number;
  await send(addUnitMember, admin, { unitId: u1, login: await username(m1) });
  await send(addUnitMember, admin, { unitId: u2, login: await username(m2) });
  const [gw, cr, unit1] = await Promise.all([gwId, crId, m1].map((id) => actorFor(id)));

  const report = (who: Actor, community: number, grid: number, category: string, now = MONDAY) =>
    send(
      reportNeed,
      who,
      {
        communityId: String(community),
        gridId: String(grid),
        category,
        place: "1幢",
        description: "需要处理的问题，已经很久了。",
      },
      now,
    ) as Promise<number>;
  const step = (
    id: number,
    who: Actor,
    s: string,
    at = MONDAY,
    extra: Record<string, unknown> = {},
  ) => send(takeNeedStep, who, { needId: String(id), step: s, ...extra }, at);
  const toUnit = async (id: number, unitId: number) => {
    await step(id, gw!, "accept");
    await step(id, gw!, "escalate");
    // Dispatched on Monday: resolve within 5 working days, by the end of Monday 15 June.
    await step(id, cr!, "dispatch", MONDAY, { unitId: String(unitId) });
  };

  // N1, community A: three residents; resolved on time; answers satisfied, not satisfied, partly.
  need.n1 = await report(r1!, a, gridA, "repairsFacilities");
  await send(meToo, r2!, { needId: String(need.n1) });
  await send(meToo, r3!, { needId: String(need.n1) });
  await toUnit(need.n1, u1);
  await step(need.n1, unit1!, "resolve", later(1), { note: "已修好" });
  await step(need.n1, gw!, "check", later(2));
  await step(need.n1, r2!, "answerNotSatisfied", later(3));
  await step(need.n1, r3!, "answerPartly", later(3));
  await step(need.n1, r1!, "answerSatisfied", later(3));

  // N2, community A: resolved late (16 June), sent back, resolved again in time, closed on day 11.
  need.n2 = await report(r2!, a, gridA, "repairsFacilities");
  await toUnit(need.n2, u1);
  await step(need.n2, unit1!, "resolve", later(8), { note: "处理了" });
  await step(need.n2, gw!, "check", later(8));
  await step(need.n2, r2!, "answerNotSatisfied", later(9));
  await step(need.n2, unit1!, "resolve", later(10), { note: "重新处理" });
  await step(need.n2, gw!, "check", later(10));
  await step(need.n2, r2!, "answerSatisfied", later(11));

  // N3, community A: dispatched to the second unit and never resolved (late by 8 July).
  need.n3 = await report(r3!, a, gridA, "safetyHazard");
  await toUnit(need.n3, u2);

  // N4, community B: resolved on the spot, "partly satisfied" two days after the report.
  need.n4 = await report(r4!, b, gridB, "trafficParking");
  await step(need.n4, gw!, "resolveOnSpot", later(1), { note: "当场挪车" });
  await step(need.n4, r4!, "answerPartly", later(2));

  // N5, community B: not for this platform. N6 merged into N7 (its resident moves).
  need.n5 = await report(r4!, b, gridB, "environmentSanitation");
  await step(need.n5, cB, "markNotForPlatform", MONDAY, { note: "请拨打 12345" });
  need.n7 = await report(r4!, b, gridB, "environmentSanitation");
  need.n6 = await report(r5!, b, gridB, "environmentSanitation");
  await step(need.n6, cB, "merge", MONDAY, { into: String(need.n7) });

  // Outside June: 20 May, and 1 July 01:00 China time (still 30 June in UTC). Another street.
  need.may = await report(r1!, a, gridA, "other", new Date("2026-05-20T02:00:00Z"));
  need.july = await report(r1!, a, gridA, "other", new Date("2026-06-30T17:00:00Z"));
  need.far = await report(r6!, far, gridFar, "other");
});

const cellsOf = (f: NeedFigures, community: number) =>
  Object.fromEntries(
    f.heat
      .find((r) => r.id === community)!
      .cells.filter((c) => c.value > 0)
      .map((c) => [c.category, [c.value, c.bucket]]),
  );

describe("the heat table", () => {
  it("counts the residents behind open needs now, one row per community of the street", async () => {
    const f = await needFigures(await figuresScope(street), { kind: "open" }, NOW);
    expect(f.heat.map((r) => r.id)).toEqual([a, b]);
    expect(f.max).toBe(2);
    expect(cellsOf(f, a)).toEqual({ safetyHazard: [1, 2], other: [2, 4] });
    // N7 has its own reporter and the merged N6's; N5 (turned away) and N6 (merged) are not open.
    expect(cellsOf(f, b)).toEqual({ environmentSanitation: [2, 4] });
    expect(f.heat.map((r) => r.total)).toEqual([3, 2]);
    expect(f.heat[0]!.cells.map((c) => c.category)).toHaveLength(8);
  });

  it("counts a month's needs whatever became of them, by China time, merged ones never", async () => {
    const f = await needFigures(
      await figuresScope(street),
      { kind: "month", month: "2026-06" },
      NOW,
    );
    expect(cellsOf(f, a)).toEqual({ repairsFacilities: [4, 4], safetyHazard: [1, 1] });
    expect(cellsOf(f, b)).toEqual({ trafficParking: [1, 1], environmentSanitation: [3, 3] });
    const july = await needFigures(
      await figuresScope(street),
      { kind: "month", month: "2026-07" },
      NOW,
    );
    expect(cellsOf(july, a)).toEqual({ other: [1, 4] });
  });

  it("widens to the district and the city, and reads an unknown place as the city", async () => {
    const d = await needFigures(await figuresScope(district), { kind: "open" }, NOW);
    expect(d.heat.map((r) => r.id)).toEqual([a, b, far]);
    expect(cellsOf(d, far)).toEqual({ other: [1, 2] });
    expect(await figuresScope(a)).toEqual({ kind: "city" });
    expect(await figuresScope(999_999)).toEqual({ kind: "city" });
    const city = await needFigures({ kind: "city" }, { kind: "open" }, NOW);
    expect(city.heat.map((r) => r.id)).toEqual(expect.arrayContaining([a, b, far]));
  });
});

describe("the loop's figures", () => {
  it("per community, for June", async () => {
    const f = await needFigures(
      await figuresScope(street),
      { kind: "month", month: "2026-06" },
      NOW,
    );
    expect(f.communities.find((c) => c.id === a)).toMatchObject({
      reported: 3,
      closed: 2,
      closureRate: 2 / 3,
      // Rounds: N1 on time; N2 late, then on time; N3 open past its deadline.
      onTimeRate: 2 / 4,
      // 3 days and 11 days.
      medianDaysToClose: 7,
      // N1: satisfied, not satisfied, partly; N2: the reporter's latest, satisfied.
      satisfaction: 3 / 4,
      answers: 4,
      rehandlingRate: 1 / 2,
    });
    expect(f.communities.find((c) => c.id === b)).toMatchObject({
      // N4, N5 (turned away) and N7; N6 was merged.
      reported: 3,
      closed: 1,
      closureRate: 1 / 3,
      onTimeRate: null,
      medianDaysToClose: 2,
      satisfaction: 1,
      answers: 1,
      rehandlingRate: 0,
    });
  });

  it("per handling unit, for June", async () => {
    const f = await needFigures(
      await figuresScope(street),
      { kind: "month", month: "2026-06" },
      NOW,
    );
    expect(f.units.map((u) => u.id)).toEqual([u1, u2]);
    expect(f.units.find((u) => u.id === u1)).toMatchObject({
      reported: 2,
      closed: 2,
      closureRate: 1,
      onTimeRate: 2 / 3,
      medianDaysToClose: 7,
      satisfaction: 3 / 4,
      rehandlingRate: 1 / 2,
    });
    expect(f.units.find((u) => u.id === u2)).toMatchObject({
      reported: 1,
      closed: 0,
      closureRate: 0,
      onTimeRate: 0,
      medianDaysToClose: null,
      satisfaction: null,
      answers: 0,
      rehandlingRate: null,
    });
  });

  it("counts every need so far with 'open now', and a round still within its deadline as pending", async () => {
    const all = await needFigures(await figuresScope(street), { kind: "open" }, NOW);
    expect(all.communities.find((c) => c.id === a)).toMatchObject({ reported: 5, closed: 2 });
    // Read on 12 June (the timeline as it stands): N3's round is within its deadline, not counted.
    const early = await needFigures(
      await figuresScope(street),
      { kind: "month", month: "2026-06" },
      later(4),
    );
    expect(early.communities.find((c) => c.id === a)?.onTimeRate).toBe(2 / 3);
    expect(early.units.find((u) => u.id === u2)?.onTimeRate).toBeNull();
  });

  it("reads the timeline in batches without losing or splitting a need's rounds", async () => {
    const scope = await figuresScope(district);
    const whole = await needFigures(scope, { kind: "open" }, NOW);
    for (const batch of [1, 2, 3]) {
      expect(await needFigures(scope, { kind: "open" }, NOW, batch)).toEqual(whole);
    }
  });

  it("gives a month with no needs no rates at all", async () => {
    const f = await needFigures(
      await figuresScope(street),
      { kind: "month", month: "2026-01" },
      NOW,
    );
    for (const c of [...f.communities, ...f.units]) {
      expect(c).toMatchObject({
        reported: 0,
        closureRate: null,
        onTimeRate: null,
        medianDaysToClose: null,
        satisfaction: null,
        rehandlingRate: null,
      });
    }
    expect(f.max).toBe(0);
  });
});

describe("/needs/figures", () => {
  const handler = createRequestHandler(
    routesBuild({
      root: ["", undefined, root],
      "routes/needs.figures": ["needs/figures", "root", figuresRoute],
    }),
  );
  async function html(url: string, lng: string, mode: string) {
    const res = await handler(
      new Request(`http://localhost${url}`, { headers: { Cookie: `lng=${lng}; mode=${mode}` } }),
    );
    expect(res.status, url).toBe(200);
    const text = await res.text();
    expect(text).not.toContain("\0");
    return text;
  }

  it("renders the heat table, the figures and the method in both languages; 长辈版 has no script", async () => {
    const words = {
      "zh-CN": {
        title: "民情强度与闭环数据",
        rate: "67%",
        method: "基本满意算作满意",
        june: "2026年6月",
      },
      en: {
        title: "Needs: intensity and loop figures",
        rate: "67%",
        method: "partly counts as satisfied",
        june: "June 2026",
      },
    };
    for (const lng of ["zh-CN", "en"] as const) {
      for (const mode of ["full", "lite"]) {
        const page = await html(`/needs/figures?scope=${street}&month=2026-06`, lng, mode);
        expect(page).toContain(words[lng].title);
        expect(page).toContain("<caption>");
        expect(page).toContain(words[lng].june);
        // Community A's repairs cell: 4 residents, the darkest shade.
        expect(page).toContain('<td class="heat-4">4</td>');
        expect(page).toContain(words[lng].rate);
        expect(page).toContain(words[lng].method);
        // The zero denominators: "—", never NaN.
        expect(page).toContain("<td>—</td>");
        expect(page).not.toContain("NaN");
        expect(page).toContain('class="table-wrap"');
        if (mode === "lite") expect(page).not.toContain("<script");
      }
    }
  });

  it("ignores what it does not understand: the whole city, open now", async () => {
    const page = await html("/needs/figures?scope=abc&month=2026-13", "en", "full");
    expect(page).toContain("The whole city: residents behind open needs");
  });
});
