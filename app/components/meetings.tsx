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

/** When and where a meeting is: the first facts on its page and on its printed sheet. */
export function MeetingFacts({
  meeting,
  children,
}: {
  meeting: { startsAt: string; endsAt: string; place: string };
  /** The facts that follow (the online room on the page, the status on paper). */
  children: ReactNode;
}) {
  const { t, i18n } = useTranslation("meeting");
  const lng = i18n.language as Lng;
  return (
    <dl className="facts">
      <dt>{t("meeting.when")}</dt>
      <dd>
        {formatDateTime(meeting.startsAt, lng)} – {formatDateTime(meeting.endsAt, lng)}
      </dd>
      <dt>{t("meeting.where")}</dt>
      <dd>{meeting.place}</dd>
      {children}
    </dl>
  );
}

/** One kind of seat and how many of it are taken (out of how many, where the kind has a limit). */
export function SeatCount({
  seat: s,
}: {
  seat: { kind: string; capacity: number | null; taken: number };
}) {
  const { t } = useTranslation("meeting");
  return (
    <>
      <strong>{t(`seatKind.${s.kind}`)}</strong>{" "}
      {s.capacity === null
        ? t("meeting.seatsOpen", { taken: s.taken })
        : t("meeting.seatsTaken", { taken: s.taken, capacity: s.capacity })}
    </>
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

export function CommitmentList({
  items,
  showMeeting,
}: {
  items: CommitmentRow[];
  showMeeting?: boolean;
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
        </li>
      ))}
    </ul>
  );
}
