import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { ErrorSummary, Field, TextArea } from "~/components/forms";
import {
  AGENDA_TITLE_MAX,
  CAPACITY_MAX,
  DESCRIPTION_MAX,
  PLACE_MAX,
  SEAT_KINDS,
  TIME_BOX_MAX,
  TIME_BOX_MIN,
  TOPIC_MAX,
} from "~/domain/meetings/rules";
import { AGENDA_ROWS } from "~/domain/meetings/schemas";
import { getT } from "~/i18n/i18next.server";
import { createMeeting } from "~/services/meetings/commands.server";
import { councilPage } from "~/services/meetings/queries.server";
import { submit } from "~/services/runner/form.server";
import { authorizePage, idParam, notFound, readForm, type Refusal } from "~/utils/forms.server";
import { titleMeta } from "~/utils/meta";
import { requireSession } from "~/utils/session.server";

export const handle = { i18n: ["meeting"] };
export const meta = titleMeta;

export async function loader({ request, params }: LoaderFunctionArgs) {
  const id = idParam(params.id);
  const { actor } = await requireSession(request);
  const page = await councilPage(id);
  if (!page) notFound();
  authorizePage(actor, "meeting.manage", { communityId: page.council.areaId });
  const t = await getT(request, "meeting");
  return json({ title: t("newMeeting.title"), council: page.council });
}

export async function action({ request, params }: ActionFunctionArgs) {
  const id = idParam(params.id);
  const form = await readForm(request);
  const { actor } = await requireSession(request);
  return submit(
    createMeeting,
    actor,
    form,
    (meetingId) => redirect(`/meetings/${meetingId}?done=scheduled`),
    { params: { councilId: id } },
  );
}

/** The longest capacity anyone types is the largest one allowed. */
const CAPACITY_CHARS = String(CAPACITY_MAX).length;

export default function NewMeeting() {
  const { council } = useLoaderData<typeof loader>();
  const refused = useActionData<Refusal>();
  const { t } = useTranslation("meeting");
  const v = refused?.values ?? {};
  return (
    <section aria-labelledby="new-title">
      <p>
        <Link to={`/councils/${council.id}`}>{council.name}</Link>
      </p>
      <h1 id="new-title">{t("newMeeting.title")}</h1>
      <Form method="post" noValidate>
        <ErrorSummary
          errors={refused?.errors}
          labels={{
            topic: t("newMeeting.topic"),
            description: t("newMeeting.description"),
            startsAt: t("newMeeting.startsAt"),
            endsAt: t("newMeeting.endsAt"),
            place: t("newMeeting.place"),
            agenda0: t("newMeeting.agendaItem", { n: 1 }),
          }}
        />
        <Field name="topic" label={t("newMeeting.topic")} refused={refused} maxLength={TOPIC_MAX} />
        <TextArea
          name="description"
          label={t("newMeeting.description")}
          rows={4}
          refused={refused}
          maxLength={DESCRIPTION_MAX}
        />
        <Field
          name="startsAt"
          type="datetime-local"
          label={t("newMeeting.startsAt")}
          hint={t("newMeeting.timeHint")}
          refused={refused}
        />
        <Field
          name="endsAt"
          type="datetime-local"
          label={t("newMeeting.endsAt")}
          refused={refused}
        />
        <Field name="place" label={t("newMeeting.place")} refused={refused} maxLength={PLACE_MAX} />
        <div className="field checkbox">
          <input
            type="checkbox"
            id="f-isPublic"
            name="isPublic"
            value="yes"
            defaultChecked={refused ? v.isPublic === "yes" : true}
          />
          <label htmlFor="f-isPublic">{t("newMeeting.isPublic")}</label>
        </div>
        <fieldset>
          <legend>{t("newMeeting.agenda")}</legend>
          <p className="hint">{t("newMeeting.agendaHint")}</p>
          {Array.from({ length: AGENDA_ROWS }, (_, i) => (
            <div key={i} className="agenda-row">
              <Field
                name={`agenda${i}`}
                label={t("newMeeting.agendaItem", { n: i + 1 })}
                refused={refused}
                maxLength={AGENDA_TITLE_MAX}
              />
              <Field
                name={`agendaMinutes${i}`}
                type="number"
                inputMode="numeric"
                min={TIME_BOX_MIN}
                max={TIME_BOX_MAX}
                label={t("newMeeting.agendaMinutes", { n: i + 1 })}
                refused={refused}
              />
            </div>
          ))}
        </fieldset>
        <fieldset>
          <legend>{t("newMeeting.seats")}</legend>
          <p className="hint">{t("newMeeting.seatsHint")}</p>
          {SEAT_KINDS.map((k) => (
            <Field
              key={k}
              name={`seats_${k}`}
              label={t(`seatKind.${k}`)}
              refused={refused}
              inputMode="numeric"
              maxLength={CAPACITY_CHARS}
            />
          ))}
        </fieldset>
        <button type="submit" className="primary">
          {t("newMeeting.submit")}
        </button>
      </Form>
    </section>
  );
}
