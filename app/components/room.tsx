/**
 * Pieces of the meeting room page: a message with its buttons, the speaker's countdown, and the
 * moderators' panel. Every button is a plain form naming its command in `intent`, so each works
 * without JavaScript.
 */
import { useShownName } from "~/components/person";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import {
  DEFAULT_TURN_SECONDS,
  QUICK_MUTE_MINUTES,
  MODERATION_REASON_MAX,
  SLOW_MODE_CHOICES,
  TURN_SECONDS,
} from "~/domain/meetings/rules";
import type { Lng } from "~/i18n/config";
import { IntentForm, SelectField } from "./forms";
import type { MessageView, RoomState } from "~/realtime/protocol";
import { formatDateTime } from "~/utils/format";

/** The seconds left of the speaker's turn, ticking; the end time until the script runs. */
export function Countdown({ until }: { until: string }) {
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

/** What is happening now: open or closed, pace, who is here, the agenda item, floor and queue. */
export function RoomNow({
  state,
  presence,
  current,
  me,
  canQueue,
}: {
  state: RoomState;
  presence: number | null;
  /** The title of the agenda item under discussion. */
  current: string | undefined;
  me: number | null;
  canQueue: boolean;
}) {
  const { t } = useTranslation(["meeting", "common"]);
  const shown = useShownName();
  const inQueue = state.queue.some((q) => q.userId === me);
  return (
    <section aria-labelledby="state-title" className="card">
      <h2 id="state-title">{t("room.now")}</h2>
      <p>
        {state.roomOpen ? t("room.open") : t("room.closed")}
        {state.slowModeSeconds > 0 && (
          <> · {t("room.slowMode", { seconds: state.slowModeSeconds })}</>
        )}
        {presence !== null && <> · {t("room.presence", { count: presence })}</>}
      </p>
      {current && <p>{t("room.currentItem", { title: current })}</p>}
      {state.floor ? (
        <p>
          <strong>{t("room.floor", { name: shown(state.floor.displayName) })}</strong>{" "}
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
              .map((q, i) => `${i + 1}. ${shown(q.displayName)}`)
              .join(t("common:listSeparator"))}
      </p>
      {canQueue && state.roomOpen && (
        <IntentForm intent={inQueue ? "lower" : "raise"}>
          <button type="submit">{inQueue ? t("room.lowerHand") : t("room.raiseHand")}</button>
        </IntentForm>
      )}
    </section>
  );
}

/** A one-button form among a message's buttons; a `quiet` one looks like a link. */
function Button({
  children,
  quiet = false,
  ...form
}: {
  intent: string;
  ids?: Record<string, string | number>;
  quiet?: boolean;
  children: string;
}) {
  return (
    <IntentForm {...form} className="inline">
      <button type="submit" className={quiet ? "quiet" : undefined}>
        {children}
      </button>
    </IntentForm>
  );
}

export function Message({
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
  const shown = useShownName();
  const lng = i18n.language as Lng;
  const messageId = { messageId: m.id };
  return (
    <li className={`message${m.hidden ? " hidden-message" : ""}`} id={`m-${m.id}`}>
      <p className="hint">
        <strong>{shown(m.author)}</strong>
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
          // Every message has one: a bordered button each would weigh the list down.
          <Button intent="flag" ids={messageId} quiet>
            {t("room.flag")}
          </Button>
        )}
        {moderator && (
          <>
            {m.hidden ? (
              <Button intent="unhide" ids={messageId}>
                {t("mod.unhide")}
              </Button>
            ) : (
              <>
                <IntentForm intent="hide" ids={messageId} className="inline hide-form">
                  <label htmlFor={`hr-${m.id}`}>{t("mod.reason")}</label>
                  <input
                    id={`hr-${m.id}`}
                    name="reason"
                    maxLength={MODERATION_REASON_MAX}
                    required
                  />
                  <button type="submit">{t("mod.hide")}</button>
                </IntentForm>
                <Button intent={m.pinned ? "unpin" : "pin"} ids={messageId}>
                  {m.pinned ? t("mod.unpin") : t("mod.pin")}
                </Button>
              </>
            )}
            {m.userId !== me && (
              <Button
                intent="mute"
                ids={{
                  userId: m.userId,
                  minutes: QUICK_MUTE_MINUTES,
                  reason: t("mod.defaultMuteReason"),
                }}
              >
                {t("mod.muteFor", { name: shown(m.author), minutes: QUICK_MUTE_MINUTES })}
              </Button>
            )}
          </>
        )}
      </div>
    </li>
  );
}

/** The moderators' controls: open or close, pace, agenda item, the floor, mutes, flags to review. */
export function ModerationPanel({
  state,
  agenda,
  review,
}: {
  state: RoomState;
  agenda: Array<{ id: number; title: string }>;
  review: Array<MessageView & { openFlags: number }>;
}) {
  const { t } = useTranslation(["meeting", "common"]);
  const shown = useShownName();
  return (
    <section aria-labelledby="mod-title" className="card">
      <h2 id="mod-title">{t("mod.title")}</h2>
      <IntentForm intent={state.roomOpen ? "close" : "reopen"}>
        <button type="submit">{state.roomOpen ? t("mod.close") : t("mod.reopen")}</button>
      </IntentForm>
      <IntentForm intent="slowMode">
        <SelectField
          id="slow-seconds"
          name="seconds"
          label={t("mod.slowMode")}
          options={SLOW_MODE_CHOICES.map((s) => ({
            value: String(s),
            label: s === 0 ? t("mod.slowOff") : t("mod.slowEvery", { seconds: s }),
          }))}
          defaultValue={String(state.slowModeSeconds)}
        />
        <button type="submit">{t("mod.apply")}</button>
      </IntentForm>
      {agenda.length > 0 && (
        <IntentForm intent="agenda">
          <SelectField
            id="agenda-item"
            name="agendaItemId"
            label={t("mod.currentItem")}
            options={agenda.map((a) => ({ value: String(a.id), label: a.title }))}
            defaultValue={String(state.currentAgendaItemId ?? "")}
          />
          <button type="submit">{t("mod.apply")}</button>
        </IntentForm>
      )}
      <IntentForm intent="floor">
        <SelectField
          id="floor-who"
          name="userId"
          label={t("mod.floorWho")}
          empty={t("mod.floorNext")}
          options={state.queue.map((q) => ({
            value: String(q.userId),
            label: shown(q.displayName),
          }))}
        />
        <SelectField
          id="floor-seconds"
          name="seconds"
          label={t("mod.turn")}
          options={TURN_SECONDS.map((s) => ({
            value: String(s),
            label: t("mod.minutes", { minutes: s / 60 }),
          }))}
          defaultValue={String(DEFAULT_TURN_SECONDS)}
        />
        <button type="submit" className="primary">
          {t("mod.giveFloor")}
        </button>
      </IntentForm>
      {state.floor && (
        <IntentForm intent="endFloor">
          <button type="submit">{t("mod.endFloor")}</button>
        </IntentForm>
      )}
      {state.mutes.length > 0 && (
        <>
          <h3>{t("mod.muted")}</h3>
          <ul className="plain">
            {state.mutes.map((mu) => (
              <li key={mu.userId} className="row">
                <span>
                  {shown(mu.displayName)} · {mu.reason}
                </span>
                <Button intent="unmute" ids={{ userId: mu.userId }}>
                  {t("mod.unmute", { name: shown(mu.displayName) })}
                </Button>
              </li>
            ))}
          </ul>
        </>
      )}
      <h3>{t("mod.review")}</h3>
      {review.length === 0 ? (
        <p>{t("mod.reviewEmpty")}</p>
      ) : (
        <ul className="plain">
          {review.map((r) => (
            <li key={r.id} className="card">
              <p>
                <strong>{shown(r.author)}</strong>: {r.body}{" "}
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
  );
}
