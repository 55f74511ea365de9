/**
 * Published ballots, once voting has closed: the list anyone may recount, a receipt looked up in
 * it, and the files (CSV and JSON for polls and rounds, Pabulib for rounds).
 */
import { getDb } from "../../../db/client.server";
import { DomainError } from "~/domain/errors";
import { csvCell } from "~/domain/open-data/datasets";
import { chinaDate } from "~/domain/time";
import { writePabulib } from "~/domain/voting/pabulib";
import { rational } from "~/domain/voting/rational";
import { phaseOf, type VoteWindow } from "~/domain/voting/rules";
import type { VoteKind } from "~/domain/voting/schemas";
import { ensureTallied } from "./queries.server";
import { loadPoll, loadRound, paperBox } from "./records.server";

export interface PublishedBallot {
  receipt: string;
  choices: number[];
  channel: "online" | "paper";
}

/**
 * Ballots are never shown while voting runs, nor before the paper box is counted: refused until
 * the poll or round has closed and its list is final.
 */
async function closed<W extends VoteWindow>(kind: VoteKind, id: number, subject: W): Promise<W> {
  // A cancelled vote's ballots were discarded: there is no list to publish.
  if (phaseOf(subject) === "cancelled") throw new DomainError(409, "vote:errors.cancelled");
  if (phaseOf(subject) !== "closed") throw new DomainError(409, "vote:errors.notClosedYet");
  if (!(await paperBox(getDb(), kind, id)).settled) {
    throw new DomainError(409, "vote:errors.countingPaper");
  }
  return subject;
}

/**
 * Every ballot (or the one with `receipt`), once voting has closed; sorted by receipt code, which
 * says nothing about time.
 */
export async function publishedBallots(
  kind: VoteKind,
  id: number,
  receipt?: string,
): Promise<PublishedBallot[]> {
  await closed(
    kind,
    id,
    kind === "poll" ? await loadPoll(getDb(), id) : await loadRound(getDb(), id),
  );
  const rows = await getDb()
    .selectFrom("ballots")
    .select(["receipt", "choices", "channel"])
    .where(kind === "poll" ? "pollId" : "roundId", "=", id)
    .$if(receipt !== undefined, (q) => q.where("receipt", "=", receipt!))
    .orderBy("receipt")
    .execute();
  return rows.map((r) => ({ ...r, choices: JSON.parse(r.choices) as number[] }));
}

export async function findReceipt(kind: VoteKind, id: number, receipt: string) {
  return (await publishedBallots(kind, id, receipt))[0] ?? null;
}

/** A closed round as a Pabulib file, its voters numbered anonymously. */
export async function roundPabulib(id: number): Promise<string> {
  const round = await closed("round", id, await loadRound(getDb(), id));
  await ensureTallied(id);
  const db = getDb();
  const [projects, ballots, community] = await Promise.all([
    db
      .selectFrom("roundProjects")
      .innerJoin("projects", "projects.id", "roundProjects.projectId")
      .select([
        "projects.id",
        "projects.title",
        "roundProjects.cost",
        "roundProjects.approvals",
        "roundProjects.selected",
      ])
      .where("roundId", "=", id)
      .orderBy("roundProjects.position")
      .execute(),
    publishedBallots("round", id),
    db
      .selectFrom("areas")
      .select(["nameZh", "nameEn", "code"])
      .where("id", "=", round.communityId)
      .executeTakeFirstOrThrow(),
  ]);
  return writePabulib({
    meta: {
      description: `Liuhe budget round ${id}: ${round.title}`,
      country: "China",
      unit: community.nameEn,
      instance: String(id),
      num_projects: String(projects.length),
      num_votes: String(ballots.length),
      budget: String(round.budget),
      vote_type: "approval",
      rule: round.method === "greedy" ? "greedy" : "equalshares/add1",
      date_begin: chinaDate(round.opensAt),
      date_end: chinaDate(round.closesAt),
      currency: "CNY",
    },
    budget: rational(round.budget),
    voteType: "approval",
    projects: projects.map((p) => ({
      id: String(p.id),
      cost: rational(p.cost),
      name: p.title,
      selected: p.selected === 1,
      extra: { votes: String(p.approvals ?? 0) },
    })),
    // Voter ids number the ballots in receipt order: anonymous, and stable for a given round.
    votes: ballots.map((b, i) => ({
      voterId: String(i + 1),
      ballot: { type: "approval" as const, approved: new Set(b.choices.map(String)) },
      extra: {},
    })),
  });
}

export async function ballotsCsv(kind: VoteKind, id: number): Promise<string> {
  const ballots = await publishedBallots(kind, id);
  const lines = ["receipt,channel,choices"];
  for (const b of ballots)
    lines.push([b.receipt, b.channel, b.choices.join(" ")].map(csvCell).join(","));
  return `${lines.join("\r\n")}\r\n`;
}

export async function ballotsJson(kind: VoteKind, id: number) {
  return {
    [kind === "poll" ? "pollId" : "roundId"]: id,
    ballots: await publishedBallots(kind, id),
  };
}
