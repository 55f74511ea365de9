/**
 * Load generator (its own process, pinned to core 1 by run.ts): autocannon's programmatic API,
 * CONNECTIONS keep-alive connections each sending its next GET as soon as the previous one is
 * answered. One run of warm-up and window together, on the same connections: the figures are those
 * of the responses that end inside the window (their latency, status, bytes), and the server
 * group's CPU, its database's and the cores' use are read at the window's edges
 * (bench/support.ts), this process's own CPU and event-loop delay over the window. (Two runs, as
 * before 2026-12-03, opened 50 new connections at once when the window began; on a saturated
 * one-core server the last-opened of them waited up to 1.5 s for their first answer, which the
 * window's max and often its p99 measured instead of the page.) Prints one JSON line.
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

// What a browser sends for a page: a browser's User-Agent (the bare page's stock entry would wait
// for the whole page for a bot instead of streaming it), and gzip: Liuhe's entry gzips a page
// whole (app/entry.server.tsx), the bare page's compression() as it streams.
const headers: Record<string, string> = {
  "User-Agent":
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36",
  Accept: "text/html,application/xhtml+xml",
  "Accept-Encoding": "gzip",
};
if (cookie) headers.Cookie = cookie;

const snapshot = async () => ({ ...(await cpuSnapshot(watch)), self: process.cpuUsage() });

const options = { url, connections, timeout: 30, headers, duration: warmup + measure };

interface Seen {
  latencies: number[];
  statuses: Record<string, number>;
  bytes: number;
  errors: number;
  timeouts: number;
}
const fresh = (): Seen => ({ latencies: [], statuses: {}, bytes: 0, errors: 0, timeouts: 0 });
const warm = fresh();
const window = fresh();
let inWindow = false;
const loop = monitorEventLoopDelay({ resolution: 10 });
let a: Awaited<ReturnType<typeof snapshot>> | undefined;
let b: Awaited<ReturnType<typeof snapshot>> | undefined;
// The window's edges, by the clock of this process: what ends between them counts.
const opened = setTimeout(() => {
  void snapshot().then((s) => (a = s));
  loop.enable();
  inWindow = true;
}, warmup * 1000);
const closed = setTimeout(
  () => {
    inWindow = false;
    loop.disable();
    void snapshot().then((s) => (b = s));
  },
  (warmup + measure) * 1000,
);
await new Promise<void>((resolve, reject) => {
  const tracker = autocannon(options, (err) => (err ? reject(err) : resolve()));
  tracker.on("response", (_client, status, bytes, ms) => {
    const seen = inWindow ? window : warm;
    seen.statuses[status] = (seen.statuses[status] ?? 0) + 1;
    if (status >= 200 && status < 300) {
      seen.latencies.push(ms);
      seen.bytes += bytes;
    }
  });
  tracker.on("reqError", (e) => {
    const seen = inWindow ? window : warm;
    seen.errors++;
    if (/timed out/.test(e.message)) seen.timeouts++;
  });
});
clearTimeout(opened);
clearTimeout(closed);
// autocannon may end a hair before the window's last edge: read it now if so.
b ??= await snapshot();
if (!a) throw new Error("the run ended before its window began");

const seconds = (b.at - a.at) / 1000;
const sorted = window.latencies.sort((x, y) => x - y);
const percentile = (q: number) =>
  sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
const ok = sorted.length;
const round1 = (x: number) => Math.round(x * 10) / 10;
const selfCpuMs = (b.self.user + b.self.system - (a.self.user + a.self.system)) / 1000;
console.log(
  JSON.stringify({
    connections,
    seconds: round1(seconds),
    ok,
    perSecond: Math.round(ok / measure),
    non2xx: Object.entries(window.statuses)
      .filter(([code]) => !code.startsWith("2"))
      .reduce((n, [, c]) => n + c, 0),
    errors: window.errors,
    timeouts: window.timeouts,
    statuses: window.statuses,
    warmupStatuses: warm.statuses,
    warmupErrors: warm.errors,
    /** Bytes on the wire per response, headers included (gzip). */
    bytesPerResponse: ok ? Math.round(window.bytes / ok) : 0,
    // Whole milliseconds, as autocannon's own histogram gave them.
    p50: Math.round(percentile(0.5)),
    p99: Math.round(percentile(0.99)),
    max: Math.round(sorted.at(-1) ?? 0),
    ...cpuBetween(a, b),
    loadCpuPercent: Math.round((selfCpuMs / 1000 / seconds) * 100),
    loadLoopDelayP99Ms: round1(loop.percentile(99) / 1e6),
  }),
);
process.exit(0);
