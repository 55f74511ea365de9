/** Pieces shared by council, meeting and community pages. */
import { Link } from "@remix-run/react";
import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import type { Lng } from "~/i18n/config";
import { formatDateTime } from "~/utils/format";

export interface MeetingRow {
  id: number;
  topic: string;
  startsAt: string;
  place: string;
  status: "scheduled" | "live" | "closed" | "published";
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
            <span className={`badge status-${m.status}`}>{t(`status.${m.status}`)}</span>
          </h3>
          <p className="hint">
            {formatDateTime(m.startsAt, lng)} · {m.place}
          </p>
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
