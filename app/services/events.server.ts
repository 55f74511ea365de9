/**
 * Domain events: services emit them after their transaction commits; the realtime layer forwards
 * them to Socket.IO rooms. Kept on globalThis so the Vite dev server's module reloads share one bus.
 */
import { EventEmitter } from "node:events";

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
  | { type: "meeting.changed"; communityId: number; meetingId: number }
  /** A new message: forwarded as its public view to everyone reading the room. */
  | { type: "room.message"; communityId: number; meetingId: number; messageId: number }
  /** A message was hidden, restored, pinned or flagged: readers fetch it again, as they may see it. */
  | { type: "room.messageChanged"; communityId: number; meetingId: number; messageId: number }
  /** Room state: open/closed, slow mode, agenda item, speaker queue, floor. */
  | { type: "room.state"; communityId: number; meetingId: number };

const g = globalThis as unknown as { __liuheEvents?: EventEmitter };
const bus = (g.__liuheEvents ??= new EventEmitter().setMaxListeners(100));

export function emitEvent(event: DomainEvent): void {
  bus.emit("event", event);
}

export function onEvent(listener: (event: DomainEvent) => void): () => void {
  bus.on("event", listener);
  return () => bus.off("event", listener);
}
