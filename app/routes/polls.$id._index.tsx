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
import { pollPage } from "~/services/voting/queries.server";
import { areaName } from "~/utils/format";
import type { Refusal } from "~/utils/forms.server";
import { titleMeta } from "~/utils/meta";
import { loadVotePage, voteAction } from "~/utils/vote-page.server";

export const handle = { i18n: ["vote"] };
export const meta = titleMeta;

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { actor, page } = await loadVotePage(request, params, pollPage);
  return json({ title: page.poll.question, ...page, me: actor.userId });
}

export function action({ request, params }: ActionFunctionArgs) {
  return voteAction(request, params, "poll");
}

export default function Poll() {
  const data = useLoaderData<typeof loader>();
  const { poll, options, phase, results, viewer } = data;
  const answer = useActionData<VoteAnswer | Refusal>();
  const refused = answer && "errors" in answer ? answer : undefined;
  const { t, lng } = useVoteLabels();
  useLiveRevalidation([`community:${poll.communityId}`]);
  const label = (o: { code: string | null; label: string }) =>
    o.code ? t(`vote:yesNo.${o.code}`) : o.label;
  const describe = (choices: number[]) =>
    choices
      .map((c) => options.find((o) => o.id === c))
      .filter((o) => o !== undefined)
      .map(label)
      .join(t("common:listSeparator"));
  const multiple = poll.method === "approval";
  const intent = refused?.values.intent;
  const chosen = refused
    ? (refused.lists?.choice ?? (refused.values.choice ? [refused.values.choice] : []))
    : [];
  const choiceFields = (form: "vote" | "paper") => (
    <fieldset
      className={`field${refused?.errors.choice && intent === form ? " has-error" : ""}`}
      id={form === "vote" ? "f-choice" : "f-paper-choice"}
    >
      <legend>
        {multiple ? t("vote:poll.chooseUpTo", { max: poll.maxChoices }) : t("vote:poll.chooseOne")}
      </legend>
      {options.map((o) => (
        <label key={o.id} className="check">
          <input
            type={multiple ? "checkbox" : "radio"}
            name="choice"
            value={o.id}
            defaultChecked={intent === form && chosen.includes(String(o.id))}
          />{" "}
          {label(o)}
        </label>
      ))}
    </fieldset>
  );
  return (
    <article aria-labelledby="poll-title">
      <p>
        <Link to={`/communities/${data.community.id}`}>{areaName(data.community, lng)}</Link>
        {data.meeting && (
          <>
            {" · "}
            <Link to={`/meetings/${data.meeting.id}`}>{data.meeting.topic}</Link>
          </>
        )}
      </p>
      <h1 id="poll-title" data-read-aloud>
        {poll.question}
      </h1>
      <ReadAloud />
      <PhaseLine phase={phase} opensAt={poll.opensAt} closesAt={poll.closesAt} />
      {poll.description && (
        <p className="prose" data-read-aloud>
          {poll.description}
        </p>
      )}
      <p className="meta">
        {t(`vote:method.${poll.method}`)} · {t(`vote:electorate.${poll.electorate}`)} ·{" "}
        {t("vote:ballotCount", { count: data.ballots })}
        {data.paperBallots > 0 && <> · {t("vote:paperCount", { count: data.paperBallots })}</>}
      </p>
      <VoteNotices
        answer={answer}
        refused={refused}
        formShown={viewer.canVote && !(answer && "receipt" in answer && !answer.paper)}
      />
      {viewer.canVote && !(answer && "receipt" in answer && !answer.paper) && (
        <Form method="post" className="card">
          <h2>{t("vote:poll.yourVote")}</h2>
          {intent === "vote" && <ErrorSummary errors={refused?.errors} />}
          <input type="hidden" name="intent" value="vote" />
          {choiceFields("vote")}
          <p className="hint">{t("vote:poll.secret")}</p>
          <button type="submit" className="primary">
            {t("vote:poll.submit")}
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
                ? t(`vote:poll.notEligible.${poll.electorate}`)
                : t("vote:poll.signIn")}
          {!viewer.signedIn && (
            <>
              {" "}
              <Link to={`/login?next=/polls/${poll.id}`}>{t("vote:signInLink")}</Link>
            </>
          )}
        </p>
      )}

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
        ) : (
          <p>{t("vote:results.afterClose")}</p>
        )}
      </section>

      {phase === "closed" && (
        <PublishedBallots
          base={`/polls/${poll.id}`}
          found={answer && "found" in answer ? answer.found : undefined}
          errors={intent === "check" ? refused?.errors : undefined}
          describe={describe}
        />
      )}

      <p>
        <a href={`/polls/${poll.id}/print`}>{t("vote:print.link")}</a>
      </p>

      {viewer.canManage && (
        <PaperDesk
          voters={data.voters}
          entries={data.paper}
          me={data.me}
          refused={refused}
          choices={choiceFields("paper")}
        />
      )}
    </article>
  );
}
