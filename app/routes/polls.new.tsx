import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { Field, SelectField, useFieldMessage } from "~/components/forms";
import { NewVotePage } from "~/components/vote-forms";
import { useVoteLabels } from "~/components/vote-labels";
import {
  OPTION_MAX,
  OPTION_ROWS,
  POLL_DESCRIPTION_MAX,
  POLL_METHODS,
  QUESTION_MAX,
} from "~/domain/voting/rules";
import { getT } from "~/i18n/i18next.server";
import { createPoll } from "~/services/voting/commands.server";
import { authorizePage, type Refusal } from "~/utils/forms.server";
import { titleMeta } from "~/utils/meta";
import { createFromForm, newVotePlace, placeOf } from "~/utils/vote-page.server";

export const handle = { i18n: ["vote"] };
export const meta = titleMeta;

export async function loader({ request }: LoaderFunctionArgs) {
  const { actor, community, communityId, meetingId } = await newVotePlace(request);
  authorizePage(actor, "poll.manage", { communityId });
  const t = await getT(request, "vote");
  return json({ title: t("newPoll.title"), community, meetingId });
}

export async function action({ request }: ActionFunctionArgs) {
  const { communityId, meetingId } = placeOf(new URL(request.url));
  return createFromForm(request, createPoll, { communityId, meetingId }, (id) => `/polls/${id}`);
}

export default function NewPoll() {
  const { community, meetingId } = useLoaderData<typeof loader>();
  const refused = useActionData<Refusal>();
  const { t } = useVoteLabels();
  const message = useFieldMessage();
  const v = refused?.values ?? {};
  const e = refused?.errors ?? {};
  const options = refused?.lists?.option ?? (v.option ? [v.option] : []);
  return (
    <NewVotePage
      titleId="new-poll-title"
      place={community}
      heading={t("vote:newPoll.title")}
      name={{ field: "question", label: t("vote:newPoll.question"), maxLength: QUESTION_MAX }}
      descriptionMax={POLL_DESCRIPTION_MAX}
      labels={{
        options: t("vote:newPoll.options"),
        maxChoices: t("vote:newPoll.maxChoices"),
        electorate: t("vote:newPoll.electorate"),
      }}
      submit={t("vote:newPoll.submit")}
    >
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
        {e.options && <p className="error">{message(e.options)}</p>}
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
        refused={refused}
      />
      <SelectField
        name="electorate"
        label={t("vote:newPoll.electorate")}
        options={[
          { value: "residents", label: t("vote:electorate.residents") },
          ...(meetingId ? [{ value: "seatHolders", label: t("vote:electorate.seatHolders") }] : []),
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
    </NewVotePage>
  );
}
