/**
 * Voting one statement at a time, and the person's own votes. Each is a plain form that posts to
 * the page (it works without JavaScript and in 长辈版, where the answer is a redirect back to the
 * page with the next statement). With JavaScript the one-at-a-time card posts through a fetcher,
 * marked `via=fetcher` so that the action answers with data instead of a redirect: Remix then
 * reloads the page's data and the next statement takes the card's place without a page load.
 */
import { Form, useFetcher } from "@remix-run/react";
import { useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { useKeyMessage } from "~/components/forms";
import type { Refusal } from "~/utils/forms.server";
import { VOTE_WORDS, type MyVote, type StatementView } from "./types";

/** True once React runs in the browser; false on the server and with JavaScript off. */
export function useHydrated(): boolean {
  const [hydrated, setHydrated] = useState(false);
  useEffect(() => setHydrated(true), []);
  return hydrated;
}

export function VoteCard({
  statement,
  remaining,
  refused,
  voted,
}: {
  statement: StatementView | null;
  remaining: number;
  /** A refusal of a vote posted without JavaScript (the page's action data). */
  refused: Refusal | undefined;
  /** The page came back after a vote (?done=voted). */
  voted: boolean;
}) {
  const { t } = useTranslation("conversations");
  const message = useKeyMessage();
  const fetcher = useFetcher<Refusal | { voted: true }>();
  const hydrated = useHydrated();
  const heading = useRef<HTMLHeadingElement>(null);
  const busy = fetcher.state !== "idle";
  const answered = fetcher.data && "voted" in fetcher.data;
  // A vote's refusal may name a field (the statement, the answer) or none: the card has no field
  // to put it beside, so every message shows above the buttons.
  const errors =
    fetcher.data && "errors" in fetcher.data
      ? fetcher.data.errors
      : refused?.values.intent === "vote"
        ? refused.errors
        : undefined;
  const shownErrors = Object.values(errors ?? {});
  const statementId = statement?.id;
  // The next statement arrived: the reader's place moves to it, as a new page would put it.
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    heading.current?.focus();
  }, [statementId]);
  return (
    <section aria-labelledby="vote-title" className="card vote-card" id="vote">
      <h2 id="vote-title" ref={heading} tabIndex={-1}>
        {t("vote.title")}
      </h2>
      <div role="status" aria-live="polite">
        {(answered || voted) && !busy && <p className="notice">{t("vote.voted")}</p>}
        {busy && <p>{t("vote.sending")}</p>}
      </div>
      {shownErrors.length > 0 && (
        <div className="error-summary" role="alert">
          {shownErrors.map((e) => (
            <p key={e.key}>{message(e.key, e.params)}</p>
          ))}
        </div>
      )}
      {statement ? (
        <fetcher.Form method="post" className="vote-form">
          <input type="hidden" name="intent" value="vote" />
          <input type="hidden" name="statementId" value={statement.id} />
          {hydrated && <input type="hidden" name="via" value="fetcher" />}
          <p className="hint">{t("vote.statement", { id: statement.id })}</p>
          <blockquote className="statement">
            <p>{statement.body}</p>
          </blockquote>
          <p className="buttons vote-buttons">
            {VOTE_WORDS.map((v) => (
              <button
                key={v}
                type="submit"
                name="vote"
                value={v}
                className={`big vote-${v}${v === "agree" ? " primary" : ""}`}
                disabled={busy}
              >
                {t(`vote.${v}`)}
              </button>
            ))}
          </p>
          <p className="hint">{t("vote.remaining", { n: remaining })}</p>
        </fetcher.Form>
      ) : (
        <p>{t("vote.allDone")}</p>
      )}
    </section>
  );
}

/** The person's own votes, each changeable to one of the other two answers. */
export function MyVotes({ votes, canChange }: { votes: readonly MyVote[]; canChange: boolean }) {
  const { t } = useTranslation("conversations");
  return (
    <details className="my-votes">
      <summary>{t("mine.title", { n: votes.length })}</summary>
      {votes.length === 0 ? (
        <p>{t("mine.none")}</p>
      ) : (
        <ul className="plain">
          {votes.map((v) => (
            <li key={v.id} className="card">
              <p>
                #{v.id} {v.body}
              </p>
              <p>
                <strong>{t("mine.yours", { vote: t(`vote.${v.vote}`) })}</strong>
              </p>
              {canChange && (
                <Form method="post" className="buttons" aria-label={`${t("mine.change")} #${v.id}`}>
                  <input type="hidden" name="intent" value="vote" />
                  <input type="hidden" name="statementId" value={v.id} />
                  {VOTE_WORDS.filter((w) => w !== v.vote).map((w) => (
                    <button key={w} type="submit" name="vote" value={w}>
                      {t("mine.change")} {t(`vote.${w}`)}
                    </button>
                  ))}
                </Form>
              )}
            </li>
          ))}
        </ul>
      )}
    </details>
  );
}
