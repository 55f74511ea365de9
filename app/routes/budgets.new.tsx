import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { CheckboxGroup, ErrorSummary, Field, SelectField, TextArea } from "~/components/forms";
import { useVoteLabels } from "~/components/votes";
import { ROUND_DESCRIPTION_MAX, ROUND_TITLE_MAX, TALLY_METHODS } from "~/domain/voting/rules";
import { id as idSchema } from "~/domain/validation";
import { getT } from "~/i18n/i18next.server";
import { getArea } from "~/services/communities/queries.server";
import { submit } from "~/services/runner/form.server";
import { createRound } from "~/services/voting/commands.server";
import { acceptedProjects } from "~/services/voting/queries.server";
import { areaName, formatYuan } from "~/utils/format";
import { notFound, readForm, throwRefusal, type Refusal } from "~/utils/forms.server";
import { titleMeta } from "~/utils/meta";
import { requireSession } from "~/utils/session.server";

export const handle = { i18n: ["vote"] };
export const meta = titleMeta;

function communityOf(url: URL): number {
  const community = idSchema.safeParse(url.searchParams.get("community"));
  if (!community.success) notFound();
  return community.data;
}

export async function loader({ request }: LoaderFunctionArgs) {
  const { actor } = await requireSession(request);
  const communityId = communityOf(new URL(request.url));
  const community = await getArea(communityId);
  if (!community || community.level !== "community") notFound();
  const projects = await acceptedProjects(actor, communityId).catch(throwRefusal);
  const t = await getT(request, "vote");
  return json({ title: t("newRound.title"), community, projects });
}

export async function action({ request }: ActionFunctionArgs) {
  const communityId = communityOf(new URL(request.url));
  const form = await readForm(request);
  const { actor } = await requireSession(request);
  return submit(createRound, actor, form, (id) => redirect(`/budgets/${id}`), {
    params: { communityId },
  });
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
    <section aria-labelledby="new-round-title">
      <p>{areaName(community, lng)}</p>
      <h1 id="new-round-title">{t("vote:newRound.title")}</h1>
      <p>{t("vote:newRound.intro")}</p>
      {projects.length < 2 ? (
        <p className="card">{t("vote:newRound.notEnough")}</p>
      ) : (
        <Form method="post">
          <ErrorSummary
            errors={refused?.errors}
            labels={{
              title: t("vote:newRound.name"),
              budget: t("vote:newRound.budget"),
              project: t("vote:newRound.projects"),
              opensAt: t("vote:newPoll.opensAt"),
              closesAt: t("vote:newPoll.closesAt"),
              minProjects: t("vote:newRound.minProjects"),
              maxProjects: t("vote:newRound.maxProjects"),
            }}
          />
          <Field
            name="title"
            label={t("vote:newRound.name")}
            defaultValue={v.title}
            error={e.title}
            maxLength={ROUND_TITLE_MAX}
          />
          <TextArea
            name="description"
            label={t("vote:newPoll.description")}
            rows={3}
            defaultValue={v.description}
            error={e.description}
            maxLength={ROUND_DESCRIPTION_MAX}
          />
          <Field
            name="budget"
            label={t("vote:newRound.budget")}
            hint={t("vote:newRound.budgetHint")}
            inputMode="numeric"
            defaultValue={v.budget}
            error={e.budget}
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
            defaultValue={v.maxProjects}
            error={e.maxProjects}
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
            {t("vote:newRound.submit")}
          </button>
        </Form>
      )}
    </section>
  );
}
