/**
 * Domain events: services emit them after their transaction commits; the realtime layer forwards
 * them to Socket.IO rooms. Kept on globalThis so the Vite dev server's module reloads share one bus.
 */
import { EventEmitter } from "node:events";
import type { LiveMessage } from "~/realtime/protocol";

export type DomainEvent =
  | { type: "membership.requested"; communityId: number; membershipId: number; userId: number }
  | {
      type: "membership.decided";
      communityId: number;
      membershipId: number;
      userId: number;
      status: "verified" | "declined";
    }
  | { type: "membership.withdrawn"; communityId: number; membershipId: number; userId: number }
  | { type: "committee.changed"; communityId: number }
  /** The community's own settings (the support threshold) or its councils changed. */
  | { type: "community.changed"; communityId: number }
  | { type: "meeting.changed"; communityId: number; meetingId: number }
  /** A new message: forwarded as it is (every reader sees a new message alike). */
  | { type: "room.message"; communityId: number; meetingId: number; message: LiveMessage }
  /** A message was hidden, restored, pinned or flagged: readers fetch it again, as they may see it. */
  | { type: "room.messageChanged"; communityId: number; meetingId: number; messageId: number }
  /** Room state: open/closed, slow mode, agenda item, speaker queue, floor. */
  | { type: "room.state"; communityId: number; meetingId: number }
  /** Someone joined, left or was removed from an organisation: their rights changed. */
  | { type: "organisation.membersChanged"; organisationId: number; userId: number }
  /** A project was proposed, moved a step, supported, commented on or reported on. */
  | { type: "project.changed"; communityId: number; projectId: number }
  /** A need was reported, joined ("me too") or moved a step: its boards, desk and queue reload. */
  | {
      type: "need.changed";
      communityId: number;
      streetId: number;
      needId: number;
      unitId: number | null;
    }
  /**
   * A poll or budget round was created, changed, voted in, or tallied: counts and live results
   * change. `ballot` when a ballot was cast and nothing else changed (the counts only): what shows
   * no count, such as a visitor's home, is not read again for it.
   */
  | { type: "vote.changed"; communityId: number; kind: "poll" | "round"; id: number; ballot?: true }
  /**
   * 意见征集: a conversation was created, closed or moderated, a statement added, or its opinion
   * map recomputed: its page and its council's lists reload. (Votes emit nothing: the map's
   * recompute says when there is something new to see.)
   */
  | { type: "conversation.changed"; communityId: number; conversationId: number }
  /** 六和指数: a month was computed (or corrected) or a method published: the index pages reload. */
  | { type: "index.changed" }
  /** Notices were delivered to these people (one event per chunk of a delivery). */
  | { type: "notice.created"; userIds: number[] }
  /** A person marked notices read: their other pages' counts follow. */
  | { type: "notice.read"; userId: number }
  /** A session ended (sign-out, revoked, account deleted): sockets must stop trusting it. */
  | { type: "session.revoked"; userId: number }
  /** A session's person changed (a service-window sitting started or ended for its helper). */
  | { type: "session.changed"; userId: number };

const g = globalThis as unknown as { __liuheEvents?: EventEmitter };
const bus = (g.__liuheEvents ??= new EventEmitter().setMaxListeners(100));

export function emitEvent(event: DomainEvent): void {
  bus.emit("event", event);
}

export function onEvent(listener: (event: DomainEvent) => void): () => void {
  bus.on("event", listener);
  return () => bus.off("event", listener);
}
