/**
 * Changing or cancelling a scheduled meeting (the committee's): the scheduling form filled with
 * what the meeting holds, and below it the cancel form with its reason. Two plain forms, so both
 * work without JavaScript and in 长辈版; each is a command (`~/services/meetings/changes.server`).
 */
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { CancelForm, IntentForm, refusalFor } from "~/components/forms";
import { MeetingFields } from "~/components/meeting-form";
import { changeRefusal } from "~/domain/meetings/rules";
import { chinaDateTimeLocal } from "~/domain/time";
import { getT } from "~/i18n/i18next.server";
import { cancelMeeting, editMeeting } from "~/services/meetings/changes.server";
import { meetingPage } from "~/services/meetings/queries.server";
import { intent, submitIntent } from "~/services/runner/form.server";
import { authorizePage, idParam, readForm, throwRefusal, type Refusal } from "~/utils/forms.server";
import { titleMeta } from "~/utils/meta";
import { requireSession } from "~/utils/session.server";

export const handle = { i18n: ["meeting"] };
export const meta = titleMeta;

export async function loader({ request, params }: LoaderFunctionArgs) {
  const id = idParam(params.id);
  const { actor } = await requireSession(request);
  const page = await meetingPage(id, actor).catch(throwRefusal);
  authorizePage(actor, "meeting.manage", { communityId: page.area.id });
  const { meeting, agenda, seats } = page;
  const t = await getT(request, "meeting");
  const initial: Record<string, string> = {
    topic: meeting.topic,
    description: meeting.description,
    startsAt: chinaDateTimeLocal(meeting.startsAt),
    endsAt: chinaDateTimeLocal(meeting.endsAt),
    place: meeting.place,
    isPublic: meeting.isPublic ? "yes" : "no",
    ...Object.fromEntries(
      agenda.flatMap((a, i) => [
        [`agenda${i}`, a.title],
        [`agendaMinutes${i}`, String(a.minutes)],
      ]),
    ),
    ...Object.fromEntries(
      seats.map((s) => [`seats_${s.kind}`, s.capacity === null ? "*" : String(s.capacity)]),
    ),
  };
  return json({
    title: t("change.title", { topic: meeting.topic }),
    meeting: { id: meeting.id, topic: meeting.topic, cancelReason: meeting.cancelReason },
    // Why it can no longer be changed, if it cannot (ended, under way, or cancelled already).
    closedBecause: changeRefusal(meeting, new Date()),
    initial,
  });
}

export async function action({ request, params }: ActionFunctionArgs) {
  const id = idParam(params.id);
  const form = await readForm(request);
  const { actor } = await requireSession(request);
  return submitIntent(
    {
      edit: intent(editMeeting, ({ changed }) =>
        redirect(`/meetings/${id}?done=${changed.length ? "edited" : "unchanged"}`),
      ),
      cancel: intent(cancelMeeting, () => redirect(`/meetings/${id}?done=meetingCancelled`)),
    },
    actor,
    form,
    { params: { meetingId: id } },
  );
}

export default function EditMeeting() {
  const { meeting, closedBecause, initial } = useLoaderData<typeof loader>();
  const refused = useActionData<Refusal>();
  const { t } = useTranslation(["meeting", "common"]);
  const refusedEdit = refusalFor(refused, "edit");
  const refusedCancel = refusalFor(refused, "cancel");
  return (
    <article aria-labelledby="change-title">
      <p>
        <Link to={`/meetings/${meeting.id}`}>{meeting.topic}</Link>
      </p>
      <h1 id="change-title">{t("change.heading")}</h1>
      {closedBecause ? (
        <div className="error-summary" role="alert">
          <p>{t(closedBecause)}</p>
        </div>
      ) : (
        <>
          <section aria-labelledby="edit-title">
            <h2 id="edit-title">{t("change.edit")}</h2>
            <p className="hint">{t("change.editHint")}</p>
            <IntentForm intent="edit" noValidate>
              <MeetingFields refused={refusedEdit} initial={initial} />
              <button type="submit" className="primary">
                {t("change.save")}
              </button>
            </IntentForm>
          </section>
          <CancelForm
            title={t("change.cancel")}
            hint={t("change.cancelHint")}
            label={t("change.reason")}
            submit={t("change.cancelSubmit")}
            refused={refusedCancel}
          />
        </>
      )}
    </article>
  );
}
