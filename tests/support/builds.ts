/**
 * Server builds for tests that render whole pages through Remix's own request handler: the app's
 * real build (Vite with the Remix plugin, as `npm run dev` makes it), or a small build of chosen
 * route modules with the app's entry.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { ServerBuild } from "@remix-run/node";
import { createServer, type ViteDevServer } from "vite";
import * as entry from "~/entry.server";
import * as root from "~/root";
import * as splat from "~/routes/$";
import * as home from "~/routes/_index";

/**
 * The app's whole server build, from Vite's dev server; `close` stops it. vite.config.ts leaves
 * the Remix plugin out under Vitest, so VITEST is unset while the server is made; Vite's caches go
 * to a folder of the test's own, not into node_modules (shared).
 */
export async function appBuild(): Promise<{ build: ServerBuild; close: () => Promise<void> }> {
  const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), "liuhe-vite-"));
  const vitest = process.env.VITEST;
  delete process.env.VITEST;
  let vite: ViteDevServer;
  try {
    vite = await createServer({
      cacheDir,
      logLevel: "error",
      server: { middlewareMode: true, hmr: false, watch: null },
    });
  } finally {
    process.env.VITEST = vitest;
  }
  const build = (await vite.ssrLoadModule("virtual:remix/server-build")) as ServerBuild;
  return {
    build,
    close: async () => {
      await vite.close();
      fs.rmSync(cacheDir, { recursive: true, force: true });
    },
  };
}

/** A route of a small build: its path (none for an index route), its parent, its module. */
export type RouteOf = readonly [
  path: string | undefined,
  parentId: string | undefined,
  module: object,
];

/** A build of just these routes with the app's entry; an index route is one with no path under a parent. */
export function routesBuild(modules: Record<string, RouteOf>): ServerBuild {
  const entries = Object.entries(modules);
  const index = (path: string | undefined, parentId: string | undefined) =>
    path === undefined && parentId !== undefined ? true : undefined;
  return {
    mode: "production",
    entry: { module: entry },
    routes: Object.fromEntries(
      entries.map(([id, [path, parentId, module]]) => [
        id,
        { id, path, parentId, index: index(path, parentId), module },
      ]),
    ),
    assets: {
      entry: { module: "/entry.js", imports: ["/chunk.js"] },
      url: "/manifest.js",
      version: "1",
      routes: Object.fromEntries(
        entries.map(([id, [path, parentId, module]]) => [
          id,
          {
            id,
            path,
            parentId,
            index: index(path, parentId),
            module: `/${id}.js`,
            hasLoader: "loader" in module,
            hasAction: "action" in module,
            hasErrorBoundary: "ErrorBoundary" in module,
          },
        ]),
      ),
    },
    publicPath: "/",
    assetsBuildDirectory: "build/client",
    future: { v3_lazyRouteDiscovery: true },
    isSpaMode: false,
  } as unknown as ServerBuild;
}

/** The root, the home page and the page-not-found route: a small build of whole pages. */
export function homeBuild(): ServerBuild {
  return routesBuild({
    root: ["", undefined, root],
    "routes/_index": [undefined, "root", home],
    "routes/$": ["*", "root", splat],
  });
}
