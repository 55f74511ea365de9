import { useState, type FormEvent } from "react";
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
  roundPage,
  voteRound,
} from "~/services/voting.server";
import { areaName, formatYuan } from "~/utils/format";
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
import type { VoteAnswer } from "./polls.$id._index";

export const handle = { i18n: ["vote", "project"] };
export const meta = titleMeta;

export async function loader({ request, params }: LoaderFunctionArgs) {
  const id = idParam(params.id);
  const { actor } = await getCurrent(request);
  const page = await roundPage(actor, id);
  if (!page) notFound();
  return json({ title: page.round.title, ...page, me: actor.userId });
}

export async function action({ request, params }: ActionFunctionArgs) {
  const id = idParam(params.id);
  const form = await readForm(request);
  if (form.intent === "check") {
    const receipt = typeof form.receipt === "string" ? normaliseReceipt(form.receipt) : null;
    if (!receipt) return refuseForm(400, { receipt: { key: "vote:errors.badReceipt" } }, form);
    try {
      return json<VoteAnswer>({ found: await findReceipt("round", id, receipt) });
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
      await confirmPaperBallot(actor, participationId.data, { kind: "round", id });
      return json<VoteAnswer>({ confirmed: true });
    }
    const parsed = parseForm(ballotSchema, form);
    if (!parsed.ok)
      return refuseForm(400, { choice: parsed.errors.choice ?? { key: "errors.badForm" } }, form);
    if (form.intent === "paper") {
      const voterId = idSchema.safeParse(form.voter);
      if (!voterId.success)
        return refuseForm(400, { voter: { key: "vote:errors.pickVoter" } }, form);
      const receipt = await enterPaperBallot(actor, "round", id, voterId.data, parsed.data.choice);
      return json<VoteAnswer>({ receipt, paper: true });
    }
    if (form.intent !== "vote") return refuseForm(400, { _form: { key: "errors.badForm" } }, form);
    return json<VoteAnswer>({ receipt: await voteRound(actor, id, parsed.data.choice) });
  } catch (e) {
    return refusalFrom(e, form);
  }
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
      <h1 id="round-title">{round.title}</h1>
      <PhaseLine phase={phase} opensAt={round.opensAt} closesAt={round.closesAt} />
      {round.description && <p className="prose">{round.description}</p>}
      <p className="meta">
        {t("vote:round.budget", { budget: formatYuan(round.budget, lng) })} ·{" "}
        {t(`vote:tally.${round.method}`)} · {t("vote:ballotCount", { count: data.ballots })}
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
        <section aria-labelledby="candidates-title">
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
            {ballotFields("paper")}
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
