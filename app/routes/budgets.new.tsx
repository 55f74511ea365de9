import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { CheckboxGroup, Field, SelectField } from "~/components/forms";
import { NewVotePage } from "~/components/vote-forms";
import { useVoteLabels } from "~/components/vote-labels";
import { ROUND_DESCRIPTION_MAX, ROUND_TITLE_MAX, TALLY_METHODS } from "~/domain/voting/rules";
import { getT } from "~/i18n/i18next.server";
import { createRound } from "~/services/voting/commands.server";
import { acceptedProjects } from "~/services/voting/queries.server";
import { formatYuan } from "~/utils/format";
import { throwRefusal, type Refusal } from "~/utils/forms.server";
import { titleMeta } from "~/utils/meta";
import { createFromForm, newVotePlace, placeOf } from "~/utils/vote-page.server";

export const handle = { i18n: ["vote"] };
export const meta = titleMeta;

export async function loader({ request }: LoaderFunctionArgs) {
  const { actor, community, communityId } = await newVotePlace(request);
  const projects = await acceptedProjects(actor, communityId).catch(throwRefusal);
  const t = await getT(request, "vote");
  return json({ title: t("newRound.title"), community, projects });
}

export async function action({ request }: ActionFunctionArgs) {
  const { communityId } = placeOf(new URL(request.url));
  return createFromForm(request, createRound, { communityId }, (id) => `/budgets/${id}`);
}

export default function NewRound() {
  const { community, projects } = useLoaderData<typeof loader>();
  const refused = useActionData<Refusal>();
  const { t, lng } = useVoteLabels();
  const v = refused?.values ?? {};
  const e = refused?.errors ?? {};
  const picked = refused
    ? (refused.lists?.project ?? (v.project ? [v.project] : []))
    : projects.map((p) => String(p.id));
  return (
    <NewVotePage
      titleId="new-round-title"
      place={community}
      heading={t("vote:newRound.title")}
      intro={t("vote:newRound.intro")}
      unavailable={projects.length < 2 ? t("vote:newRound.notEnough") : undefined}
      name={{ field: "title", label: t("vote:newRound.name"), maxLength: ROUND_TITLE_MAX }}
      descriptionMax={ROUND_DESCRIPTION_MAX}
      labels={{
        budget: t("vote:newRound.budget"),
        project: t("vote:newRound.projects"),
        minProjects: t("vote:newRound.minProjects"),
        maxProjects: t("vote:newRound.maxProjects"),
      }}
      submit={t("vote:newRound.submit")}
    >
      <Field
        name="budget"
        label={t("vote:newRound.budget")}
        hint={t("vote:newRound.budgetHint")}
        inputMode="numeric"
        refused={refused}
      />
      <SelectField
        name="method"
        label={t("vote:newRound.method")}
        hint={t("vote:newRound.methodHint")}
        options={TALLY_METHODS.map((m) => ({ value: m, label: t(`vote:tally.${m}`) }))}
        defaultValue={v.method ?? "mes"}
        error={e.method}
      />
      <CheckboxGroup
        name="project"
        legend={t("vote:newRound.projects")}
        options={projects.map((p) => ({
          value: String(p.id),
          label: `${p.title} · ${formatYuan(p.budgetTotal, lng)}`,
        }))}
        checked={picked}
        error={e.project}
      />
      <Field
        name="minProjects"
        label={t("vote:newRound.minProjects")}
        inputMode="numeric"
        defaultValue={v.minProjects ?? "1"}
        error={e.minProjects}
      />
      <Field
        name="maxProjects"
        label={t("vote:newRound.maxProjects")}
        hint={t("vote:newRound.maxProjectsHint")}
        inputMode="numeric"
        refused={refused}
      />
    </NewVotePage>
  );
}
