/**
 * What the HTTP load generators of bench/ballots, bench/opinion-votes and bench/needs share (each
 * runs in its own process, started by its run.ts through runLoad()): the command line, requests on
 * keep-alive connections, a closed loop of workers over a warm-up and a measured window with the
 * server group's CPU read at the window's edges (bench/support.ts), and the figures every one of
 * them prints about itself.
 *
 * Their command line: URL MODE PREPARED_JSON WARMUP_S MEASURE_S WATCH_JSON OUT_FILE CONCURRENCY [more]
 */
import fs from "node:fs";
import http from "node:http";
import { monitorEventLoopDelay, performance } from "node:perf_hooks";
import { cpuBetween, cpuSnapshot, type Cpu, type Watch } from "../support";

// ------------------------------------------------------------------ the command line

/**
 * Reads the command line above; `usage` is what a wrong one is told, `modes` the modes known.
 * `rest`: the arguments after CONCURRENCY.
 */
export function loadArgs<Prepared>(usage: string, modes: readonly string[]) {
  const [
    url,
    mode,
    preparedFile,
    warmupArg,
    measureArg,
    watchArg,
    outFile,
    concurrencyArg,
    ...rest
  ] = process.argv.slice(2);
  if (!url || !mode || !preparedFile || !watchArg || !outFile) throw new Error(`usage: ${usage}`);
  if (!modes.includes(mode)) throw new Error(`unknown mode ${mode}`);
  return {
    url,
    mode,
    prepared: JSON.parse(fs.readFileSync(preparedFile, "utf8")) as Prepared,
    warmupMs: Number(warmupArg ?? 5) * 1000,
    measureMs: Number(measureArg ?? 10) * 1000,
    watch: JSON.parse(watchArg) as Watch,
    outFile,
    concurrency: Number(concurrencyArg ?? 50),
    rest,
  };
}

// ------------------------------------------------------------------ requests

export interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** Requests to `url`'s server on keep-alive connections, as many as `concurrency` at once. */
export function keepAliveClient(url: string, concurrency: number) {
  const { hostname, port } = new URL(url);
  const agent = new http.Agent({
    keepAlive: true,
    maxSockets: concurrency,
    maxFreeSockets: concurrency,
  });
  function send(method: string, path: string, headers: http.OutgoingHttpHeaders, body?: string) {
    return new Promise<Answer>((resolve, reject) => {
      const req = http.request({ host: hostname, port, method, path, headers, agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString("utf8"),
          }),
        );
        res.on("error", reject);
      });
      req.setTimeout(30_000, () => req.destroy(new Error("timeout")));
      req.on("error", reject);
      req.end(body);
    });
  }
  /** A form-encoded POST of `body`, with `headers` after the form's own. */
  const postForm = (path: string, body: string, headers: http.OutgoingHttpHeaders = {}) =>
    send(
      "POST",
      path,
      {
        "Content-Type": "application/x-www-form-urlencoded",
        "Content-Length": Buffer.byteLength(body),
        ...headers,
      },
      body,
    );
  return { send, postForm, close: () => agent.destroy() };
}

/** Why a Remix action refused a request, in a few words: the status and the refusal's message key. */
export function refusalOf(a: Answer, redirect = a.headers["x-remix-redirect"]): string {
  if (redirect) return `${a.status} redirect ${String(redirect)}`;
  try {
    const parsed = JSON.parse(a.body) as {
      errors?: Record<string, { key: string }>;
      error?: { key: string };
      message?: string;
    };
    const key =
      Object.values(parsed.errors ?? {})[0]?.key ?? parsed.error?.key ?? parsed.message ?? "?";
    return `${a.status} ${key}`;
  } catch {
    return `${a.status} ${a.body.slice(0, 80)}`;
  }
}

// ------------------------------------------------------------------ the window

/** The measured window, on performance.now()'s clock: requests sent in [start, end) count. */
export interface MeasuredWindow {
  start: number;
  end: number;
}

/**
 * Runs `concurrency` workers from now on, each until the window has ended (or it has nothing more
 * to send; what it has in flight then is waited for), the window starting `warmupMs` from now and
 * lasting `measureMs`. The server group's CPU (`watch`) and this process's own are read at the
 * window's edges, this process's event-loop delay in between.
 */
export async function runWindow(opts: {
  warmupMs: number;
  measureMs: number;
  watch: Watch;
  concurrency: number;
  worker: (measured: MeasuredWindow) => Promise<void>;
}) {
  const { warmupMs, measureMs } = opts;
  const begin = performance.now();
  const measured = { start: begin + warmupMs, end: begin + warmupMs + measureMs };
  const snapshot = async () => ({
    ...(await cpuSnapshot(opts.watch)),
    self: process.cpuUsage(),
    epochMs: Date.now(),
  });
  const loop = monitorEventLoopDelay({ resolution: 10 });
  type Snapshot = Awaited<ReturnType<typeof snapshot>>;
  let first: Promise<Snapshot> | undefined;
  let last: Promise<Snapshot> | undefined;
  setTimeout(() => {
    first = snapshot();
    loop.enable();
  }, warmupMs);
  setTimeout(() => {
    last = snapshot();
    loop.disable();
  }, warmupMs + measureMs);

  await Promise.all(Array.from({ length: opts.concurrency }, () => opts.worker(measured)));
  // The last window timer may still be pending if every worker stopped early (voters ran out).
  while (!last) await new Promise((r) => setTimeout(r, 50));
  const a = await first!;
  const b = await last;
  const selfCpu = b.self.user + b.self.system - (a.self.user + a.self.system);
  return {
    /** The snapshots at the window's edges; `at`: performance.now(), `epochMs`: the wall clock. */
    a,
    b,
    /**
     * The server group's CPU over the window (bench/support.ts), then this process's own over `ms`
     * of it (all of it by default; 100 % = one core) and its event loop's p99 delay.
     */
    figures: (ms = measureMs) => ({
      ...cpuBetween(a, b),
      loadCpuPercent: Math.round((selfCpu / 1000 / ms) * 100),
      loadLoopDelayP99Ms: round1(loop.percentile(99) / 1e6),
    }),
  };
}

// ------------------------------------------------------------------ accepted or not

/** Requests sent, accepted, refused (the server said no) and failed (5xx, no answer at all). */
export interface Counts {
  sent: number;
  accepted: number;
  refused: number;
  errors: number;
}
const noCounts = (): Counts => ({ sent: 0, accepted: 0, refused: 0, errors: 0 });

/** One request a worker sent, and what it was about (for the database check), if anything. */
export interface Attempt<Subject> {
  answer: Promise<Answer>;
  subject?: Subject;
}

/**
 * The closed loop of the ballots and votes: each worker sends its next request as soon as the
 * previous one is answered. An answer is accepted or refused (a 5xx counts as an error), and a
 * request with no answer is an error whose outcome is unknown; counts and refusals over the whole
 * run and over the window, latencies (accepted and refused) of the requests sent in the window.
 */
export function acceptanceLoop<Subject, Accepted>(spec: {
  /** Called once per worker: the function that gives its requests one by one, null when done. */
  requests: () => () => Attempt<Subject> | null;
  /** Whether an answer accepts its request: a truthy value (a receipt, true) if it does. */
  accepted: (a: Answer) => Accepted;
  refusalOf: (a: Answer) => string;
  /** An accepted request that had a subject. */
  onAccepted: (subject: Subject, accepted: Accepted) => void;
  /** A request with a subject whose outcome is unknown (no answer, or a 5xx). */
  onUnknown: (subject: Subject) => void;
}) {
  const all = noCounts();
  const inWindow = noCounts();
  const latencies: number[] = [];
  const refusals = new Map<string, number>();
  const refused = (key: string) => refusals.set(key, (refusals.get(key) ?? 0) + 1);

  async function worker(measured: MeasuredWindow) {
    const next = spec.requests();
    for (;;) {
      const t0 = performance.now();
      if (t0 >= measured.end) return;
      const counted = t0 >= measured.start;
      const attempt = next();
      if (!attempt) return;
      const { subject } = attempt;
      all.sent++;
      if (counted) inWindow.sent++;
      let a: Answer;
      try {
        a = await attempt.answer;
      } catch (e) {
        all.errors++;
        if (counted) inWindow.errors++;
        refused(`error ${(e as Error).message}`);
        if (subject !== undefined) spec.onUnknown(subject);
        continue;
      }
      const ms = performance.now() - t0;
      const accepted = spec.accepted(a);
      if (accepted) {
        all.accepted++;
        if (subject !== undefined) spec.onAccepted(subject, accepted);
        if (counted) {
          inWindow.accepted++;
          latencies.push(ms);
        }
      } else {
        const key = spec.refusalOf(a);
        if (a.status >= 500) {
          all.errors++;
          if (counted) inWindow.errors++;
          if (subject !== undefined) spec.onUnknown(subject);
        } else {
          all.refused++;
          if (counted) inWindow.refused++;
        }
        refused(key);
        if (counted) latencies.push(ms);
      }
    }
  }
  /**
   * What the load generator prints of the loop (the rest is runWindow's): the counts, the
   * refusals, whether the voters ran out and how many were used, the accepted rate over the
   * window and the latencies.
   */
  const figures = (measureMs: number, voters: { exhausted: boolean; votersUsed: number }) => ({
    window: inWindow,
    all,
    refusals: Object.fromEntries(refusals),
    ...voters,
    perSecond: Math.round(inWindow.accepted / (measureMs / 1000)),
    ...latencyFigures(latencies),
  });
  return { worker, figures };
}

/** What the ballots' and the votes' load generators print (bench/support/run.ts reads it). */
export interface AcceptanceLoad extends Cpu {
  window: Counts;
  all: Counts;
  refusals: Record<string, number>;
  exhausted: boolean;
  votersUsed: number;
  perSecond: number;
  p50: number;
  p99: number;
  max: number;
  loadCpuPercent: number;
  loadLoopDelayP99Ms: number;
}

// ------------------------------------------------------------------ figures

export const round1 = (x: number) => Math.round(x * 10) / 10;

/** The `p`th percentile of sorted values: the one at p % of the way (NaN if there are none). */
export const percentile = (sorted: number[], p: number) =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! : NaN;

/** p50, p99 and max of the latencies (sorted here), to a tenth of a millisecond. */
export function latencyFigures(latencies: number[]) {
  latencies.sort((x, y) => x - y);
  return {
    p50: round1(percentile(latencies, 50)),
    p99: round1(percentile(latencies, 99)),
    max: round1(latencies[latencies.length - 1] ?? NaN),
  };
}
