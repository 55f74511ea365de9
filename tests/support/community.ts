/**
 * A community's meetings ahead and votes as its page shows them to `actor`: the rows everyone sees
 * (read afresh here, not kept) and the viewer's own part (`communityMine`), put together as the
 * page does.
 */
import type { Actor } from "~/domain/permissions/policy";
import {
  communityMine,
  communityVotes,
  VOTES_MAX,
  voteRowsOf,
} from "~/services/communities/queries.server";
import { meetingRowsAhead, meetingsAhead } from "~/services/meetings/queries.server";

async function viewOf(actor: Actor, communityId: number, aheadLimit: number, votesLimit: number) {
  const [ahead, voting] = await Promise.all([
    meetingRowsAhead(communityId),
    voteRowsOf(communityId),
  ]);
  const mine = await communityMine(
    actor.userId,
    communityId,
    { rows: ahead, limit: aheadLimit },
    { rows: voting, limit: votesLimit },
  );
  return { ahead, voting, mine };
}

export async function meetingsAheadOf(actor: Actor, communityId: number, limit = 5) {
  const { ahead, mine } = await viewOf(actor, communityId, limit, VOTES_MAX);
  return meetingsAhead(actor, communityId, limit, ahead, mine);
}

export async function communityVotesOf(actor: Actor, communityId: number, limit = VOTES_MAX) {
  const { voting, mine } = await viewOf(actor, communityId, 5, limit);
  return communityVotes(actor, communityId, limit, voting, mine);
}
