/**
 * What a community's page shows alike to every viewer, kept a few seconds per process
 * (../shown.server.ts says how).
 *
 * The community page is the city's most visited page after the home page, and most of it is the
 * same for everyone: the community and the places above it, its committee and resident counts,
 * its councils, open commitments, newest micro-projects and support threshold (seven of its eleven
 * queries). What depends on the viewer (meetings they may enter, votes they have cast, their own
 * membership, the committee's queues) is still read per request, except for visitors, who all see
 * the same meetings ahead and votes (`visitorLists`). Dropped by the events that change it:
 * memberships (the counts), the committee, meetings (commitments), projects, and the community's
 * own settings and councils.
 */
import { ANONYMOUS } from "~/domain/permissions/policy";
import type { DomainEvent } from "../events.server";
import { commitmentsOf, councilsOf, meetingsAhead } from "../meetings/queries.server";
import { listProjects, supportThreshold } from "../projects/queries.server";
import { shownReads } from "../shown.server";
import { communityPage, communityVotes } from "./queries.server";

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
 * The meetings ahead and the votes of a community as a visitor sees them: the same for every
 * visitor (a signed-in viewer's say which they signed up for, voted in or may vote in, and are read
 * per request). Dropped when a meeting or vote of the community changes, or its councils; not by a
 * ballot, which changes nothing a visitor sees here.
 */
export const visitorLists = shownReads(
  "communityVisitor",
  async (id: number) => {
    const [meetings, votes] = await Promise.all([
      meetingsAhead(ANONYMOUS, id),
      communityVotes(ANONYMOUS, id),
    ]);
    return { meetings, votes };
  },
  (e) =>
    e.type === "meeting.changed" ||
    e.type === "community.changed" ||
    (e.type === "vote.changed" && !e.ballot)
      ? e.communityId
      : null,
);
