/**
 * No page links to what is not there. From the demo city's main pages, in both modes, in both
 * languages and as a few people, every same-origin href on a page (links, and the <link>s of
 * icons and stylesheets), each redirect's target and /favicon.ico answer with neither 404 nor a
 * server error. Plain HTTP with each person's cookies, so that nothing is remembered between
 * requests (a ?mode= switch followed here changes no later answer); each URL once, at most
 * PER_VISIT requests per person, breadth first, reading at most two pages of each kind for more
 * links (the tenth project page adds no kind of link the first did not have), and the switches'
 * links (the same page again) last.
 */
import { beforeAll, describe, expect, inject, it } from "vitest";
import { seededCommunity, seededConversation } from "./support/seeded";

const base = () => inject("baseURL");

/** Requests per person and mode: four of them make about 400 in all. */
const PER_VISIT = 150;
/** Pages of one kind (same path but for ids, same query names) read for links. */
const READ_PER_KIND = 2;

type Visit = { who: "anonymous" | "resident" | "committee" | "admin"; mode: "full" | "lite" };
const VISITS: Array<Visit & { lng: "zh-CN" | "en" }> = [
  { who: "anonymous", mode: "full", lng: "zh-CN" },
  { who: "resident", mode: "lite", lng: "en" },
  { who: "committee", mode: "full", lng: "en" },
  { who: "admin", mode: "lite", lng: "zh-CN" },
];

/** A query switch: the page again, in the other mode, language or text size. */
const SWITCH = /[?&](mode|lng|text)=/;

const SEEDS = [
  "/",
  "/communities",
  "/projects",
  "/orgs",
  "/permissions",
  "/open-data",
  "/favicon.ico",
];

/** The session cookie of a demo account, signed in over HTTP. */
async function signIn(login: string): Promise<string> {
  const res = await fetch(`${base()}/login`, {
    method: "POST",
    redirect: "manual",
    headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: base() },
    body: new URLSearchParams({ login, password: "liuhe-demo", next: "/" }).toString(),
  });
  const cookie = res.headers.get("set-cookie")?.split(";")[0];
  if (res.status !== 302 || !cookie) throw new Error(`${login} could not sign in: ${res.status}`);
  return cookie;
}

const decode = (href: string) =>
  href
    .replace(/&amp;/g, "&")
    .replace(/&quot;/g, '"')
    .replace(/&#x27;|&#39;/g, "'")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">");

/** Same-origin hrefs of a page, as paths with their query, without fragments. */
function hrefs(html: string, page: URL): string[] {
  const out: string[] = [];
  for (const [, raw] of html.matchAll(/\shref="([^"]*)"/g)) {
    const url = new URL(decode(raw!), page);
    if (url.origin !== page.origin || !/^https?:$/.test(url.protocol)) continue;
    // Build files (hashed names, checked by every page's own load) and Remix's manifest.
    if (url.pathname.startsWith("/assets/") || url.pathname === "/__manifest") continue;
    out.push(url.pathname + url.search);
  }
  return out;
}

/** A page's kind: its path with ids replaced, and the names of its query. */
const kind = (path: string) => {
  const url = new URL(path, "http://x");
  const names = [...new Set(url.searchParams.keys())].sort().join("&");
  return `${url.pathname.replace(/\d+/g, ":id")}?${names}`;
};

/**
 * Pages no main page links within a few steps, started from as the main pages are: the demo's
 * conversation (a council's page links it, four steps from the home page).
 */
const deeper: string[] = [];
beforeAll(async () => {
  const { council } = await seededCommunity("dongpo");
  deeper.push(`/conversations/${(await seededConversation(council)).id}`);
});

describe("links", () => {
  it.each(VISITS)(
    "no link answers 404 for $who in $mode mode ($lng)",
    async ({ who, mode, lng }) => {
      const cookies = [`mode=${mode}`, `lng=${lng}`];
      if (who !== "anonymous") cookies.push(await signIn(who));
      const cookie = cookies.join("; ");

      const queue: Array<{ path: string; from: string }> = [...SEEDS, ...deeper].map((path) => ({
        path,
        from: "(start)",
      }));
      // The same page in the other mode, language or text size: checked last, never read.
      const switched: typeof queue = [];
      const seen = new Set([...SEEDS, ...deeper]);
      const read = new Map<string, number>();
      const broken: string[] = [];
      const fetched: string[] = [];
      const add = (path: string, from: string) => {
        if (seen.has(path)) return;
        seen.add(path);
        (SWITCH.test(path) ? switched : queue).push({ path, from });
      };

      while (fetched.length < PER_VISIT) {
        const next = queue.shift() ?? switched.shift();
        if (!next) break;
        const { path, from } = next;
        fetched.push(path);
        const res = await fetch(`${base()}${path}`, {
          redirect: "manual",
          headers: { Cookie: cookie },
        });
        if (res.status === 404 || res.status >= 500) {
          broken.push(`${res.status} ${path} (linked from ${from})`);
        }
        const location = res.headers.get("location");
        if (location) {
          const to = new URL(location, `${base()}${path}`);
          if (to.origin === new URL(base()).origin) add(to.pathname + to.search, path);
        }
        const html = res.status === 200 && /text\/html/.test(res.headers.get("content-type") ?? "");
        const k = kind(path);
        if (!html || SWITCH.test(path) || (read.get(k) ?? 0) >= READ_PER_KIND) {
          await res.body?.cancel();
          continue;
        }
        read.set(k, (read.get(k) ?? 0) + 1);
        for (const href of hrefs(await res.text(), new URL(path, base()))) add(href, path);
      }

      expect(broken).toEqual([]);
      // The walk got past the first pages: community, meeting, project, vote and conversation
      // pages among them (a conversation's links: its council, meeting, exports).
      const reached = fetched.join(" ");
      for (const page of [
        /\/communities\/\d/,
        /\/meetings\/\d/,
        /\/projects\/\d/,
        /\/polls\/\d/,
        /\/conversations\/\d+(\s|$)/,
        /\/conversations\/\d+\/export\//,
      ])
        expect(reached).toMatch(page);
    },
  );
});
