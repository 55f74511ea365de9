/** The little of autocannon's programmatic API that bench/pages/load.ts uses (it ships no types). */
declare module "autocannon" {
  interface Options {
    url: string;
    connections?: number;
    /** Seconds. */
    duration?: number;
    /** Seconds. */
    timeout?: number;
    headers?: Record<string, string>;
  }
  interface Percentiles {
    average: number;
    p50: number;
    p90: number;
    p99: number;
    max: number;
  }
  interface Result {
    /** Seconds, as run. */
    duration: number;
    latency: Percentiles;
    requests: Percentiles & { total: number };
    throughput: Percentiles & { total: number };
    errors: number;
    timeouts: number;
    non2xx: number;
    "2xx": number;
    statusCodeStats: Record<string, { count: number }>;
  }
  /** What a run emits as it goes: each response, and each request that failed or timed out. */
  interface Tracker {
    on(
      event: "response",
      listener: (client: unknown, status: number, bytes: number, ms: number) => void,
    ): Tracker;
    on(event: "reqError", listener: (error: Error) => void): Tracker;
  }
  function autocannon(options: Options): Promise<Result> & { stop?: () => void };
  function autocannon(
    options: Options,
    done: (error: Error | null, result: Result) => void,
  ): Tracker;
  export default autocannon;
}
