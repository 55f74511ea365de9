import { useState, type FormEvent } from "react";
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { ErrorSummary } from "~/components/forms";
import { useLiveRevalidation } from "~/components/live";
import { ReadAloud } from "~/components/read-aloud";
import {
  PhaseLine,
  PublishedBallots,
  VoteNotices,
  PaperDesk,
  ResultBars,
  useVoteLabels,
  type VoteAnswer,
} from "~/components/votes";
import { roundPage } from "~/services/voting/queries.server";
import { areaName, formatYuan } from "~/utils/format";
import type { Refusal } from "~/utils/forms.server";
import { titleMeta } from "~/utils/meta";
import { loadVotePage, voteAction } from "~/utils/vote-page.server";

export const handle = { i18n: ["vote", "project"] };
export const meta = titleMeta;

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { actor, page } = await loadVotePage(request, params, roundPage);
  return json({ title: page.round.title, ...page, me: actor.userId });
}

export function action({ request, params }: ActionFunctionArgs) {
  return voteAction(request, params, "round");
}

export default function BudgetRound() {
  const data = useLoaderData<typeof loader>();
  const { round, projects, phase, viewer } = data;
  const answer = useActionData<VoteAnswer | Refusal>();
  const refused = answer && "errors" in answer ? answer : undefined;
  const { t, lng } = useVoteLabels();
  useLiveRevalidation([`community:${round.communityId}`]);
  const intent = refused?.values.intent;
  const chosen = refused
    ? (refused.lists?.choice ?? (refused.values.choice ? [refused.values.choice] : []))
    : [];
  const title = (id: number) => projects.find((p) => p.id === id)?.title ?? `#${id}`;
  const describe = (choices: number[]) => choices.map(title).join(t("common:listSeparator"));
  const rules = [
    t("vote:round.rulesBudget", { budget: formatYuan(round.budget, lng) }),
    round.maxProjects === null
      ? t("vote:round.rulesMin", { min: round.minProjects })
      : t("vote:round.rulesMinMax", { min: round.minProjects, max: round.maxProjects }),
  ];
  // With JavaScript, a running total as boxes are ticked; without it, the rules above suffice.
  const [picked, setPicked] = useState<{ form: string; total: number; count: number } | null>(null);
  const recount = (form: "vote" | "paper") => (e: FormEvent<HTMLFieldSetElement>) => {
    const boxes = e.currentTarget.querySelectorAll<HTMLInputElement>("input[name=choice]:checked");
    let total = 0;
    boxes.forEach((b) => (total += Number(b.dataset.cost ?? 0)));
    setPicked({ form, total, count: boxes.length });
  };
  const ballotFields = (form: "vote" | "paper") => (
    <fieldset
      className={`field${refused?.errors.choice && intent === form ? " has-error" : ""}`}
      id={form === "vote" ? "f-choice" : "f-paper-choice"}
      onChange={recount(form)}
    >
      <legend>{t("vote:round.choose")}</legend>
      <ul className="plain">
        {rules.map((r) => (
          <li key={r} className="hint">
            {r}
          </li>
        ))}
      </ul>
      {projects.map((p) => (
        <label key={p.id} className="check">
          <input
            type="checkbox"
            name="choice"
            value={p.id}
            data-cost={p.cost}
            defaultChecked={intent === form && chosen.includes(String(p.id))}
          />{" "}
          {p.title} · {formatYuan(p.cost, lng)}
        </label>
      ))}
      {picked?.form === form && (
        <p aria-live="polite" className={picked.total > round.budget ? "error" : "hint"}>
          {t("vote:round.runningTotal", {
            count: picked.count,
            total: formatYuan(picked.total, lng),
            budget: formatYuan(round.budget, lng),
          })}
        </p>
      )}
    </fieldset>
  );
  return (
    <article aria-labelledby="round-title">
      <p>
        <Link to={`/communities/${data.community.id}`}>{areaName(data.community, lng)}</Link>
      </p>
      <h1 id="round-title" data-read-aloud>
        {round.title}
      </h1>
      <ReadAloud />
      <PhaseLine phase={phase} opensAt={round.opensAt} closesAt={round.closesAt} />
      {round.description && (
        <p className="prose" data-read-aloud>
          {round.description}
        </p>
      )}
      <p className="meta">
        {t("vote:round.budget", { budget: formatYuan(round.budget, lng) })} ·{" "}
        {t(`vote:tally.${round.method}`)} · {t("vote:ballotCount", { count: data.ballots })}
        {data.paperBallots > 0 && <> · {t("vote:paperCount", { count: data.paperBallots })}</>}
      </p>
      <VoteNotices
        answer={answer}
        refused={refused}
        formShown={viewer.canVote && !(answer && "receipt" in answer && !answer.paper)}
      />
      {viewer.canVote && !(answer && "receipt" in answer && !answer.paper) && (
        <Form method="post" className="card">
          <h2>{t("vote:round.yourVote")}</h2>
          {intent === "vote" && <ErrorSummary errors={refused?.errors} />}
          <input type="hidden" name="intent" value="vote" />
          {ballotFields("vote")}
          <p className="hint">{t("vote:poll.secret")}</p>
          <button type="submit" className="primary">
            {t("vote:round.submit")}
          </button>
        </Form>
      )}
      {!viewer.canVote && phase === "open" && (
        <p className="hint">
          {viewer.voted
            ? t("vote:poll.voted")
            : viewer.refusal === "notAssistable"
              ? t("common:errors.notAssistable")
              : viewer.signedIn
                ? t("vote:poll.notEligible.residents")
                : t("vote:poll.signIn")}
          {!viewer.signedIn && (
            <>
              {" "}
              <Link to={`/login?next=/budgets/${round.id}`}>{t("vote:signInLink")}</Link>
            </>
          )}
        </p>
      )}

      {phase !== "closed" && (
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

      {phase === "closed" && (
        <PublishedBallots
          base={`/budgets/${round.id}`}
          found={answer && "found" in answer ? answer.found : undefined}
          errors={intent === "check" ? refused?.errors : undefined}
          describe={describe}
        />
      )}

      <p>
        <a href={`/budgets/${round.id}/print`}>{t("vote:print.link")}</a>
      </p>

      {viewer.canManage && (
        <PaperDesk
          voters={data.voters}
          entries={data.paper}
          me={data.me}
          refused={refused}
          choices={ballotFields("paper")}
        />
      )}
    </article>
  );
}
