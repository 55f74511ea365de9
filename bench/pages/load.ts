/**
 * Load generator (its own process, pinned to core 1 by run.ts): autocannon's programmatic API,
 * CONNECTIONS keep-alive connections each sending its next GET as soon as the previous one is
 * answered. A warm-up run first (its figures thrown away but for its status codes), then the
 * measured window; server CPU and the cores' use are read from /proc at the window's edges, this
 * process's own CPU and event-loop delay over the window. Prints one JSON line.
 *
 *   tsx bench/pages/load.ts URL WARMUP_S MEASURE_S SERVER_PID CONNECTIONS [COOKIE]
 */
import fs from "node:fs";
import { monitorEventLoopDelay, performance } from "node:perf_hooks";
import autocannon from "autocannon";

const [url, warmupArg, measureArg, pidArg, connectionsArg, cookie] = process.argv.slice(2);
if (!url || !pidArg)
  throw new Error("usage: load.ts URL WARMUP_S MEASURE_S SERVER_PID CONNECTIONS [COOKIE]");
const warmup = Number(warmupArg ?? 5);
const measure = Number(measureArg ?? 10);
const serverPid = Number(pidArg);
const connections = Number(connectionsArg ?? 50);

// What a browser sends for a page: a browser's User-Agent (isbot would make Remix wait for the
// whole page instead of streaming it), and gzip, which both servers' compression() then applies.
const headers: Record<string, string> = {
  "User-Agent":
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36",
  Accept: "text/html,application/xhtml+xml",
  "Accept-Encoding": "gzip",
};
if (cookie) headers.Cookie = cookie;

/** CPU ticks (1/100 s) of a process, user + system. */
function ticksOf(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  return Number(stat[11]) + Number(stat[12]);
}
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
const snapshot = () => ({
  at: performance.now(),
  server: ticksOf(serverPid),
  cores: coreTicks(),
  self: process.cpuUsage(),
});

const options = { url, connections, timeout: 30, headers };
const warm = await autocannon({ ...options, duration: warmup });

const loop = monitorEventLoopDelay({ resolution: 10 });
const a = snapshot();
loop.enable();
const r = await autocannon({ ...options, duration: measure });
loop.disable();
const b = snapshot();

const seconds = (b.at - a.at) / 1000;
const round1 = (x: number) => Math.round(x * 10) / 10;
const statuses = (s: Record<string, { count: number }>) =>
  Object.fromEntries(Object.entries(s).map(([code, { count }]) => [code, count]));
const selfCpuMs = (b.self.user + b.self.system - (a.self.user + a.self.system)) / 1000;
console.log(
  JSON.stringify({
    connections,
    seconds: round1(seconds),
    ok: r["2xx"],
    perSecond: Math.round(r["2xx"] / r.duration),
    non2xx: r.non2xx,
    errors: r.errors,
    timeouts: r.timeouts,
    statuses: statuses(r.statusCodeStats),
    warmupStatuses: statuses(warm.statusCodeStats),
    warmupErrors: warm.errors,
    /** Bytes on the wire per response, headers included (gzip). */
    bytesPerResponse: r.requests.total ? Math.round(r.throughput.total / r.requests.total) : 0,
    p50: r.latency.p50,
    p99: r.latency.p99,
    max: r.latency.max,
    serverCpuPercent: Math.round((b.server - a.server) / seconds),
    coreBusyPercent: b.cores.map((c, i) =>
      Math.round(((c.busy - a.cores[i]!.busy) / (c.total - a.cores[i]!.total)) * 100),
    ),
    loadCpuPercent: Math.round((selfCpuMs / 1000 / seconds) * 100),
    loadLoopDelayP99Ms: round1(loop.percentile(99) / 1e6),
  }),
);
process.exit(0);
