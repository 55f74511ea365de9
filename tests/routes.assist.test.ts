/** The service window's page and the banner, as Remix calls them. */
import { beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "~/domain/permissions/policy";
import { loader as rootLoader } from "~/root";
import { action, loader } from "~/routes/assist";
import { loader as historyLoader } from "~/routes/me.assisted";
import {
  cookieFor,
  makeCommitteeMember,
  makeCommunity,
  makeResident,
  wholeDbSnapshot,
} from "./support/factories";
import { body, formRequest, run } from "./support/remix";

let here: number;
let elsewhere: number;
let helper: Actor;
let resident: Actor;
let outsider: Actor;

beforeAll(async () => {
  here = await makeCommunity("window");
  elsewhere = await makeCommunity("window-far");
  helper = await makeCommitteeMember(here);
  resident = await makeResident(here, { displayName: "孙阿姨" });
  outsider = await makeResident(elsewhere, { displayName: "孙大伯" });
});

const get = (path: string, cookie: string) =>
  new Request(`http://localhost${path}`, { headers: { cookie } });

interface Refused {
  errors: Record<string, { key: string }>;
  values: Record<string, string>;
}

describe("/assist", () => {
  it("finds residents of the helper's community for a committee member, and refuses others", async () => {
    const cookie = await cookieFor(helper.userId!);
    const res = await run(loader, get("/assist?q=孙", cookie));
    expect(res.status).toBe(200);
    const data = await body<{ matches: Array<{ id: number }> }>(res);
    expect(data.matches.map((m) => m.id)).toEqual([resident.userId]);
    const refused = await run(loader, get("/assist", await cookieFor(resident.userId!)));
    expect(refused.status).toBe(403);
  });

  it("keeps what was typed when consent is missing, and writes nothing", async () => {
    const cookie = await cookieFor(helper.userId!);
    const before = await wholeDbSnapshot();
    const res = await run(
      action,
      formRequest("/assist", { intent: "register", displayName: "周奶奶" }, { cookie }),
    );
    expect(res.status).toBe(400);
    const data = await body<Refused>(res);
    expect(data.errors.consent!.key).toBe("assist:errors.consentRequired");
    expect(data.values.displayName).toBe("周奶奶");
    expect(await wholeDbSnapshot()).toEqual(before);
  });

  it("answers a registration with the slip, once", async () => {
    const cookie = await cookieFor(helper.userId!);
    const res = await run(
      action,
      formRequest(
        "/assist",
        { intent: "register", displayName: "周奶奶", consent: "signed" },
        { cookie },
      ),
    );
    expect(res.status).toBe(200);
    const data = await body<{ slip: { username: string; password: string }; site: string }>(res);
    expect(data.slip.username).toMatch(/^lh\d{6}$/);
    expect(data.slip.password).toHaveLength(8);
    expect(data.site).toBe("http://localhost");
  });

  it("refuses a forged resident id from another community, writing nothing", async () => {
    const cookie = await cookieFor(helper.userId!);
    const before = await wholeDbSnapshot();
    for (const residentId of [String(outsider.userId), "abc", "-1"]) {
      const res = await run(
        action,
        formRequest("/assist", { intent: "start", residentId, consent: "signed" }, { cookie }),
      );
      expect([400, 404]).toContain(res.status);
    }
    expect(await wholeDbSnapshot()).toEqual(before);
  });

  it("refuses an unknown intent and, while acting for someone, registering, writing nothing", async () => {
    const cookie = await cookieFor(helper.userId!);
    const before = await wholeDbSnapshot();
    const odd = await run(action, formRequest("/assist", { intent: "promote" }, { cookie }));
    expect(odd.status).toBe(400);
    expect((await body<Refused>(odd)).errors._form!.key).toBe("errors.badForm");
    expect(await wholeDbSnapshot()).toEqual(before);

    const neighbour = await makeResident(here, { displayName: "邻居" });
    await run(
      action,
      formRequest(
        "/assist",
        { intent: "start", residentId: String(neighbour.userId), consent: "signed" },
        { cookie },
      ),
    );
    const mid = await wholeDbSnapshot();
    const res = await run(
      action,
      formRequest(
        "/assist",
        { intent: "register", displayName: "冒名", consent: "signed" },
        { cookie },
      ),
    );
    expect(res.status).toBe(403);
    expect((await body<Refused>(res)).errors._form!.key).toBe("errors.notAssistable");
    expect(await wholeDbSnapshot()).toEqual(mid);
    await run(action, formRequest("/assist", { intent: "end" }, { cookie }));
  });

  it("sends a signed-out visitor of /me/assisted to sign in", async () => {
    const res = await run(historyLoader, new Request("http://localhost/me/assisted"));
    expect(res.status).toBe(302);
    expect(res.headers.get("Location")).toBe("/login?next=%2Fme%2Fassisted");
  });

  it("starts a sitting that every page announces, and ends it", async () => {
    const cookie = await cookieFor(helper.userId!);
    const started = await run(
      action,
      formRequest(
        "/assist",
        { intent: "start", residentId: String(resident.userId), consent: "spoken" },
        { cookie },
      ),
    );
    expect(started.status).toBe(302);
    expect(started.headers.get("Location")).toBe(`/communities/${here}?assist=started`);
    const root = await body<{ user: { id: number }; assistance: { resident: string } | null }>(
      await run(rootLoader, get("/projects", cookie)),
    );
    expect(root.user.id).toBe(resident.userId);
    expect(root.assistance).toMatchObject({ resident: "孙阿姨" });
    const acting = await body<{ acting: boolean }>(await run(loader, get("/assist", cookie)));
    expect(acting.acting).toBe(true);
    const history = await body<{ sittings: unknown[] }>(
      await run(historyLoader, get("/me/assisted", cookie)),
    );
    expect(history.sittings).toHaveLength(1);

    const ended = await run(action, formRequest("/assist", { intent: "end" }, { cookie }));
    expect(ended.headers.get("Location")).toBe("/assist?done=ended");
    const after = await body<{ user: { id: number }; assistance: unknown }>(
      await run(rootLoader, get("/projects", cookie)),
    );
    expect(after).toMatchObject({ user: { id: helper.userId }, assistance: null });
  });
});
