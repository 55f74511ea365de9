/**
 * A meeting's discussion room. Without JavaScript (and in 长辈版) it is a plain page: the latest
 * messages, older pages, a post form, a refresh link, and an auto-refresh only if the reader turns
 * it on. With JavaScript, Socket.IO brings messages as they are posted, catches up after a
 * reconnect, counts who is here and runs the speaker's countdown.
 */
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import {
  Form,
  Link,
  useActionData,
  useLoaderData,
  useRevalidator,
  useSearchParams,
} from "@remix-run/react";
import { useEffect, useMemo, useRef, useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import type { Socket } from "socket.io-client";
import { Notice, useFieldMessage } from "~/components/forms";
import { MESSAGE_MAX, TURN_SECONDS } from "~/domain/meetings/rules";
import type { Lng } from "~/i18n/config";
import type {
  ClientToServerEvents,
  MessageView,
  RoomJoined,
  RoomState,
  ServerToClientEvents,
} from "~/realtime/protocol";
import { meetingPage } from "~/services/meetings.server";
import { flagMessage, lowerHand, postMessage, raiseHand } from "~/services/room/commands.server";
import { moderation } from "~/services/room/moderation.server";
import { roomPage } from "~/services/room/queries.server";
import { intent, submitIntent } from "~/services/runner/form.server";
import { idParam, readForm, throwRefusal, type Refusal } from "~/utils/forms.server";
import { formatDateTime } from "~/utils/format";
import { readPreferences } from "~/utils/preferences.server";
import { getCurrent, requireSession } from "~/utils/session.server";
import { getT } from "~/i18n/i18next.server";

export const handle = { i18n: ["meeting"] };

const REFRESH_CHOICES = [15, 30, 60];

export const meta: MetaFunction<typeof loader> = ({ data }) => {
  if (!data) return [{ title: "六和议事 Liuhe" }];
  const out: ReturnType<MetaFunction> = [{ title: `${data.title} · 六和议事 Liuhe` }];
  if (data.refresh) out.push({ httpEquiv: "refresh", content: String(data.refresh) });
  return out;
};

export async function loader({ request, params }: LoaderFunctionArgs) {
  const id = idParam(params.id);
  const { actor } = await getCurrent(request);
  const url = new URL(request.url);
  const before = Number(url.searchParams.get("before")) || undefined;
  const refreshParam = Number(url.searchParams.get("refresh"));
  const room = await roomPage(actor, id, before).catch(throwRefusal);
  const info = await meetingPage(id, actor);
  const t = await getT(request, "meeting");
  return json({
    title: t("room.title", { topic: info.meeting.topic }),
    meetingId: id,
    topic: info.meeting.topic,
    agenda: info.agenda.map((a) => ({ id: a.id, title: a.title, minutes: a.minutes })),
    state: room.state,
    // Newest first: no scrolling needed to see what was just said.
    messages: [...room.page.messages].reverse(),
    older: room.page.more ? (room.page.messages[0]?.id ?? null) : null,
    paged: before !== undefined,
    pinned: room.pinned,
    me: actor.userId,
    canPost: room.canPost,
    canFlag: room.canFlag,
    canQueue: room.canQueue,
    moderator: room.moderator,
    review: room.review,
    refresh: REFRESH_CHOICES.includes(refreshParam) ? refreshParam : 0,
    lite: readPreferences(request).mode === "lite",
  });
}

export async function action({ request, params }: ActionFunctionArgs) {
  const id = idParam(params.id);
  const form = await readForm(request);
  const { actor } = await requireSession(request);
  const back = (done: string) => redirect(`/meetings/${id}/room?done=${done}`);
  const moderated = (name: string) => () => back(`mod-${name}`);
  return submitIntent(
    {
      post: intent(postMessage, () => back("posted")),
      flag: intent(flagMessage, ({ hidden }) => back(hidden ? "flaggedHidden" : "flagged")),
      raise: intent(raiseHand, () => back("raised")),
      lower: intent(lowerHand, () => back("lowered")),
      // The moderators' forms, named as the socket's `room:moderate` names them.
      hide: intent(moderation.hide, moderated("hide")),
      unhide: intent(moderation.unhide, moderated("unhide")),
      pin: intent(moderation.pin, moderated("pin")),
      unpin: intent(moderation.unpin, moderated("unpin")),
      mute: intent(moderation.mute, moderated("mute")),
      unmute: intent(moderation.unmute, moderated("unmute")),
      close: intent(moderation.close, moderated("close")),
      reopen: intent(moderation.reopen, moderated("reopen")),
      slowMode: intent(moderation.slowMode, moderated("slowMode")),
      agenda: intent(moderation.agenda, moderated("agenda")),
      floor: intent(moderation.floor, moderated("floor")),
      endFloor: intent(moderation.endFloor, moderated("endFloor")),
      lowerHand: intent(moderation.lowerHand, moderated("lowerHand")),
    },
    actor,
    form,
    { params: { meetingId: id } },
  );
}

type LiveSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

function Countdown({ until }: { until: string }) {
  const { t, i18n } = useTranslation("meeting");
  const [now, setNow] = useState<number | null>(null);
  useEffect(() => {
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  if (now === null)
    return <>{t("room.floorUntil", { at: formatDateTime(until, i18n.language as Lng) })}</>;
  const left = Math.max(0, Math.ceil((new Date(until).getTime() - now) / 1000));
  return (
    <span role="timer" aria-live="off">
      {t("room.secondsLeft", { seconds: left })}
    </span>
  );
}

function Message({
  m,
  me,
  moderator,
  canFlag,
  agendaTitle,
}: {
  m: MessageView;
  me: number | null;
  moderator: boolean;
  canFlag: boolean;
  agendaTitle: string | undefined;
}) {
  const { t, i18n } = useTranslation("meeting");
  const lng = i18n.language as Lng;
  return (
    <li className={`message${m.hidden ? " hidden-message" : ""}`} id={`m-${m.id}`}>
      <p className="hint">
        <strong>{m.author}</strong>
        {m.assisted && <> {t("common:assist.withAssistance")}</>} ·{" "}
        {formatDateTime(m.createdAt, lng)}
        {agendaTitle && <> · {agendaTitle}</>}
        {m.pinned && <> · {t("room.pinned")}</>}
      </p>
      {m.hidden && (
        <p className="hint">
          {m.hidden.byFlags
            ? t("room.hiddenByFlags")
            : t("room.hiddenByModerator", { reason: m.hidden.reason ?? "" })}
          {m.body !== null && m.userId === me && <> {t("room.onlyYouSee")}</>}
        </p>
      )}
      {m.body !== null && <p className="body">{m.body}</p>}
      <div className="buttons">
        {canFlag && m.userId !== me && !m.hidden && (
          <Form method="post" className="inline">
            <input type="hidden" name="intent" value="flag" />
            <input type="hidden" name="messageId" value={m.id} />
            <button type="submit">{t("room.flag")}</button>
          </Form>
        )}
        {moderator && (
          <>
            {m.hidden ? (
              <Form method="post" className="inline">
                <input type="hidden" name="intent" value="unhide" />
                <input type="hidden" name="messageId" value={m.id} />
                <button type="submit">{t("mod.unhide")}</button>
              </Form>
            ) : (
              <>
                <Form method="post" className="inline hide-form">
                  <input type="hidden" name="intent" value="hide" />
                  <input type="hidden" name="messageId" value={m.id} />
                  <label htmlFor={`hr-${m.id}`}>{t("mod.reason")}</label>
                  <input id={`hr-${m.id}`} name="reason" maxLength={200} required />
                  <button type="submit">{t("mod.hide")}</button>
                </Form>
                <Form method="post" className="inline">
                  <input type="hidden" name="intent" value={m.pinned ? "unpin" : "pin"} />
                  <input type="hidden" name="messageId" value={m.id} />
                  <button type="submit">{m.pinned ? t("mod.unpin") : t("mod.pin")}</button>
                </Form>
              </>
            )}
            {m.userId !== me && (
              <Form method="post" className="inline">
                <input type="hidden" name="intent" value="mute" />
                <input type="hidden" name="userId" value={m.userId} />
                <input type="hidden" name="minutes" value="10" />
                <input type="hidden" name="reason" value={t("mod.defaultMuteReason")} />
                <button type="submit">{t("mod.mute10", { name: m.author })}</button>
              </Form>
            )}
          </>
        )}
      </div>
    </li>
  );
}

const DONE = ["posted", "flagged", "flaggedHidden", "raised", "lowered"];

export default function Room() {
  const data = useLoaderData<typeof loader>();
  const refused = useActionData<Refusal>();
  const [params] = useSearchParams();
  const { t } = useTranslation(["meeting", "common"]);
  const message = useFieldMessage();
  const { revalidate } = useRevalidator();
  const revalidateRef = useRef(revalidate);
  revalidateRef.current = revalidate;

  const [live, setLive] = useState<MessageView[]>([]);
  const [state, setState] = useState<RoomState>(data.state);
  const [presence, setPresence] = useState<number | null>(null);
  const [liveError, setLiveError] = useState<string | null>(null);
  const [draft, setDraft] = useState(refused?.values.body ?? "");
  const socketRef = useRef<LiveSocket | null>(null);
  const lastId = useRef<number>(Math.max(0, ...data.messages.map((m) => m.id)));

  useEffect(() => setState(data.state), [data.state]);

  // Full mode only (长辈版 has no scripts): live messages, catch-up after reconnect, presence.
  useEffect(() => {
    if (data.paged) return;
    let cancelled = false;
    let socket: LiveSocket | null = null;
    void import("socket.io-client").then(({ io }) => {
      if (cancelled) return;
      socket = io({ transports: ["websocket", "polling"] });
      socketRef.current = socket;
      const add = (ms: MessageView[]) => {
        for (const m of ms) lastId.current = Math.max(lastId.current, m.id);
        setLive((old) => {
          const byId = new Map(old.map((m) => [m.id, m]));
          for (const m of ms) byId.set(m.id, m);
          return [...byId.values()];
        });
      };
      socket.on("connect", () => {
        // On every (re)connect ask for exactly what came after the last message we have.
        socket!.emit("room:join", { meetingId: data.meetingId, after: lastId.current }, (res) => {
          if (!res.ok) return setLiveError(res.error.message);
          const joined: RoomJoined = res.data;
          setLiveError(null);
          setState(joined.state);
          setPresence(joined.presence);
          add(joined.messages);
          if (joined.more) revalidateRef.current();
          document.documentElement.dataset.live = "on";
        });
      });
      socket.on("disconnect", () => delete document.documentElement.dataset.live);
      socket.on("room:message", (m) => m.meetingId === data.meetingId && add([m]));
      socket.on("room:messageChanged", (p) => {
        if (p.meetingId !== data.meetingId) return;
        socket!.emit(
          "room:message",
          { messageId: p.messageId },
          (res) => res.ok && add([res.data.message]),
        );
        revalidateRef.current();
      });
      socket.on("room:state", (s) => {
        if (s.meetingId !== data.meetingId) return;
        setState((old) => ({ ...s, mutes: old.mutes }));
        if (data.moderator) revalidateRef.current();
      });
      socket.on("room:presence", (p) => p.meetingId === data.meetingId && setPresence(p.count));
    });
    return () => {
      cancelled = true;
      socket?.disconnect();
      socketRef.current = null;
      delete document.documentElement.dataset.live;
    };
  }, [data.meetingId, data.paged, data.moderator]);

  const messages = useMemo(() => {
    const byId = new Map<number, MessageView>();
    for (const m of live) byId.set(m.id, m);
    for (const m of data.messages) byId.set(m.id, m); // the server's latest word wins
    const all = [...byId.values()].sort((a, b) => b.id - a.id);
    return data.paged ? data.messages : all;
  }, [live, data.messages, data.paged]);

  const agendaTitle = (id: number | null) => data.agenda.find((a) => a.id === id)?.title;
  const current = data.agenda.find((a) => a.id === state.currentAgendaItemId);
  const inQueue = state.queue.some((q) => q.userId === data.me);
  const done = params.get("done");

  async function sendLive(e: FormEvent<HTMLFormElement>) {
    const socket = socketRef.current;
    if (!socket?.connected) return; // no live connection: the form posts as usual
    e.preventDefault();
    const res = await socket
      .timeout(10_000)
      .emitWithAck("room:post", { meetingId: data.meetingId, body: draft })
      .catch(() => null);
    if (!res) return setLiveError(t("room.notSent"));
    if (!res.ok) return setLiveError(res.error.message);
    setLiveError(null);
    setDraft("");
    setLive((old) =>
      old.some((m) => m.id === res.data.message.id) ? old : [...old, res.data.message],
    );
  }

  return (
    <article aria-labelledby="room-title">
      <p>
        <Link to={`/meetings/${data.meetingId}`}>{data.topic}</Link>
      </p>
      <h1 id="room-title">{t("room.heading")}</h1>
      {done && DONE.includes(done) && <Notice>{t(`roomDone.${done}`)}</Notice>}
      {done?.startsWith("mod-") && <Notice>{t("roomDone.moderated")}</Notice>}
      {refused?.errors._form && (
        <div className="error-summary" role="alert">
          <p>{message(refused.errors._form)}</p>
        </div>
      )}
      {liveError && (
        <div className="error-summary" role="alert">
          <p>{liveError}</p>
        </div>
      )}

      <section aria-labelledby="state-title" className="card">
        <h2 id="state-title">{t("room.now")}</h2>
        <p>
          {state.roomOpen ? t("room.open") : t("room.closed")}
          {state.slowModeSeconds > 0 && (
            <> · {t("room.slowMode", { seconds: state.slowModeSeconds })}</>
          )}
          {presence !== null && <> · {t("room.presence", { count: presence })}</>}
        </p>
        {current && <p>{t("room.currentItem", { title: current.title })}</p>}
        {state.floor ? (
          <p>
            <strong>{t("room.floor", { name: state.floor.displayName })}</strong>{" "}
            <Countdown until={state.floor.until} />
          </p>
        ) : (
          <p>{t("room.noFloor")}</p>
        )}
        <p>
          {t("room.queue")}{" "}
          {state.queue.length === 0
            ? t("room.queueEmpty")
            : state.queue
                .map((q, i) => `${i + 1}. ${q.displayName}`)
                .join(t("common:listSeparator"))}
        </p>
        {data.canQueue && state.roomOpen && (
          <Form method="post">
            <input type="hidden" name="intent" value={inQueue ? "lower" : "raise"} />
            <button type="submit">{inQueue ? t("room.lowerHand") : t("room.raiseHand")}</button>
          </Form>
        )}
      </section>

      {data.pinned.length > 0 && (
        <section aria-labelledby="pinned-title">
          <h2 id="pinned-title">{t("room.pinnedTitle")}</h2>
          <ul className="plain">
            {data.pinned.map((m) => (
              <li key={m.id} className="card">
                <strong>{m.author}</strong>: {m.body}
              </li>
            ))}
          </ul>
        </section>
      )}

      {data.canPost && state.roomOpen && (
        <Form method="post" className="card post-form" onSubmit={sendLive}>
          <input type="hidden" name="intent" value="post" />
          <div className={`field${refused?.errors.body ? " has-error" : ""}`}>
            <label htmlFor="f-body">{t("room.say")}</label>
            {refused?.errors.body && (
              <p className="error" id="f-body-error">
                {message(refused.errors.body)}
              </p>
            )}
            <textarea
              id="f-body"
              name="body"
              rows={3}
              maxLength={MESSAGE_MAX}
              value={draft}
              onChange={(e) => setDraft(e.target.value)}
              aria-describedby={refused?.errors.body ? "f-body-error" : undefined}
              aria-invalid={refused?.errors.body ? true : undefined}
            />
          </div>
          <button type="submit" className="primary">
            {t("room.send")}
          </button>
        </Form>
      )}
      {!data.canPost && (
        <p className="hint">{t(data.me ? "room.cannotPost" : "room.signInToPost")}</p>
      )}

      <p className="buttons">
        <a
          className="button"
          href={`/meetings/${data.meetingId}/room${data.refresh ? `?refresh=${data.refresh}` : ""}`}
        >
          {t("room.refresh")}
        </a>
        {data.refresh ? (
          <a className="button" href={`/meetings/${data.meetingId}/room`}>
            {t("room.autoRefreshOff")}
          </a>
        ) : (
          <a className="button" href={`/meetings/${data.meetingId}/room?refresh=30`}>
            {t("room.autoRefreshOn")}
          </a>
        )}
      </p>

      <section aria-labelledby="messages-title">
        <h2 id="messages-title">{t("room.messages")}</h2>
        {messages.length === 0 && <p>{t("room.noMessages")}</p>}
        <ul className="plain messages" aria-live="polite">
          {messages.map((m) => (
            <Message
              key={m.id}
              m={m}
              me={data.me}
              moderator={data.moderator}
              canFlag={data.canFlag}
              agendaTitle={agendaTitle(m.agendaItemId)}
            />
          ))}
        </ul>
        {data.older && (
          <p>
            <Link to={`?before=${data.older}`}>{t("room.older")}</Link>
          </p>
        )}
        {data.paged && (
          <p>
            <Link to={`/meetings/${data.meetingId}/room`}>{t("room.latest")}</Link>
          </p>
        )}
      </section>

      {data.moderator && (
        <section aria-labelledby="mod-title" className="card">
          <h2 id="mod-title">{t("mod.title")}</h2>
          <Form method="post">
            <input type="hidden" name="intent" value={state.roomOpen ? "close" : "reopen"} />
            <button type="submit">{state.roomOpen ? t("mod.close") : t("mod.reopen")}</button>
          </Form>
          <Form method="post">
            <input type="hidden" name="intent" value="slowMode" />
            <div className="field">
              <label htmlFor="slow-seconds">{t("mod.slowMode")}</label>
              <select id="slow-seconds" name="seconds" defaultValue={String(state.slowModeSeconds)}>
                {[0, 10, 30, 60, 120].map((s) => (
                  <option key={s} value={s}>
                    {s === 0 ? t("mod.slowOff") : t("mod.slowEvery", { seconds: s })}
                  </option>
                ))}
              </select>
            </div>
            <button type="submit">{t("mod.apply")}</button>
          </Form>
          {data.agenda.length > 0 && (
            <Form method="post">
              <input type="hidden" name="intent" value="agenda" />
              <div className="field">
                <label htmlFor="agenda-item">{t("mod.currentItem")}</label>
                <select
                  id="agenda-item"
                  name="agendaItemId"
                  defaultValue={String(state.currentAgendaItemId ?? "")}
                >
                  {data.agenda.map((a) => (
                    <option key={a.id} value={a.id}>
                      {a.title}
                    </option>
                  ))}
                </select>
              </div>
              <button type="submit">{t("mod.apply")}</button>
            </Form>
          )}
          <Form method="post">
            <input type="hidden" name="intent" value="floor" />
            <div className="field">
              <label htmlFor="floor-who">{t("mod.floorWho")}</label>
              <select id="floor-who" name="userId" defaultValue="">
                <option value="">{t("mod.floorNext")}</option>
                {state.queue.map((q) => (
                  <option key={q.userId} value={q.userId}>
                    {q.displayName}
                  </option>
                ))}
              </select>
            </div>
            <div className="field">
              <label htmlFor="floor-seconds">{t("mod.turn")}</label>
              <select id="floor-seconds" name="seconds" defaultValue="120">
                {TURN_SECONDS.map((s) => (
                  <option key={s} value={s}>
                    {t("mod.minutes", { minutes: s / 60 })}
                  </option>
                ))}
              </select>
            </div>
            <button type="submit" className="primary">
              {t("mod.giveFloor")}
            </button>
          </Form>
          {state.floor && (
            <Form method="post">
              <input type="hidden" name="intent" value="endFloor" />
              <button type="submit">{t("mod.endFloor")}</button>
            </Form>
          )}
          {state.mutes.length > 0 && (
            <>
              <h3>{t("mod.muted")}</h3>
              <ul className="plain">
                {state.mutes.map((mu) => (
                  <li key={mu.userId} className="row">
                    <span>
                      {mu.displayName} · {mu.reason}
                    </span>
                    <Form method="post" className="inline">
                      <input type="hidden" name="intent" value="unmute" />
                      <input type="hidden" name="userId" value={mu.userId} />
                      <button type="submit">{t("mod.unmute", { name: mu.displayName })}</button>
                    </Form>
                  </li>
                ))}
              </ul>
            </>
          )}
          <h3>{t("mod.review")}</h3>
          {data.review.length === 0 ? (
            <p>{t("mod.reviewEmpty")}</p>
          ) : (
            <ul className="plain">
              {data.review.map((r) => (
                <li key={r.id} className="card">
                  <p>
                    <strong>{r.author}</strong>: {r.body}{" "}
                    <span className="hint">{t("mod.flags", { count: r.openFlags })}</span>
                  </p>
                  <p className="hint">{r.hidden ? t("room.hiddenByFlags") : t("mod.stillShown")}</p>
                  <p>
                    <a href={`#m-${r.id}`}>{t("mod.goTo")}</a>
                  </p>
                </li>
              ))}
            </ul>
          )}
        </section>
      )}
    </article>
  );
}
