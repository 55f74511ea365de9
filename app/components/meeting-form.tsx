/**
 * The fields of a meeting as the committee schedules it or changes it: topic, description, time,
 * place, whether the room is public, the agenda and the seats. One form for both, so that an edit
 * reads exactly what scheduling reads (the same schema).
 */
import { useTranslation } from "react-i18next";
import { ErrorSummary, Field, TextArea } from "~/components/forms";
import {
  AGENDA_ROWS,
  AGENDA_TITLE_MAX,
  CAPACITY_MAX,
  DESCRIPTION_MAX,
  PLACE_MAX,
  SEAT_KINDS,
  TIME_BOX_MAX,
  TIME_BOX_MIN,
  TOPIC_MAX,
} from "~/domain/meetings/rules";
import type { Refusal } from "~/utils/forms.server";

/** The longest capacity anyone types is the largest one allowed. */
const CAPACITY_CHARS = String(CAPACITY_MAX).length;

export function MeetingFields({
  refused,
  initial = {},
}: {
  refused: Refusal | undefined;
  /** The form's values before anything is typed (an edit: what the meeting holds). */
  initial?: Record<string, string>;
}) {
  const { t } = useTranslation("meeting");
  const v = refused?.values ?? {};
  const start = (name: string) => (refused ? undefined : initial[name]);
  return (
    <>
      <ErrorSummary
        errors={refused?.errors}
        labels={{
          topic: t("newMeeting.topic"),
          description: t("newMeeting.description"),
          startsAt: t("newMeeting.startsAt"),
          endsAt: t("newMeeting.endsAt"),
          place: t("newMeeting.place"),
          agenda0: t("newMeeting.agendaItem", { n: 1 }),
          ...Object.fromEntries(SEAT_KINDS.map((k) => [`seats_${k}`, t(`seatKind.${k}`)])),
        }}
      />
      <Field
        name="topic"
        label={t("newMeeting.topic")}
        refused={refused}
        defaultValue={start("topic")}
        maxLength={TOPIC_MAX}
      />
      <TextArea
        name="description"
        label={t("newMeeting.description")}
        rows={4}
        refused={refused}
        defaultValue={start("description")}
        maxLength={DESCRIPTION_MAX}
      />
      <Field
        name="startsAt"
        type="datetime-local"
        label={t("newMeeting.startsAt")}
        hint={t("newMeeting.timeHint")}
        refused={refused}
        defaultValue={start("startsAt")}
      />
      <Field
        name="endsAt"
        type="datetime-local"
        label={t("newMeeting.endsAt")}
        refused={refused}
        defaultValue={start("endsAt")}
      />
      <Field
        name="place"
        label={t("newMeeting.place")}
        refused={refused}
        defaultValue={start("place")}
        maxLength={PLACE_MAX}
      />
      <div className="field checkbox">
        <input
          type="checkbox"
          id="f-isPublic"
          name="isPublic"
          value="yes"
          defaultChecked={(refused ? v.isPublic : initial.isPublic) === "yes"}
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
              defaultValue={start(`agenda${i}`)}
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
              defaultValue={start(`agendaMinutes${i}`)}
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
            defaultValue={start(`seats_${k}`)}
            inputMode="numeric"
            maxLength={CAPACITY_CHARS}
          />
        ))}
      </fieldset>
    </>
  );
}
