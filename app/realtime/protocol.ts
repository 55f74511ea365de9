/**
 * The Socket.IO protocol, shared by the server and the browser. Every client event carries an
 * acknowledgement; the server answers only after the work has committed.
 */
export type Ack<T = unknown> =
  { ok: true; data: T } | { ok: false; error: { status: number; key: string; message: string } };

export interface ClientToServerEvents {
  whoami: (ack: (res: Ack<{ userId: number | null; displayName: string | null }>) => void) => void;
  subscribe: (payload: { channel: string }, ack: (res: Ack<{ channel: string }>) => void) => void;
  unsubscribe: (payload: { channel: string }, ack: (res: Ack<{ channel: string }>) => void) => void;
  "membership:request": (
    payload: { communityId: number },
    ack: (res: Ack<{ membershipId: number }>) => void,
  ) => void;
}

export interface ServerToClientEvents {
  /** Something changed on a channel; pages reload their data. */
  changed: (payload: { channel: string; type: string }) => void;
}

/** Channels anyone may read: a community's public news. */
export const PUBLIC_CHANNEL = /^community:(\d{1,12})$/;
/** A person's own channel: their requests being decided. */
export const USER_CHANNEL = /^user:(\d{1,12})$/;
