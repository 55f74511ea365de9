/**
 * The 六和指数 pages keep their figures and charts a few seconds per process
 * (services/index/pages.server.ts): a row written outside the index's own writers does not show
 * until PAGE_CACHE_MS, but an admin's computation or correction, a method published and the
 * monthly job drop them (`index.changed`), so the next page shows the new snapshot. The pages are
 * the routes' own loaders, as Remix calls them.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "../db/client.server";
import * as areaRoute from "~/routes/index.$id";
import * as cityRoute from "~/routes/index._index";
import { indexMonthly } from "~/services/index/monthly.server";
import { cookieFor, makeCommunity, makeUser } from "./support/factories";
import { body, formRequest, run } from "./support/remix";

interface CityPage {
  month: string | null;
  snapshot: { id: number; reason: string | null } | null;
  radar: string | null;
}
interface AreaPage {
  month: string | null;
  view: {
    snapshot: { id: number };
    charts: { radar: { src: string; alt: string }; trend: { src: string; alt: string } } | null;
  } | null;
}

const city = async (query = "") =>
  body<CityPage>(await run(cityRoute.loader, new Request(`http://localhost/index${query}`)));
const area = async (id: number, cookie = "") =>
  body<AreaPage>(
    await run(
      areaRoute.loader,
      new Request(`http://localhost/index/${id}`, { headers: cookie ? { Cookie: cookie } : {} }),
      { id: String(id) },
    ),
  );

const was = process.env.PAGE_CACHE_MS;
let community: number;
beforeAll(async () => {
  // Long enough that only the event can explain a fresh page.
  process.env.PAGE_CACHE_MS = "600000";
  community = await makeCommunity("index-shown");
});
afterAll(() => {
  process.env.PAGE_CACHE_MS = was;
});

describe("the index pages' kept figures", () => {
  it("are kept between requests, and dropped by the monthly job and by an admin's correction", async () => {
    const admin = await cookieFor(await makeUser({ isAdmin: true }));

    // No month has an index yet; the job computes last month's.
    expect((await city()).month).toBeNull();
    const { snapshotId } = await indexMonthly(getDb(), new Date());
    expect(snapshotId).not.toBeNull();
    const first = await city();
    expect(first.snapshot?.id).toBe(snapshotId);
    expect(first.radar).toContain("<svg");
    const areaFirst = await area(community);
    expect(areaFirst.view?.snapshot.id).toBe(snapshotId);

    // A row written outside the index's writers (here: the snapshot's reason) is not seen yet.
    await getDb()
      .updateTable("indexSnapshots")
      .set({ reason: "直接写入" })
      .where("id", "=", snapshotId!)
      .execute();
    expect((await city()).snapshot?.reason).toBeNull();

    // An admin's correction drops everything: the city and the area show the new snapshot.
    const res = await run(
      cityRoute.action,
      formRequest(
        "/index?index",
        { intent: "compute", month: first.month!, reason: "补录会议" },
        { cookie: admin },
      ),
    );
    expect(res.status).toBe(302);
    const corrected = await city();
    expect(corrected.snapshot?.id).toBeGreaterThan(snapshotId!);
    expect(corrected.snapshot?.reason).toBe("补录会议");
    expect((await area(community)).view?.snapshot.id).toBe(corrected.snapshot?.id);
  });

  it("keeps the charts per language, and 长辈版 draws none", async () => {
    const zh = await area(community, "lng=zh-CN");
    const en = await area(community, "lng=en");
    expect(zh.view?.charts?.radar.alt).toContain("六个维度得分");
    expect(en.view?.charts?.radar.alt).toContain("the six dimensions");
    expect(en.view?.charts?.trend.src).toContain("lng=en");
    expect((await area(community, "mode=lite")).view?.charts).toBeNull();
  });
});
