/**
 * A meeting's discussion room. Without JavaScript (and in 长辈版) it is a plain page: the latest
 * messages, older pages, a post form, a refresh link, and an auto-refresh only if the reader turns
 * it on. With JavaScript, Socket.IO brings messages as they are posted, catches up after a
 * reconnect, counts who is here and runs the speaker's countdown (`~/components/room-live`); the
 * refresh links then go, and come back only while the connection is down.
 */
import { useShownName } from "~/components/person";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { IntentForm, Notice, TextArea, useFieldMessage } from "~/components/forms";
import { Message, ModerationPanel, RoomNow } from "~/components/room";
import { useRoomLive } from "~/components/room-live";
import { MESSAGE_MAX } from "~/domain/meetings/rules";
import { getT } from "~/i18n/i18next.server";
import { useRootData } from "~/root";
import { meetingPage } from "~/services/meetings/queries.server";
import { flagMessage, lowerHand, postMessage, raiseHand } from "~/services/room/commands.server";
import { moderation } from "~/services/room/moderation.server";
import { roomPage } from "~/services/room/queries.server";
import type { AnyCommand } from "~/services/runner/command.server";
import { intent, submitIntent, type Intent } from "~/services/runner/form.server";
import { idParam, readForm, throwRefusal, type Refusal } from "~/utils/forms.server";
import { getCurrent, requireSession } from "~/utils/session.server";

export const handle = { i18n: ["meeting"] };

/** Auto-refresh is the reader's choice (`?refresh=`), among these seconds; the link offers one. */
const REFRESH_CHOICES = [15, 30, 60];
const REFRESH_OFFERED = 30;

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
  const { page, ...room } = await roomPage(actor, id, before).catch(throwRefusal);
  const info = await meetingPage(id, actor);
  const t = await getT(request, "meeting");
  return json({
    title: t("room.title", { topic: info.meeting.topic }),
    meetingId: id,
    topic: info.meeting.topic,
    agenda: info.agenda.map((a) => ({ id: a.id, title: a.title, minutes: a.minutes })),
    // Newest first: no scrolling needed to see what was just said.
    messages: [...page.messages].reverse(),
    older: page.more ? (page.messages[0]?.id ?? null) : null,
    paged: before !== undefined,
    me: actor.userId,
    ...room,
    refresh: REFRESH_CHOICES.includes(refreshParam) ? refreshParam : 0,
  });
}

export async function action({ request, params }: ActionFunctionArgs) {
  const id = idParam(params.id);
  const form = await readForm(request);
  const { actor } = await requireSession(request);
  const back = (done: string) => redirect(`/meetings/${id}/room?done=${done}`);
  // The moderators' forms, named as the socket's `room:moderate` names them; all answer alike.
  const moderated = Object.entries(moderation).map(([name, cmd]): [string, Intent] => [
    name,
    intent(cmd as unknown as AnyCommand, () => back(`mod-${name}`)),
  ]);
  return submitIntent(
    {
      post: intent(postMessage, () => back("posted")),
      flag: intent(flagMessage, ({ hidden }) => back(hidden ? "flaggedHidden" : "flagged")),
      raise: intent(raiseHand, () => back("raised")),
      lower: intent(lowerHand, () => back("lowered")),
      ...Object.fromEntries(moderated),
    },
    actor,
    form,
    { params: { meetingId: id } },
  );
}

const DONE = ["posted", "flagged", "flaggedHidden", "raised", "lowered"];

export default function Room() {
  const data = useLoaderData<typeof loader>();
  const refused = useActionData<Refusal>();
  const [params] = useSearchParams();
  const { t } = useTranslation(["meeting", "common"]);
  const shown = useShownName();
  const message = useFieldMessage();
  const live = useRoomLive(data);
  const lite = useRootData()?.mode === "lite";
  const { state, messages } = live;
  const [draft, setDraft] = useState(refused?.values.body ?? "");

  /** This room's own address: the latest messages, no auto-refresh. */
  const here = `/meetings/${data.meetingId}/room`;
  const agendaTitle = (id: number | null) => data.agenda.find((a) => a.id === id)?.title;
  const current = data.agenda.find((a) => a.id === state.currentAgendaItemId);
  const done = params.get("done");
  // The post form shows its own error; the rest (a moderator's form, a tampered one) show here.
  const { body: bodyError, ...otherErrors } = refused?.errors ?? {};

  const autoRefreshOff = (
    <a className="button" href={here}>
      {t("room.autoRefreshOff")}
    </a>
  );
  // Refreshing by hand is for a page without live updates: 长辈版, no script, or the connection down.
  const refreshLinks = (
    <p className="buttons">
      <a className="button" href={`${here}${data.refresh ? `?refresh=${data.refresh}` : ""}`}>
        {t("room.refresh")}
      </a>
      {data.refresh ? (
        autoRefreshOff
      ) : (
        <a className="button" href={`${here}?refresh=${REFRESH_OFFERED}`}>
          {t("room.autoRefreshOn", { seconds: REFRESH_OFFERED })}
        </a>
      )}
    </p>
  );

  async function sendLive(e: FormEvent<HTMLFormElement>) {
    if (!live.connected()) return; // no live connection: the form posts as usual
    e.preventDefault();
    if (await live.post(draft)) setDraft("");
  }

  return (
    <article aria-labelledby="room-title">
      <p>
        <Link to={`/meetings/${data.meetingId}`}>{data.topic}</Link>
      </p>
      <h1 id="room-title">{t("room.heading")}</h1>
      {done && DONE.includes(done) && <Notice>{t(`roomDone.${done}`)}</Notice>}
      {done?.startsWith("mod-") && <Notice>{t("roomDone.moderated")}</Notice>}
      {Object.keys(otherErrors).length > 0 && (
        <div className="error-summary" role="alert">
          {Object.entries(otherErrors).map(([field, e]) => (
            <p key={field}>{message(e)}</p>
          ))}
        </div>
      )}
      {(live.error || live.sendError) && (
        <div className="error-summary" role="alert">
          {live.error && <p>{live.error}</p>}
          {live.sendError && <p>{live.sendError}</p>}
        </div>
      )}

      <RoomNow
        state={state}
        presence={live.presence}
        current={current?.title}
        me={data.me}
        canQueue={data.canQueue}
      />

      {data.pinned.length > 0 && (
        <section aria-labelledby="pinned-title">
          <h2 id="pinned-title">{t("room.pinnedTitle")}</h2>
          <ul className="plain">
            {data.pinned.map((m) => (
              <li key={m.id} className="card">
                <strong>{shown(m.author)}</strong>: {m.body}
              </li>
            ))}
          </ul>
        </section>
      )}

      {data.canPost && state.roomOpen && (
        <IntentForm intent="post" className="card post-form" onSubmit={sendLive}>
          <TextArea
            name="body"
            label={t("room.say")}
            error={bodyError}
            rows={3}
            maxLength={MESSAGE_MAX}
            value={draft}
            onChange={(e) => setDraft(e.target.value)}
          />
          <button type="submit" className="primary">
            {t("room.send")}
          </button>
        </IntentForm>
      )}
      {!data.canPost && (
        <p className="hint">{t(data.me ? "room.cannotPost" : "room.signInToPost")}</p>
      )}

      {lite || live.status === "off" ? (
        refreshLinks
      ) : live.status === "waiting" ? (
        // Until the room is joined: for a browser that runs no script (the server cannot tell).
        <noscript>{refreshLinks}</noscript>
      ) : data.refresh ? (
        // Live, yet the page reloads by itself (the reader turned it on): say how to stop it.
        <p className="buttons">{autoRefreshOff}</p>
      ) : null}

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
            <Link to={here}>{t("room.latest")}</Link>
          </p>
        )}
      </section>

      {data.moderator && (
        <ModerationPanel state={state} agenda={data.agenda} review={data.review} />
      )}
    </article>
  );
}
