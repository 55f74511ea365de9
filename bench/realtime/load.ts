/**
 * Load generator (its own process): CLIENTS Socket.IO clients spread over ROOMS rooms; messages
 * posted at a steady total RATE, round-robin over the clients; delivery latency measured from the
 * send time written into each message to its arrival at every other reader of the room. Counts only
 * messages sent inside the measured window. Prints one JSON line.
 *
 *   tsx bench/realtime/load.ts URL TOKENS_JSON RATE WARMUP_S MEASURE_S
 */
import fs from "node:fs";
import { monitorEventLoopDelay, performance } from "node:perf_hooks";
import { io, type Socket } from "socket.io-client";

const [url, tokensFile, rateArg, warmupArg, measureArg] = process.argv.slice(2);
if (!url || !tokensFile) throw new Error("usage: load.ts URL TOKENS_JSON RATE WARMUP_S MEASURE_S");
const { tokens, meetings } = JSON.parse(fs.readFileSync(tokensFile, "utf8")) as {
  tokens: string[];
  meetings: number[];
};
const rate = Number(rateArg ?? 400);
const warmupMs = Number(warmupArg ?? 3) * 1000;
const measureMs = Number(measureArg ?? 10) * 1000;
const DRAIN_MS = 3000;
const JOIN_TIMEOUT_MS = 60_000;

const clock = () => performance.timeOrigin + performance.now();
const sockets: Socket[] = [];
const latencies: number[] = [];
let windowStart = 0;
let windowEnd = 0;
let sent = 0;
let acked = 0;
let refused = 0;
let delivered = 0;
const refusals = new Map<string, number>();

async function connectAll() {
  const batch = 50;
  for (let i = 0; i < tokens.length; i += batch) {
    await Promise.all(
      tokens.slice(i, i + batch).map(
        (token, j) =>
          new Promise<void>((resolve, reject) => {
            const meetingId = meetings[(i + j) % meetings.length]!;
            const s = io(url!, {
              transports: ["websocket"],
              forceNew: true,
              reconnection: false,
              extraHeaders: { Cookie: `liuhe_session=${token}` },
            });
            s.on("room:message", (m: { body: string }) => {
              const at = clock();
              let sentAt: number;
              try {
                sentAt = (JSON.parse(m.body) as { t: number }).t;
              } catch {
                return;
              }
              if (sentAt >= windowStart && sentAt < windowEnd) {
                delivered++;
                latencies.push(at - sentAt);
              }
            });
            s.once("connect_error", reject);
            s.once("connect", () => {
              // A join that never answers fails the run rather than hanging it.
              s.timeout(JOIN_TIMEOUT_MS).emit(
                "room:join",
                { meetingId },
                (err: Error | null, res: { ok: boolean }) =>
                  err
                    ? reject(new Error(`no answer to room:join within ${JOIN_TIMEOUT_MS} ms`))
                    : res.ok
                      ? resolve()
                      : reject(new Error("join refused")),
              );
            });
            sockets.push(s);
          }),
      ),
    );
  }
}

const started = performance.now();
await connectAll();
const connectSeconds = (performance.now() - started) / 1000;

const loop = monitorEventLoopDelay({ resolution: 10 });
const cpuStart = process.cpuUsage();
loop.enable();
const begin = clock();
windowStart = begin + warmupMs;
windowEnd = windowStart + measureMs;
const TICK_MS = 10;
let next = 0;
let due = 0;
let lastTick = clock();
const timer = setInterval(() => {
  const now = clock();
  if (now >= windowEnd) return;
  // Paced by the clock, not by tick count: a late tick sends what fell due meanwhile.
  due += (rate * (now - lastTick)) / 1000;
  lastTick = now;
  while (due >= 1) {
    due -= 1;
    const s = sockets[next % sockets.length]!;
    const meetingId = meetings[next % meetings.length]!;
    next++;
    const t = clock();
    const inWindow = t >= windowStart && t < windowEnd;
    if (inWindow) sent++;
    s.emit(
      "room:post",
      { meetingId, body: JSON.stringify({ t }) },
      (res: { ok: boolean; error?: { key: string } }) => {
        if (!inWindow) return;
        if (res.ok) acked++;
        else {
          refused++;
          refusals.set(res.error?.key ?? "?", (refusals.get(res.error?.key ?? "?") ?? 0) + 1);
        }
      },
    );
  }
}, TICK_MS);

await new Promise((r) => setTimeout(r, warmupMs + measureMs + DRAIN_MS));
clearInterval(timer);
loop.disable();
const cpu = process.cpuUsage(cpuStart);
const elapsed = warmupMs + measureMs + DRAIN_MS;
latencies.sort((a, b) => a - b);
const pct = (p: number) =>
  latencies.length
    ? latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))]!
    : NaN;
const readersPerRoom = tokens.length / meetings.length;
console.log(
  JSON.stringify({
    clients: tokens.length,
    rooms: meetings.length,
    rate,
    connectSeconds: Math.round(connectSeconds * 10) / 10,
    sent,
    acked,
    refused,
    refusals: Object.fromEntries(refusals),
    ackedPerSecond: Math.round(acked / (measureMs / 1000)),
    deliveriesExpected: Math.round(acked * readersPerRoom),
    delivered,
    p50: Math.round(pct(50)),
    p99: Math.round(pct(99)),
    max: Math.round(latencies[latencies.length - 1] ?? NaN),
    loadCpuPercent: Math.round(((cpu.user + cpu.system) / 1000 / elapsed) * 100),
    loadLoopDelayP99Ms: Math.round(loop.percentile(99) / 1e6),
  }),
);
for (const s of sockets) s.disconnect();
process.exit(0);
