/**
 * Notices of polls and budget rounds (issue 16): who may vote in one, and the notice that it
 * opened. Written by the create command when a vote opens at once, and by the timed notices' job
 * (../notices/timed.server.ts) when its time comes; both with the same once-key, so whichever
 * writes first is the only one.
 */
import type { NoticeDraft, NoticeRecipients } from "~/domain/notices/kinds";
import type { VoteKind } from "~/domain/voting/schemas";
import type { Db } from "../runner/command.server";

/** A poll or round as its notices need it. */
export interface VoteNoticed {
  id: number;
  communityId: number;
  title: string;
  closesAt: string;
  /** Polls: who votes, and the meeting whose seat holders do. Rounds: the residents. */
  electorate?: "residents" | "seatHolders";
  meetingId?: number | null;
}

/**
 * Who may vote: a residents' poll and a round, the community's verified residents (a rule the
 * delivery expands in chunks); a seat holders' poll, its meeting's invited seat holders.
 */
export async function electorateOf(db: Db, vote: VoteNoticed): Promise<NoticeRecipients> {
  if (vote.electorate !== "seatHolders" || !vote.meetingId) {
    return { community: vote.communityId, who: "verified" };
  }
  const rows = await db
    .selectFrom("seatInvites")
    .select("userId")
    .distinct()
    .where("meetingId", "=", vote.meetingId)
    .execute();
  return { users: rows.map((r) => r.userId) };
}

/** What a timed notice of a vote is sent once for. */
export const voteOnce = (kind: "opened" | "closing" | "results", type: VoteKind, id: number) =>
  `vote.${kind}:${type}:${id}`;

/** "A vote you may take part in opened", sent once per poll or round. */
export async function openedNotice(
  db: Db,
  type: VoteKind,
  vote: VoteNoticed,
): Promise<NoticeDraft> {
  return {
    kind: "vote.opened",
    subject: { type, id: vote.id },
    params: { title: vote.title, closesAt: vote.closesAt },
    recipients: await electorateOf(db, vote),
    once: voteOnce("opened", type, vote.id),
  };
}
