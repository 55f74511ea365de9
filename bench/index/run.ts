/**
 * 六和指数 benchmark (issue 17, "Benchmark"): a synthetic city of 1,000 communities and 1,000,000
 * residents with a month of their activity (bench/index/prepare.ts, bulk inserts), then the
 * month's raw figures for every community (`rawFigures`, app/services/index/measures.server.ts)
 * and then the whole snapshot (`computeSnapshot`: the figures, the method, the aggregation to
 * streets, districts and the city, the scores written), timed RUNS times, each in a fresh process,
 * with that process's peak memory.
 *
 *   npm run bench:index -- [--config sqlite|postgres] [--communities 1000] [--residents 1000000]
 *                          [--runs 3] [--month 2026-06]
 *
 * The machine is shared: run the full size once; `--communities 20 --residents 20000` checks
 * that it works. PostgreSQL: a database of its own on 127.0.0.1 (POSTGRES_URL names the server's
 * maintenance database), dropped at the end.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { arg, spread } from "../support";

const config = arg("config", "sqlite");
if (config !== "sqlite" && config !== "postgres") throw new Error("--config sqlite|postgres");
const communities = Number(arg("communities", "1000"));
const residents = Number(arg("residents", "1000000"));
const runs = Number(arg("runs", "3"));
const month = arg("month", "2026-06");
const maintenance = process.env.POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "liuhe-index-"));
let target = path.join(dir, "index.sqlite");
const database = `liuhe_bench_index_${process.pid}`;
if (config === "postgres") {
  const client = new pg.Client({ connectionString: maintenance });
  await client.connect();
  await client.query(`create database ${database}`);
  await client.end();
  const url = new URL(maintenance);
  url.pathname = `/${database}`;
  target = url.toString();
}

const tsx = (script: string, args: string[]) => {
  const r = spawnSync(process.execPath, ["--import", "tsx", script, ...args], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
    maxBuffer: 1 << 24,
  });
  if (r.status !== 0) throw new Error(`${script} failed`);
  return JSON.parse(r.stdout.trim().split("\n").at(-1)!) as Record<string, number>;
};

try {
  console.error(`preparing ${communities} communities, ${residents} residents (${config})…`);
  const prepared = tsx("bench/index/prepare.ts", [
    target,
    month,
    String(communities),
    String(residents),
  ]);
  const size = config === "sqlite" ? Math.round(fs.statSync(target).size / 1048576) : null;
  const timings: Array<Record<string, number>> = [];
  for (let i = 0; i < runs; i++) timings.push(tsx("bench/index/measure.ts", [target, month]));
  const last = timings.at(-1)!;
  console.log(`
| ${config} | communities | residents | rows inserted | insert (s) | rawFigures (s) | whole snapshot (s) | score rows | peak RSS (MB) |
|---|---|---|---|---|---|---|---|---|
| ${month} | ${last.communities} | ${last.residents} | ${prepared.rows} | ${prepared.insertSeconds} | ${spread(timings.map((t) => t.seconds!))} | ${spread(timings.map((t) => t.snapshotSeconds!))} | ${last.scoreRows} | ${spread(timings.map((t) => t.peakRssMb!))} |
`);
  console.log(
    `median of ${runs} runs (min–max), each in a fresh process; ` +
      `mean participation ${last.meanParticipation}; ` +
      (size !== null ? `database file ${size} MB; ` : "") +
      `${os.cpus().length} cores, Node ${process.version}.`,
  );
} finally {
  if (config === "postgres") {
    const client = new pg.Client({ connectionString: maintenance });
    await client.connect();
    await client.query(`drop database if exists ${database}`);
    await client.end();
  }
  fs.rmSync(dir, { recursive: true, force: true });
}
