/**
 * A conversation as open data, in the layout of Polis's own exports (the Computational Democracy
 * Project's openData; /work/shared/polis/README.md describes it), so that the tools that read
 * those read Liuhe's too, `npm run opinion-map` included:
 *   - summary.csv: key,value lines (topic, url, views, voters, voters-in-conv, commenters,
 *     comments, groups, conversation-description);
 *   - comments.csv: one line per statement, with its author, agrees, disagrees and `moderated`
 *     (1 accepted, -1 rejected, 0 waiting: the status); the text of accepted statements only;
 *   - votes.csv: one line per last vote, in time order;
 *   - participants-votes.csv: one line per participant with their group in the last map (empty
 *     outside it), their counts, and their vote on each statement.
 *
 * Anonymised: a participant is a number, 0..n−1 within the conversation, in the order of their
 * first vote (the earliest of their votes as stored: a changed vote keeps its pair's row with the
 * new time), then authors who never voted, in the order of their first statement. No user id, no
 * name, nothing else about a person goes out. Polis's files have no byte-order mark and end lines
 * with LF; so do these. Cells go through the open data's CSV quoting (formula-looking text is
 * defused). The licence line travels with the download (the route adds it, as /open-data does).
 */
import { getDb } from "../../../db/client.server";
import { csvCell, type Cell } from "~/domain/open-data/datasets";
import { CHINA_TIME_ZONE } from "~/domain/time";
import { storedAssignments, storedMap } from "./map.server";

export const EXPORT_FILES = [
  "comments.csv",
  "votes.csv",
  "participants-votes.csv",
  "summary.csv",
] as const;
export type ExportFile = (typeof EXPORT_FILES)[number];

export const isExportFile = (f: string | undefined): f is ExportFile =>
  (EXPORT_FILES as readonly (string | undefined)[]).includes(f);

const line = (cells: readonly Cell[]) => `${cells.map(csvCell).join(",")}\n`;

const MODERATED = { accepted: 1, rejected: -1, pending: 0 } as const;

/** Polis's `datetime`: "Mon Jul 17 16:10:15 WIB 2017", here in China time. */
export function polisDateTime(iso: string): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat("en-US", {
      timeZone: CHINA_TIME_ZONE,
      weekday: "short",
      month: "short",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
      year: "numeric",
      hourCycle: "h23",
    })
      .formatToParts(new Date(iso))
      .map((p) => [p.type, p.value]),
  );
  return `${parts.weekday} ${parts.month} ${parts.day} ${parts.hour}:${parts.minute}:${parts.second} CST ${parts.year}`;
}

async function gather(conversationId: number) {
  const db = getDb();
  const conversation = await db
    .selectFrom("conversations")
    .select(["id", "question", "description"])
    .where("id", "=", conversationId)
    .executeTakeFirst();
  if (!conversation) return null;
  const [statements, votes] = await Promise.all([
    db
      .selectFrom("statements")
      .select(["id", "body", "authorId", "status", "createdAt"])
      .where("conversationId", "=", conversationId)
      .orderBy("id")
      .execute(),
    db
      .selectFrom("statementVotes")
      .select(["statementId", "userId", "vote", "votedAt"])
      .where("conversationId", "=", conversationId)
      .orderBy("votedAt")
      .orderBy("statementId")
      .execute(),
  ]);
  // Participant numbers: voters by their first vote, then authors who never voted.
  const number = new Map<number, number>();
  const firstVote = new Map<number, string>();
  for (const v of votes) if (!firstVote.has(v.userId)) firstVote.set(v.userId, v.votedAt);
  for (const [userId] of [...firstVote].sort((a, b) => (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0))) {
    number.set(userId, number.size);
  }
  for (const s of statements) {
    if (s.authorId !== null && !number.has(s.authorId)) number.set(s.authorId, number.size);
  }
  return { conversation, statements, votes, number };
}

/** The file's text, or null when there is no such conversation. */
export async function exportFile(
  conversationId: number,
  file: ExportFile,
  { url = "" }: { url?: string } = {},
): Promise<string | null> {
  const data = await gather(conversationId);
  if (!data) return null;
  const { conversation, statements, votes, number } = data;
  const pid = (userId: number | null) => (userId === null ? null : number.get(userId)!);
  const ms = (iso: string) => new Date(iso).getTime();

  if (file === "votes.csv") {
    let out = line(["timestamp", "datetime", "comment-id", "voter-id", "vote"]);
    for (const v of votes) {
      out += line([ms(v.votedAt), polisDateTime(v.votedAt), v.statementId, pid(v.userId), v.vote]);
    }
    return out;
  }

  if (file === "comments.csv") {
    const counts = new Map<number, { agrees: number; disagrees: number }>();
    for (const v of votes) {
      const c = counts.get(v.statementId) ?? { agrees: 0, disagrees: 0 };
      if (v.vote === 1) c.agrees++;
      if (v.vote === -1) c.disagrees++;
      counts.set(v.statementId, c);
    }
    let out = line([
      "timestamp",
      "datetime",
      "comment-id",
      "author-id",
      "agrees",
      "disagrees",
      "moderated",
      "comment-body",
    ]);
    for (const s of statements) {
      const c = counts.get(s.id) ?? { agrees: 0, disagrees: 0 };
      out += line([
        ms(s.createdAt),
        polisDateTime(s.createdAt),
        s.id,
        pid(s.authorId),
        c.agrees,
        c.disagrees,
        MODERATED[s.status],
        // Only what the committee accepted is published: a rejected or waiting statement may
        // name someone (the open data's rule: no resident's text that was not meant for print).
        s.status === "accepted" ? s.body : "",
      ]);
    }
    return out;
  }

  if (file === "participants-votes.csv") {
    const groups = await storedAssignments(conversationId);
    const authored = new Map<number, number>();
    for (const s of statements) {
      if (s.authorId !== null) authored.set(s.authorId, (authored.get(s.authorId) ?? 0) + 1);
    }
    const byPerson = new Map<number, Map<number, number>>();
    for (const v of votes) {
      const mine = byPerson.get(v.userId) ?? new Map<number, number>();
      mine.set(v.statementId, v.vote);
      byPerson.set(v.userId, mine);
    }
    let out = line([
      "participant",
      "group-id",
      "n-comments",
      "n-votes",
      "n-agree",
      "n-disagree",
      ...statements.map((s) => s.id),
    ]);
    const people = [...number].sort((a, b) => a[1] - b[1]);
    for (const [userId, n] of people) {
      const mine = byPerson.get(userId) ?? new Map<number, number>();
      const answers = [...mine.values()];
      out += line([
        n,
        groups.get(userId) ?? null,
        authored.get(userId) ?? 0,
        answers.length,
        answers.filter((a) => a === 1).length,
        answers.filter((a) => a === -1).length,
        ...statements.map((s) => mine.get(s.id) ?? null),
      ]);
    }
    return out;
  }

  // summary.csv
  const map = (await storedMap(conversationId))?.map ?? null;
  const voters = new Set(votes.map((v) => v.userId)).size;
  const commenters = new Set(statements.map((s) => s.authorId).filter((a) => a !== null)).size;
  const rows: Array<[string, Cell]> = [
    ["topic", conversation.question],
    ["url", url],
    // Liuhe does not count page views: the participants who voted stand in for them.
    ["views", voters],
    ["voters", voters],
    ["voters-in-conv", map?.participantsInMap ?? 0],
    ["commenters", commenters],
    ["comments", statements.length],
    ["groups", map?.status === "ok" ? map.k : 0],
    ["conversation-description", conversation.description],
  ];
  return rows.map(([k, v]) => line([k, v])).join("");
}
