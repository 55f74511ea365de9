import { afterEach, describe, expect, it, vi } from "vitest";
import { getDb } from "../db/client.server";
import { loginSchema, registrationSchema, type LoginInput } from "~/domain/accounts/schemas";
import { ANONYMOUS } from "~/domain/permissions/policy";
import { login, logout, register, revokeSession } from "~/services/accounts/commands.server";
import { verifyPassword } from "~/services/accounts/password.server";
import { listSessions, sessionFromToken } from "~/services/accounts/queries.server";
import { openSession } from "~/services/accounts/sessions.server";
import {
  ACCOUNT_RULE,
  LOCK_MS,
  REGISTRATION_WINDOW_MS,
  REGISTRATIONS_PER_ADDRESS,
} from "~/services/accounts/throttle.server";
import { run } from "~/services/runner/command.server";
import { actorFor, makeUser, tableCounts, TEST_PASSWORD } from "./support/factories";
import { refusal } from "./support/refusal";

const ctx = { clientIp: "10.0.0.1", userAgent: "vitest" };
const creds = (loginId: string, password = TEST_PASSWORD) =>
  loginSchema.parse({ login: loginId, password });
const signIn = (input: LoginInput, context: typeof ctx) =>
  run(login, ANONYMOUS, { ...input, ...context });
const createSession = (userId: number, userAgent: string | null) =>
  openSession(getDb(), userId, userAgent, new Date());

afterEach(() => {
  vi.useRealTimers();
  delete process.env.LOGIN_SLOWDOWN_MS;
});

describe("registration", () => {
  it("creates the user with a scrypt hash, records consent, and signs them in", async () => {
    const input = registrationSchema.parse({
      displayName: "王阿姨",
      login: "138 0000 1111",
      password: "a good password",
      consent: "yes",
    });
    const { userId, token } = await run(register, ANONYMOUS, {
      ...input,
      userAgent: "ua",
      clientIp: null,
    });
    const user = await getDb()
      .selectFrom("users")
      .selectAll()
      .where("id", "=", userId)
      .executeTakeFirstOrThrow();
    expect(user.phone).toBe("13800001111");
    expect(user.username).toBeNull();
    expect(user.passwordHash).toMatch(/^scrypt\$/);
    expect(user.passwordHash).not.toContain("a good password");
    expect(await verifyPassword("a good password", user.passwordHash)).toBe(true);
    expect(user.consentVersion).toBeTruthy();
    expect((await sessionFromToken(token))?.user.id).toBe(userId);
  });

  it("refuses a taken login with 400 and writes nothing", async () => {
    await makeUser({ username: "takenname" });
    const before = await tableCounts();
    const e = await refusal(
      run(register, ANONYMOUS, {
        ...registrationSchema.parse({
          displayName: "x",
          login: "TakenName",
          password: "long enough",
          consent: "yes",
        }),
        userAgent: null,
        clientIp: "10.0.0.1",
      }),
    );
    expect([e.status, e.key, e.field]).toEqual([400, "account:errors.loginTaken", "login"]);
    expect(await tableCounts()).toEqual(before);
  });
});

describe("registration, many from one address", () => {
  const newcomer = (i: number, clientIp: string) =>
    run(register, ANONYMOUS, {
      ...registrationSchema.parse({
        displayName: `新居民${i}`,
        login: `newcomer${clientIp.replaceAll(".", "")}x${i}`,
        password: "long enough",
        consent: "yes",
      }),
      userAgent: null,
      clientIp,
    });

  it("makes REGISTRATIONS_PER_ADDRESS accounts an hour from one address, then refuses, writing nothing", async () => {
    for (let i = 0; i < REGISTRATIONS_PER_ADDRESS; i++) await newcomer(i, "10.5.5.5");
    const before = await tableCounts();
    const e = await refusal(newcomer(99, "10.5.5.5"));
    expect([e.status, e.key]).toEqual([429, "account:errors.tooManyRegistrations"]);
    expect(Number(e.params.minutes)).toBeGreaterThan(0);
    expect(await tableCounts()).toEqual(before);
    // Another address is not held up; and an hour later this one may go on.
    await newcomer(100, "10.6.6.6");
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Date.now() + REGISTRATION_WINDOW_MS + 1000);
    await newcomer(101, "10.5.5.5");
  });

  it("holds when the requests come at once", async () => {
    const tries = await Promise.allSettled(
      Array.from({ length: REGISTRATIONS_PER_ADDRESS + 10 }, (_, i) => newcomer(i, "10.8.8.8")),
    );
    expect(tries.filter((t) => t.status === "fulfilled")).toHaveLength(REGISTRATIONS_PER_ADDRESS);
    // Thirty password hashes at once: slow on a loaded machine, not a measure of anything.
  }, 60_000);
});

describe("login", () => {
  it("signs in with the right password, by username or phone", async () => {
    await makeUser({ username: "lin" });
    await makeUser({ phone: "13900002222" });
    expect((await signIn(creds("lin"), ctx)).token).toBeTruthy();
    expect((await signIn(creds("139-0000-2222"), ctx)).token).toBeTruthy();
  });

  it("gives the same answer for a wrong password and an unknown login", async () => {
    await makeUser({ username: "zhou" });
    const wrong = await refusal(signIn(creds("zhou", "wrong password"), ctx));
    const unknown = await refusal(signIn(creds("nobodyhere"), ctx));
    expect([wrong.status, wrong.key]).toEqual([401, "account:errors.badCredentials"]);
    expect([unknown.status, unknown.key]).toEqual([wrong.status, wrong.key]);
  });

  it("slows down, then locks an account after repeated failures, and unlocks later", async () => {
    // The slow-down itself is checked below; here it would only make the test wait.
    process.env.LOGIN_SLOWDOWN_MS = "1";
    await makeUser({ username: "target" });
    const ip = { ...ctx, clientIp: "10.9.9.9" };
    // The first failures answer at once; later ones wait (measured here by the stored state).
    for (let i = 0; i < ACCOUNT_RULE.lockAfter; i++) {
      const e = await refusal(signIn(creds("target", `wrong ${i}`), ip));
      expect(e.key).toBe("account:errors.badCredentials");
    }
    const row = await getDb()
      .selectFrom("loginThrottle")
      .selectAll()
      .where("key", "=", "account:username:target")
      .executeTakeFirstOrThrow();
    expect(row.failures).toBe(ACCOUNT_RULE.lockAfter);
    expect(row.lockedUntil).not.toBeNull();

    // Locked: even the right password is refused, from any address.
    const locked = await refusal(signIn(creds("target"), { ...ctx, clientIp: "10.1.1.1" }));
    expect([locked.status, locked.key]).toEqual([429, "account:errors.locked"]);
    expect(Number(locked.params.minutes)).toBeGreaterThan(0);

    // After the lock, the right password works again and clears the count.
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Date.now() + LOCK_MS + 1000);
    expect((await signIn(creds("target"), { ...ctx, clientIp: "10.1.1.1" })).token).toBeTruthy();
    const cleared = await getDb()
      .selectFrom("loginThrottle")
      .select("key")
      .where("key", "=", "account:username:target")
      .executeTakeFirst();
    expect(cleared).toBeUndefined();
  });

  it("holds against guesses sent at once: no more get past it than its limit allows", async () => {
    process.env.LOGIN_SLOWDOWN_MS = "1";
    await makeUser({ username: "parallel" });
    const ip = { ...ctx, clientIp: "10.4.4.4" };
    // Many wrong passwords at once, then the right one, all before any answer comes back.
    const attempts = [
      ...Array.from({ length: 40 }, (_, i) => signIn(creds("parallel", `guess ${i}`), ip)),
      signIn(creds("parallel"), ip),
    ];
    const outcomes = await Promise.allSettled(attempts);
    const keys = outcomes.map((o) =>
      o.status === "fulfilled" ? "signed in" : (o.reason as { key: string }).key,
    );
    const wrong = keys.filter((k) => k === "account:errors.badCredentials").length;
    const locked = keys.filter((k) => k === "account:errors.locked").length;
    const signedIn = keys.filter((k) => k === "signed in").length;
    // Every attempt is one of the three, and at most lockAfter were checked at all.
    expect(wrong + locked + signedIn).toBe(attempts.length);
    expect(wrong + signedIn).toBeLessThanOrEqual(ACCOUNT_RULE.lockAfter);
    expect(locked).toBeGreaterThanOrEqual(attempts.length - ACCOUNT_RULE.lockAfter);
  });

  it("forgives the address the attempt that proved right", async () => {
    await makeUser({ username: "rightaway" });
    const ip = { ...ctx, clientIp: "10.3.3.3" };
    await refusal(signIn(creds("rightaway", "wrong password"), ip));
    await signIn(creds("rightaway"), ip);
    const address = await getDb()
      .selectFrom("loginThrottle")
      .select("failures")
      .where("key", "=", "address:10.3.3.3")
      .executeTakeFirstOrThrow();
    expect(address.failures).toBe(1);
  });

  it("delays answers once an account has a few failures", async () => {
    await makeUser({ username: "slowme" });
    for (let i = 0; i < ACCOUNT_RULE.slowAfter + 1; i++) {
      await refusal(signIn(creds("slowme", "nope nope"), { ...ctx, clientIp: "10.7.7.7" }));
    }
    const started = performance.now();
    await refusal(signIn(creds("slowme", "nope nope"), { ...ctx, clientIp: "10.7.7.7" }));
    // At least the configured delay (500 ms at this count); not a speed assertion.
    expect(performance.now() - started).toBeGreaterThanOrEqual(450);
  });
});

describe("sessions", () => {
  it("stores only a hash of the token and can be revoked", async () => {
    const userId = await makeUser();
    const { token } = await createSession(userId, "phone");
    const stored = await getDb()
      .selectFrom("sessions")
      .select("id")
      .where("userId", "=", userId)
      .execute();
    expect(stored.map((s) => s.id)).not.toContain(token);
    const s = await sessionFromToken(token);
    expect(s?.user.id).toBe(userId);
    await run(logout, await actorFor(userId), { sessionId: s!.sessionId });
    expect(await sessionFromToken(token)).toBeNull();
  });

  it("expires after 30 days without use", async () => {
    const userId = await makeUser();
    const { token, expiresAt } = await createSession(userId, null);
    expect(Math.round((expiresAt.getTime() - Date.now()) / 86_400_000)).toBe(30);
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(expiresAt.getTime() + 1000);
    expect(await sessionFromToken(token)).toBeNull();
  });

  it("slides: used on day 29, it lasts until 30 days after that", async () => {
    const userId = await makeUser();
    const start = Date.now();
    const { token } = await createSession(userId, null);
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(start + 29 * 86_400_000);
    expect((await sessionFromToken(token))?.user.id).toBe(userId);
    vi.setSystemTime(start + 58 * 86_400_000);
    expect((await sessionFromToken(token))?.user.id).toBe(userId);
    vi.setSystemTime(start + 89 * 86_400_000);
    expect(await sessionFromToken(token)).toBeNull();
  });

  it("ignores garbage tokens", async () => {
    expect(await sessionFromToken("")).toBeNull();
    expect(await sessionFromToken("x".repeat(500))).toBeNull();
    expect(await sessionFromToken("not-a-token")).toBeNull();
  });

  it("lets people revoke their own other sessions, not someone else's", async () => {
    const me = await makeUser();
    const other = await makeUser();
    const a = await sessionFromToken((await createSession(me, "a")).token);
    const b = await sessionFromToken((await createSession(me, "b")).token);
    const theirs = await sessionFromToken((await createSession(other, "c")).token);
    const list = await listSessions(me, a!.sessionId);
    expect(list.map((s) => s.current).sort()).toEqual([false, true]);
    const myself = await actorFor(me);
    const e = await refusal(run(revokeSession, myself, { sessionId: theirs!.sessionId }));
    expect([e.status, e.key]).toEqual([404, "account:errors.sessionNotFound"]);
    await run(revokeSession, myself, { sessionId: b!.sessionId });
    expect((await listSessions(me, a!.sessionId)).length).toBe(1);
  });
});
