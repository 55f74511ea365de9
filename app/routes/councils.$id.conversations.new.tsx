/**
 * `/councils/:id/conversations/new`: the committee starts a conversation (意见征集) for the
 * council, or for one of its meetings: the question, when it is open, who may take part, whether
 * statements are moderated first, and the seed statements (one a line).
 */
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { ErrorSummary, Field, SelectField, TextArea } from "~/components/forms";
import {
  DESCRIPTION_MAX,
  ELIGIBILITIES,
  QUESTION_MAX,
  SEEDS_MAX,
  STATEMENT_MAX,
} from "~/domain/conversations/rules";
import { chinaDateTimeLocal } from "~/domain/time";
import type { Lng } from "~/i18n/config";
import { getT } from "~/i18n/i18next.server";
import { createConversation } from "~/services/conversations/commands.server";
import { councilPage } from "~/services/meetings/queries.server";
import { submit } from "~/services/runner/form.server";
import { formatDateTime } from "~/utils/format";
import { authorizePage, idParam, notFound, readForm, type Refusal } from "~/utils/forms.server";
import { titleMeta } from "~/utils/meta";
import { requireSession } from "~/utils/session.server";

export const handle = { i18n: ["conversations"] };
export const meta = titleMeta;

const DAY_MS = 86_400_000;
/** A conversation runs two weeks unless the committee says otherwise. */
const DEFAULT_DAYS = 14;

export async function loader({ request, params }: LoaderFunctionArgs) {
  const id = idParam(params.id);
  const { actor } = await requireSession(request);
  const page = await councilPage(id);
  if (!page) notFound();
  authorizePage(actor, "conversation.create", { communityId: page.council.areaId });
  const t = await getT(request, "conversations");
  const now = Date.now();
  const meeting = new URL(request.url).searchParams.get("meeting");
  return json({
    title: t("new.title"),
    council: { id: page.council.id, name: page.council.name },
    // Only meetings still to come (or under way) can be prepared by a conversation; not one that
    // was cancelled (the command refuses it too).
    meetings: [...page.live, ...page.upcoming]
      .filter((m) => m.cancelledAt === null)
      .map((m) => ({
        id: m.id,
        topic: m.topic,
        startsAt: m.startsAt,
      })),
    initial: {
      opensAt: chinaDateTimeLocal(new Date(now)),
      closesAt: chinaDateTimeLocal(new Date(now + DEFAULT_DAYS * DAY_MS)),
      meetingId: meeting && /^\d{1,15}$/.test(meeting) ? meeting : "",
    },
  });
}

export async function action({ request, params }: ActionFunctionArgs) {
  const id = idParam(params.id);
  const form = await readForm(request);
  const { actor } = await requireSession(request);
  return submit(
    createConversation,
    actor,
    form,
    (r) => redirect(`/conversations/${r.conversationId}?done=created`),
    { params: { councilId: id } },
  );
}

export default function NewConversation() {
  const { council, meetings, initial } = useLoaderData<typeof loader>();
  const refused = useActionData<Refusal>();
  const { t, i18n } = useTranslation("conversations");
  const lng = i18n.language as Lng;
  const v = refused?.values;
  return (
    <section aria-labelledby="new-title">
      <p>
        <Link to={`/councils/${council.id}`}>{council.name}</Link>
      </p>
      <h1 id="new-title">{t("new.title")}</h1>
      <Form method="post" noValidate>
        <ErrorSummary
          errors={refused?.errors}
          labels={{
            question: t("new.question"),
            description: t("new.description"),
            meetingId: t("new.meeting"),
            opensAt: t("new.opensAt"),
            closesAt: t("new.closesAt"),
            eligibility: t("new.eligibility"),
            seeds: t("new.seeds"),
          }}
        />
        <Field
          name="question"
          label={t("new.question")}
          hint={t("new.questionHint")}
          maxLength={QUESTION_MAX}
          required
          refused={refused}
        />
        <TextArea
          name="description"
          label={t("new.description")}
          rows={4}
          maxLength={DESCRIPTION_MAX}
          refused={refused}
        />
        <SelectField
          name="meetingId"
          label={t("new.meeting")}
          empty={t("new.meetingNone")}
          options={meetings.map((m) => ({
            value: String(m.id),
            label: `${m.topic} · ${formatDateTime(m.startsAt, lng)}`,
          }))}
          defaultValue={v?.meetingId ?? initial.meetingId}
          error={refused?.errors.meetingId}
        />
        <Field
          name="opensAt"
          type="datetime-local"
          label={t("new.opensAt")}
          required
          defaultValue={v?.opensAt ?? initial.opensAt}
          error={refused?.errors.opensAt}
        />
        <Field
          name="closesAt"
          type="datetime-local"
          label={t("new.closesAt")}
          required
          defaultValue={v?.closesAt ?? initial.closesAt}
          error={refused?.errors.closesAt}
        />
        <SelectField
          name="eligibility"
          label={t("new.eligibility")}
          hint={t("new.eligibilityHint")}
          options={ELIGIBILITIES.map((e) => ({ value: e, label: t(`window.eligibility.${e}`) }))}
          defaultValue={v?.eligibility ?? "residents"}
          error={refused?.errors.eligibility}
        />
        <label className="check">
          <input
            type="checkbox"
            name="premoderation"
            value="yes"
            defaultChecked={v ? v.premoderation === "yes" : false}
          />{" "}
          {t("new.premoderation")}
        </label>
        <TextArea
          name="seeds"
          label={t("new.seeds")}
          hint={t("new.seedsHint")}
          rows={8}
          maxLength={SEEDS_MAX * (STATEMENT_MAX + 2)}
          refused={refused}
        />
        <button type="submit" className="primary">
          {t("new.submit")}
        </button>
      </Form>
    </section>
  );
}
