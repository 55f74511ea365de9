/**
 * The room page's live updates (full mode only; 长辈版 runs no script): Socket.IO brings messages
 * as they are posted, catches up exactly after a reconnect, counts who is here, and sends posts
 * with an acknowledgement after the commit. Without a connection the page's forms post as usual.
 * socket.io-client is loaded on demand, not on first paint.
 */
import { useEffect, useMemo, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { MESSAGE_MAX, messageLength } from "~/domain/meetings/rules";
import type { MessageView, RoomJoined, RoomState } from "~/realtime/protocol";
import { droppedForSize, useSocket } from "./live";

export interface RoomLiveData {
  meetingId: number;
  /** An older page is shown: it stays as loaded. */
  paged: boolean;
  moderator: boolean;
  /** As loaded, newest first. */
  messages: MessageView[];
  state: RoomState;
}

export type LiveStatus = "waiting" | "on" | "off";

/** One of each message, the last copy of it winning, in the order they first came. */
const byId = (ms: MessageView[]) => [...new Map(ms.map((m) => [m.id, m])).values()];

export function useRoomLive(data: RoomLiveData) {
  const { t } = useTranslation("meeting");
  const [live, setLive] = useState<MessageView[]>([]);
  const [state, setState] = useState<RoomState>(data.state);
  const [presence, setPresence] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  /** Why the last post was not sent; it stays after a reconnect, until a post goes through. */
  const [sendError, setSendError] = useState<string | null>(null);
  const lastId = useRef<number>(Math.max(0, ...data.messages.map((m) => m.id)));
  /**
   * Whether messages come by themselves: "on" once the room is joined; "off" on an older page
   * (it stays as loaded), when the connection drops or the join is refused; "waiting" until the
   * first join (and on the server). The page offers its refresh links only when not "on".
   */
  const [status, setStatus] = useState<LiveStatus>(data.paged ? "off" : "waiting");

  useEffect(() => setState(data.state), [data.state]);
  useEffect(() => setStatus(data.paged ? "off" : "waiting"), [data.paged]);

  // An older page stays as loaded; a moderator's page also reloads when the room's state changes.
  const key = data.paged ? null : `${data.meetingId}:${data.moderator}`;
  const socketRef = useSocket(key, (socket, revalidate) => {
    const add = (ms: MessageView[]) => {
      for (const m of ms) lastId.current = Math.max(lastId.current, m.id);
      setLive((old) => byId([...old, ...ms]));
    };
    // On every (re)connect, and when a message shows that one before it never came, ask for
    // exactly what came after the last message we have.
    const catchUp = () =>
      socket.emit("room:join", { meetingId: data.meetingId, after: lastId.current }, (res) => {
        if (!res.ok) {
          setStatus("off");
          return setError(res.error.message);
        }
        const joined: RoomJoined = res.data;
        setError(null);
        setStatus("on");
        setState(joined.state);
        setPresence(joined.presence);
        add(joined.messages);
        if (joined.more) revalidate();
        document.documentElement.dataset.live = "on";
      });
    socket.on("connect", catchUp);
    socket.on("disconnect", () => setStatus("off"));
    socket.on("connect_error", () => setStatus("off"));
    socket.on("room:message", (m) => {
      if (m.meetingId !== data.meetingId) return;
      if (m.prev !== null && m.prev > lastId.current) catchUp();
      add([m]);
    });
    socket.on("room:messageChanged", (p) => {
      if (p.meetingId !== data.meetingId) return;
      socket.emit(
        "room:message",
        { messageId: p.messageId },
        (res) => res.ok && add([res.data.message]),
      );
      revalidate();
    });
    socket.on("room:state", (s) => {
      if (s.meetingId !== data.meetingId) return;
      setState((old) => ({ ...s, mutes: old.mutes }));
      if (data.moderator) revalidate();
    });
    socket.on("room:presence", (p) => p.meetingId === data.meetingId && setPresence(p.count));
  });

  const messages = useMemo(() => {
    if (data.paged) return data.messages;
    // The server's latest word wins.
    return byId([...live, ...data.messages]).sort((a, b) => b.id - a.id);
  }, [live, data.messages, data.paged]);

  return {
    messages,
    state,
    status,
    presence,
    error,
    sendError,
    /** Whether posts go over the socket; if not, the form posts as usual. */
    connected: () => socketRef.current?.connected === true,
    /**
     * Sends a post and shows it once acknowledged; false (with the error shown) if refused or not
     * sent. The page keeps the draft either way.
     */
    async post(body: string): Promise<boolean> {
      const socket = socketRef.current;
      if (!socket) return false;
      // Refused here, with the server's own words, before it is sent.
      if (messageLength(body) > MESSAGE_MAX) {
        setSendError(t("common:errors.tooLong", { max: MESSAGE_MAX }));
        return false;
      }
      // A connection that drops (or is closed by the server for size) with the post on its way
      // fails it at once; the reader is told so even after the socket reconnects by itself.
      const drop = { seen: false, forSize: false };
      const onDrop = (_reason: string, details?: unknown) => {
        drop.seen = true;
        drop.forSize = droppedForSize(details);
      };
      socket.once("disconnect", onDrop);
      const res = await socket
        .timeout(10_000)
        .emitWithAck("room:post", { meetingId: data.meetingId, body })
        .catch(() => null);
      socket.off("disconnect", onDrop);
      if (!res?.ok) {
        if (res) setSendError(res.error.message);
        else if (drop.forSize) setSendError(t("room.cutTooLarge"));
        else if (drop.seen) setSendError(t("room.cutNotSent"));
        else setSendError(t("room.notSent"));
        return false;
      }
      setError(null);
      setSendError(null);
      const sent = res.data.message;
      setLive((old) => (old.some((m) => m.id === sent.id) ? old : [...old, sent]));
      return true;
    },
  };
}
