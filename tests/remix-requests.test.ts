/**
 * patches/@remix-run+server-runtime: Remix copied the Request for every loader to strip its own
 * query parameters (`index`, `_data`) even when there were none, so what is memoised per Request
 * (who is asking: getCurrent) was looked up again by each loader of a page. Now the loaders of a
 * request share it when nothing is stripped, and still get a stripped copy when something is.
 */
import { createRequestHandler, type ServerBuild } from "@remix-run/node";
import { describe, expect, it } from "vitest";

/** A two-route Remix build (root and one page) whose loaders record the Request each was given. */
function build(seen: Request[]): ServerBuild {
  const loader = ({ request }: { request: Request }) => {
    seen.push(request);
    return null;
  };
  const route = (id: string, path: string, parentId?: string) => ({
    id,
    path,
    parentId,
    module: { loader, default: () => null },
  });
  const manifestRoute = (id: string, path: string, parentId?: string) => ({
    id,
    path,
    parentId,
    module: `/${id}.js`,
    hasLoader: true,
    hasAction: false,
    hasClientLoader: false,
    hasClientAction: false,
    hasErrorBoundary: false,
  });
  return {
    mode: "production",
    entry: { module: { default: () => new Response("page") } },
    routes: { root: route("root", ""), page: route("page", "page", "root") },
    assets: {
      entry: { module: "/entry.js", imports: [] },
      url: "/manifest.js",
      version: "1",
      routes: { root: manifestRoute("root", ""), page: manifestRoute("page", "page", "root") },
    },
    publicPath: "/",
    assetsBuildDirectory: "build/client",
    future: { v3_lazyRouteDiscovery: true },
    isSpaMode: false,
  } as unknown as ServerBuild;
}

describe("the Request each loader gets", () => {
  it("is one Request for all the loaders of a page when there is nothing to strip", async () => {
    const seen: Request[] = [];
    const res = await createRequestHandler(build(seen))(new Request("http://liuhe.test/page?q=a"));
    expect(await res.text()).toBe("page");
    expect(seen).toHaveLength(2);
    expect(seen[0]).toBe(seen[1]);
    expect(seen[0]!.url).toBe("http://liuhe.test/page?q=a");
  });

  it("is a copy without Remix's own parameters when there are some", async () => {
    const seen: Request[] = [];
    await createRequestHandler(build(seen))(new Request("http://liuhe.test/page?index&q=a"));
    expect(seen.map((r) => r.url)).toEqual([
      "http://liuhe.test/page?q=a",
      "http://liuhe.test/page?q=a",
    ]);
    expect(seen[0]).not.toBe(seen[1]);
  });
});
