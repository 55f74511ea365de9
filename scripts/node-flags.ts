// Node's own flags for Liuhe's server, from package.json's "config": `npm start` and `npm run serve`
// pass them (as $npm_package_config_nodeFlags), and whatever else starts the server (the
// benchmarks, the browser tests) passes the same, so that each runs the server as `npm start` does.
//
// --max-semi-space-size=24: V8's young generation may grow to 24 MB a half, not 16. Under load a
// page's objects live across several turns of the event loop while 49 other pages are under way;
// with 16 MB many of them were copied twice and moved to the old space before they died. V8 sizes
// the young generation when the process starts, so this cannot be set from the server's own code
// (server.ts sets what can be: how far the old space grows).
import fs from "node:fs";

/** The flags, e.g. ["--max-semi-space-size=24"]. */
export function nodeFlags(): string[] {
  const pkg = JSON.parse(fs.readFileSync(new URL("../package.json", import.meta.url), "utf8")) as {
    config?: { nodeFlags?: string };
  };
  return String(pkg.config?.nodeFlags ?? "")
    .split(/\s+/)
    .filter(Boolean);
}
