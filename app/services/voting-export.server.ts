/** Published ballots as files: CSV and JSON for polls and rounds, Pabulib for rounds. */
import { chinaDate } from "~/domain/time";
import { writePabulib } from "~/domain/voting/pabulib";
import { rational } from "~/domain/voting/rational";
import { publishedBallots, roundForExport, type VoteKind } from "./voting.server";

/** RFC 4180 quoting; a leading =, +, - or @ is defused so spreadsheets do not run it. */
function csvCell(value: string): string {
  const safe = /^[=+\-@]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
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

export async function roundPabulib(id: number): Promise<string> {
  const { round, projects, ballots, community } = await roundForExport(id);
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
