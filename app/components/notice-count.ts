/**
 * The header's unread count and its small list of the newest notices, live in standard mode
 * (长辈版 runs no script: its count is the one the server rendered, and it has no list; the link
 * leads to /notifications). socket.io-client loads on demand, as for the live pages; the
 * connection is the page's own one, multiplexed, in the NOTICES_NAMESPACE namespace, where the
 * server has already put the socket in its person's channel. Told that notices changed, it asks
 * for the count, or, while the list is open, for the list (which brings the count too).
 */
import { useCallback, useEffect, useRef, useState } from "react";
import type { Socket } from "socket.io-client";
import {
  NOTICES_NAMESPACE,
  type ClientToServerEvents,
  type LatestNotice,
  type ServerToClientEvents,
} from "~/realtime/protocol";

/**
 * A notice for a whole community reaches thousands of open pages at once: each waits up to this
 * long before asking, so that the asks spread out instead of arriving in one instant.
 */
const SPREAD_MS = 1500;

export interface LiveNotices {
  count: number;
  /** The newest notices, once the list was opened (null before, and without a connection). */
  latest: LatestNotice[] | null;
  /** Whether the live connection is up: the list is offered only then. */
  connected: boolean;
  /** The list was opened (asks for it, and keeps it fresh) or closed. */
  watchLatest: (open: boolean) => void;
}

export function useLiveNotices(initial: number, live: boolean): LiveNotices {
  const [count, setCount] = useState(initial);
  const [latest, setLatest] = useState<LatestNotice[] | null>(null);
  const [connected, setConnected] = useState(false);
  const socket = useRef<Socket<ServerToClientEvents, ClientToServerEvents> | null>(null);
  const open = useRef(false);

  const askLatest = useCallback(() => {
    socket.current?.emit("notices:latest", {}, (res) => {
      if (!res.ok) return;
      setCount(res.data.unread);
      setLatest(res.data.notices);
    });
  }, []);
  const askCount = useCallback(() => {
    if (open.current) return askLatest();
    socket.current?.emit("notices:unread", {}, (res) => {
      if (res.ok) setCount(res.data.unread);
    });
  }, [askLatest]);

  // A new page's (or an action's) count from the server wins over the last live one; an open
  // list is read again with it (a notice was marked read on that page, say).
  useEffect(() => {
    setCount(initial);
    if (open.current) askLatest();
  }, [initial, askLatest]);

  useEffect(() => {
    if (!live) return;
    let cancelled = false;
    let wait: ReturnType<typeof setTimeout> | undefined;
    void import("socket.io-client").then(({ io }) => {
      if (cancelled) return;
      const s: Socket<ServerToClientEvents, ClientToServerEvents> = io(NOTICES_NAMESPACE, {
        transports: ["websocket", "polling"],
        tryAllTransports: true,
      });
      socket.current = s;
      s.on("connect", () => setConnected(true));
      s.on("disconnect", () => setConnected(false));
      // After a reconnect: whatever arrived meanwhile.
      s.io.on("reconnect", askCount);
      s.on("notices:changed", () => {
        clearTimeout(wait);
        wait = setTimeout(askCount, Math.random() * SPREAD_MS);
      });
    });
    return () => {
      cancelled = true;
      clearTimeout(wait);
      socket.current?.disconnect();
      socket.current = null;
      setConnected(false);
    };
  }, [live, askCount]);

  const watchLatest = useCallback(
    (isOpen: boolean) => {
      open.current = isOpen;
      if (isOpen) askLatest();
    },
    [askLatest],
  );
  return { count, latest, connected, watchLatest };
}
