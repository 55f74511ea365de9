/** A project's summary on paper, for the notice board and the service window: A4, large type. */
import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { useShownName } from "~/components/person";
import { BudgetTable, useProjectLabels } from "~/components/projects";
import { projectPage } from "~/services/projects/queries.server";
import { areaName, formatDay, formatYuan } from "~/utils/format";
import { idParam, notFound } from "~/utils/forms.server";
import { titleMeta } from "~/utils/meta";
import { getCurrent } from "~/utils/session.server";
import { publicUrl } from "~/utils/site-url.server";

export const handle = { i18n: ["project"], bare: true };
export const meta = titleMeta;

export async function loader({ request, params }: LoaderFunctionArgs) {
  const id = idParam(params.id);
  const { actor } = await getCurrent(request);
  // The project page's own query, so a draft stays as private on paper as on screen.
  const page = await projectPage(actor, id);
  if (!page) notFound();
  const p = page.project;
  return json({
    title: p.title,
    project: {
      title: p.title,
      status: p.status,
      category: p.category,
      summary: p.summary,
      description: p.description,
      beneficiaries: p.beneficiaries,
      place: p.place,
      startsOn: p.startsOn,
      endsOn: p.endsOn,
      budgetTotal: p.budgetTotal,
      supportCount: p.supportCount,
      community: { nameZh: p.communityZh, nameEn: p.communityEn },
      grid: p.gridZh === null ? null : { nameZh: p.gridZh, nameEn: p.gridEn ?? "" },
      proposer:
        p.organisationId !== null && p.organisationName ? p.organisationName : p.proposerName,
    },
    items: page.items,
    latest: page.updates.at(-1) ?? null,
    url: publicUrl(`/projects/${id}`),
  });
}

export default function ProjectSummarySheet() {
  const { project: p, items, latest, url } = useLoaderData<typeof loader>();
  const { t, lng } = useProjectLabels();
  const shown = useShownName();
  return (
    <article className="paper-sheet" aria-labelledby="sheet-title">
      <p>
        {areaName(p.community, lng)}
        {p.grid && <> · {areaName(p.grid, lng)}</>}
        {p.place && <> · {p.place}</>} · {t("project:print.heading")}
      </p>
      <h1 id="sheet-title">{p.title}</h1>
      <dl className="facts">
        <dt>{t("project:print.status")}</dt>
        <dd>{t(`project:status.${p.status}`)}</dd>
        <dt>{t("project:form.category")}</dt>
        <dd>{t(`project:services.${p.category}`)}</dd>
        <dt>{t("project:proposedBy")}</dt>
        <dd>{shown(p.proposer)}</dd>
        <dt>{t("project:form.beneficiaries")}</dt>
        <dd>{p.beneficiaries}</dd>
        <dt>{t("project:timeline")}</dt>
        <dd>
          {formatDay(p.startsOn, lng)} – {formatDay(p.endsOn, lng)}
        </dd>
        <dt>{t("project:supports")}</dt>
        <dd>{t("project:supportCount", { count: p.supportCount })}</dd>
      </dl>
      <p className="lead">{p.summary}</p>

      <section aria-labelledby="sheet-description">
        <h2 id="sheet-description">{t("project:form.description")}</h2>
        <p className="prose">{p.description}</p>
      </section>

      <section aria-labelledby="sheet-budget">
        <h2 id="sheet-budget">{t("project:form.budget")}</h2>
        <BudgetTable items={items} total={p.budgetTotal} />
      </section>

      {latest && (
        <section aria-labelledby="sheet-latest">
          <h2 id="sheet-latest">
            {latest.kind === "final" ? t("project:updates.final") : t("project:updates.progress")}
          </h2>
          <p>
            {formatDay(latest.onDate, lng)}· {shown(latest.authorName)} ·{" "}
            {t("project:updates.spent", { amount: formatYuan(latest.spent, lng) })}
          </p>
          <p className="prose">{latest.body}</p>
        </section>
      )}

      <footer className="paper-footer">
        <p>
          {t("project:print.online")} <a href={url}>{url}</a>
        </p>
      </footer>
    </article>
  );
}
