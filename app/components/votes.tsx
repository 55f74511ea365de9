/** Pieces of the poll and budget pages: phase labels, result bars, receipts, published ballots. */
import type { ReactNode } from "react";
import { Form, Link } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { RECEIPT_TYPED_MAX, type Phase } from "~/domain/voting/rules";
import type { FieldErrors } from "~/domain/validation";
import type { Lng } from "~/i18n/config";
import { formatDateTime } from "~/utils/format";
import { ErrorSummary, Field, SelectField } from "./forms";

/** What the poll and round pages' action answers besides refusals. */
export type VoteAnswer =
  | { receipt: string; paper?: boolean }
  | { found: { receipt: string; choices: number[]; channel: "online" | "paper" } | null }
  | { confirmed: true };

export function useVoteLabels() {
  const { t, i18n } = useTranslation(["vote", "common"]);
  return { t, lng: i18n.language as Lng };
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
export function ReceiptBox({ receipt }: { receipt: string }) {
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
export function PublishedBallots({
  base,
  found,
  errors,
  describe,
}: {
  base: string;
  found: { receipt: string; choices: number[]; channel: "online" | "paper" } | null | undefined;
  errors: FieldErrors | undefined;
  describe: (choices: number[]) => string;
}) {
  const { t } = useVoteLabels();
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
      <Form method="post">
        <input type="hidden" name="intent" value="check" />
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
      </Form>
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
export function PaperEntries({
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
  if (entries.length === 0) return <p>{t("vote:paper.none")}</p>;
  return (
    <ul className="plain">
      {entries.map((e) => (
        <li key={e.id} className="row">
          <span>
            {e.voterName} · {formatDateTime(e.at, lng)} ·{" "}
            {t("vote:paper.enteredBy", { name: e.enteredByName ?? "—" })}
            {e.confirmedByName ? (
              <> · {t("vote:paper.confirmedBy", { name: e.confirmedByName })}</>
            ) : e.needsReview ? (
              <> · {t("vote:paper.needsReview")}</>
            ) : (
              <> · {t("vote:paper.unconfirmed")}</>
            )}
          </span>
          {!e.confirmedByName && e.enteredBy !== me && (
            <Form method="post" className="inline">
              <input type="hidden" name="intent" value="confirm" />
              <input type="hidden" name="participationId" value={e.id} />
              <button type="submit" className="small">
                {t("vote:paper.confirm", { name: e.voterName })}
              </button>
            </Form>
          )}
        </li>
      ))}
    </ul>
  );
}

export function VoteLinks({
  polls,
  rounds,
}: {
  polls: ReadonlyArray<{ id: number; question: string; phase: Phase }>;
  rounds: ReadonlyArray<{ id: number; title: string; phase: Phase }>;
}) {
  const { t } = useVoteLabels();
  if (polls.length === 0 && rounds.length === 0) return <p>{t("vote:list.none")}</p>;
  return (
    <ul>
      {rounds.map((r) => (
        <li key={`r${r.id}`}>
          <Link to={`/budgets/${r.id}`}>{r.title}</Link> · {t(`vote:phaseShort.${r.phase}`)}
        </li>
      ))}
      {polls.map((p) => (
        <li key={`p${p.id}`}>
          <Link to={`/polls/${p.id}`}>{p.question}</Link> · {t(`vote:phaseShort.${p.phase}`)}
        </li>
      ))}
    </ul>
  );
}

/** What the page says after its action: the receipt, a paper entry, a confirmation, a refusal. */
export function VoteNotices({
  answer,
  refused,
  formShown,
}: {
  answer: unknown;
  refused: { values: Record<string, string>; errors: FieldErrors } | undefined;
  /** Whether the vote form is on the page (it shows its own refusals). */
  formShown: boolean;
}) {
  const { t } = useVoteLabels();
  const a = answer as Record<string, unknown> | undefined;
  return (
    <>
      {a && typeof a.receipt === "string" && !a.paper && <ReceiptBox receipt={a.receipt} />}
      {a && a.confirmed === true && (
        <div className="notice" role="status">
          {t("vote:paper.confirmed")}
        </div>
      )}
      {a && typeof a.receipt === "string" && a.paper === true && (
        <div className="notice" role="status">
          {t("vote:paper.entered", { receipt: a.receipt })}
        </div>
      )}
      {/* A refused vote whose form is gone (voting closed meanwhile, or already voted). */}
      {refused?.values.intent === "vote" && !formShown && <ErrorSummary errors={refused.errors} />}
    </>
  );
}

/** The committee's paper-ballot desk: enter one for a resident, and the entries to confirm. */
export function PaperDesk({
  voters,
  entries,
  me,
  refused,
  choices,
}: {
  voters: ReadonlyArray<{ id: number; displayName: string }> | null;
  entries: Parameters<typeof PaperEntries>[0]["entries"] | null;
  me: number | null;
  refused: { values: Record<string, string>; errors: FieldErrors } | undefined;
  /** The ballot's own choice fields, as the vote form shows them. */
  choices: ReactNode;
}) {
  const { t } = useVoteLabels();
  const intent = refused?.values.intent;
  return (
    <>
      {voters && (
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
              options={voters.map((v) => ({ value: String(v.id), label: v.displayName }))}
              defaultValue={intent === "paper" ? refused?.values.voter : undefined}
              error={intent === "paper" ? refused?.errors.voter : undefined}
            />
            {choices}
            <button type="submit">{t("vote:paper.submit")}</button>
          </Form>
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
