import { vitePlugin as remix } from "@remix-run/dev";
import { defineConfig } from "vite";
import tsconfigPaths from "vite-tsconfig-paths";
import { localeChunks } from "./app/i18n/locale-chunks.vite";

declare module "@remix-run/node" {
  interface Future {
    v3_singleFetch: false;
  }
}

export default defineConfig({
  plugins: [
    // Vitest runs services and domain code directly; the Remix plugin is for the app build only.
    !process.env.VITEST &&
      remix({
        future: {
          v3_fetcherPersist: true,
          v3_relativeSplatPath: true,
          v3_throwAbortReason: true,
          v3_lazyRouteDiscovery: true,
        },
      }),
    !process.env.VITEST && localeChunks(),
    tsconfigPaths(),
  ],
  optimizeDeps: {
    include: ["i18next", "react-i18next", "remix-i18next/client", "remix-i18next/react"],
  },
  // The native SQLite binding is loaded by Node at run time, never bundled. ECharts is bundled,
  // so that only the parts the server's charts use are in the build
  // (app/services/charts/echarts.server.ts).
  ssr: {
    external: ["sqlite3"],
    noExternal: ["echarts", "zrender"],
  },
});
