/**
 * What patches/ change in Remix's server: the loaders of a page share its Request when Remix has
 * nothing to strip from it, and a copy without Remix's own parameters does not follow the
 * request's signal (@remix-run/server-runtime), and the route objects a page is rendered
 * with are built once per build, not per page (@remix-run/react, react-router-dom). Pages rendered
 * one after another from the same build must still each show their own route, params and data.
 */
import { createRequestHandler, type ServerBuild } from "@remix-run/node";
import { Outlet, RemixServer, Scripts, useLoaderData, useParams } from "@remix-run/react";
import { createElement as h } from "react";
import { renderToString } from "react-dom/server";
import { describe, expect, it } from "vitest";

/** A small Remix build (root, /page/:id, /other) whose loaders record the Request they get. */
function build(seen: Request[]): ServerBuild {
  const loader = ({ request }: { request: Request }) => {
    seen.push(request);
    return { at: new URL(request.url).pathname };
  };
  const components: Record<string, () => unknown> = {
    root: () => h("main", null, h(Outlet), h(Scripts)),
    page: () => h("p", null, `page ${useParams().id} at ${useLoaderData<typeof loader>().at}`),
    other: () => h("p", null, "other"),
  };
  const shape = { root: ["", undefined], page: ["page/:id", "root"], other: ["other", "root"] };
  const entries = Object.entries(shape);
  return {
    mode: "production",
    entry: {
      module: {
        default: (request: Request, status: number, headers: Headers, context: never) =>
          new Response(renderToString(h(RemixServer, { context, url: request.url })), {
            status,
            headers,
          }),
      },
    },
    routes: Object.fromEntries(
      entries.map(([id, [path, parentId]]) => [
        id,
        { id, path, parentId, module: { loader, default: components[id] } },
      ]),
    ),
    assets: {
      entry: { module: "/entry.js", imports: [] },
      url: "/manifest.js",
      version: "1",
      routes: Object.fromEntries(
        entries.map(([id, [path, parentId]]) => [
          id,
          { id, path, parentId, module: `/${id}.js`, hasLoader: true, hasAction: false },
        ]),
      ),
    },
    publicPath: "/",
    assetsBuildDirectory: "build/client",
    future: { v3_lazyRouteDiscovery: true },
    isSpaMode: false,
  } as unknown as ServerBuild;
}

describe("Remix's server, patched", () => {
  it("gives all the loaders of a page one Request when there is nothing to strip", async () => {
    const seen: Request[] = [];
    await createRequestHandler(build(seen))(new Request("http://liuhe.test/page/1?q=a"));
    expect(seen).toHaveLength(2);
    expect(seen[0]).toBe(seen[1]);
    expect(seen[0]!.url).toBe("http://liuhe.test/page/1?q=a");
  });

  it("gives each loader a copy without Remix's own parameters when there are some", async () => {
    const seen: Request[] = [];
    await createRequestHandler(build(seen))(new Request("http://liuhe.test/page/1?index&q=a"));
    expect(seen.map((r) => r.url)).toEqual([
      "http://liuhe.test/page/1?q=a",
      "http://liuhe.test/page/1?q=a",
    ]);
    expect(seen[0]).not.toBe(seen[1]);
  });

  it("makes that copy with the request's headers, not following its signal", async () => {
    // A copy that followed the signal registered with undici's finalizer and kept an
    // AbortController alive until a full collection, for every fetched form post.
    const seen: Request[] = [];
    const client = new AbortController();
    await createRequestHandler(build(seen))(
      new Request("http://liuhe.test/page/1?index&_data=page", {
        headers: { "X-Asked": "yes" },
        signal: client.signal,
      }),
    );
    expect(seen).toHaveLength(1); // a data request runs the one route's loader
    client.abort();
    for (const copy of seen) {
      expect(copy.url).toBe("http://liuhe.test/page/1");
      expect(copy.headers.get("X-Asked")).toBe("yes");
      expect(copy.signal.aborted).toBe(false);
    }
  });

  it("renders each page with its own route, params and data, page after page", async () => {
    const handle = createRequestHandler(build([]));
    const html = async (path: string) =>
      (await handle(new Request(`http://liuhe.test${path}`))).text();
    for (const round of [1, 2]) {
      expect(await html("/page/7"), `round ${round}`).toContain("<p>page 7 at /page/7</p>");
      expect(await html("/page/8"), `round ${round}`).toContain("<p>page 8 at /page/8</p>");
      const other = await html("/other");
      expect(other).toContain("<p>other</p>");
      // The routes listed for the browser are this page's, not the last page's.
      expect(other).toContain('"/other.js"');
      expect(other).not.toContain('"/page.js"');
    }
  });
});
