/**
 * The admin forms of the 六和指数 pages posting to the method's commands: computing a month from
 * /index, a correction without a reason refused on its field, a month not over refused, a
 * resident refused, each refusal writing nothing; publishing a method version from /index/method.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { getDb } from "../db/client.server";
import * as cityRoute from "~/routes/index._index";
import * as methodRoute from "~/routes/index.method";
import type { Refusal } from "~/utils/forms.server";
import { cookieFor, makeCommunity, makeUser, wholeDbSnapshot } from "./support/factories";
import { body, formRequest, run } from "./support/remix";

describe("the index's admin forms", () => {
  let adminCookie: string;
  let residentCookie: string;

  beforeAll(async () => {
    await makeCommunity("admin-forms");
    adminCookie = await cookieFor(await makeUser({ isAdmin: true }));
    residentCookie = await cookieFor(await makeUser());
  });

  const compute = (cookie: string, fields: Record<string, string>) =>
    run(
      cityRoute.action,
      formRequest("/index?index", { intent: "compute", ...fields }, { cookie }),
    );

  it("computes a month that is over, and the city page shows it", async () => {
    const res = await compute(adminCookie, { month: "2026-01", reason: "" });
    expect(res.status).toBe(302);
    expect(res.headers.get("Location")).toBe("/index?month=2026-01&done=computed");
    const page = await body<{ month: string; snapshot: { byJob: boolean } }>(
      await run(cityRoute.loader, new Request("http://localhost/index?month=2026-01")),
    );
    expect(page.month).toBe("2026-01");
    expect(page.snapshot.byJob).toBe(false);
  });

  it("refuses a correction without a reason, a month not over, and a resident; writes nothing", async () => {
    await compute(adminCookie, { month: "2026-02" });
    const before = await wholeDbSnapshot();
    const noReason = await compute(adminCookie, { month: "2026-02", reason: "" });
    expect(noReason.status).toBe(400);
    expect((await body<Refusal>(noReason)).errors.reason?.key).toBe("index:errors.reasonRequired");
    const future = await compute(adminCookie, { month: "2999-01" });
    expect(future.status).toBe(400);
    const resident = await compute(residentCookie, { month: "2026-03" });
    expect(resident.status).toBe(403);
    expect(await wholeDbSnapshot()).toEqual(before);
    const corrected = await compute(adminCookie, { month: "2026-02", reason: "补录会议" });
    expect(corrected.status).toBe(302);
    const history = await getDb()
      .selectFrom("indexSnapshots")
      .select("reason")
      .where("month", "=", "2026-02")
      .orderBy("id")
      .execute();
    expect(history.map((h) => h.reason)).toEqual([null, "补录会议"]);
  });

  it("publishes the next method version from /index/method", async () => {
    const { tree } = await getDb()
      .selectFrom("indexMethods")
      .select("tree")
      .orderBy("version", "desc")
      .executeTakeFirstOrThrow();
    const res = await run(
      methodRoute.action,
      formRequest(
        "/index/method",
        { intent: "publish", tree, note: "同一棵树，再发布一次" },
        { cookie: adminCookie },
      ),
    );
    expect(res.status).toBe(302);
    expect(res.headers.get("Location")).toMatch(/^\/index\/method\?version=\d+&done=published$/);
    const bad = await run(
      methodRoute.action,
      formRequest(
        "/index/method",
        { intent: "publish", tree: "{", note: "x" },
        { cookie: adminCookie },
      ),
    );
    expect(bad.status).toBe(400);
    expect((await body<Refusal>(bad)).values.tree).toBe("{");
  });
});
