/** A ballot paper to print for the service window: the projects, their costs and the rules. */
import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { BallotPaper } from "~/components/votes";
import { useVoteLabels } from "~/components/vote-labels";
import { roundPage } from "~/services/voting/queries.server";
import { areaName, formatYuan } from "~/utils/format";
import { titleMeta } from "~/utils/meta";
import { loadVotePage } from "~/utils/vote-page.server";

export const handle = { i18n: ["vote"], bare: true };
export const meta = titleMeta;

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { page } = await loadVotePage(request, params, roundPage);
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
    <BallotPaper
      place={areaName(community, lng)}
      title={round.title}
      rules={[
        t("vote:round.rulesBudget", { budget: formatYuan(round.budget, lng) }),
        round.maxProjects === null
          ? t("vote:round.rulesMin", { min: round.minProjects })
          : t("vote:round.rulesMinMax", { min: round.minProjects, max: round.maxProjects }),
      ]}
      items={projects.map((p) => ({ key: p.id, label: `${p.title} · ${formatYuan(p.cost, lng)}` }))}
      closesAt={round.closesAt}
      cancelReason={round.cancelledAt === null ? null : (round.cancelReason ?? "")}
    />
  );
}
