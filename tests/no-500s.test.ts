/**
 * No page answers 500 for who is asking. Every route module with a loader (the `*.new` and `*.edit`
 * forms, and every page that authorises, directly or through its service) is called, as Remix
 * would, by each kind of visitor: anonymous, a newcomer (signed in, no community), a resident of
 * the community, a resident of another one, an organisation admin, a committee member, and a
 * committee member acting for a resident at the service window (a sitting). A page may show
 * itself, redirect (to /login), or refuse (401/403/404/409) with a message the locale files hold;
 * it may never throw what Remix turns into a 500.
 */
import fs from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { loader as rootLoader } from "~/root";
import { loader as newMeetingLoader } from "~/routes/councils.$id.meetings.new";
import { loader as newOrgLoader } from "~/routes/orgs.new";
import {
  answer,
  get,
  makeFixture,
  moduleOf,
  NOT_SWEPT,
  PAGES,
  paramsOf,
  ROLES,
  ROUTES_DIR,
  translated,
  type Fixture,
  type Loader,
  type Role,
} from "./support/sweep";

let f: Fixture;
beforeAll(async () => {
  f = await makeFixture();
});

describe("the sweep", () => {
  it("covers every route module with a loader", () => {
    const withLoader = fs
      .readdirSync(ROUTES_DIR)
      .filter((name) =>
        /export (async )?(function|const) loader\b/.test(
          fs.readFileSync(path.join(ROUTES_DIR, name), "utf8"),
        ),
      )
      .map((name) => name.replace(/\.tsx?$/, ""))
      .filter((route) => !NOT_SWEPT.has(route));
    expect(new Set(PAGES.map((p) => p.route))).toEqual(new Set(withLoader));
  });

  /** The address with its ids named (`/meetings/:privateMeeting/room`), to name the test. */
  const named = new Proxy({}, { get: (_t, k) => `:${String(k)}` }) as unknown as Fixture;
  describe.each(PAGES.map((p) => [p.url(named), p] as const))("%s", (_label, p) => {
    it.each(ROLES)("as %s: no 500, and a refusal names a translated message", async (role) => {
      const { loader } = await moduleOf(p.route);
      const params = paramsOf(p, f);
      const { status, res, thrown } = await answer(loader, get(p.url(f), f.cookies[role]), params);
      expect(thrown, `${p.url(f)} as ${role} threw`).toBeNull();
      expect(status).toBeLessThan(500);
      if (status >= 400) {
        const data = (await res!.json()) as { error?: { key?: string } };
        expect(data.error?.key, `${p.url(f)} as ${role}: ${status} without a message`).toEqual(
          expect.any(String),
        );
        expect(translated(data.error!.key!), data.error!.key).toBe(true);
      }
    });
  });

  it("the root loader, which runs on every page, answers every role", async () => {
    for (const role of ROLES) {
      const { status, thrown } = await answer(rootLoader as Loader, get("/", f.cookies[role]), {});
      expect(thrown, role).toBeNull();
      expect(status, role).toBe(200);
    }
  });
});

describe("refusals where there were 500s (issue 13, defect 6)", () => {
  const newMeeting = (role: Role) =>
    answer(
      newMeetingLoader as Loader,
      get(`/councils/${f.council}/meetings/new`, f.cookies[role]),
      { id: String(f.council) },
    );

  it("the new-meeting form refuses those who may not schedule, with 403 and a message", async () => {
    for (const role of ["newcomer", "resident", "residentElsewhere", "orgAdmin"] as const) {
      const { status, res, thrown } = await newMeeting(role);
      expect(thrown, role).toBeNull();
      expect(status, role).toBe(403);
      expect(await res!.json(), role).toEqual({
        error: { key: "errors.forbidden", params: { action: "meeting.manage" } },
      });
    }
  });

  it("sends an anonymous visitor to sign in and come back, and shows the committee its form", async () => {
    const anon = await newMeeting("anonymous");
    expect(anon.status).toBe(302);
    expect(anon.res!.headers.get("Location")).toBe(
      `/login?next=${encodeURIComponent(`/councils/${f.council}/meetings/new`)}`,
    );
    expect((await newMeeting("committee")).status).toBe(200);
  });

  it("while acting for a resident, both forms refuse with 403: not on someone's behalf", async () => {
    const meeting = await newMeeting("sitting");
    expect(meeting.thrown).toBeNull();
    expect(meeting.status).toBe(403);
    expect(await meeting.res!.json()).toEqual({
      error: { key: "errors.notAssistable", params: { action: "meeting.manage" } },
    });
    const org = await answer(newOrgLoader as Loader, get("/orgs/new", f.cookies.sitting), {});
    expect(org.thrown).toBeNull();
    expect(org.status).toBe(403);
    expect(await org.res!.json()).toEqual({
      error: { key: "errors.notAssistable", params: { action: "organisation.apply" } },
    });
  });
});
