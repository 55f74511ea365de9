/**
 * The Socket.IO protocol, shared by the server and the browser. Every client event carries an
 * acknowledgement; the server answers only after the work has committed.
 */
import type { MeetingStatus } from "../../db/schema";

export type Ack<T = unknown> =
  { ok: true; data: T } | { ok: false; error: { status: number; key: string; message: string } };

/** One message of a room, as one reader may see it. */
export interface MessageView {
  id: number;
  meetingId: number;
  userId: number;
  author: string;
  /** Null when hidden from this reader. */
  body: string | null;
  hidden: null | { reason: string | null; byFlags: boolean };
  pinned: boolean;
  agendaItemId: number | null;
  createdAt: string;
  /** Entered by a committee member for the author at the service window. */
  assisted: boolean;
}

/**
 * A new message as it is broadcast, with the id of the room's message before it (null for the
 * first). A reader that does not have `prev` missed one (its process died before broadcasting
 * it) and asks for what came after its last message, as after a reconnect.
 */
export type LiveMessage = MessageView & { prev: number | null };

/** What a room shows besides its messages: open or not, pace, agenda item, queue and floor. */
export interface RoomState {
  meetingId: number;
  status: MeetingStatus;
  roomOpen: boolean;
  slowModeSeconds: number;
  currentAgendaItemId: number | null;
  queue: Array<{ userId: number; displayName: string; raisedAt: string }>;
  floor: null | { userId: number; displayName: string; until: string };
  /** Muted people; only filled for moderators. */
  mutes: Array<{ userId: number; displayName: string; until: string; reason: string }>;
}

/** A moderator's command over the socket: `action` names it (the room page's form intents alike). */
export type ModerationCommand =
  | { action: "hide"; messageId: number; reason: string }
  | { action: "unhide"; messageId: number }
  | { action: "pin"; messageId: number }
  | { action: "unpin"; messageId: number }
  | { action: "mute"; userId: number; minutes: number; reason: string }
  | { action: "unmute"; userId: number }
  | { action: "close" }
  | { action: "reopen" }
  | { action: "slowMode"; seconds: number }
  | { action: "agenda"; agendaItemId: number }
  | { action: "floor"; userId?: number; seconds: number }
  | { action: "endFloor" }
  | { action: "lowerHand"; userId: number };

export interface RoomJoined {
  state: RoomState;
  messages: MessageView[];
  /** More messages than were sent: older ones (first join) or newer ones (catch-up). */
  more: boolean;
  presence: number;
}

/** A client event: its payload, and the acknowledgement the server answers it with. */
type Call<P, R> = (payload: P, ack: (res: Ack<R>) => void) => void;

export interface ClientToServerEvents {
  whoami: (ack: (res: Ack<{ userId: number | null; displayName: string | null }>) => void) => void;
  subscribe: Call<{ channel: string }, { channel: string }>;
  unsubscribe: Call<{ channel: string }, { channel: string }>;
  "membership:request": Call<{ communityId: number }, { membershipId: number }>;
  /** Join a meeting's room; `after` asks for exactly what was missed since that message. */
  "room:join": Call<{ meetingId: number; after?: number }, RoomJoined>;
  "room:leave": Call<{ meetingId: number }, null>;
  "room:post": Call<{ meetingId: number; body: string }, { message: MessageView }>;
  "room:history": Call<
    { meetingId: number; before: number },
    { messages: MessageView[]; more: boolean }
  >;
  "room:message": Call<{ messageId: number }, { message: MessageView }>;
  "room:flag": Call<{ messageId: number }, { hidden: boolean }>;
  "room:moderate": Call<{ meetingId: number } & ModerationCommand, null>;
  "queue:raise": Call<{ meetingId: number }, null>;
  "queue:lower": Call<{ meetingId: number }, null>;
  /** The header's unread count (namespace NOTICES_NAMESPACE only). */
  "notices:unread": Call<Record<string, never>, { unread: number }>;
  /** The header's small list: the newest few notices, and the count (NOTICES_NAMESPACE only). */
  "notices:latest": Call<Record<string, never>, { unread: number; notices: LatestNotice[] }>;
}

/** A notice as the header's small list shows it: already in the socket's language. */
export interface LatestNotice {
  id: number;
  text: string;
  href: string;
  createdAt: string;
  unread: boolean;
}

export interface ServerToClientEvents {
  /** Something changed on a channel; pages reload their data. */
  changed: (payload: { channel: string; type: string }) => void;
  "room:message": (message: LiveMessage) => void;
  /** A message changed (hidden, restored, pinned): ask for it again with room:message. */
  "room:messageChanged": (payload: { meetingId: number; messageId: number }) => void;
  "room:state": (state: RoomState) => void;
  "room:presence": (payload: { meetingId: number; count: number }) => void;
  /** New notices arrived, or some were read: ask `notices:unread` again. */
  "notices:changed": () => void;
}

export const roomChannel = (meetingId: number) => `room:${meetingId}`;

/**
 * Channels anyone may read: a community's public news, a street's (its needs board, the command
 * room's desk and the units' queues reload on it). A notice says only that something changed.
 */
export const PUBLIC_CHANNEL = /^(?:community|street):(\d{1,12})$/;
/** A person's own channel: their requests being decided. */
export const USER_CHANNEL = /^user:(\d{1,12})$/;
export const userChannel = (userId: number) => `user:${userId}`;

/** The namespace of the header's live unread count (multiplexed over the page's connection). */
export const NOTICES_NAMESPACE = "/notices";
