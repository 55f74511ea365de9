import { describe, expect, it } from "vitest";
import { getDb } from "../db/client.server";
import { ANONYMOUS } from "~/domain/permissions/policy";
import { loginSchema } from "~/domain/accounts/schemas";
import { deleteAccount, login } from "~/services/accounts/commands.server";
import { exportMyData } from "~/services/accounts/mydata.server";
import { sessionFromToken } from "~/services/accounts/queries.server";
import { listAudit } from "~/services/audit.server";
import { decideMembership, requestMembership } from "~/services/communities/commands.server";
import { deliveriesSettled } from "~/services/notices/delivery.server";
import { run as runCommand } from "~/services/runner/command.server";
import { loader as downloadLoader } from "~/routes/me.data[.json]";
import { action as deleteAction } from "~/routes/me.data";
import {
  actorFor,
  cookieFor,
  makeCommittee,
  makeCommunity,
  makeUser,
  tableCounts,
  TEST_PASSWORD,
} from "./support/factories";
import { refusal } from "./support/refusal";
import { formRequest, run } from "./support/remix";

describe("my data", () => {
  it("exports what is kept about me, and only me", async () => {
    const community = await makeCommunity();
    const me = await actorFor(await makeUser({ username: "exportme", displayName: "导出者" }));
    const other = await actorFor(await makeUser());
    const membershipId = await runCommand(requestMembership, me, { communityId: community });
    await runCommand(requestMembership, other, { communityId: community });
    const committeeId = await makeUser();
    await makeCommittee(committeeId, community);
    await runCommand(decideMembership, await actorFor(committeeId), {
      membershipId,
      decision: "decline",
      reason: "地址不符",
    });
    await deliveriesSettled();
    const data = await exportMyData(me);
    expect(data.account).toMatchObject({ displayName: "导出者", username: "exportme" });
    expect(data.memberships).toHaveLength(1);
    // My notices, not the other resident's.
    expect(data.notices.map((n) => [n.kind, JSON.parse(n.params).reason])).toEqual([
      ["membership.decided", "地址不符"],
    ]);
    expect(data.account).not.toHaveProperty("passwordHash");
    expect((await refusal(exportMyData(ANONYMOUS))).status).toBe(401);
  });

  it("downloads as a JSON attachment, and asks anonymous people to sign in", async () => {
    const cookie = await cookieFor(await makeUser({ displayName: "下载者" }));
    const res = await run(
      downloadLoader,
      new Request("http://localhost/me/data.json", { headers: { Cookie: cookie } }),
    );
    expect(res.headers.get("Content-Disposition")).toMatch(/attachment/);
    expect(((await res.json()) as { account: { displayName: string } }).account.displayName).toBe(
      "下载者",
    );
    const anon = await run(downloadLoader, new Request("http://localhost/me/data.json"));
    expect(anon.status).toBe(302);
    expect(anon.headers.get("Location")).toMatch(/^\/login/);
  });
});

describe("deleting an account", () => {
  it("refuses a wrong password and changes nothing", async () => {
    const me = await actorFor(await makeUser());
    const before = await tableCounts();
    const e = await refusal(runCommand(deleteAccount, me, { password: "not my password" }));
    expect([e.status, e.key, e.field]).toEqual([400, "account:errors.passwordWrong", "password"]);
    expect(await tableCounts()).toEqual(before);
  });

  it("empties the account, signs it out everywhere, and keeps the audit trail nameless", async () => {
    const community = await makeCommunity();
    const committeeId = await makeUser({ username: "leaving", displayName: "要走的委员" });
    await makeCommittee(committeeId, community);
    const committee = await actorFor(committeeId);
    const resident = await actorFor(await makeUser());
    const id = await runCommand(requestMembership, resident, { communityId: community });
    await runCommand(decideMembership, committee, {
      membershipId: id,
      decision: "verify",
      reason: "",
    });
    const cookie = await cookieFor(committeeId);
    await deliveriesSettled();
    const noticesOf = (userId: number) =>
      getDb().selectFrom("notices").select("kind").where("userId", "=", userId).execute();
    expect(await noticesOf(committeeId)).toEqual([{ kind: "membership.asked" }]);

    const res = await run(
      deleteAction,
      formRequest("/me/data", { intent: "delete", password: TEST_PASSWORD }, { Cookie: cookie }),
    );
    expect(res.status).toBe(302);
    expect(res.headers.get("Set-Cookie")).toMatch(/^liuhe_session=; /);

    const row = await getDb()
      .selectFrom("users")
      .selectAll()
      .where("id", "=", committeeId)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ displayName: "", username: null, phone: null, isAdmin: 0 });
    expect(row.deletedAt).not.toBeNull();
    expect(await sessionFromToken(cookie.split("=")[1])).toBeNull();
    expect(
      (
        await refusal(
          runCommand(login, ANONYMOUS, {
            ...loginSchema.parse({ login: "leaving", password: TEST_PASSWORD }),
            clientIp: "1.1.1.1",
            userAgent: null,
          }),
        )
      ).status,
    ).toBe(401);
    expect((await actorFor(committeeId)).committeeOf).toBeNull();
    // The inbox went with the account; the resident keeps theirs.
    expect(await noticesOf(committeeId)).toEqual([]);
    expect(await noticesOf(resident.userId!)).toEqual([{ kind: "membership.decided" }]);

    const admin = await actorFor(await makeUser({ isAdmin: true }));
    const audit = await listAudit(admin, community);
    expect(audit.map((a) => a.action)).toEqual(["committee.end", "membership.decide"]);
    expect(audit.every((a) => a.actorDeleted && a.actorName === "")).toBe(true);
  });
});
