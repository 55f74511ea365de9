/** Pieces shared by council, meeting and community pages. */
import { Link } from "@remix-run/react";
import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import type { Lng } from "~/i18n/config";
import { formatDate, formatDateTime, formatTime } from "~/utils/format";

export interface MeetingRow {
  id: number;
  topic: string;
  startsAt: string;
  /** When given, the entry shows when the meeting ends too. */
  endsAt?: string;
  place: string;
  status: "scheduled" | "live" | "closed" | "published";
  /** Named where meetings of several councils share one list (the community page). */
  councilName?: string;
  /** A live meeting's room, as the main way in, for a viewer who may read it. */
  canEnterRoom?: boolean;
  /** Whether the signed-in viewer has signed up (null or absent: not said). */
  signedUp?: boolean | null;
  /** The seat the viewer was invited to, if any. */
  invitedAs?: string | null;
  /** Set when the committee cancelled it; the list says so, with the reason. */
  cancelledAt?: string | null;
  cancelReason?: string | null;
}

/** A meeting's start, and its end when given: on the same day only the end's time is repeated. */
export function meetingTimes(m: { startsAt: string; endsAt?: string }, lng: Lng): string {
  const start = formatDateTime(m.startsAt, lng);
  if (m.endsAt === undefined) return start;
  const sameDay = formatDate(m.startsAt, lng) === formatDate(m.endsAt, lng);
  return `${start} – ${sameDay ? formatTime(m.endsAt, lng) : formatDateTime(m.endsAt, lng)}`;
}

export function MeetingList({ meetings }: { meetings: MeetingRow[] }) {
  const { t, i18n } = useTranslation("meeting");
  const lng = i18n.language as Lng;
  return (
    <ul className="plain">
      {meetings.map((m) => (
        <li key={m.id} className="card">
          <h3>
            <Link to={`/meetings/${m.id}`}>{m.topic}</Link>{" "}
            {m.cancelledAt ? (
              <span className="badge status-cancelled">{t("status.cancelled")}</span>
            ) : (
              <span className={`badge status-${m.status}`}>{t(`status.${m.status}`)}</span>
            )}
            {m.signedUp && (
              <>
                {" "}
                <strong className="badge voted">{t("meeting.signedUp")}</strong>
              </>
            )}
            {m.signedUp === false && m.invitedAs && (
              <span className="hint"> · {t("meeting.invitedNotYet")}</span>
            )}
          </h3>
          <p className="hint">
            {meetingTimes(m, lng)} · {m.place}
            {m.councilName && <> · {m.councilName}</>}
          </p>
          {m.cancelledAt && m.cancelReason && (
            <p className="hint">{t("meeting.cancelledBecause", { reason: m.cancelReason })}</p>
          )}
          {m.status === "live" && m.canEnterRoom && (
            <p>
              <Link className="button primary big" to={`/meetings/${m.id}/room`}>
                {t("meeting.openRoom")}
              </Link>
            </p>
          )}
        </li>
      ))}
    </ul>
  );
}

export interface CommitmentRow {
  id: number;
  meetingId: number;
  meetingTopic?: string;
  what: string;
  ownerKind: "person" | "department" | "organisation";
  ownerName: string;
  dueDate: string;
  status: "open" | "in_progress" | "done" | "dropped";
  overdue: boolean;
}

/** Commitments as cards; `more` adds to a card what only one page shows (updates, a form). */
export function CommitmentList<C extends CommitmentRow>({
  items,
  showMeeting,
  more,
}: {
  items: C[];
  showMeeting?: boolean;
  more?: (c: C) => ReactNode;
}) {
  const { t } = useTranslation("meeting");
  return (
    <ul className="plain">
      {items.map((c) => (
        <li key={c.id} className={`card${c.overdue ? " overdue" : ""}`}>
          <p>
            <strong>{c.what}</strong>{" "}
            <span className={`badge commitment-${c.status}`}>
              {t(`commitmentStatus.${c.status}`)}
            </span>{" "}
            {c.overdue && <strong className="badge declined">{t("commitments.overdue")}</strong>}
          </p>
          <p className="hint">
            {t("commitments.owner", { kind: t(`ownerKind.${c.ownerKind}`), name: c.ownerName })} ·{" "}
            {t("commitments.due", { date: c.dueDate })}
            {showMeeting && c.meetingTopic && (
              <>
                {" · "}
                <Link to={`/meetings/${c.meetingId}`}>{c.meetingTopic}</Link>
              </>
            )}
          </p>
          {more?.(c)}
        </li>
      ))}
    </ul>
  );
}
