import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { ErrorSummary, Field, SelectField, TextArea } from "~/components/forms";
import { useVoteLabels } from "~/components/votes";
import { authorize } from "~/domain/permissions/policy";
import {
  OPTION_MAX,
  OPTION_ROWS,
  POLL_DESCRIPTION_MAX,
  POLL_METHODS,
  QUESTION_MAX,
} from "~/domain/voting/rules";
import { id as idSchema } from "~/domain/validation";
import { getT } from "~/i18n/i18next.server";
import { getArea } from "~/services/communities/queries.server";
import { submit } from "~/services/runner/form.server";
import { createPoll } from "~/services/voting/commands.server";
import { areaName } from "~/utils/format";
import { notFound, readForm, throwRefusal, type Refusal } from "~/utils/forms.server";
import { titleMeta } from "~/utils/meta";
import { requireSession } from "~/utils/session.server";

export const handle = { i18n: ["vote"] };
export const meta = titleMeta;

/** `?community=ID` (and `&meeting=ID` for a poll at a meeting). */
function placeOf(url: URL) {
  const community = idSchema.safeParse(url.searchParams.get("community"));
  if (!community.success) notFound();
  const meeting = idSchema.safeParse(url.searchParams.get("meeting"));
  return { communityId: community.data, meetingId: meeting.success ? meeting.data : null };
}

export async function loader({ request }: LoaderFunctionArgs) {
  const { actor } = await requireSession(request);
  const { communityId, meetingId } = placeOf(new URL(request.url));
  const community = await getArea(communityId);
  if (!community || community.level !== "community") notFound();
  try {
    authorize(actor, "poll.manage", { communityId });
  } catch (e) {
    throwRefusal(e);
  }
  const t = await getT(request, "vote");
  return json({ title: t("newPoll.title"), community, meetingId });
}

export async function action({ request }: ActionFunctionArgs) {
  const { communityId, meetingId } = placeOf(new URL(request.url));
  const form = await readForm(request);
  const { actor } = await requireSession(request);
  return submit(createPoll, actor, form, (id) => redirect(`/polls/${id}`), {
    params: { communityId, meetingId },
  });
}

export default function NewPoll() {
  const { community, meetingId } = useLoaderData<typeof loader>();
  const refused = useActionData<Refusal>();
  const { t, lng } = useVoteLabels();
  const v = refused?.values ?? {};
  const e = refused?.errors ?? {};
  const options = refused?.lists?.option ?? (v.option ? [v.option] : []);
  return (
    <section aria-labelledby="new-poll-title">
      <p>{areaName(community, lng)}</p>
      <h1 id="new-poll-title">{t("vote:newPoll.title")}</h1>
      <Form method="post">
        <ErrorSummary
          errors={refused?.errors}
          labels={{
            question: t("vote:newPoll.question"),
            options: t("vote:newPoll.options"),
            opensAt: t("vote:newPoll.opensAt"),
            closesAt: t("vote:newPoll.closesAt"),
            maxChoices: t("vote:newPoll.maxChoices"),
            electorate: t("vote:newPoll.electorate"),
          }}
        />
        <Field
          name="question"
          label={t("vote:newPoll.question")}
          defaultValue={v.question}
          error={e.question}
          maxLength={QUESTION_MAX}
        />
        <TextArea
          name="description"
          label={t("vote:newPoll.description")}
          rows={3}
          defaultValue={v.description}
          error={e.description}
          maxLength={POLL_DESCRIPTION_MAX}
        />
        <SelectField
          name="method"
          label={t("vote:newPoll.method")}
          options={POLL_METHODS.map((m) => ({ value: m, label: t(`vote:method.${m}`) }))}
          defaultValue={v.method ?? "single"}
          error={e.method}
        />
        <fieldset className={`field${e.options ? " has-error" : ""}`} id="f-options">
          <legend>{t("vote:newPoll.options")}</legend>
          <p className="hint">{t("vote:newPoll.optionsHint")}</p>
          {e.options && <p className="error">{t(e.options.key, e.options.params)}</p>}
          {Array.from({ length: OPTION_ROWS }, (_, i) => (
            <Field
              key={i}
              name="option"
              id={`f-option-${i}`}
              label={t("vote:newPoll.option", { n: i + 1 })}
              defaultValue={options[i] ?? ""}
              maxLength={OPTION_MAX}
            />
          ))}
        </fieldset>
        <Field
          name="maxChoices"
          label={t("vote:newPoll.maxChoices")}
          hint={t("vote:newPoll.maxChoicesHint")}
          inputMode="numeric"
          defaultValue={v.maxChoices}
          error={e.maxChoices}
        />
        <SelectField
          name="electorate"
          label={t("vote:newPoll.electorate")}
          options={[
            { value: "residents", label: t("vote:electorate.residents") },
            ...(meetingId
              ? [{ value: "seatHolders", label: t("vote:electorate.seatHolders") }]
              : []),
          ]}
          defaultValue={v.electorate ?? "residents"}
          error={e.electorate}
        />
        <SelectField
          name="results"
          label={t("vote:newPoll.results")}
          options={[
            { value: "afterClose", label: t("vote:resultsWhen.afterClose") },
            { value: "live", label: t("vote:resultsWhen.live") },
          ]}
          defaultValue={v.results ?? "afterClose"}
          error={e.results}
        />
        <Field
          name="opensAt"
          type="datetime-local"
          label={t("vote:newPoll.opensAt")}
          hint={t("vote:newPoll.timeHint")}
          defaultValue={v.opensAt}
          error={e.opensAt}
        />
        <Field
          name="closesAt"
          type="datetime-local"
          label={t("vote:newPoll.closesAt")}
          defaultValue={v.closesAt}
          error={e.closesAt}
        />
        <button type="submit" className="primary">
          {t("vote:newPoll.submit")}
        </button>
      </Form>
    </section>
  );
}
