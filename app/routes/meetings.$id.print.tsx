/** A meeting's agenda sheet for the notice board and the table: large type on A4, no navigation. */
import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { authorize } from "~/domain/permissions/policy";
import type { Lng } from "~/i18n/config";
import { AgendaStatements, flattenAttached } from "~/components/conversations/lists";
import { agendaStatements } from "~/services/conversations/queries.server";
import { meetingPage } from "~/services/meetings/queries.server";
import { areaName, formatDateTime } from "~/utils/format";
import { idParam, throwRefusal } from "~/utils/forms.server";
import { titleMeta } from "~/utils/meta";
import { getCurrent } from "~/utils/session.server";
import { publicUrl } from "~/utils/site-url.server";

export const handle = { i18n: ["meeting", "conversations"], bare: true };
export const meta = titleMeta;

export async function loader({ request, params }: LoaderFunctionArgs) {
  const id = idParam(params.id);
  const { actor } = await getCurrent(request);
  // The same checks as the meeting page: whoever may read the page may print it, nobody else.
  authorize(actor, "meeting.view");
  const page = await meetingPage(id, actor).catch(throwRefusal);
  const { meeting, council, area, agenda, seats } = page;
  const attached = flattenAttached(await agendaStatements(id));
  return json({
    title: meeting.topic,
    meeting: {
      topic: meeting.topic,
      description: meeting.description,
      place: meeting.place,
      startsAt: meeting.startsAt,
      endsAt: meeting.endsAt,
      status: meeting.status,
      cancelledAt: meeting.cancelledAt,
      cancelReason: meeting.cancelReason,
    },
    council: { name: council.name },
    area: { nameZh: area.nameZh, nameEn: area.nameEn },
    agenda: agenda.map((a) => ({ id: a.id, title: a.title, minutes: a.minutes })),
    seats: seats.map((s) => ({ kind: s.kind, capacity: s.capacity, taken: s.taken })),
    attached,
    rsvps: seats.reduce((sum, s) => sum + s.taken, 0),
    // A paper copy leads back to the page where people sign up and follow the meeting.
    url: publicUrl(`/meetings/${id}`),
  });
}

export default function MeetingAgendaSheet() {
  const { meeting, council, area, agenda, seats, rsvps, url, attached } =
    useLoaderData<typeof loader>();
  const { t, i18n } = useTranslation("meeting");
  const lng = i18n.language as Lng;
  return (
    <article className="paper-sheet" aria-labelledby="sheet-title">
      <p>
        {areaName(area, lng)} · {council.name} · {t("print.heading")}
      </p>
      <h1 id="sheet-title">{meeting.topic}</h1>
      <dl className="facts">
        <dt>{t("meeting.when")}</dt>
        <dd>
          {formatDateTime(meeting.startsAt, lng)} – {formatDateTime(meeting.endsAt, lng)}
        </dd>
        <dt>{t("meeting.where")}</dt>
        <dd>{meeting.place}</dd>
        <dt>{t("print.status")}</dt>
        <dd>
          {meeting.cancelledAt ? (
            <>
              <strong>{t("status.cancelled")}</strong>
              {meeting.cancelReason && (
                <> · {t("meeting.cancelledBecause", { reason: meeting.cancelReason })}</>
              )}
            </>
          ) : (
            t(`status.${meeting.status}`)
          )}
        </dd>
      </dl>
      <p className="description">{meeting.description}</p>

      <section aria-labelledby="sheet-agenda">
        <h2 id="sheet-agenda">{t("meeting.agenda")}</h2>
        <ol className="paper-agenda">
          {agenda.map((a) => (
            <li key={a.id}>
              {a.title} <span>{t("meeting.timeBox", { minutes: a.minutes })}</span>
              <AgendaStatements
                items={attached.filter((s) => s.agendaItemId === a.id)}
                link={false}
              />
            </li>
          ))}
        </ol>
      </section>

      <section aria-labelledby="sheet-seats">
        <h2 id="sheet-seats">{t("meeting.seats")}</h2>
        <ul>
          {seats.map((s) => (
            <li key={s.kind}>
              <strong>{t(`seatKind.${s.kind}`)}</strong>{" "}
              {s.capacity === null
                ? t("meeting.seatsOpen", { taken: s.taken })
                : t("meeting.seatsTaken", { taken: s.taken, capacity: s.capacity })}
            </li>
          ))}
        </ul>
        <p>{t("print.rsvps", { n: rsvps })}</p>
      </section>

      <footer className="paper-footer">
        <p>
          {t("print.online")} <a href={url}>{url}</a>
        </p>
      </footer>
    </article>
  );
}
