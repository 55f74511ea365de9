/**
 * Pieces of the poll and budget pages: phase labels, result bars, receipts, published ballots.
 * Longer than most files: both pages are drawn by the one `VotePage` here, so that a poll and a
 * budget round cannot drift apart; the "new" forms are in `vote-forms.tsx`.
 */
import { useShownName } from "~/components/person";
import { useState, type FormEvent, type ReactNode } from "react";
import { Form, Link, useActionData, type ShouldRevalidateFunction } from "@remix-run/react";
import { COUNT_NOTE_MAX, RECEIPT_TYPED_MAX, type Phase } from "~/domain/voting/rules";
import type { VoteKind } from "~/domain/voting/schemas";
import { areaName, formatDateTime, formatYuan } from "~/utils/format";
import type { Refusal } from "~/utils/forms.server";
import {
  CancelForm,
  ErrorSummary,
  Field,
  IntentForm,
  Notice,
  refusalFor,
  SelectField,
  TextArea,
} from "./forms";
import { useLiveRevalidation } from "./live";
import { ReadAloud } from "./read-aloud";
import { useVoteLabels } from "./vote-labels";

/** What the poll and round pages' action answers besides refusals. */
export type VoteAnswer =
  | { receipt: string; ballots: number }
  | { found: { receipt: string; choices: number[]; channel: "online" | "paper" } | null }
  | { paper: "recorded" }
  | { box: "added" | "removed" | "submitted" | "confirmed" | "returned" }
  | { box: "spoiled"; spoiled: number };

type BallotForm = "vote" | "box";

/**
 * Poll and round pages reload their data after every form, refused ones too (Remix skips that
 * after a 4xx by default): a ballot refused because the person voted in another tab, or because
 * voting closed meanwhile, must not leave the ballot form and old figures on screen.
 */
export const reloadAfterEveryForm: ShouldRevalidateFunction = ({
  formMethod,
  defaultShouldRevalidate,
}) => formMethod?.toUpperCase() === "POST" || defaultShouldRevalidate;

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
          : phase === "cancelled"
            ? t("vote:phase.cancelled")
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

/** The register of paper voters: who voted at the window, when, and who recorded it. */
function PaperRegister({
  entries,
}: {
  entries: ReadonlyArray<{
    id: number;
    voterName: string;
    recordedByName: string | null;
    at: string;
  }>;
}) {
  const { t, lng } = useVoteLabels();
  const shown = useShownName();
  if (entries.length === 0) return <p>{t("vote:paper.none")}</p>;
  return (
    <ul className="plain">
      {entries.map((e) => (
        <li key={e.id}>
          {shown(e.voterName)} · {formatDateTime(e.at, lng)} ·{" "}
          {t("vote:paper.recordedBy", {
            name: e.recordedByName === null ? "—" : shown(e.recordedByName),
          })}
        </li>
      ))}
    </ul>
  );
}

/**
 * The committee's service-window desk while voting is open: record that a resident put their
 * paper into the box (never what it says), and the register of those who did.
 */
function PaperDesk({
  voters,
  entries,
}: {
  voters: ReadonlyArray<{ id: number; displayName: string }> | null;
  entries: Parameters<typeof PaperRegister>[0]["entries"] | null;
}) {
  const { t } = useVoteLabels();
  const { refused } = useVoteAnswer();
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
            <button type="submit">{t("vote:paper.submit")}</button>
          </IntentForm>
        </section>
      )}
      {entries && (
        <section aria-labelledby="paper-list-title">
          <h2 id="paper-list-title">{t("vote:paper.listTitle")}</h2>
          <PaperRegister entries={entries} />
        </section>
      )}
    </>
  );
}

/** The paper box as the page shows it (see `boxView` in the voting queries). */
export interface BoxView {
  expected: number;
  entered: number;
  spoiled: number;
  settled: boolean;
  note: string;
  submittedByName: string | null;
  submittedAt: string | null;
  confirmedByName: string | null;
  confirmedAt: string | null;
  needsReview: boolean;
  canConfirm: boolean;
  entries: ReadonlyArray<{ id: number; choices: number[] }>;
}

/** The intents of the box count's forms: their refusals are shown in the count's section. */
const BOX_INTENTS = ["box", "spoiled", "remove", "submitCount", "decideCount"];

/**
 * Where the paper box stands, for everyone: papers waiting while voting runs, being counted after
 * it closes, or counted (by whom, with how many spoiled, and any note).
 */
function BoxSummary({ box, phase }: { box: BoxView; phase: Phase }) {
  const { t } = useVoteLabels();
  const shown = useShownName();
  if (box.expected === 0) return null;
  if (phase !== "closed")
    return <p className="hint">{t("vote:box.waiting", { count: box.expected })}</p>;
  if (!box.settled)
    return <p className="notice">{t("vote:box.counting", { count: box.expected })}</p>;
  return (
    <p className="hint">
      {t("vote:box.counted", {
        expected: box.expected,
        entered: box.entered,
        spoiled: box.spoiled,
      })}{" "}
      {t("vote:box.countedBy", {
        by: box.submittedByName === null ? "—" : shown(box.submittedByName),
        checker: box.confirmedByName === null ? "—" : shown(box.confirmedByName),
      })}
      {box.needsReview && <> {t("vote:box.needsReview")}</>}
      {box.note && <> {t("vote:box.noteShown", { note: box.note })}</>}
    </p>
  );
}

/**
 * The committee's count of the paper box after closing: each paper entered as an anonymous ballot
 * or counted spoiled, the entries so far (to correct a mistake), the count submitted, and a second
 * member's confirmation or return.
 */
function BoxCount({
  box,
  choices,
  describe,
}: {
  box: BoxView;
  /** The ballot's own choice fields, as the vote form shows them. */
  choices: ReactNode;
  describe: (choices: number[]) => string;
}) {
  const { t, lng } = useVoteLabels();
  const shown = useShownName();
  const { refused, intent } = useVoteAnswer();
  const left = box.expected - box.entered - box.spoiled;
  const submitted = box.submittedAt !== null;
  const submit = refusalFor(refused, "submitCount");
  return (
    <section aria-labelledby="box-title" className="card">
      <h2 id="box-title">{t("vote:box.title")}</h2>
      <p className="hint">{t("vote:box.intro")}</p>
      <p>
        <strong>
          {t("vote:box.tally", {
            expected: box.expected,
            entered: box.entered,
            spoiled: box.spoiled,
            left: Math.max(0, left),
          })}
        </strong>
      </p>
      {intent !== undefined && BOX_INTENTS.includes(intent) && intent !== "submitCount" && (
        <ErrorSummary errors={refused?.errors} />
      )}
      {!submitted && left > 0 && (
        <IntentForm intent="box">
          {choices}
          <button type="submit">{t("vote:box.enter")}</button>
        </IntentForm>
      )}
      {!submitted && (
        <p className="buttons">
          {left > 0 && (
            <IntentForm intent="spoiled" ids={{ change: "add" }} className="inline">
              <button type="submit">{t("vote:box.spoil")}</button>
            </IntentForm>
          )}
          {box.spoiled > 0 && (
            <IntentForm intent="spoiled" ids={{ change: "remove" }} className="inline">
              <button type="submit">{t("vote:box.unspoil")}</button>
            </IntentForm>
          )}
        </p>
      )}
      <h3>{t("vote:box.entriesTitle")}</h3>
      {box.entries.length === 0 ? (
        <p>{t("vote:box.noEntries")}</p>
      ) : (
        <ol className="plain">
          {box.entries.map((e, i) => (
            <li key={e.id} className="row">
              <span>{t("vote:box.entry", { n: i + 1, choices: describe(e.choices) })}</span>
              {!submitted && (
                <IntentForm intent="remove" ids={{ entry: e.id }} className="inline">
                  <button type="submit" className="small">
                    {t("vote:box.remove", { n: i + 1 })}
                  </button>
                </IntentForm>
              )}
            </li>
          ))}
        </ol>
      )}
      {!submitted ? (
        <IntentForm intent="submitCount">
          {submit && <ErrorSummary errors={submit.errors} />}
          {left > 0 && (
            <TextArea
              name="note"
              label={t("vote:box.note")}
              hint={t("vote:box.noteHint")}
              maxLength={COUNT_NOTE_MAX}
              rows={2}
              refused={submit}
              error={submit?.errors.note}
            />
          )}
          <button type="submit" className="primary">
            {t("vote:box.submit")}
          </button>
        </IntentForm>
      ) : (
        <>
          <p>
            {t("vote:box.submitted", {
              name: box.submittedByName === null ? "—" : shown(box.submittedByName),
              at: formatDateTime(box.submittedAt!, lng),
            })}
          </p>
          {box.note && <p>{t("vote:box.noteShown", { note: box.note })}</p>}
          {box.canConfirm && (
            <p className="buttons">
              <IntentForm intent="decideCount" ids={{ decision: "confirm" }} className="inline">
                <button type="submit" className="primary">
                  {t("vote:box.confirm")}
                </button>
              </IntentForm>
              <IntentForm intent="decideCount" ids={{ decision: "return" }} className="inline">
                <button type="submit">{t("vote:box.return")}</button>
              </IntentForm>
            </p>
          )}
        </>
      )}
    </section>
  );
}

/** What the box count's forms answered, as a notice. */
function BoxNotice({ answer }: { answer: VoteAnswer | undefined }) {
  const { t } = useVoteLabels();
  if (!answer) return null;
  if ("paper" in answer) return <Notice>{t("vote:paper.recorded")}</Notice>;
  if (!("box" in answer)) return null;
  const text =
    answer.box === "spoiled"
      ? t("vote:box.spoiledChanged", { count: answer.spoiled })
      : t(
          {
            added: "vote:box.added",
            removed: "vote:box.removed",
            submitted: "vote:box.submittedNotice",
            confirmed: "vote:box.confirmedNotice",
            returned: "vote:box.returnedNotice",
          }[answer.box],
        );
  return <Notice>{text}</Notice>;
}

/** A printable ballot paper: the question or round, the boxes to tick, and how to hand it in. */
export function BallotPaper({
  place,
  title,
  rules,
  items,
  closesAt,
  cancelReason = null,
}: {
  place: string;
  title: string;
  rules: readonly string[];
  items: ReadonlyArray<{ key: number; label: string }>;
  closesAt: string;
  /** The vote was cancelled (with this reason): the sheet says so and offers no ballot. */
  cancelReason?: string | null;
}) {
  const { t, lng } = useVoteLabels();
  if (cancelReason !== null) {
    return (
      <article className="ballot-paper" aria-labelledby="paper-title">
        <p>
          {place} · {t("vote:print.heading")}
        </p>
        <h1 id="paper-title">{title}</h1>
        <p className="notice cancelled">
          <strong>{t("vote:cancel.noVotesTaken")}</strong>{" "}
          {t("vote:cancel.because", { reason: cancelReason })}
        </p>
      </article>
    );
  }
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
      canCancel: boolean;
      refusal: string | null;
    };
    /** Set once the committee cancelled it: why, and how many ballots were discarded. */
    cancelled: { at: string; reason: string; ballotsDiscarded: number } | null;
    final: boolean;
    box: BoxView;
    voters: Parameters<typeof PaperDesk>[0]["voters"];
    paper: Parameters<typeof PaperDesk>[0]["entries"];
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
  const formShown = viewer.canVote && !(answer && "receipt" in answer);
  // Right after a ballot: the count the answer read after it committed, if the page's is older.
  const ballots =
    answer && "receipt" in answer ? Math.max(answer.ballots, page.ballots) : page.ballots;
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
      id={form === "vote" ? "f-choice" : "f-box-choice"}
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
        {facts.join(" · ")} · {t("vote:ballotCount", { count: ballots })}
        {page.paperBallots > 0 && <> · {t("vote:paperCount", { count: page.paperBallots })}</>}
      </p>
      {page.cancelled && <CancelledNotice kind={kind} cancelled={page.cancelled} />}
      {!page.cancelled && <BoxSummary box={page.box} phase={phase} />}
      {answer && "receipt" in answer && <ReceiptBox receipt={answer.receipt} />}
      {answer && !("errors" in answer) && <BoxNotice answer={answer} />}
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

      {page.final && <PublishedBallots base={base} describe={describe} />}

      {/* A cancelled vote has no ballot paper to print. */}
      {!page.cancelled && (
        <p>
          <a href={`${base}/print`}>{t("vote:print.link")}</a>
        </p>
      )}

      {viewer.canManage && phase === "closed" && !page.final && (
        <BoxCount box={page.box} choices={choiceFields("box")} describe={describe} />
      )}
      {viewer.canManage && !page.cancelled && (
        <PaperDesk voters={page.voters} entries={page.paper} />
      )}
      {viewer.canCancel && <CancelVoteForm kind={kind} />}
    </article>
  );
}

/** A cancelled poll or round: the fact, the reason, and how many ballots went unread. */
function CancelledNotice({
  kind,
  cancelled,
}: {
  kind: VoteKind;
  cancelled: { at: string; reason: string; ballotsDiscarded: number };
}) {
  const { t, lng } = useVoteLabels();
  return (
    <div className="notice cancelled" role="status" data-read-aloud>
      <p>
        <strong>
          {t(kind === "poll" ? "vote:cancel.pollCancelled" : "vote:cancel.roundCancelled", {
            at: formatDateTime(cancelled.at, lng),
          })}
        </strong>
      </p>
      <p>{t("vote:cancel.because", { reason: cancelled.reason })}</p>
      <p>{t("vote:cancel.discarded", { count: cancelled.ballotsDiscarded })}</p>
    </div>
  );
}

/**
 * The committee's "cancel this vote" form, with its reason: shown until the vote closes. A refused
 * one (no reason, too long, closed meanwhile) comes back with the reason as typed.
 */
function CancelVoteForm({ kind }: { kind: VoteKind }) {
  const { t } = useVoteLabels();
  const { refused } = useVoteAnswer();
  return (
    <CancelForm
      title={t(kind === "poll" ? "vote:cancel.pollTitle" : "vote:cancel.roundTitle")}
      hint={t("vote:cancel.hint")}
      label={t("vote:cancel.reason")}
      submit={t("vote:cancel.submit")}
      refused={refusalFor(refused, "cancel")}
    />
  );
}
