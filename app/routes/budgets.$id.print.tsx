/** A ballot paper to print for the service window: the projects, their costs and the rules. */
import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { useVoteLabels } from "~/components/votes";
import { roundPage } from "~/services/voting.server";
import { areaName, formatDateTime, formatYuan } from "~/utils/format";
import { idParam, notFound } from "~/utils/forms.server";
import { titleMeta } from "~/utils/meta";
import { getCurrent } from "~/utils/session.server";

export const handle = { i18n: ["vote"] };
export const meta = titleMeta;

export async function loader({ request, params }: LoaderFunctionArgs) {
  const id = idParam(params.id);
  const { actor } = await getCurrent(request);
  const page = await roundPage(actor, id);
  if (!page) notFound();
  return json({
    title: page.round.title,
    round: page.round,
    projects: page.projects,
    community: page.community,
  });
}

export default function RoundPaper() {
  const { round, projects, community } = useLoaderData<typeof loader>();
  const { t, lng } = useVoteLabels();
  return (
    <article className="ballot-paper" aria-labelledby="paper-title">
      <p>
        {areaName(community, lng)} · {t("vote:print.heading")}
      </p>
      <h1 id="paper-title">{round.title}</h1>
      <p>{t("vote:round.rulesBudget", { budget: formatYuan(round.budget, lng) })}</p>
      <p>
        {round.maxProjects === null
          ? t("vote:round.rulesMin", { min: round.minProjects })
          : t("vote:round.rulesMinMax", { min: round.minProjects, max: round.maxProjects })}
      </p>
      <ul className="paper-options">
        {projects.map((p) => (
          <li key={p.id}>
            <span className="box" aria-hidden="true" /> {p.title} · {formatYuan(p.cost, lng)}
          </li>
        ))}
      </ul>
      <p className="hint">{t("vote:print.until", { at: formatDateTime(round.closesAt, lng) })}</p>
      <p className="hint">{t("vote:print.instructions")}</p>
      <p className="signature">{t("vote:print.receivedBy")}</p>
    </article>
  );
}
