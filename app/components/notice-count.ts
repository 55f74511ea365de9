/**
 * The header's unread count, live in standard mode (长辈版 runs no script: its count is the one the
 * server rendered). socket.io-client loads on demand, as for the live pages; the connection is the
 * page's own one, multiplexed, in the NOTICES_NAMESPACE namespace, where the server has already
 * put the socket in its person's channel. Told that notices changed, it asks for the count.
 */
import { useEffect, useState } from "react";
import type { Socket } from "socket.io-client";
import {
  NOTICES_NAMESPACE,
  type ClientToServerEvents,
  type ServerToClientEvents,
} from "~/realtime/protocol";

/**
 * A notice for a whole community reaches thousands of open pages at once: each waits up to this
 * long before asking, so that the asks spread out instead of arriving in one instant.
 */
const SPREAD_MS = 1500;

export function useUnreadCount(initial: number, live: boolean): number {
  const [count, setCount] = useState(initial);
  // A new page's (or an action's) count from the server wins over the last live one.
  useEffect(() => setCount(initial), [initial]);
  useEffect(() => {
    if (!live) return;
    let socket: Socket<ServerToClientEvents, ClientToServerEvents> | null = null;
    let cancelled = false;
    let wait: ReturnType<typeof setTimeout> | undefined;
    const ask = () =>
      socket?.emit("notices:unread", {}, (res) => {
        if (res.ok) setCount(res.data.unread);
      });
    void import("socket.io-client").then(({ io }) => {
      if (cancelled) return;
      socket = io(NOTICES_NAMESPACE, {
        transports: ["websocket", "polling"],
        tryAllTransports: true,
      });
      // After a reconnect: whatever arrived meanwhile.
      socket.io.on("reconnect", ask);
      socket.on("notices:changed", () => {
        clearTimeout(wait);
        wait = setTimeout(ask, Math.random() * SPREAD_MS);
      });
    });
    return () => {
      cancelled = true;
      clearTimeout(wait);
      socket?.disconnect();
    };
  }, [live]);
  return count;
}
