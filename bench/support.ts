/**
 * What bench/pages, bench/ballots and bench/realtime share: arguments, builds, pinning, servers,
 * the server group's CPU and peak memory, and the three configurations a run can measure:
 *
 *   --config sqlite             one process on a fresh copy of the seeded SQLite file (default)
 *   --config postgres           one process on a fresh PostgreSQL database holding the same rows
 *   --config postgres-redis-2   the same with Redis and WORKERS=2
 *
 * PostgreSQL: the seeded SQLite file is copied once per run (db/copy.ts, as `npm run db:copy`
 * does) into a template database, and every measured server gets its own database made from it
 * (`create database … template …`, a fraction of a second, where a copy takes about ten). Each is
 * dropped after its server, the template at the end, and the Redis keys of each server's own
 * prefix with it; what a killed run left behind is dropped by the next run (by process id).
 *
 * Pinning (taskset, when present): one-process servers on core 0 and the load generator on core
 * 1, as always. Two processes cannot share one core and still say anything about two processes,
 * so the postgres-redis-2 server group (primary and workers) runs on cores 0–1 and the load
 * generator stays on core 1: it then competes with the server for core 1, which its own CPU and
 * both cores' busy figures show. PostgreSQL and Redis are the machine's shared services and are
 * not pinned; their CPU for this run is reported on its own (PostgreSQL: the backends connected to
 * this server's database; Redis: the whole redis-server, which others may share). The ceilings
 * (bare page, relay, hello) are one process on core 0 in every configuration.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { Redis } from "ioredis";
import pg from "pg";
import { nodeFlags } from "../scripts/node-flags";

export const arg = (name: string, fallback: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : fallback;
};

const CONFIGS = ["sqlite", "postgres", "postgres-redis-2"] as const;
type Config = (typeof CONFIGS)[number];
function readConfig(): Config {
  const given = arg("config", "sqlite");
  if (!(CONFIGS as readonly string[]).includes(given))
    throw new Error(`--config must be one of ${CONFIGS.join(", ")} (got "${given}")`);
  return given as Config;
}

// ------------------------------------------------------------------ figures

export const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
export const fmt = (x: number) => (Number.isInteger(x) ? String(x) : x.toFixed(x < 10 ? 2 : 1));
/** The median with the spread, "12 (10–14)"; the one figure of one run; "–" for none. */
export function spread(values: number[], f = fmt): string {
  const xs = values.filter(Number.isFinite);
  if (xs.length <= 1) return xs.length ? f(xs[0]!) : "–";
  return `${f(median(xs))} (${f(Math.min(...xs))}–${f(Math.max(...xs))})`;
}

// ------------------------------------------------------------------ pinning

export const hasTaskset = spawnSync("taskset", ["-c", "0", "true"]).status === 0;
/** The command line that runs `cmd` on `cores` ("0", "0,1"). */
const pinned = (cores: string, cmd: string, args: string[]): [string, string[]] =>
  hasTaskset ? ["taskset", ["-c", cores, cmd, ...args]] : [cmd, args];
const LOAD_CORES = "1";
export const CEILING_CORES = "0";

// ------------------------------------------------------------------ builds, if stale

function newestMtime(dir: string): number {
  if (!fs.statSync(dir).isDirectory()) return fs.statSync(dir).mtimeMs;
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : fs.statSync(p).mtimeMs);
  }
  return newest;
}
/** Liuhe's production server, as `npm start` runs it: compiled by `npm run build`, plain Node. */
export const LIUHE_SERVER = "build/start/server.mjs";

export async function buildIfStale(
  buildFile = LIUHE_SERVER,
  sources = ["app", "db", "server.ts"],
  command = ["npm", "run", "build"],
) {
  const sourcesMtime = Math.max(...sources.map(newestMtime));
  if (fs.existsSync(buildFile) && fs.statSync(buildFile).mtimeMs >= sourcesMtime) return;
  // Others may be mid-edit: a failed build is retried a few times, a minute apart.
  for (let attempt = 1; ; attempt++) {
    const r = spawnSync(command[0]!, command.slice(1), { stdio: "inherit" });
    if (r.status === 0) return;
    if (attempt === 5) throw new Error(`${command.join(" ")} failed five times`);
    console.error(`build failed (attempt ${attempt}); retrying in 60 s`);
    await new Promise((resolve) => setTimeout(resolve, 60_000));
  }
}

// ------------------------------------------------------------------ stopping early

/** What a run stopped early (Ctrl-C, SIGTERM) must undo: servers, load generators, databases. */
const undo = new Set<() => unknown>();
/** Registers `f` for an early stop; the function returned forgets it (done the normal way). */
function onStop(f: () => unknown): () => void {
  undo.add(f);
  return () => undo.delete(f);
}
for (const signal of ["SIGINT", "SIGTERM"] as const)
  process.once(signal, () => {
    if (undo.size) console.error(`${signal}: stopping servers, dropping databases`);
    void Promise.allSettled([...undo].map(async (f) => f())).then(() => process.exit(1));
  });
const killedOnStop = (child: ChildProcess) =>
  child.once(
    "exit",
    onStop(() => child.kill("SIGTERM")),
  );

// ------------------------------------------------------------------ servers

/** A port nobody listens on now (other benchmarks and servers share this machine). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

/**
 * Starts `script` (production, on 127.0.0.1:port) and waits for the line that says it listens.
 * Liuhe's server is LIUHE_SERVER; a `.ts` script (the ceilings) runs through tsx.
 */
export async function startServer(opts: {
  script: string;
  port: number;
  cores: string;
  env: Record<string, string>;
  log: string;
}): Promise<ChildProcess> {
  // BENCH_CPU_PROF=DIR: every server writes a V8 CPU profile there when it stops (node's
  // --cpu-prof, which NODE_OPTIONS may not carry); open it in Chrome's DevTools or speedscope.
  const prof = process.env.BENCH_CPU_PROF
    ? ["--cpu-prof", `--cpu-prof-dir=${path.resolve(process.env.BENCH_CPU_PROF)}`]
    : [];
  // Compiled JavaScript (Liuhe's server) runs as it is; the ceilings' TypeScript through tsx.
  // Liuhe's server with node's flags from package.json, as `npm start` runs it.
  const script = opts.script.endsWith(".mjs")
    ? [...(opts.script === LIUHE_SERVER ? nodeFlags() : []), opts.script]
    : ["--import", "tsx", opts.script];
  const [cmd, args] = pinned(opts.cores, process.execPath, [...prof, ...script]);
  const child = spawn(cmd, args, {
    env: {
      ...process.env,
      NODE_ENV: "production",
      PORT: String(opts.port),
      HOST: "127.0.0.1",
      SEED_DEMO: "false",
      ...opts.env,
    },
    stdio: ["ignore", "pipe", fs.openSync(opts.log, "w")],
  });
  killedOnStop(child);
  await new Promise<void>((resolve, reject) => {
    // Keep reading stdout for the whole run so that the server never blocks on a full pipe.
    child.stdout!.on("data", (d: Buffer) => /listening/.test(d.toString()) && resolve());
    child.once("exit", (code) =>
      reject(new Error(`${opts.script} exited (${code}); see ${opts.log}`)),
    );
  });
  return child;
}

export async function stopServer(child: ChildProcess) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once("exit", r));
  child.kill("SIGTERM");
  await exited;
}

/** Runs a load generator script on the load's core; resolves to its last line of output (JSON). */
export function runLoad(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const [cmd, full] = pinned(LOAD_CORES, process.execPath, ["--import", "tsx", ...args]);
    const child = spawn(cmd, full, { stdio: ["ignore", "pipe", "inherit"] });
    killedOnStop(child);
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.once("exit", (code) =>
      code === 0
        ? resolve(out.trim().split("\n").pop()!)
        : reject(new Error(`load generator exited (${code})`)),
    );
  });
}

/** The lines a server wrote to stderr (its log). */
export const errorLines = (log: string) =>
  fs
    .readFileSync(log, "utf8")
    .split("\n")
    .filter((l) => l.trim() !== "");

// ------------------------------------------------------------------ the group's CPU and memory

/** The processes whose /proc/PID/stat line (`PID (COMM) STATE PPID …`) matches. */
function processes(match: (stat: string) => boolean): number[] {
  return fs
    .readdirSync("/proc")
    .filter((d) => /^\d+$/.test(d))
    .filter((d) => {
      try {
        return match(fs.readFileSync(`/proc/${d}/stat`, "utf8"));
      } catch {
        return false; // gone meanwhile
      }
    })
    .map(Number);
}

/** A process and its children (node:cluster's workers). */
const groupPids = (pid: number) => [
  pid,
  ...processes((stat) => Number(stat.split(") ")[1]!.split(" ")[1]) === pid),
];

/** CPU ticks (1/100 s) of a process or one of its threads (`/proc/PID/task/TID/stat`). */
function ticksOf(statPath: string): number {
  const stat = fs.readFileSync(statPath, "utf8").split(") ")[1]!.split(" ");
  return Number(stat[11]) + Number(stat[12]);
}

/**
 * CPU ms so far of this process's main thread and of its other threads together (SQLite's work
 * runs on libuv's pool, V8 collects garbage partly on threads of its own); zeros without /proc.
 */
export function mainAndOtherThreadsMs(): [number, number] {
  const ms: [number, number] = [0, 0];
  const tasks = fs.existsSync("/proc/self/task") ? fs.readdirSync("/proc/self/task") : [];
  for (const tid of tasks) {
    try {
      ms[tid === String(process.pid) ? 0 : 1] += ticksOf(`/proc/self/task/${tid}/stat`) * 10;
    } catch {
      // A thread that ended meanwhile.
    }
  }
  return ms;
}

/**
 * Peak RSS of the group: the sum of each process's VmHWM. The peaks need not coincide, so this is
 * an upper bound of what the group held at once: what the machine must have for it.
 */
export function peakRssMb(pid: number): number {
  let kb = 0;
  for (const p of groupPids(pid)) {
    const status = fs.readFileSync(`/proc/${p}/status`, "utf8");
    kb += Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
  }
  return Math.round(kb / 1024);
}

/** What a load generator watches: the server group, and the services it uses. */
export interface Watch {
  pid: number;
  /** PostgreSQL: the maintenance URL and the server's own database. */
  postgres?: { url: string; database: string };
  redis?: boolean;
}

async function withClient<T>(url: string, work: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** The PostgreSQL backends serving `database`. */
const backends = (url: string, database: string) =>
  withClient(url, async (c) =>
    (
      await c.query<{ pid: number }>("select pid from pg_stat_activity where datname = $1", [
        database,
      ])
    ).rows.map((r) => r.pid),
  );

const ticksByPid = (pids: number[], stat: (p: number) => string) =>
  new Map(
    pids.flatMap((p) => {
      try {
        return [[p, ticksOf(stat(p))] as const];
      } catch {
        return []; // exited meanwhile
      }
    }),
  );

/** Busy and total ticks of each core, from /proc/stat: who else used the cores meanwhile. */
function coreTicks(): Array<{ busy: number; total: number }> {
  return fs
    .readFileSync("/proc/stat", "utf8")
    .split("\n")
    .filter((l) => /^cpu\d+ /.test(l))
    .map((l) => {
      const v = l.split(/\s+/).slice(1).map(Number);
      const total = v.slice(0, 8).reduce((a, b) => a + b, 0);
      return { busy: total - v[3]! - v[4]!, total };
    });
}

type CpuSnapshot = Awaited<ReturnType<typeof cpuSnapshot>>;
export async function cpuSnapshot(w: Watch) {
  const database = [
    ...(w.postgres ? await backends(w.postgres.url, w.postgres.database) : []),
    ...(w.redis ? processes((stat) => stat.includes(" (redis-server) ")) : []),
  ];
  const group = groupPids(w.pid);
  return {
    at: performance.now(),
    server: ticksByPid(group, (p) => `/proc/${p}/stat`),
    // A process's main thread has its process id: JavaScript, as opposed to SQLite's and V8's threads.
    main: ticksByPid(group, (p) => `/proc/${p}/task/${p}/stat`),
    database: ticksByPid(database, (p) => `/proc/${p}/stat`),
    cores: coreTicks(),
  };
}

export type Cpu = ReturnType<typeof cpuBetween>;
/**
 * CPU between two snapshots, 100 % = one core. A process that started in between counts from its
 * start; one that ended in between is lost (PostgreSQL backends of the server's pool live as long
 * as the load keeps them busy).
 */
export function cpuBetween(a: CpuSnapshot, b: CpuSnapshot) {
  const seconds = (b.at - a.at) / 1000;
  const percent = (ticks: number) => Math.round(ticks / seconds);
  const deltas = (x: Map<number, number>, y: Map<number, number>) =>
    [...y].map(([p, t]) => t - (x.get(p) ?? 0));
  const sum = (xs: number[]) => xs.reduce((s, x) => s + x, 0);
  return {
    serverCpuPercent: percent(sum(deltas(a.server, b.server))),
    /** The busiest process's JavaScript thread: at ~100 % its event loop is the limit. */
    serverMainThreadPercent: percent(Math.max(0, ...deltas(a.main, b.main))),
    databaseCpuPercent: b.database.size ? percent(sum(deltas(a.database, b.database))) : NaN,
    coreBusyPercent: b.cores.map((c, i) =>
      Math.round(((c.busy - a.cores[i]!.busy) / (c.total - a.cores[i]!.total)) * 100),
    ),
  };
}

// ------------------------------------------------------------------ the configurations

/** One measured server's own copy of the seeded data, and what selects it. */
export interface Store {
  env: Record<string, string>;
  /** For openDatabase(): the SQLite file or the PostgreSQL URL. */
  target: string;
  watch: (pid: number) => Watch;
  drop: () => Promise<void>;
}

export interface Setup {
  /** Where the measured Liuhe servers run. */
  serverCores: string;
  /** One line for the table's title. */
  describe: string;
  fresh: (tag: string) => Promise<Store>;
  close: () => Promise<void>;
}

const PREFIX = "liuhe_bench_";
const REDIS_PREFIX = "liuhe-bench-";
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
};

async function deleteKeys(redisUrl: string, match: (key: string) => boolean) {
  const redis = new Redis(redisUrl, { lazyConnect: true });
  await redis.connect();
  try {
    const keys = (await redis.keys(`${REDIS_PREFIX}*`)).filter(match);
    if (keys.length) await redis.del(...keys);
  } finally {
    await redis.quit();
  }
}

/** Databases and Redis keys a killed benchmark left behind (its process id is in their names). */
async function dropLeftovers(postgresUrl: string, redisUrl: string | null) {
  const dead = (name: string, prefix: string) =>
    !alive(Number(name.slice(prefix.length).split(/[_-]/)[0]));
  await withClient(postgresUrl, async (c) => {
    const { rows } = await c.query<{ datname: string }>(
      "select datname from pg_database where datname like $1",
      [`${PREFIX}%`],
    );
    for (const { datname } of rows.filter((r) => dead(r.datname, PREFIX)))
      await c.query(`drop database if exists ${datname} with (force)`);
  });
  if (redisUrl) await deleteKeys(redisUrl, (k) => dead(k, REDIS_PREFIX));
}

/**
 * The configuration given by --config, around the seeded SQLite file `seeded` in the run's
 * temporary `dir` (removed if the run is stopped early), with `--postgres` (a maintenance URL) and
 * `--redis`: fresh() gives each measured server its own copy.
 */
export async function setUp(seeded: string, dir: string, config = readConfig()): Promise<Setup> {
  onStop(() => fs.rmSync(dir, { recursive: true, force: true }));
  let n = 0;
  if (config === "sqlite") {
    return {
      serverCores: "0",
      describe: `config sqlite: one process on SQLite (a fresh copy of the seeded file per server); server on core 0, load on core ${LOAD_CORES}`,
      fresh: async (tag) => {
        const file = path.join(dir, `${tag}-${++n}.sqlite`);
        for (const suffix of ["", "-wal"])
          if (fs.existsSync(seeded + suffix)) fs.copyFileSync(seeded + suffix, file + suffix);
        return {
          env: { DATABASE_PATH: file },
          target: file,
          watch: (pid) => ({ pid }),
          drop: async () => {
            for (const suffix of ["", "-wal", "-shm"]) fs.rmSync(file + suffix, { force: true });
          },
        };
      },
      close: async () => undefined,
    };
  }
  const postgresUrl = arg("postgres", "postgres://postgres@127.0.0.1:5432/test");
  const redisUrl = config === "postgres-redis-2" ? arg("redis", "redis://127.0.0.1:6379") : null;
  await dropLeftovers(postgresUrl, redisUrl);
  const urlOf = (database: string) => {
    const url = new URL(postgresUrl);
    url.pathname = `/${database}`;
    return url.toString();
  };
  const template = `${PREFIX}${process.pid}_template`;
  const dropDatabase = (name: string) =>
    withClient(postgresUrl, (c) => c.query(`drop database if exists ${name} with (force)`));
  await withClient(postgresUrl, (c) => c.query(`create database ${template}`));
  const forgetTemplate = onStop(() => dropDatabase(template));
  // Imported here: load generators import this file too, and need none of it.
  const { copyDatabase } = await import("../db/copy");
  await copyDatabase(seeded, urlOf(template)).catch(async (e) => {
    await dropDatabase(template);
    throw e;
  });
  const two = config === "postgres-redis-2";
  return {
    serverCores: two ? "0,1" : "0",
    describe: two
      ? `config postgres-redis-2: WORKERS=2 (primary and two workers) on PostgreSQL and Redis; server group on cores 0–1, load on core ${LOAD_CORES}`
      : `config postgres: one process on PostgreSQL; server on core 0, load on core ${LOAD_CORES}`,
    fresh: async () => {
      const database = `${PREFIX}${process.pid}_${++n}`;
      const prefix = `${REDIS_PREFIX}${process.pid}-${n}:`;
      await withClient(postgresUrl, (c) =>
        c.query(`create database ${database} template ${template}`),
      );
      const url = urlOf(database);
      const dropBoth = async () => {
        await dropDatabase(database);
        if (redisUrl) await deleteKeys(redisUrl, (k) => k.startsWith(prefix));
      };
      const forget = onStop(dropBoth);
      return {
        env: {
          DATABASE_URL: url,
          ...(redisUrl ? { REDIS_URL: redisUrl, REDIS_PREFIX: prefix, WORKERS: "2" } : {}),
        },
        target: url,
        watch: (pid) => ({ pid, postgres: { url: postgresUrl, database }, redis: !!redisUrl }),
        drop: () => {
          forget();
          return dropBoth();
        },
      };
    },
    close: async () => {
      forgetTemplate();
      await dropDatabase(template);
    },
  };
}
