import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { reloadAfterEveryForm, ResultBars, VotePage } from "~/components/votes";
import { useVoteLabels } from "~/components/vote-labels";
import { pollPage } from "~/services/voting/queries.server";
import { formatDateTime } from "~/utils/format";
import { titleMeta } from "~/utils/meta";
import { loadVotePage, voteAction } from "~/utils/vote-page.server";

export const handle = { i18n: ["vote"] };
export const meta = titleMeta;
export const shouldRevalidate = reloadAfterEveryForm;

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { actor, page } = await loadVotePage(request, params, pollPage);
  return json({ title: page.poll.question, ...page, me: actor.userId });
}

export function action({ request, params }: ActionFunctionArgs) {
  return voteAction(request, params, "poll");
}

export default function Poll() {
  const data = useLoaderData<typeof loader>();
  const { poll, options, results, release, step, phase, final } = data;
  const { t, lng } = useVoteLabels();
  const label = (o: { code: string | null; label: string }) =>
    o.code ? t(`vote:yesNo.${o.code}`) : o.label;
  const describe = (choices: number[]) =>
    choices
      .map((c) => options.find((o) => o.id === c))
      .filter((o) => o !== undefined)
      .map(label)
      .join(t("common:listSeparator"));
  const multiple = poll.method === "approval";
  return (
    <VotePage
      kind="poll"
      title={poll.question}
      item={poll}
      page={data}
      facts={[t(`vote:method.${poll.method}`), t(`vote:electorate.${poll.electorate}`)]}
      electorate={poll.electorate}
      ballot={{
        legend: multiple
          ? t("vote:poll.chooseUpTo", { max: poll.maxChoices })
          : t("vote:poll.chooseOne"),
        multiple,
        choices: options.map((o) => ({ id: o.id, label: label(o) })),
      }}
      describe={describe}
    >
      <section aria-labelledby="results-title">
        <h2 id="results-title">{t("vote:results.title")}</h2>
        {results ? (
          <ResultBars
            caption={t("vote:results.option")}
            valueLabel={t("vote:results.votes")}
            rows={results.map((r) => ({
              key: r.optionId,
              label: label(options.find((o) => o.id === r.optionId)!),
              value: r.votes,
            }))}
          />
        ) : phase === "cancelled" ? (
          <p>{t("vote:results.cancelled")}</p>
        ) : phase === "closed" ? (
          <p>{t("vote:results.awaitingBox")}</p>
        ) : poll.results === "live" && phase === "open" ? (
          <p>{t("vote:results.liveFirst", { step: step.ballots })}</p>
        ) : (
          <p>{t("vote:results.afterClose")}</p>
        )}
        {release && !final && (
          <p className="hint">
            {t("vote:results.liveStep", {
              count: release.ballots,
              at: formatDateTime(release.releasedAt, lng),
              step: step.ballots,
              minutes: step.minutes,
            })}
          </p>
        )}
      </section>
    </VotePage>
  );
}
