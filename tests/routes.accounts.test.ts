/**
 * The registration and sign-in actions as Remix calls them: bad input gets 400 (413 for the body)
 * with locale keys, what was typed comes back (never the password), and nothing is written.
 */
import { describe, expect, it } from "vitest";
import { action as joinAction } from "~/routes/join";
import { action as loginAction } from "~/routes/login";
import { action as logoutAction } from "~/routes/logout";
import { action as settingsAction } from "~/routes/settings";
import type { Refusal } from "~/utils/forms.server";
import { sessionFromToken } from "~/services/accounts/queries.server";
import { cookieFor, makeUser, tableCounts, TEST_PASSWORD } from "./support/factories";
import { body, formRequest, run } from "./support/remix";

const good = { displayName: "林晓", login: "linxiao", password: "a fine password", consent: "yes" };

async function refusedJoin(
  fields: Record<string, string | string[]> | string,
  headers?: Record<string, string>,
) {
  const before = await tableCounts();
  const res = await run(joinAction, formRequest("/join", fields, headers));
  expect(await tableCounts()).toEqual(before);
  return res;
}

describe("POST /join", () => {
  it("registers, sets an httpOnly SameSite=Lax session cookie for 30 days, and goes on", async () => {
    const res = await run(joinAction, formRequest("/join", good));
    expect(res.status).toBe(302);
    expect(res.headers.get("Location")).toBe("/communities?welcome=1");
    const cookie = res.headers.get("Set-Cookie")!;
    expect(cookie).toMatch(
      /^liuhe_session=[\w-]+; Path=\/; Max-Age=34560000; HttpOnly; SameSite=Lax$/,
    );
    const token = /liuhe_session=([\w-]+)/.exec(cookie)![1];
    expect((await sessionFromToken(token))?.user.displayName).toBe("林晓");
  });

  it("marks the cookie Secure over https", async () => {
    const req = new Request("https://liuhe.example/join", {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ ...good, login: "secureone" }).toString(),
    });
    const res = await run(joinAction, req);
    expect(res.headers.get("Set-Cookie")).toMatch(/; Secure$/);
  });

  it("refuses a taken name, keeping what was typed but not the password", async () => {
    await makeUser({ username: "takenuser" });
    const res = await refusedJoin({ ...good, login: "takenuser" });
    expect(res.status).toBe(400);
    const data = await body<Refusal>(res);
    expect(data.errors.login?.key).toBe("account:errors.loginTaken");
    expect(data.values).toMatchObject({ displayName: "林晓", login: "takenuser", consent: "yes" });
    expect(data.values).not.toHaveProperty("password");
  });

  it.each([
    ["a short password", { password: "short" }, "password", "account:errors.passwordShort"],
    ["an empty name", { displayName: "" }, "displayName", "errors.required"],
    ["an overlong name", { displayName: "名".repeat(41) }, "displayName", "errors.tooLong"],
    ["an overlong login", { login: "a".repeat(65) }, "login", "errors.tooLong"],
    ["no consent", { consent: "" }, "consent", "account:errors.consentRequired"],
    [
      "a repeated field (wrong type)",
      { displayName: ["a", "b"] },
      "displayName",
      "errors.invalidType",
    ],
    [
      "an ID card number",
      { displayName: "33010219800101123X" },
      "displayName",
      "errors.noIdNumbers",
    ],
  ])("refuses %s with 400 and writes nothing", async (_label, change, field, key) => {
    const res = await refusedJoin({ ...good, ...change } as Record<string, string | string[]>);
    expect(res.status).toBe(400);
    expect((await body<Refusal>(res)).errors[field]?.key).toBe(key);
  });

  it("refuses a missing field", async () => {
    const res = await refusedJoin({ login: "someone", password: "long enough", consent: "yes" });
    expect(res.status).toBe(400);
    expect((await body<Refusal>(res)).errors.displayName?.key).toBe("errors.required");
  });

  it("refuses a 10 MB body with 413, whether declared or streamed", async () => {
    const big = `displayName=${"x".repeat(10 * 1024 * 1024)}`;
    const declared = await refusedJoin(big, { "Content-Length": String(big.length) });
    expect(declared.status).toBe(413);
    expect((await body(declared)).error).toEqual({ key: "errors.tooLarge" });
    const streamed = await refusedJoin(big);
    expect(streamed.status).toBe(413);
  });

  it("refuses a body it cannot parse", async () => {
    const res = await refusedJoin("{}", { "Content-Type": "application/json" });
    expect(res.status).toBe(400);
    expect((await body(res)).error).toEqual({ key: "errors.badForm" });
  });

  it("refuses to register while signed in", async () => {
    const cookie = await cookieFor(await makeUser());
    const res = await refusedJoin({ ...good, login: "secondaccount" }, { Cookie: cookie });
    expect(res.status).toBe(403);
  });
});

describe("POST /login and /logout", () => {
  it("signs in, then signs out by revoking the stored session", async () => {
    await makeUser({ username: "wuqiang" });
    const res = await run(
      loginAction,
      formRequest("/login", { login: "wuqiang", password: TEST_PASSWORD, next: "/settings" }),
    );
    expect(res.status).toBe(302);
    expect(res.headers.get("Location")).toBe("/settings");
    const cookie = res.headers.get("Set-Cookie")!.split(";")[0]!;
    const token = cookie.split("=")[1]!;
    expect(await sessionFromToken(token)).not.toBeNull();
    const out = await run(logoutAction, formRequest("/logout", {}, { Cookie: cookie }));
    expect(out.headers.get("Set-Cookie")).toMatch(/^liuhe_session=; Path=\/; Max-Age=0/);
    expect(await sessionFromToken(token)).toBeNull();
  });

  it("never follows a next= to another site", async () => {
    await makeUser({ username: "safe" });
    for (const next of ["//evil.example", "https://evil.example", "/\\evil.example"]) {
      const res = await run(
        loginAction,
        formRequest("/login", { login: "safe", password: TEST_PASSWORD, next }),
      );
      expect(res.headers.get("Location")).toBe("/");
    }
  });

  it("refuses a wrong password with 401, keeping the login but not the password", async () => {
    await makeUser({ username: "zhao" });
    const res = await run(
      loginAction,
      formRequest("/login", { login: "zhao", password: "wrong one" }),
    );
    expect(res.status).toBe(401);
    const data = await body<Refusal>(res);
    expect(data.errors.password?.key).toBe("account:errors.badCredentials");
    expect(data.values.login).toBe("zhao");
    expect(data.values).not.toHaveProperty("password");
  });
});

describe("POST /settings", () => {
  it("saves language and 长辈版 in cookies", async () => {
    const res = await run(
      settingsAction,
      formRequest("/settings", { intent: "preferences", lng: "en", mode: "lite" }),
    );
    expect(res.status).toBe(302);
    const cookies = res.headers.getSetCookie();
    expect(cookies).toEqual([
      expect.stringMatching(/^lng=en;/),
      expect.stringMatching(/^mode=lite;/),
    ]);
  });

  it("refuses unknown choices", async () => {
    const res = await run(
      settingsAction,
      formRequest("/settings", { intent: "preferences", lng: "fr", mode: "lite" }),
    );
    expect(res.status).toBe(400);
    expect((await body<Refusal>(res)).errors.lng?.key).toBe("errors.invalidChoice");
  });

  it("saves large text in a cookie, and refuses an unknown text size", async () => {
    const res = await run(
      settingsAction,
      formRequest("/settings", {
        intent: "preferences",
        lng: "zh-CN",
        mode: "full",
        text: "large",
      }),
    );
    expect(res.status).toBe(302);
    expect(res.headers.getSetCookie()).toContainEqual(expect.stringMatching(/^text=large;/));
    const bad = await run(
      settingsAction,
      formRequest("/settings", { intent: "preferences", lng: "zh-CN", mode: "full", text: "huge" }),
    );
    expect(bad.status).toBe(400);
    expect(bad.headers.getSetCookie()).toEqual([]);
    const refused = await body<Refusal>(bad);
    expect(refused.errors.text?.key).toBe("errors.invalidChoice");
    // What was chosen comes back with the refusal.
    expect(refused.values).toMatchObject({ text: "huge", lng: "zh-CN" });
  });
});
