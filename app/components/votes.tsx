/**
 * Pieces of the poll and budget pages: phase labels, result bars, receipts, published ballots.
 * Longer than most files: both pages are drawn by the one `VotePage` here, so that a poll and a
 * budget round cannot drift apart; the "new" forms are in `vote-forms.tsx`.
 */
import { useShownName } from "~/components/person";
import { useState, type FormEvent, type ReactNode } from "react";
import { Form, Link, useActionData } from "@remix-run/react";
import { RECEIPT_TYPED_MAX, type Phase } from "~/domain/voting/rules";
import type { VoteKind } from "~/domain/voting/schemas";
import { areaName, formatDateTime, formatYuan } from "~/utils/format";
import type { Refusal } from "~/utils/forms.server";
import { ErrorSummary, Field, IntentForm, Notice, refusalFor, SelectField } from "./forms";
import { useLiveRevalidation } from "./live";
import { ReadAloud } from "./read-aloud";
import { useVoteLabels } from "./vote-labels";

/** What the poll and round pages' action answers besides refusals. */
export type VoteAnswer =
  | { receipt: string; paper?: boolean }
  | { found: { receipt: string; choices: number[]; channel: "online" | "paper" } | null }
  | { confirmed: true };

type BallotForm = "vote" | "paper";

/** What the page's action answered: the answer, the refusal if it was one, and which form. */
function useVoteAnswer() {
  const answer = useActionData<VoteAnswer | Refusal>();
  const refused = answer && "errors" in answer ? answer : undefined;
  return { answer, refused, intent: refused?.values.intent };
}

export function PhaseLine({
  phase,
  opensAt,
  closesAt,
}: {
  phase: Phase;
  opensAt: string;
  closesAt: string;
}) {
  const { t, lng } = useVoteLabels();
  return (
    <p className={`badge phase-${phase}`}>
      {phase === "upcoming"
        ? t("vote:phase.upcoming", { at: formatDateTime(opensAt, lng) })
        : phase === "open"
          ? t("vote:phase.open", { at: formatDateTime(closesAt, lng) })
          : t("vote:phase.closed", { at: formatDateTime(closesAt, lng) })}
    </p>
  );
}

/**
 * A bar chart drawn by the server: a table (readable by screen readers and without CSS) whose
 * cells carry a bar as wide as the share. Works without JavaScript and prints.
 */
export function ResultBars({
  caption,
  rows,
  valueLabel,
}: {
  caption: string;
  rows: ReadonlyArray<{
    key: string | number;
    label: string;
    value: number;
    note?: string;
    won?: boolean;
  }>;
  valueLabel: string;
}) {
  const max = Math.max(1, ...rows.map((r) => r.value));
  return (
    <div className="table-wrap">
      <table className="results">
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{caption}</th>
            <th scope="col" className="num">
              {valueLabel}
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.key} className={r.won ? "won" : undefined}>
              <th scope="row">
                {r.label}
                {r.note && <span className="meta"> · {r.note}</span>}
                <span className="bar" aria-hidden="true">
                  <span style={{ width: `${Math.round((r.value / max) * 100)}%` }} />
                </span>
              </th>
              <td className="num">{r.value}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** The receipt a voter keeps, shown once, right after voting. */
function ReceiptBox({ receipt }: { receipt: string }) {
  const { t } = useVoteLabels();
  return (
    <div className="notice receipt" role="status">
      <p>{t("vote:receipt.thanks")}</p>
      <p>
        {t("vote:receipt.yours")} <strong className="receipt-code">{receipt}</strong>
      </p>
      <p className="hint">{t("vote:receipt.keep")}</p>
    </div>
  );
}

/** After closing: the downloads of every ballot, and a form to find one's own receipt. */
function PublishedBallots({
  base,
  describe,
}: {
  base: string;
  describe: (choices: number[]) => string;
}) {
  const { t } = useVoteLabels();
  const { answer, refused, intent } = useVoteAnswer();
  const found = answer && "found" in answer ? answer.found : undefined;
  const errors = intent === "check" ? refused?.errors : undefined;
  return (
    <section aria-labelledby="ballots-title" className="card">
      <h2 id="ballots-title">{t("vote:published.title")}</h2>
      <p>{t("vote:published.intro")}</p>
      <p className="buttons">
        <a className="button" href={`${base}/ballots.csv`} download>
          {t("vote:published.csv")}
        </a>
        <a className="button" href={`${base}/ballots.json`} download>
          {t("vote:published.json")}
        </a>
      </p>
      <IntentForm intent="check">
        <ErrorSummary errors={errors} />
        <Field
          name="receipt"
          label={t("vote:published.checkLabel")}
          hint={t("vote:published.checkHint")}
          autoComplete="off"
          maxLength={RECEIPT_TYPED_MAX}
          error={errors?.receipt}
        />
        <button type="submit">{t("vote:published.check")}</button>
      </IntentForm>
      {found === null && <p className="error">{t("vote:published.notFound")}</p>}
      {found && (
        <p className="notice" role="status">
          {t("vote:published.found", {
            receipt: found.receipt,
            choices: describe(found.choices),
          })}
          {found.channel === "paper" && <> ({t("vote:channel.paper")})</>}
        </p>
      )}
    </section>
  );
}

/** The committee's view of paper ballots: who handed one in, who entered and who checked it. */
function PaperEntries({
  entries,
  me,
}: {
  entries: ReadonlyArray<{
    id: number;
    voterName: string;
    enteredByName: string | null;
    enteredBy: number | null;
    confirmedByName: string | null;
    needsReview: number;
    at: string;
  }>;
  me: number | null;
}) {
  const { t, lng } = useVoteLabels();
  const shown = useShownName();
  if (entries.length === 0) return <p>{t("vote:paper.none")}</p>;
  return (
    <ul className="plain">
      {entries.map((e) => (
        <li key={e.id} className="row">
          <span>
            {shown(e.voterName)} · {formatDateTime(e.at, lng)} ·{" "}
            {t("vote:paper.enteredBy", {
              name: e.enteredByName === null ? "—" : shown(e.enteredByName),
            })}
            {/* An empty name is a confirmer whose account was deleted: still confirmed. */}
            {e.confirmedByName !== null ? (
              <> · {t("vote:paper.confirmedBy", { name: shown(e.confirmedByName) })}</>
            ) : e.needsReview ? (
              <> · {t("vote:paper.needsReview")}</>
            ) : (
              <> · {t("vote:paper.unconfirmed")}</>
            )}
          </span>
          {e.confirmedByName === null && e.enteredBy !== me && (
            <IntentForm intent="confirm" ids={{ participationId: e.id }} className="inline">
              <button type="submit" className="small">
                {t("vote:paper.confirm", { name: shown(e.voterName) })}
              </button>
            </IntentForm>
          )}
        </li>
      ))}
    </ul>
  );
}

/** The committee's paper-ballot desk: enter one for a resident, and the entries to confirm. */
function PaperDesk({
  voters,
  entries,
  me,
  choices,
}: {
  voters: ReadonlyArray<{ id: number; displayName: string }> | null;
  entries: Parameters<typeof PaperEntries>[0]["entries"] | null;
  me: number | null;
  /** The ballot's own choice fields, as the vote form shows them. */
  choices: ReactNode;
}) {
  const { t } = useVoteLabels();
  const { refused, intent } = useVoteAnswer();
  const paper = refusalFor(refused, "paper");
  return (
    <>
      {voters && (
        <section aria-labelledby="paper-title" className="card">
          <h2 id="paper-title">{t("vote:paper.title")}</h2>
          <p className="hint">{t("vote:paper.intro")}</p>
          <IntentForm intent="paper">
            {paper && <ErrorSummary errors={paper.errors} />}
            <SelectField
              name="voter"
              label={t("vote:paper.voter")}
              empty={t("vote:paper.pickVoter")}
              options={voters.map((v) => ({ value: String(v.id), label: v.displayName }))}
              refused={paper}
            />
            {choices}
            <button type="submit">{t("vote:paper.submit")}</button>
          </IntentForm>
        </section>
      )}
      {entries && (
        <section aria-labelledby="paper-list-title">
          <h2 id="paper-list-title">{t("vote:paper.listTitle")}</h2>
          {intent === "confirm" && <ErrorSummary errors={refused?.errors} />}
          <PaperEntries entries={entries} me={me} />
        </section>
      )}
    </>
  );
}

/** A printable ballot paper: the question or round, the boxes to tick, and how to hand it in. */
export function BallotPaper({
  place,
  title,
  rules,
  items,
  closesAt,
}: {
  place: string;
  title: string;
  rules: readonly string[];
  items: ReadonlyArray<{ key: number; label: string }>;
  closesAt: string;
}) {
  const { t, lng } = useVoteLabels();
  return (
    <article className="ballot-paper" aria-labelledby="paper-title">
      <p>
        {place} · {t("vote:print.heading")}
      </p>
      <h1 id="paper-title">{title}</h1>
      {rules.map((r) => (
        <p key={r}>{r}</p>
      ))}
      <ul className="paper-options">
        {items.map((i) => (
          <li key={i.key}>
            <span className="box" aria-hidden="true" /> {i.label}
          </li>
        ))}
      </ul>
      <p className="hint">{t("vote:print.until", { at: formatDateTime(closesAt, lng) })}</p>
      <p className="hint">{t("vote:print.instructions")}</p>
      <p className="signature">{t("vote:print.receivedBy")}</p>
    </article>
  );
}

/** What a ballot offers: a box for each option or project; a round's also has rules and a budget. */
interface Ballot {
  legend: string;
  multiple: boolean;
  choices: ReadonlyArray<{ id: number; label: string; cost?: number }>;
  rules?: readonly string[];
  budget?: number;
}

const pagePaths: Record<VoteKind, string> = { poll: "/polls", round: "/budgets" };

/**
 * The page of a poll or a budget round: what is asked and when, the vote form (or why there is
 * none), the results the page puts in `children`, the published ballots once closed, the print
 * link and the committee's paper desk, whose ballot has the same boxes as the vote form.
 */
export function VotePage({
  kind,
  title,
  item,
  page,
  facts,
  electorate,
  ballot,
  describe,
  children,
}: {
  kind: VoteKind;
  title: string;
  /** The poll or round itself. */
  item: {
    id: number;
    communityId: number;
    description: string | null;
    opensAt: string;
    closesAt: string;
  };
  page: {
    community: { id: number; nameZh: string; nameEn: string };
    meeting?: { id: number; topic: string } | null;
    phase: Phase;
    ballots: number;
    paperBallots: number;
    viewer: {
      signedIn: boolean;
      voted: boolean;
      canVote: boolean;
      canManage: boolean;
      refusal: string | null;
    };
    voters: Parameters<typeof PaperDesk>[0]["voters"];
    paper: Parameters<typeof PaperDesk>[0]["entries"];
    me: number | null;
  };
  /** What the meta line says before the ballot count (the method, who votes, the budget). */
  facts: readonly string[];
  /** Who may vote, for the line that says the visitor may not. */
  electorate: string;
  ballot: Ballot;
  describe: (choices: number[]) => string;
  children: ReactNode;
}) {
  const { answer, refused, intent } = useVoteAnswer();
  const { t, lng } = useVoteLabels();
  useLiveRevalidation([`community:${item.communityId}`]);
  const { phase, viewer } = page;
  const base = `${pagePaths[kind]}/${item.id}`;
  const formShown = viewer.canVote && !(answer && "receipt" in answer && !answer.paper);
  const chosen = refused
    ? (refused.lists?.choice ?? (refused.values.choice ? [refused.values.choice] : []))
    : [];
  // With JavaScript, a running total as boxes are ticked; without it, the rules suffice.
  const [picked, setPicked] = useState<{ form: string; total: number; count: number } | null>(null);
  const recount = (form: BallotForm) => (e: FormEvent<HTMLFieldSetElement>) => {
    const boxes = e.currentTarget.querySelectorAll<HTMLInputElement>("input[name=choice]:checked");
    let total = 0;
    boxes.forEach((b) => (total += Number(b.dataset.cost ?? 0)));
    setPicked({ form, total, count: boxes.length });
  };
  const choiceFields = (form: BallotForm) => (
    <fieldset
      className={`field${refused?.errors.choice && intent === form ? " has-error" : ""}`}
      id={form === "vote" ? "f-choice" : "f-paper-choice"}
      onChange={ballot.budget === undefined ? undefined : recount(form)}
    >
      <legend>{ballot.legend}</legend>
      {ballot.rules && (
        <ul className="plain">
          {ballot.rules.map((r) => (
            <li key={r} className="hint">
              {r}
            </li>
          ))}
        </ul>
      )}
      {ballot.choices.map((c) => (
        <label key={c.id} className="check">
          <input
            type={ballot.multiple ? "checkbox" : "radio"}
            name="choice"
            value={c.id}
            data-cost={c.cost}
            defaultChecked={intent === form && chosen.includes(String(c.id))}
          />{" "}
          {c.label}
        </label>
      ))}
      {ballot.budget !== undefined && picked?.form === form && (
        <p aria-live="polite" className={picked.total > ballot.budget ? "error" : "hint"}>
          {t("vote:round.runningTotal", {
            count: picked.count,
            total: formatYuan(picked.total, lng),
            budget: formatYuan(ballot.budget, lng),
          })}
        </p>
      )}
    </fieldset>
  );
  return (
    <article aria-labelledby={`${kind}-title`}>
      <p>
        <Link to={`/communities/${page.community.id}`}>{areaName(page.community, lng)}</Link>
        {page.meeting && (
          <>
            {" · "}
            <Link to={`/meetings/${page.meeting.id}`}>{page.meeting.topic}</Link>
          </>
        )}
      </p>
      <h1 id={`${kind}-title`} data-read-aloud>
        {title}
      </h1>
      <ReadAloud />
      <PhaseLine phase={phase} opensAt={item.opensAt} closesAt={item.closesAt} />
      {item.description && (
        <p className="prose" data-read-aloud>
          {item.description}
        </p>
      )}
      <p className="meta">
        {facts.join(" · ")} · {t("vote:ballotCount", { count: page.ballots })}
        {page.paperBallots > 0 && <> · {t("vote:paperCount", { count: page.paperBallots })}</>}
      </p>
      {answer && "receipt" in answer && !answer.paper && <ReceiptBox receipt={answer.receipt} />}
      {answer && "confirmed" in answer && <Notice>{t("vote:paper.confirmed")}</Notice>}
      {answer && "receipt" in answer && answer.paper && (
        <Notice>{t("vote:paper.entered", { receipt: answer.receipt })}</Notice>
      )}
      {/* A refused vote whose form is gone (voting closed meanwhile, or already voted). */}
      {intent === "vote" && !formShown && <ErrorSummary errors={refused?.errors} />}
      {formShown && (
        <Form method="post" className="card">
          <h2>{kind === "poll" ? t("vote:poll.yourVote") : t("vote:round.yourVote")}</h2>
          {intent === "vote" && <ErrorSummary errors={refused?.errors} />}
          <input type="hidden" name="intent" value="vote" />
          {choiceFields("vote")}
          <p className="hint">{t("vote:poll.secret")}</p>
          <button type="submit" className="primary">
            {kind === "poll" ? t("vote:poll.submit") : t("vote:round.submit")}
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
                ? t(`vote:poll.notEligible.${electorate}`)
                : t("vote:poll.signIn")}
          {!viewer.signedIn && (
            <>
              {" "}
              <Link to={`/login?next=${base}`}>{t("vote:signInLink")}</Link>
            </>
          )}
        </p>
      )}

      {children}

      {phase === "closed" && <PublishedBallots base={base} describe={describe} />}

      <p>
        <a href={`${base}/print`}>{t("vote:print.link")}</a>
      </p>

      {viewer.canManage && (
        <PaperDesk
          voters={page.voters}
          entries={page.paper}
          me={page.me}
          choices={choiceFields("paper")}
        />
      )}
    </article>
  );
}
