import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { reloadAfterEveryForm, ResultBars, VotePage } from "~/components/votes";
import { useVoteLabels } from "~/components/vote-labels";
import { roundPage } from "~/services/voting/queries.server";
import { formatYuan } from "~/utils/format";
import { titleMeta } from "~/utils/meta";
import { loadVotePage, voteAction } from "~/utils/vote-page.server";

export const handle = { i18n: ["vote", "project"] };
export const meta = titleMeta;
export const shouldRevalidate = reloadAfterEveryForm;

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { actor, page } = await loadVotePage(request, params, roundPage);
  return json({ title: page.round.title, ...page, me: actor.userId });
}

export function action({ request, params }: ActionFunctionArgs) {
  return voteAction(request, params, "round");
}

export default function BudgetRound() {
  const data = useLoaderData<typeof loader>();
  const { round, projects, phase } = data;
  const { t, lng } = useVoteLabels();
  const title = (id: number) => projects.find((p) => p.id === id)?.title ?? `#${id}`;
  const describe = (choices: number[]) => choices.map(title).join(t("common:listSeparator"));
  return (
    <VotePage
      kind="round"
      title={round.title}
      item={round}
      page={data}
      facts={[
        t("vote:round.budget", { budget: formatYuan(round.budget, lng) }),
        t(`vote:tally.${round.method}`),
      ]}
      electorate="residents"
      ballot={{
        legend: t("vote:round.choose"),
        multiple: true,
        choices: projects.map((p) => ({
          id: p.id,
          label: `${p.title} · ${formatYuan(p.cost, lng)}`,
          cost: p.cost,
        })),
        rules: [
          t("vote:round.rulesBudget", { budget: formatYuan(round.budget, lng) }),
          round.maxProjects === null
            ? t("vote:round.rulesMin", { min: round.minProjects })
            : t("vote:round.rulesMinMax", { min: round.minProjects, max: round.maxProjects }),
        ],
        budget: round.budget,
      }}
      describe={describe}
    >
      {!round.talliedAt && (
        <section aria-labelledby="candidates-title" data-read-aloud>
          <h2 id="candidates-title">{t("vote:round.candidates")}</h2>
          <ul className="plain">
            {projects.map((p) => (
              <li key={p.id} className="card">
                <Link to={`/projects/${p.id}`}>{p.title}</Link> · {formatYuan(p.cost, lng)}
                <p className="hint">{p.summary}</p>
              </li>
            ))}
          </ul>
        </section>
      )}

      {phase === "closed" && round.talliedAt && (
        <section aria-labelledby="results-title">
          <h2 id="results-title">{t("vote:results.title")}</h2>
          <p>
            {t("vote:round.used", {
              spent: formatYuan(round.spent ?? 0, lng),
              budget: formatYuan(round.budget, lng),
            })}
          </p>
          <ResultBars
            caption={t("vote:results.project")}
            valueLabel={t("vote:results.approvals")}
            rows={[...projects]
              .sort((a, b) => (b.approvals ?? 0) - (a.approvals ?? 0))
              .map((p) => ({
                key: p.id,
                label: p.title,
                value: p.approvals ?? 0,
                won: p.selected === 1,
                note: `${formatYuan(p.cost, lng)} · ${p.selected === 1 ? t("vote:results.won") : t("vote:results.notFunded")}`,
              }))}
          />
          <p className="hint">{t(`vote:tallyExplain.${round.method}`)}</p>
          <p>
            <a href={`/budgets/${round.id}/round.pb`} download>
              {t("vote:round.pabulib")}
            </a>
          </p>
        </section>
      )}
    </VotePage>
  );
}
