/**
 * Intake load generator (its own process, pinned to core 1 by run.ts): CONCURRENCY workers on
 * keep-alive connections, each sending its next request as soon as the previous one is answered
 * (a closed loop), until the window ends; then the requests in flight are waited for (the drain).
 * MODE `intake`: a form-encoded Open311 POST to /open311/v2/requests.json with the prepared key, a
 * random category and demo grid code, and a reference (`attribute[ref]`) never sent before, so
 * each accepted request (201) is a new need. MODE `healthz`: GET /healthz, the ceiling. Counts and
 * latencies only for requests sent inside the window; the server group's CPU is read at the
 * window's edges (bench/support.ts, through bench/support/http-load.ts). Writes every reference
 * answered 201 (warm-up, window and
 * drain) and those whose outcome is unknown (transport error) to OUT_FILE for the database check.
 * Prints one JSON line.
 *
 *   tsx bench/needs/load.ts BASE_URL MODE PREPARED_JSON WARMUP_S MEASURE_S WATCH_JSON OUT_FILE CONCURRENCY
 */
import fs from "node:fs";
import { performance } from "node:perf_hooks";
import { NEED_CATEGORIES } from "../../app/domain/needs/categories";
import {
  keepAliveClient,
  loadArgs,
  percentile,
  round1,
  runWindow,
  type Answer,
  type MeasuredWindow,
} from "../support/http-load";
import type { Prepared } from "./prepare";

const {
  url: base,
  mode,
  prepared,
  warmupMs,
  measureMs,
  watch,
  outFile,
  concurrency,
} = loadArgs<Prepared>(
  "load.ts BASE_URL MODE PREPARED_JSON WARMUP_S MEASURE_S WATCH_JSON OUT_FILE CONCURRENCY",
  ["intake", "healthz"],
);
const client = keepAliveClient(base, concurrency);

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

const all = { sent: 0, created: 0, repeated: 0, refused: 0, errors: 0 };
const inWindow = { sent: 0, created: 0, repeated: 0, refused: 0, errors: 0 };
const latencies: number[] = [];
const refusals = new Map<string, number>();
const created: string[] = [];
const unknownOutcome: string[] = [];

async function worker(measured: MeasuredWindow) {
  for (;;) {
    const t0 = performance.now();
    if (t0 >= measured.end) return;
    const counted = t0 >= measured.start;
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
      answer = client.postForm("/open311/v2/requests.json", body);
    } else {
      answer = client.send("GET", "/healthz", {});
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
          latencies.push(performance.now() - t0);
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

const { a, b, figures } = await runWindow({
  warmupMs,
  measureMs,
  watch,
  concurrency,
  worker,
});
client.close();

fs.writeFileSync(outFile, JSON.stringify({ created, unknownOutcome }));
const seconds = (b.at - a.at) / 1000;
const sorted = latencies.sort((x, y) => x - y);
const q = (p: number) => Math.round(percentile(sorted, p));
console.log(
  JSON.stringify({
    seconds: round1(seconds),
    ok: inWindow.created,
    perSecond: Math.round(inWindow.created / (measureMs / 1000)),
    window: inWindow,
    all,
    refusals: Object.fromEntries(refusals),
    p50: q(50),
    p99: q(99),
    max: sorted.length ? Math.round(sorted.at(-1)!) : NaN,
    ...figures(b.at - a.at),
  }),
);
process.exit(0);
