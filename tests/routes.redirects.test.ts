/**
 * `?next=` after signing in or up: whatever it says, the redirect stays on this site and is a value
 * a `Location` header takes (never a 500). Both ways in: the form's POST and the GET of someone
 * already signed in, which redirects at once.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { action as joinAction, loader as joinLoader } from "~/routes/join";
import { action as loginAction, loader as loginLoader } from "~/routes/login";
import { cookieFor, makeUser, TEST_PASSWORD } from "./support/factories";
import { formRequest, run } from "./support/remix";

/** As they would arrive in a query string (percent-encoded) and, decoded, in a form. */
const CRAFTED = [
  "%2F%09%2Fevil.example%2Fphish",
  "%2F%0A%2Fevil.example%2Fphish",
  "%2F%0D%0A%2Fevil.example%2Fphish",
  "%2F%2Fevil.example",
  "%2F%5Cevil.example",
  "%5C%5Cevil.example",
  "https%3A%2F%2Fevil.example",
  "%E3%80%80",
  "%2F%E3%80%80%2F%2Fevil.example",
  "%2F%E4%B8%AD%E6%96%87",
  "javascript%3Aalert(1)",
  "%2F.%2F%2Fevil.example",
];

/** The Location stays here: one leading slash, this origin whatever the page's own URL. */
function expectOnSite(res: Response, crafted: string) {
  expect([crafted, res.status]).toEqual([crafted, 302]);
  const location = res.headers.get("Location")!;
  expect([crafted, location]).toEqual([crafted, expect.stringMatching(/^\/(?![/\\])[!-~]*$/)]);
  for (const site of ["http://localhost/login", "https://liuhe.example/a/b"]) {
    expect([crafted, new URL(location, site).origin]).toEqual([crafted, new URL(site).origin]);
  }
}

let cookie: string;
beforeAll(async () => {
  await makeUser({ username: "redirected" });
  cookie = await cookieFor(await makeUser());
});

describe("GET /login and /join when already signed in", () => {
  for (const [name, loader] of [
    ["login", loginLoader],
    ["join", joinLoader],
  ] as const) {
    it(`/${name} redirects on this site whatever next= says`, async () => {
      for (const crafted of CRAFTED) {
        const request = new Request(`http://localhost/${name}?next=${crafted}`, {
          headers: { Cookie: cookie },
        });
        expectOnSite(await run(loader, request), crafted);
      }
    });
  }

  it("still follows an ordinary next=", async () => {
    const request = new Request("http://localhost/login?next=%2Fprojects%2F3%3Ftab%3Dbudget", {
      headers: { Cookie: cookie },
    });
    expect((await run(loginLoader, request)).headers.get("Location")).toBe(
      "/projects/3?tab=budget",
    );
  });
});

describe("POST /login and /join", () => {
  it("signing in redirects on this site whatever next= says", async () => {
    for (const crafted of CRAFTED) {
      const next = decodeURIComponent(crafted);
      const res = await run(
        loginAction,
        formRequest("/login", { login: "redirected", password: TEST_PASSWORD, next }),
      );
      expectOnSite(res, crafted);
      expect(res.headers.get("Set-Cookie")).toMatch(/^liuhe_session=/);
    }
  });

  it("an already signed-in POST /login redirects on this site too", async () => {
    for (const crafted of CRAFTED) {
      const next = decodeURIComponent(crafted);
      const res = await run(loginAction, formRequest("/login", { next }, { Cookie: cookie }));
      expectOnSite(res, crafted);
    }
  });

  it("signing up redirects on this site whatever next= says", async () => {
    let n = 0;
    for (const crafted of CRAFTED) {
      const next = decodeURIComponent(crafted);
      const res = await run(
        joinAction,
        formRequest("/join", {
          displayName: "新居民",
          login: `newcomer${++n}`,
          password: "a fine password",
          consent: "yes",
          next,
        }),
      );
      expectOnSite(res, crafted);
    }
  });
});
