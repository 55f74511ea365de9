/**
 * What a community's page shows alike to every viewer, kept a few seconds per process
 * (../shown.server.ts says how).
 *
 * The community page is the city's most visited page after the home page, and most of it is the
 * same for everyone: the community and the places above it, its committee and resident counts,
 * its councils, open commitments, newest micro-projects and support threshold (seven of its eleven
 * queries). What depends on the viewer (meetings they may enter, votes they have cast, their own
 * membership, the committee's queues) is one query per request laid over rows kept for everyone
 * (`aheadRows`, `voteRows`), and none for a visitor. Dropped by the events that change it:
 * memberships (the counts), the committee, meetings (commitments), projects, and the community's
 * own settings and councils.
 */
import type { DomainEvent } from "../events.server";
import { commitmentsOf, councilsOf, meetingRowsAhead } from "../meetings/queries.server";
import { listProjects, supportThreshold } from "../projects/queries.server";
import { shownReads } from "../shown.server";
import { communityPage, voteRowsOf } from "./queries.server";

/** The events after which a community's page shows something else to everyone. */
const CHANGES_SHOWN: ReadonlySet<DomainEvent["type"]> = new Set([
  "membership.requested",
  "membership.decided",
  "membership.withdrawn",
  "committee.changed",
  "meeting.changed",
  "project.changed",
  "community.changed",
]);

async function load(id: number) {
  const page = await communityPage(id);
  if (!page) return null;
  const [councils, commitments, projects, threshold] = await Promise.all([
    councilsOf(id),
    commitmentsOf({ areaId: id }, true),
    listProjects({ communityId: id, sort: "newest" }, 5),
    supportThreshold(id),
  ]);
  return {
    page,
    councils,
    commitments,
    projects: { items: projects.items, total: projects.total },
    threshold,
  };
}

export type CommunityShown = NonNullable<Awaited<ReturnType<typeof load>>>;

/** What the community's page shows to everyone; null when there is no such community. */
export const communityShown: (id: number) => Promise<CommunityShown | null> = shownReads(
  "community",
  load,
  (e) => (CHANGES_SHOWN.has(e.type) && "communityId" in e ? e.communityId : null),
);

/**
 * A community's meetings ahead and its votes, as rows the same for every viewer (the community
 * page and the signed-in home lay each viewer's own part over them: `meetingsAhead`,
 * `communityVotes`). Dropped when a meeting, a vote or the councils of the community change; not by
 * a ballot, which changes no row here.
 */
export const aheadRows = shownReads("meetingsAhead", meetingRowsAhead, (e) =>
  e.type === "meeting.changed" || e.type === "community.changed" ? e.communityId : null,
);
export const voteRows = shownReads("communityVotes", voteRowsOf, (e) =>
  e.type === "vote.changed" && !e.ballot ? e.communityId : null,
);
