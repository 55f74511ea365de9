/**
 * Pages benchmark: how many of Liuhe's main pages a second one core serves at CONNECTIONS
 * connections, anonymous, in 长辈版 and signed in as a verified resident, against a bare Remix page
 * of similar size served the same way in the same run (the ceiling; bench/pages/bare), and
 * Liuhe's own `GET /healthz`. Each page is measured on a fresh server (its peak RSS is that page's)
 * and a fresh copy of one seeded database, in the configuration --config names (bench/support.ts:
 * SQLite, PostgreSQL, or PostgreSQL with Redis and two processes; also how each is pinned to
 * cores), autocannon in its own process; warm-up then a fixed window; pages interleaved within each run, several runs. Every request of
 * the window must be answered 200: anything else is counted on its own (a 302 to /login on a
 * signed-in page means the session was lost). Prints a Markdown table of medians with the spread.
 *
 *   npm run bench:pages -- [--config sqlite|postgres|postgres-redis-2] [--connections 50] [--runs 3] [--warmup 10] [--measure 10]
 *                          [--pages home,projects,…]   (the bare page is always measured, first and last)
 */
import { openDatabase } from "../../db/client.server";
import {
  LIUHE_SERVER,
  CEILING_CORES,
  arg,
  buildIfStale,
  freePort,
  median,
  runLoad,
  setUp,
  startServer,
  stopServer,
  type Cpu,
} from "../support";
import {
  BARE_SERVER,
  buildBarePage,
  col,
  coresCell,
  cpuMsPerRequest,
  interleavedRuns,
  loadLimitNote,
  machineText,
  onServer,
  ratioTo,
  runOptions,
  showResult,
  stderrNote,
  windowText,
  workDir,
  type Served,
} from "../support/run";

const connections = Number(arg("connections", "50"));
// Ten seconds of warm-up by default, not the method's minimum of five: a fresh server spends its
// first seconds compiling and sizing its heap, and a window that opens after 4–5 s put those
// seconds' slow answers into its p99 (README, Benchmarks, 2026-12-04, night).
const options = runOptions("10");
const { runs, warmup: WARMUP, measure: MEASURE } = options;
const RESIDENT = "resident";
const PASSWORD = "liuhe-demo"; // DEMO_PASSWORD in db/seed-kit.ts

await buildIfStale();
await buildBarePage();

// ------------------------------------------------------------------ prepare: seed, sign in, ids

const work = workDir("pages");
const baseDb = work.baseDb;

/** Seeds the demo city into a fresh database (the server's own boot) and signs the resident in. */
async function prepare(): Promise<{ cookie: string }> {
  const port = await freePort();
  const server = await startServer({
    script: LIUHE_SERVER,
    port,
    cores: CEILING_CORES,
    env: { DATABASE_PATH: baseDb, SEED_DEMO: "true" },
    log: work.file("seed.log"),
  });
  try {
    const res = await fetch(`http://127.0.0.1:${port}/login`, {
      method: "POST",
      redirect: "manual",
      headers: { Origin: `http://127.0.0.1:${port}` },
      body: new URLSearchParams({ login: RESIDENT, password: PASSWORD, next: "/" }),
    });
    const token = /liuhe_session=([^;]+)/.exec(res.headers.get("set-cookie") ?? "")?.[1];
    if (res.status !== 302 || !token) throw new Error(`login failed: ${res.status}`);
    return { cookie: `liuhe_session=${token}` };
  } finally {
    // A clean stop checkpoints the WAL into the file that every run copies.
    await stopServer(server);
  }
}
const { cookie: session } = await prepare();
type Kind = "liuhe" | "bare";
const setup = await setUp(baseDb, work.dir);

interface Page {
  key: string;
  label: string;
  kind: Kind;
  path: string;
  cookie?: string;
  /** What the page's HTML must contain (signed in, 长辈版), checked before and after the load. */
  mark?: string;
}

/** The seeded ids, looked up like bench/network/run.ts: the resident's community, in Dongpo. */
async function pages(): Promise<Page[]> {
  const db = openDatabase(baseDb);
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
      db
        .selectFrom("projects")
        .select("id")
        .where("communityId", "=", community)
        .where("status", "=", "inProgress")
        .executeTakeFirst(),
    );
    /** The community's first poll or budget round. */
    const first = (table: "polls" | "budgetRounds") =>
      id(
        db
          .selectFrom(table)
          .select("id")
          .where("communityId", "=", community)
          .orderBy("id")
          .executeTakeFirst(),
      );
    const poll = await first("polls");
    const round = await first("budgetRounds");
    const lite = "mode=lite";
    const signedIn = 'class="signed-in"';
    const all: Page[] = [
      { key: "bare", label: "bare Remix page (ceiling)", kind: "bare", path: "/" },
      { key: "healthz", label: "Liuhe `/healthz`", kind: "liuhe", path: "/healthz" },
      { key: "home", label: "home", kind: "liuhe", path: "/" },
      { key: "projects", label: "projects", kind: "liuhe", path: "/projects" },
      { key: "project", label: "a project", kind: "liuhe", path: `/projects/${project}` },
      { key: "community", label: "a community", kind: "liuhe", path: `/communities/${community}` },
      { key: "meeting", label: "a meeting", kind: "liuhe", path: `/meetings/${meeting}` },
      { key: "poll", label: "a poll", kind: "liuhe", path: `/polls/${poll}` },
      { key: "budget", label: "a budget round", kind: "liuhe", path: `/budgets/${round}` },
      { key: "orgs", label: "organisations", kind: "liuhe", path: "/orgs" },
      { key: "index", label: "六和指数, the city", kind: "liuhe", path: "/index" },
      {
        key: "index-community",
        label: "六和指数 of a community",
        kind: "liuhe",
        path: `/index/${community}`,
      },
      {
        key: "lite-index-community",
        label: "六和指数 of a community, 长辈版",
        kind: "liuhe",
        path: `/index/${community}`,
        cookie: lite,
        mark: 'class="lite"',
      },
      {
        key: "lite-home",
        label: "home, 长辈版",
        kind: "liuhe",
        path: "/",
        cookie: lite,
        mark: 'class="lite"',
      },
      {
        key: "lite-community",
        label: "a community, 长辈版",
        kind: "liuhe",
        path: `/communities/${community}`,
        cookie: lite,
        mark: 'class="lite"',
      },
      {
        key: "me-home",
        label: "home, signed in",
        kind: "liuhe",
        path: "/",
        cookie: session,
        mark: signedIn,
      },
      {
        key: "me-community",
        label: "a community, signed in",
        kind: "liuhe",
        path: `/communities/${community}`,
        cookie: session,
        mark: signedIn,
      },
      {
        key: "me-project",
        label: "a project, signed in",
        kind: "liuhe",
        path: `/projects/${project}`,
        cookie: session,
        mark: signedIn,
      },
    ];
    const wanted = arg("pages", all.map((p) => p.key).join(",")).split(",");
    const unknown = wanted.filter((k) => !all.some((p) => p.key === k));
    if (unknown.length)
      throw new Error(`unknown page ${unknown.join(", ")}; known: ${all.map((p) => p.key)}`);
    // The bare page opens and closes each run: a page's ceiling is the bare page's throughput
    // interpolated to the page's place in the run (`ratio` below), so that a machine drifting over
    // the run's minutes does not favour the pages measured early.
    const bare = all.find((p) => p.key === "bare")!;
    return [
      ...all.filter((p) => p === bare || wanted.includes(p.key)),
      { ...bare, key: "bare-end", label: "bare Remix page again, at the end of the run" },
    ];
  } finally {
    await db.destroy();
  }
}
const list = await pages();

// ------------------------------------------------------------------ one measurement

interface LoadResult extends Cpu {
  seconds: number;
  ok: number;
  perSecond: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  statuses: Record<string, number>;
  warmupStatuses: Record<string, number>;
  warmupErrors: number;
  bytesPerResponse: number;
  p50: number;
  p99: number;
  max: number;
  loadCpuPercent: number;
  loadLoopDelayP99Ms: number;
}

interface Result extends LoadResult, Served {
  key: string;
  /** The page's HTML, uncompressed, as the check before the load received it. */
  htmlBytes: number;
  /** The page still carried its mark after the load (the session was not lost). */
  markAfter: boolean;
}

/** One GET as the load sends it; the page must answer 200 and carry its mark. */
async function check(base: string, page: Page) {
  const res = await fetch(base + page.path, {
    headers: page.cookie ? { Cookie: page.cookie } : {},
    redirect: "manual",
  });
  const body = await res.text();
  return {
    status: res.status,
    bytes: Buffer.byteLength(body),
    marked: page.mark ? body.includes(page.mark) : true,
  };
}

async function measure(page: Page, run: number): Promise<Result> {
  const { value, loadAverage, serverPeakRssMb, serverErrorLines } = await onServer({
    setup,
    tag: page.key,
    ceiling: page.kind === "bare" ? BARE_SERVER : undefined,
    log: work.file(`run-${run}-${page.key}.log`),
    during: async (base, watch) => {
      const before = await check(base, page);
      if (before.status !== 200 || !before.marked)
        throw new Error(
          `${page.key} (${page.path}): ${before.status}${before.marked ? "" : `, no ${page.mark}`}`,
        );
      const out = await runLoad([
        "bench/pages/load.ts",
        base + page.path,
        String(WARMUP),
        String(MEASURE),
        JSON.stringify(watch),
        String(connections),
        page.cookie ?? "",
      ]);
      const load = JSON.parse(out) as LoadResult;
      const after = await check(base, page);
      return { load, before, after };
    },
  });
  const { load, before, after } = value;
  return {
    key: page.key,
    ...load,
    htmlBytes: before.bytes,
    markAfter: after.status === 200 && after.marked,
    loadAverage,
    serverPeakRssMb,
    serverErrorLines,
  };
}

// ------------------------------------------------------------------ the runs

// Pages interleaved within each run, so that drift on a shared machine touches all of them alike.
const results = await interleavedRuns({
  runs,
  items: list,
  key: (page) => page.key,
  measure,
  seen: (page, run, r) => showResult(`${page.key} run ${run}`, r),
  setup,
  work,
});

/**
 * Per-run ratio to the bare page of the same run, then the median of those. The bare page is
 * measured first and last in each run; a page's ceiling is the two interpolated to its place.
 */
const ratio = (key: string) => {
  const place = list.findIndex((p) => p.key === key) / (list.length - 1);
  const [first, last] = [results.get("bare")!, results.get("bare-end")!];
  const ceiling = first.map((f, run) => ({
    perSecond: f.perSecond + (last[run]!.perSecond - f.perSecond) * place,
  }));
  return ratioTo(results.get(key)!, ceiling);
};
const kb = (bytes: number) => (bytes / 1024).toFixed(1);

const table = [
  `| page | path | HTML KB (gzip) | req/s | × bare | p50 ms | p99 ms | non-2xx | errors | server CPU % | server CPU ms per page | database CPU % | core 0 / 1 busy % (all processes) | server peak RSS MB | load CPU % | load loop p99 ms |`,
  `|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|`,
];
for (const page of list) {
  const rs = results.get(page.key)!;
  const html = `${kb(median(rs.map((r) => r.htmlBytes)))} (${kb(median(rs.map((r) => r.bytesPerResponse)))})`;
  table.push(
    `| ${page.label} | \`${page.path}\`${page.cookie === "mode=lite" ? " (cookie `mode=lite`)" : ""} | ${html} | ${col(rs, (r) => r.perSecond)} | ${ratio(page.key)} | ${col(rs, (r) => r.p50)} | ${col(rs, (r) => r.p99)} | ${col(rs, (r) => r.non2xx)} | ${col(rs, (r) => r.errors)} | ${col(rs, (r) => r.serverCpuPercent)} | ${col(rs, cpuMsPerRequest)} | ${col(rs, (r) => r.databaseCpuPercent)} | ${coresCell(rs)} | ${col(rs, (r) => r.serverPeakRssMb)} | ${col(rs, (r) => r.loadCpuPercent)} | ${col(rs, (r) => r.loadLoopDelayP99Ms)} |`,
  );
}

const loads = [...results.values()].flat().map((r) => r.loadAverage);
console.log(
  `\n${setup.describe}.\n${connections} connections (autocannon, keep-alive, gzip), ${windowText(options)}${runs > 1 ? "; median (min–max)" : ""}. Each page on a fresh server and a fresh copy of the seeded demo; the bare page on core ${CEILING_CORES}; signed in as \`${RESIDENT}\`, a verified resident. ${machineText(loads)} during the runs\n`,
);
console.log(table.join("\n"));
console.log(
  `\nreq/s counts 2xx answers in the window; × bare is each run's ratio to the bare page of the same run, measured first and last in the run and interpolated to the page's place (drift over a run's minutes touches every page alike). HTML KB: the page as rendered; (gzip): bytes per response on the wire, headers included. Server CPU and peak RSS: the server's processes together (RSS: the sum of each one's peak); database CPU: the PostgreSQL backends of the server's database, and with Redis the whole redis-server ("–": SQLite runs inside the server). non-2xx and errors count the window (a 302 on a signed-in page would mean a lost session).`,
);
for (const page of list) {
  for (const [i, r] of results.get(page.key)!.entries()) {
    const odd = Object.keys(r.statuses).filter((s) => s !== "200");
    const oddWarm = Object.keys(r.warmupStatuses).filter((s) => s !== "200");
    if (odd.length || r.errors)
      console.log(
        `\n${page.key} run ${i + 1}: window statuses ${JSON.stringify(r.statuses)}, errors ${r.errors}, timeouts ${r.timeouts}`,
      );
    if (oddWarm.length || r.warmupErrors)
      console.log(
        `\n${page.key} run ${i + 1}: warm-up statuses ${JSON.stringify(r.warmupStatuses)}, errors ${r.warmupErrors}`,
      );
    if (!r.markAfter)
      console.log(`\n${page.key} run ${i + 1}: after the load the page no longer had ${page.mark}`);
    stderrNote(`${page.key} run ${i + 1}`, r);
    loadLimitNote(`${page.key} run ${i + 1}`, r);
  }
}
