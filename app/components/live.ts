/**
 * Full mode only: listen on Socket.IO channels and reload the page's data when something changes
 * there. 长辈版 pages run no script, so they simply show what was true when loaded (and have a
 * reload link where it matters). socket.io-client is loaded on demand, not on first paint.
 */
import { useRevalidator } from "@remix-run/react";
import { useEffect, useRef } from "react";
import type { Socket } from "socket.io-client";
import type { ClientToServerEvents, ServerToClientEvents } from "~/realtime/protocol";

export function useLiveRevalidation(channels: string[]) {
  const { revalidate } = useRevalidator();
  const revalidateRef = useRef(revalidate);
  revalidateRef.current = revalidate;
  const key = channels.join(",");

  useEffect(() => {
    if (!key) return;
    let cancelled = false;
    let disconnect = () => {};
    void import("socket.io-client").then(({ io }) => {
      if (cancelled) return;
      const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io({
        transports: ["websocket", "polling"],
      });
      socket.on("connect", () => {
        const channels = key.split(",");
        let acked = 0;
        for (const channel of channels) {
          socket.emit("subscribe", { channel }, () => {
            // Marks the page as live once every channel answered (tests wait for it).
            if (++acked === channels.length) document.documentElement.dataset.live = "on";
          });
        }
      });
      socket.on("disconnect", () => delete document.documentElement.dataset.live);
      socket.on("changed", () => revalidateRef.current());
      disconnect = () => socket.disconnect();
    });
    return () => {
      cancelled = true;
      disconnect();
      delete document.documentElement.dataset.live;
    };
  }, [key]);
}
