/**
 * Load generator (its own process, pinned to core 1 by run.ts): autocannon's programmatic API,
 * CONNECTIONS keep-alive connections each sending its next GET as soon as the previous one is
 * answered. A warm-up run first (its figures thrown away but for its status codes), then the
 * measured window; the server group's CPU, its database's and the cores' use are read at the
 * window's edges (bench/support.ts), this process's own CPU and event-loop delay over the window.
 * Prints one JSON line.
 *
 *   tsx bench/pages/load.ts URL WARMUP_S MEASURE_S WATCH_JSON CONNECTIONS [COOKIE]
 */
import { monitorEventLoopDelay } from "node:perf_hooks";
import autocannon from "autocannon";
import { cpuBetween, cpuSnapshot, type Watch } from "../support";

const [url, warmupArg, measureArg, watchArg, connectionsArg, cookie] = process.argv.slice(2);
if (!url || !watchArg)
  throw new Error("usage: load.ts URL WARMUP_S MEASURE_S WATCH_JSON CONNECTIONS [COOKIE]");
const warmup = Number(warmupArg ?? 5);
const measure = Number(measureArg ?? 10);
const watch = JSON.parse(watchArg) as Watch;
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

const snapshot = async () => ({ ...(await cpuSnapshot(watch)), self: process.cpuUsage() });

const options = { url, connections, timeout: 30, headers };
const warm = await autocannon({ ...options, duration: warmup });

const loop = monitorEventLoopDelay({ resolution: 10 });
const a = await snapshot();
loop.enable();
const r = await autocannon({ ...options, duration: measure });
loop.disable();
const b = await snapshot();

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
    ...cpuBetween(a, b),
    loadCpuPercent: Math.round((selfCpuMs / 1000 / seconds) * 100),
    loadLoopDelayP99Ms: round1(loop.percentile(99) / 1e6),
  }),
);
process.exit(0);
