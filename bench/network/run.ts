/**
 * Slow-network benchmark: the main pages loaded by Chromium under emulated "3G" conditions
 * (400 kbit/s down and up, 400 ms round-trip latency), lite and full, cold cache each time. Prints a
 * Markdown table of load times (to the load event) and bytes transferred: median and spread of 3
 * runs. The aim for 长辈版: every page loaded within 3 s.
 *
 *   npm run bench:network -- [--runs 3]
 */
import { execFileSync, spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { chromium, type Browser } from "playwright-core";
import { openDatabase } from "../../db/client.server";

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : fallback;
};
const runs = Number(arg("runs", "3"));
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
// Chromium DevTools' "Slow 3G"-like profile the issue names: about 400 kbit/s, 400 ms latency.
const NETWORK = {
  offline: false,
  latency: 400,
  downloadThroughput: (400 * 1000) / 8,
  uploadThroughput: (400 * 1000) / 8,
};

if (!fs.existsSync("build/start/server.mjs")) {
  execFileSync("npm", ["run", "build"], { stdio: "inherit" });
}
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "liuhe-net-"));
const dbPath = path.join(dir, "net.sqlite");
const port = 3900 + Math.floor(Math.random() * 90);
const base = `http://127.0.0.1:${port}`;
// As `npm start` runs it: the compiled entry (vite.server.config.ts), plain Node.
const server = spawn(process.execPath, ["build/start/server.mjs"], {
  env: {
    ...process.env,
    NODE_ENV: "production",
    PORT: String(port),
    HOST: "127.0.0.1",
    DATABASE_PATH: dbPath,
    SEED_DEMO: "true",
  },
  stdio: "ignore",
});

async function waitForHealth() {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(`${base}/healthz`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error("server did not start");
}

/** The pages a resident meets most, with seeded ids looked up by their titles. */
async function pages(): Promise<Array<[string, string]>> {
  const db = openDatabase(dbPath);
  try {
    const id = async (q: Promise<{ id: number } | undefined>) => (await q)!.id;
    const community = await id(
      db.selectFrom("areas").select("id").where("code", "=", "dongpo").executeTakeFirst(),
    );
    const meeting = await id(
      db
        .selectFrom("meetings")
        .innerJoin("councils", "councils.id", "meetings.councilId")
        .select("meetings.id")
        .where("councils.areaId", "=", community)
        .where("meetings.status", "=", "live")
        .executeTakeFirst(),
    );
    const project = await id(
      db.selectFrom("projects").select("id").where("status", "=", "inProgress").executeTakeFirst(),
    );
    const poll = await id(db.selectFrom("polls").select("id").orderBy("id").executeTakeFirst());
    const round = await id(
      db.selectFrom("budgetRounds").select("id").orderBy("id").executeTakeFirst(),
    );
    return [
      ["home", "/"],
      ["community", `/communities/${community}`],
      ["meeting", `/meetings/${meeting}`],
      ["room", `/meetings/${meeting}/room`],
      ["projects", "/projects"],
      ["project", `/projects/${project}`],
      ["organisations", "/orgs"],
      ["poll", `/polls/${poll}`],
      ["budget round", `/budgets/${round}`],
    ];
  } finally {
    await db.destroy();
  }
}

async function load(browser: Browser, url: string, mode: "lite" | "full") {
  const ctx = await browser.newContext({ viewport: { width: 390, height: 844 } });
  await ctx.addCookies([{ name: "mode", value: mode, domain: "127.0.0.1", path: "/" }]);
  const page = await ctx.newPage();
  const cdp = await ctx.newCDPSession(page);
  await cdp.send("Network.enable");
  await cdp.send("Network.setCacheDisabled", { cacheDisabled: true });
  await cdp.send("Network.emulateNetworkConditions", NETWORK);
  let bytes = 0;
  cdp.on("Network.loadingFinished", (e: { encodedDataLength: number }) => {
    bytes += e.encodedDataLength;
  });
  const start = Date.now();
  await page.goto(url, { waitUntil: "load", timeout: 120_000 });
  const ms = Date.now() - start;
  await ctx.close();
  return { ms, bytes };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const spread = (xs: number[]) => `${Math.min(...xs)}–${Math.max(...xs)}`;

try {
  await waitForHealth();
  const list = await pages();
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run"],
  });
  // Warm the server (first renders compile templates and fill caches): not what is measured.
  for (const [, p] of list) await fetch(`${base}${p}`);
  const rows: string[] = [];
  for (const [name, p] of list) {
    const cells: string[] = [name, `\`${p}\``];
    for (const mode of ["lite", "full"] as const) {
      const results = [];
      for (let i = 0; i < runs; i++) results.push(await load(browser, `${base}${p}`, mode));
      const ms = results.map((r) => r.ms);
      const kb = results.map((r) => Math.round(r.bytes / 102.4) / 10);
      cells.push(`${median(ms)} (${spread(ms)})`, `${median(kb)}`);
    }
    rows.push(`| ${cells.join(" | ")} |`);
  }
  await browser.close();
  console.log(
    `\n3G-like network (400 kbit/s, 400 ms), cold cache, ${runs} runs, ${new Date().toISOString().slice(0, 10)}\n`,
  );
  console.log(
    "| page | path | 长辈版 load ms | 长辈版 KB | full load ms | full KB |\n|---|---|---|---|---|---|",
  );
  console.log(rows.join("\n"));
} finally {
  server.kill("SIGTERM");
  fs.rmSync(dir, { recursive: true, force: true });
}
