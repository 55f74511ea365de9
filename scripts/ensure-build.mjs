// `npm start` builds first when there is no production build, or when a source file is newer.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

// The Remix build and the compiled server entry (vite.server.config.ts): the older of the two.
const outputs = [path.resolve("build/server/index.js"), path.resolve("build/start/server.mjs")];
const sources = [
  "app",
  "db",
  "public",
  "server.ts",
  "vite.config.ts",
  "vite.server.config.ts",
  "package.json",
  "package-lock.json",
];

function newest(p) {
  if (!fs.existsSync(p)) return 0;
  const stat = fs.statSync(p);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return fs
    .readdirSync(p)
    .reduce((max, name) => Math.max(max, newest(path.join(p, name))), stat.mtimeMs);
}

const built = Math.min(...outputs.map((o) => (fs.existsSync(o) ? fs.statSync(o).mtimeMs : 0)));
if (built === 0 || sources.some((s) => newest(s) > built)) {
  console.log(built === 0 ? "No build yet: building…" : "Sources changed: rebuilding…");
  const result = spawnSync("npm", ["run", "build"], { stdio: "inherit" });
  if (result.status !== 0) process.exit(result.status ?? 1);
}
