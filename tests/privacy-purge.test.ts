/**
 * Privacy by default (issue 13, "Also"): sessions and throttle rows are purged by timed jobs
 * (app/services/jobs.server.ts). The purge must not forget a count that still limits someone:
 * an address's registrations are counted over REGISTRATION_WINDOW_MS, longer than the sign-in
 * window the purge used for every row.
 */
import { describe, expect, it } from "vitest";
import { getDb } from "../db/client.server";
import { REGISTRATION_WINDOW_MS, WINDOW_MS } from "~/services/accounts/throttle.server";
import { JOBS } from "~/services/jobs.server";

describe("throttle.purge", () => {
  it("keeps a registration count for its whole window, and purges rows past their window", async () => {
    const now = new Date();
    const at = (ms: number) => new Date(now.getTime() + ms).toISOString();
    const between = -(WINDOW_MS + REGISTRATION_WINDOW_MS) / 2; // past the sign-in window only
    await getDb()
      .insertInto("loginThrottle")
      .values([
        { key: "register:10.0.0.1", failures: 20, lastFailureAt: at(between), lockedUntil: null },
        {
          key: "register:10.0.0.2",
          failures: 20,
          lastFailureAt: at(-REGISTRATION_WINDOW_MS - 1000),
          lockedUntil: null,
        },
        { key: "account:username:x", failures: 3, lastFailureAt: at(between), lockedUntil: null },
        { key: "ip:10.0.0.3", failures: 3, lastFailureAt: at(-1000), lockedUntil: null },
      ])
      .execute();
    await JOBS["throttle.purge"]!.run(getDb(), now);
    const left = await getDb().selectFrom("loginThrottle").select("key").orderBy("key").execute();
    expect(left.map((r) => r.key)).toEqual(["ip:10.0.0.3", "register:10.0.0.1"]);
  });
});
