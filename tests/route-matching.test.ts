/**
 * patches/@remix-run+router keeps matchRoutes' ranked branches per routes array, its compiled
 * patterns per path, and what each path matched per ranked branches. Matching must not change:
 * Liuhe's own route tree matched from the cache gives what a fresh array (ranked anew) gives,
 * routes patched into an array are seen, and each caller gets matches of its own to change.
 */
import path from "node:path";
import { UNSAFE_flatRoutes as flatRoutes } from "@remix-run/dev";
import {
  createMemoryHistory,
  createRouter,
  matchRoutes,
  type AgnosticRouteObject,
} from "@remix-run/router";
import { describe, expect, it } from "vitest";

type Route = AgnosticRouteObject & { children?: Route[] };

/** The app's route tree as Remix builds it from app/routes, under the root route. */
function appRoutes(): Route[] {
  const manifest = flatRoutes(path.resolve("app"));
  const under = (parentId: string): Route[] =>
    Object.values(manifest)
      .filter((r) => (r.parentId ?? "root") === parentId)
      .map((r) => {
        const children = under(r.id);
        return { ...r, ...(children.length ? { children } : {}) } as Route;
      });
  return [{ id: "root", path: "", children: under("root") }];
}

const paths = [
  "/",
  "/projects",
  "/projects/",
  "/projects/2",
  "/projects/new",
  "/projects/2/edit",
  "/PROJECTS/2",
  "/communities/3",
  "/communities/3/audit",
  "/councils/4/calendar.ics",
  "/meetings/25/room",
  "/polls/1/ballots.csv",
  "/budgets/1/round.pb",
  "/me/data.json",
  "/orgs/%E5%85%AD",
  "/nowhere/at/all",
];
const summary = (routes: Route[], p: string) =>
  matchRoutes(routes, p)?.map((m) => [m.route.id, m.params, m.pathname, m.pathnameBase]);

describe("route matching with cached ranking", () => {
  it("matches every path as a freshly ranked tree does, call after call", () => {
    const routes = appRoutes();
    const fresh = paths.map((p) => summary(appRoutes(), p));
    expect(paths.map((p) => summary(routes, p))).toEqual(fresh);
    expect(paths.map((p) => summary(routes, p))).toEqual(fresh);
    expect(fresh[3]!.at(-1)).toEqual([
      "routes/projects.$id._index",
      { id: "2" },
      "/projects/2",
      "/projects/2",
    ]);
    expect(fresh[4]!.at(-1)![0]).toBe("routes/projects.new");
    expect(fresh[15]!.at(-1)![0]).toBe("routes/$");
  });

  it("hands every caller matches of its own: a change to one answer reaches no other", () => {
    const routes = appRoutes();
    const first = matchRoutes(routes, "/projects/2")!;
    // The types say read-only; a caller in plain JavaScript (the router itself) may write all the same.
    (first.at(-1)!.params as Record<string, string>).id = "99";
    first.at(-1)!.pathname = "/elsewhere";
    first.pop();
    const again = matchRoutes(routes, "/projects/2")!;
    expect(again).not.toBe(first);
    expect(again.at(-1)).toMatchObject({ params: { id: "2" }, pathname: "/projects/2" });
    expect(again.map((m) => m.route.id)).toEqual(
      summary(appRoutes(), "/projects/2")!.map((m) => m[0]),
    );
    // A path that matches nothing stays nothing when asked again of the same routes (kept).
    const one = [{ id: "only", path: "only" }];
    expect(matchRoutes(one, "/other")).toBeNull();
    expect(matchRoutes(one, "/other")).toBeNull();
    expect(matchRoutes(one, "/only")!.map((m) => m.route.id)).toEqual(["only"]);
  });

  it("sees routes patched into an array it has already ranked", () => {
    const router = createRouter({ routes: appRoutes(), history: createMemoryHistory() });
    const ranked = router.routes;
    expect(matchRoutes(ranked, "/gadgets/7")!.at(-1)!.route.id).toBe("routes/$");
    router.patchRoutes("root", [{ id: "gadgets", path: "gadgets/:id" }]);
    expect(matchRoutes(ranked, "/gadgets/7")!.at(-1)!.route.id).toBe("gadgets");
    router.dispose();
  });
});
