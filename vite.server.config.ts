/**
 * The production server entry, compiled once at build time (`npm run build`): `npm start` runs
 * build/start/server.mjs with plain Node, no TypeScript loader. Under `--import tsx` every module
 * a process loads goes through tsx's hooks, the 1 MB Remix server build included, and that held
 * about 170 MB more per process (README, Benchmarks: peak RSS). Packages stay external (imported
 * from node_modules at run time); only server.ts and the few sources it imports are bundled, and
 * the opinion map's worker thread (app/services/conversations/opinion-worker.ts) beside it.
 */
import { defineConfig } from "vite";
import tsconfigPaths from "vite-tsconfig-paths";

export default defineConfig({
  plugins: [tsconfigPaths()],
  build: {
    ssr: true,
    outDir: "build/start",
    emptyOutDir: true,
    target: "node20",
    sourcemap: true,
    rollupOptions: {
      // The opinion map's worker thread is an entry of its own (server.ts says where it is).
      input: {
        server: "server.ts",
        "opinion-worker": "app/services/conversations/opinion-worker.ts",
      },
      output: { format: "es", entryFileNames: "[name].mjs" },
    },
  },
  publicDir: false,
  logLevel: "warn",
});
