/**
 * Build of the bare Remix app, the page benchmark's ceiling: the same Remix plugin and future flags
 * as Liuhe's vite.config.ts, its own app directory and its own output (bench/pages/bare/build,
 * git-ignored). Run from the repository's root, whose package.json it shares:
 *
 *   npx remix vite:build --config bench/pages/bare/vite.config.ts
 */
import { vitePlugin as remix } from "@remix-run/dev";
import { defineConfig } from "vite";

export default defineConfig({
  // Liuhe's public/ is not the bare app's.
  publicDir: false,
  plugins: [
    remix({
      appDirectory: "bench/pages/bare/app",
      buildDirectory: "bench/pages/bare/build",
      future: {
        v3_fetcherPersist: true,
        v3_relativeSplatPath: true,
        v3_throwAbortReason: true,
        v3_lazyRouteDiscovery: true,
      },
    }),
  ],
});
