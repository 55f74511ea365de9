/**
 * Intake load generator (its own process, pinned to core 1 by run.ts): CONCURRENCY workers on
 * keep-alive connections, each sending its next request as soon as the previous one is answered
 * (a closed loop), until the window ends; then the requests in flight are waited for (the drain).
 * MODE `intake`: a form-encoded Open311 POST to /open311/v2/requests.json with the prepared key, a
 * random category and demo grid code, and a reference (`attribute[ref]`) never sent before, so
 * each accepted request (201) is a new need. MODE `healthz`: GET /healthz, the ceiling. Counts and
 * latencies only for requests sent inside the window; the server group's CPU is read at the
 * window's edges (bench/support.ts). Writes every reference answered 201 (warm-up, window and
 * drain) and those whose outcome is unknown (transport error) to OUT_FILE for the database check.
 * Prints one JSON line.
 *
 *   tsx bench/needs/load.ts BASE_URL MODE PREPARED_JSON WARMUP_S MEASURE_S WATCH_JSON OUT_FILE CONCURRENCY
 */
import fs from "node:fs";
import http from "node:http";
import { monitorEventLoopDelay, performance } from "node:perf_hooks";
import { NEED_CATEGORIES } from "../../app/domain/needs/categories";
import { cpuBetween, cpuSnapshot, type Watch } from "../support";
import type { Prepared } from "./prepare";

const [base, mode, preparedFile, warmupArg, measureArg, watchArg, outFile, concurrencyArg] =
  process.argv.slice(2);
if (!base || !mode || !preparedFile || !watchArg || !outFile)
  throw new Error(
    "usage: load.ts BASE_URL MODE PREPARED_JSON WARMUP_S MEASURE_S WATCH_JSON OUT_FILE CONCURRENCY",
  );
if (mode !== "intake" && mode !== "healthz") throw new Error(`unknown mode ${mode}`);
const prepared = JSON.parse(fs.readFileSync(preparedFile, "utf8")) as Prepared;
const warmupMs = Number(warmupArg ?? 5) * 1000;
const measureMs = Number(measureArg ?? 10) * 1000;
const watch = JSON.parse(watchArg) as Watch;
const concurrency = Number(concurrencyArg ?? 50);
const { hostname, port } = new URL(base);

const agent = new http.Agent({
  keepAlive: true,
  maxSockets: concurrency,
  maxFreeSockets: concurrency,
});

interface Answer {
  status: number;
  body: string;
}

function send(method: string, path: string, headers: http.OutgoingHttpHeaders, body?: string) {
  return new Promise<Answer>((resolve, reject) => {
    const req = http.request({ host: hostname, port, method, path, headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () =>
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }),
      );
      res.on("error", reject);
    });
    req.setTimeout(30_000, () => req.destroy(new Error("timeout")));
    req.on("error", reject);
    req.end(body);
  });
}

const DESCRIPTIONS = [
  "3幢楼道灯坏了一个多月，晚上上下楼很危险。",
  "小区东门垃圾桶满了没人清运，气味很大。",
  "路边共享单车乱停，挡住了盲道。",
  "人行道地砖松动，下雨天踩上去溅水。",
];
const pick = <T>(xs: readonly T[]) => xs[Math.floor(Math.random() * xs.length)]!;
let nextRef = 0;

/** Why a request was refused: its status and the Open311 error's words. */
function refusalOf(a: Answer): string {
  try {
    const [first] = JSON.parse(a.body) as Array<{ description?: string }>;
    return `${a.status} ${first?.description ?? "?"}`;
  } catch {
    return `${a.status} ${a.body.slice(0, 80)}`;
  }
}

const clock = () => performance.now();
const begin = clock();
const windowStart = begin + warmupMs;
const windowEnd = windowStart + measureMs;

const all = { sent: 0, created: 0, repeated: 0, refused: 0, errors: 0 };
const inWindow = { sent: 0, created: 0, repeated: 0, refused: 0, errors: 0 };
const latencies: number[] = [];
const refusals = new Map<string, number>();
const created: string[] = [];
const unknownOutcome: string[] = [];

async function worker() {
  for (;;) {
    const t0 = clock();
    if (t0 >= windowEnd) return;
    const counted = t0 >= windowStart;
    let ref = "";
    let answer: Promise<Answer>;
    if (mode === "intake") {
      ref = `b${process.pid}-${++nextRef}`;
      const body = new URLSearchParams({
        api_key: prepared.key,
        service_code: pick(NEED_CATEGORIES),
        description: pick(DESCRIPTIONS),
        address_id: pick(prepared.gridCodes),
        "attribute[ref]": ref,
      }).toString();
      answer = send(
        "POST",
        "/open311/v2/requests.json",
        {
          "Content-Type": "application/x-www-form-urlencoded",
          "Content-Length": Buffer.byteLength(body),
        },
        body,
      );
    } else {
      answer = send("GET", "/healthz", {});
    }
    all.sent++;
    if (counted) inWindow.sent++;
    try {
      const a = await answer;
      const ok = mode === "intake" ? a.status === 201 : a.status === 200;
      if (ok) {
        all.created++;
        if (counted) {
          inWindow.created++;
          latencies.push(clock() - t0);
        }
        if (mode === "intake") created.push(ref);
      } else if (mode === "intake" && a.status === 200) {
        all.repeated++;
        if (counted) inWindow.repeated++;
      } else {
        all.refused++;
        if (counted) inWindow.refused++;
        const why = refusalOf(a);
        refusals.set(why, (refusals.get(why) ?? 0) + 1);
      }
    } catch {
      all.errors++;
      if (counted) inWindow.errors++;
      if (ref) unknownOutcome.push(ref);
    }
  }
}

const snapshot = async () => ({ ...(await cpuSnapshot(watch)), self: process.cpuUsage() });
const loop = monitorEventLoopDelay({ resolution: 10 });
const workers = Array.from({ length: concurrency }, worker);
await new Promise((r) => setTimeout(r, warmupMs));
const a = await snapshot();
loop.enable();
await new Promise((r) => setTimeout(r, Math.max(0, windowEnd - clock())));
loop.disable();
const b = await snapshot();
await Promise.all(workers);
agent.destroy();

fs.writeFileSync(outFile, JSON.stringify({ created, unknownOutcome }));
const seconds = (b.at - a.at) / 1000;
const sorted = latencies.sort((x, y) => x - y);
const q = (p: number) =>
  sorted.length
    ? Math.round(sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!)
    : NaN;
const round1 = (x: number) => Math.round(x * 10) / 10;
const selfCpuMs = (b.self.user + b.self.system - (a.self.user + a.self.system)) / 1000;
console.log(
  JSON.stringify({
    seconds: round1(seconds),
    ok: inWindow.created,
    perSecond: Math.round(inWindow.created / (measureMs / 1000)),
    window: inWindow,
    all,
    refusals: Object.fromEntries(refusals),
    p50: q(0.5),
    p99: q(0.99),
    max: sorted.length ? Math.round(sorted.at(-1)!) : NaN,
    ...cpuBetween(a, b),
    loadCpuPercent: Math.round((selfCpuMs / 1000 / seconds) * 100),
    loadLoopDelayP99Ms: round1(loop.percentile(99) / 1e6),
  }),
);
process.exit(0);
