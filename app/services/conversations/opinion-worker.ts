/**
 * The opinion map's computation on a worker thread (node:worker_threads), so that a large map
 * (2,000 people × 900 statements: a few hundred milliseconds to a second of CPU) does not hold up
 * the process's requests and live rooms. Built as its own entry next to the server
 * (vite.server.config.ts → build/start/opinion-worker.mjs); map.server.ts uses it when the
 * production server says where it is (LIUHE_OPINION_WORKER), and computes in-process otherwise
 * (development, tests, seeds) or if the worker fails.
 *
 * The votes arrive as three typed arrays (participant, statement, vote), transferred rather than
 * copied: a million small objects would take longer to clone than to compute.
 */
import { parentPort } from "node:worker_threads";
import { computeOpinionMap, type OpinionVote, type PreviousAssignment } from "~/domain/opinion";

export interface OpinionJob {
  id: number;
  participants: Int32Array;
  statementOf: Int32Array;
  values: Int8Array;
  statements: number[];
  previous: PreviousAssignment[] | null;
}

parentPort?.on("message", (job: OpinionJob) => {
  try {
    const votes = Array.from(job.values, (vote, i) => ({
      participant: job.participants[i]!,
      statement: job.statementOf[i]!,
      vote: vote as OpinionVote,
    }));
    const map = computeOpinionMap(votes, job.statements, { previous: job.previous });
    parentPort!.postMessage({ id: job.id, map });
  } catch (e) {
    parentPort!.postMessage({ id: job.id, error: e instanceof Error ? e.message : String(e) });
  }
});
