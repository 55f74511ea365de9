/**
 * Full mode only: listen on Socket.IO channels and reload the page's data when something changes
 * there. 长辈版 pages run no script, so they simply show what was true when loaded (and have a
 * reload link where it matters). socket.io-client is loaded on demand, not on first paint.
 */
import { useRevalidator } from "@remix-run/react";
import { useEffect, useRef } from "react";
import type { Socket } from "socket.io-client";
import type { ClientToServerEvents, ServerToClientEvents } from "~/realtime/protocol";

export type LiveSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/**
 * Whether the server closed the connection because what was sent was past its ceiling: a
 * WebSocket closed with 1009 ("message too big"; `details` is the second argument of the
 * socket's "disconnect"). Long polling cannot tell it from any other drop.
 */
export function droppedForSize(details: unknown): boolean {
  const context = (details as { context?: { code?: unknown } } | undefined)?.context;
  return context?.code === 1009;
}

/**
 * A socket for as long as `key` stays the same (none while it is null): `setup` adds its listeners
 * and is handed a way to reload the page's data. The page is marked live (`data-live`, tests wait
 * for it) by `setup`, and unmarked when the connection drops or the page leaves.
 */
export function useSocket(
  key: string | null,
  setup: (socket: LiveSocket, revalidate: () => void) => void,
) {
  const { revalidate } = useRevalidator();
  const latest = useRef({ revalidate, setup });
  latest.current = { revalidate, setup };
  const socketRef = useRef<LiveSocket | null>(null);

  useEffect(() => {
    if (key === null) return;
    let cancelled = false;
    void import("socket.io-client").then(({ io }) => {
      if (cancelled) return;
      // A WebSocket first (one connection for the whole session); where a network blocks it,
      // long polling, at once (without tryAllTransports the client would retry the WebSocket only).
      const socket: LiveSocket = io({
        transports: ["websocket", "polling"],
        tryAllTransports: true,
      });
      socketRef.current = socket;
      socket.on("disconnect", () => delete document.documentElement.dataset.live);
      latest.current.setup(socket, () => latest.current.revalidate());
    });
    return () => {
      cancelled = true;
      socketRef.current?.disconnect();
      socketRef.current = null;
      delete document.documentElement.dataset.live;
    };
  }, [key]);
  return socketRef;
}

export function useLiveRevalidation(channels: string[]) {
  useSocket(channels.join(",") || null, (socket, revalidate) => {
    socket.on("connect", () => {
      let acked = 0;
      for (const channel of channels) {
        socket.emit("subscribe", { channel }, () => {
          // Marks the page as live once every channel answered (tests wait for it).
          if (++acked === channels.length) document.documentElement.dataset.live = "on";
        });
      }
    });
    socket.on("changed", revalidate);
  });
}
