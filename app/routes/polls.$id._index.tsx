import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { ErrorSummary, Notice, SelectField } from "~/components/forms";
import { useLiveRevalidation } from "~/components/live";
import {
  PaperEntries,
  PhaseLine,
  PublishedBallots,
  ReceiptBox,
  ResultBars,
  useVoteLabels,
} from "~/components/votes";
import { normaliseReceipt } from "~/domain/voting/rules";
import { ballotSchema } from "~/domain/voting/schemas";
import { id as idSchema, parseForm } from "~/domain/validation";
import {
  confirmPaperBallot,
  enterPaperBallot,
  findReceipt,
  pollPage,
  votePoll,
} from "~/services/voting.server";
import { areaName } from "~/utils/format";
import {
  idParam,
  notFound,
  readForm,
  refusalFrom,
  refuseForm,
  type Refusal,
} from "~/utils/forms.server";
import { titleMeta } from "~/utils/meta";
import { getCurrent, requireSession } from "~/utils/session.server";

export const handle = { i18n: ["vote"] };
export const meta = titleMeta;

export async function loader({ request, params }: LoaderFunctionArgs) {
  const id = idParam(params.id);
  const { actor } = await getCurrent(request);
  const page = await pollPage(actor, id);
  if (!page) notFound();
  return json({ title: page.poll.question, ...page, me: actor.userId });
}

/** What an action answers besides refusals: a receipt after voting, or a receipt looked up. */
export type VoteAnswer =
  | { receipt: string; paper?: boolean }
  | { found: { receipt: string; choices: number[]; channel: "online" | "paper" } | null }
  | { confirmed: true };

export async function action({ request, params }: ActionFunctionArgs) {
  const id = idParam(params.id);
  const form = await readForm(request);
  if (form.intent === "check") {
    // Anyone may look a receipt up, signed in or not.
    const receipt = typeof form.receipt === "string" ? normaliseReceipt(form.receipt) : null;
    if (!receipt) return refuseForm(400, { receipt: { key: "vote:errors.badReceipt" } }, form);
    try {
      return json<VoteAnswer>({ found: await findReceipt("poll", id, receipt) });
    } catch (e) {
      return refusalFrom(e, form);
    }
  }
  const { actor } = await requireSession(request);
  try {
    if (form.intent === "confirm") {
      const participationId = idSchema.safeParse(form.participationId);
      if (!participationId.success)
        return refuseForm(400, { _form: { key: "errors.badForm" } }, form);
      await confirmPaperBallot(actor, participationId.data, { kind: "poll", id });
      return json<VoteAnswer>({ confirmed: true });
    }
    const parsed = parseForm(ballotSchema, form);
    if (!parsed.ok)
      return refuseForm(400, { choice: parsed.errors.choice ?? { key: "errors.badForm" } }, form);
    if (form.intent === "paper") {
      const voterId = idSchema.safeParse(form.voter);
      if (!voterId.success)
        return refuseForm(400, { voter: { key: "vote:errors.pickVoter" } }, form);
      const receipt = await enterPaperBallot(actor, "poll", id, voterId.data, parsed.data.choice);
      return json<VoteAnswer>({ receipt, paper: true });
    }
    if (form.intent !== "vote") return refuseForm(400, { _form: { key: "errors.badForm" } }, form);
    return json<VoteAnswer>({ receipt: await votePoll(actor, id, parsed.data.choice) });
  } catch (e) {
    return refusalFrom(e, form);
  }
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
      <h1 id="poll-title">{poll.question}</h1>
      <PhaseLine phase={phase} opensAt={poll.opensAt} closesAt={poll.closesAt} />
      {poll.description && <p className="prose">{poll.description}</p>}
      <p className="meta">
        {t(`vote:method.${poll.method}`)} · {t(`vote:electorate.${poll.electorate}`)} ·{" "}
        {t("vote:ballotCount", { count: data.ballots })}
        {data.paperBallots > 0 && <> · {t("vote:paperCount", { count: data.paperBallots })}</>}
      </p>
      {answer && "receipt" in answer && !answer.paper && <ReceiptBox receipt={answer.receipt} />}
      {answer && "confirmed" in answer && <Notice>{t("vote:paper.confirmed")}</Notice>}
      {answer && "receipt" in answer && answer.paper && (
        <Notice>{t("vote:paper.entered", { receipt: answer.receipt })}</Notice>
      )}

      {/* A refused vote whose form is gone (voting closed meanwhile, or already voted). */}
      {intent === "vote" && !viewer.canVote && <ErrorSummary errors={refused?.errors} />}
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

      {viewer.canManage && data.voters && (
        <section aria-labelledby="paper-title" className="card">
          <h2 id="paper-title">{t("vote:paper.title")}</h2>
          <p className="hint">{t("vote:paper.intro")}</p>
          <Form method="post">
            <input type="hidden" name="intent" value="paper" />
            {intent === "paper" && <ErrorSummary errors={refused?.errors} />}
            <SelectField
              name="voter"
              label={t("vote:paper.voter")}
              empty={t("vote:paper.pickVoter")}
              options={data.voters.map((v) => ({ value: String(v.id), label: v.displayName }))}
              defaultValue={intent === "paper" ? refused?.values.voter : undefined}
              error={intent === "paper" ? refused?.errors.voter : undefined}
            />
            {choiceFields("paper")}
            <button type="submit">{t("vote:paper.submit")}</button>
          </Form>
        </section>
      )}
      {viewer.canManage && data.paper && (
        <section aria-labelledby="paper-list-title">
          <h2 id="paper-list-title">{t("vote:paper.listTitle")}</h2>
          {intent === "confirm" && <ErrorSummary errors={refused?.errors} />}
          <PaperEntries entries={data.paper} me={data.me} />
        </section>
      )}
    </article>
  );
}
