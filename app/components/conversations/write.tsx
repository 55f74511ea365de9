/**
 * Writing a statement, with the near-duplicates pointed out. Without JavaScript the first submit
 * is a check: when similar statements exist the page comes back with them, the text kept, and a
 * "submit anyway" button (confirm=1). With JavaScript they are looked up as the person types
 * (the resource route /conversations/:id/similar), so the form posts confirmed.
 */
import { Form, useFetcher } from "@remix-run/react";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { ErrorSummary, TextArea } from "~/components/forms";
import { STATEMENT_MAX } from "~/domain/conversations/rules";
import type { Refusal } from "~/utils/forms.server";
import type { StatementView } from "./types";
import { useHydrated } from "./voting";

/** Fewer characters than this find nothing worth showing (and cost a search each). */
const SIMILAR_MIN = 4;

export interface SimilarAnswer {
  similar: StatementView[];
  values: { intent: "statement"; body: string };
}

export function WriteStatement({
  conversationId,
  refused,
  similar,
}: {
  conversationId: number;
  refused: Refusal | undefined;
  /** The check's answer without JavaScript: similar statements and what was typed. */
  similar: SimilarAnswer | undefined;
}) {
  const { t } = useTranslation("conversations");
  const hydrated = useHydrated();
  const mine = refused?.values.intent === "statement" ? refused : undefined;
  const [text, setText] = useState(similar?.values.body ?? mine?.values.body ?? "");
  const lookup = useFetcher<{ q: string; similar: StatementView[] }>();
  const { load } = lookup;
  useEffect(() => {
    if (!hydrated) return;
    const q = text.trim();
    if (q.length < SIMILAR_MIN) return;
    const timer = setTimeout(
      () => load(`/conversations/${conversationId}/similar?q=${encodeURIComponent(q)}`),
      350,
    );
    return () => clearTimeout(timer);
  }, [text, hydrated, conversationId, load]);
  const live =
    hydrated && text.trim().length >= SIMILAR_MIN && lookup.data?.q === text.trim()
      ? lookup.data.similar
      : null;
  const shown = live ?? (similar && similar.values.body === text ? similar.similar : []);
  return (
    <section aria-labelledby="write-title" className="card" id="write">
      <h2 id="write-title">{t("write.title")}</h2>
      <Form method="post" noValidate>
        <input type="hidden" name="intent" value="statement" />
        {/* Confirmed when the person has seen the similar ones: after the check, or as they typed. */}
        {(similar || hydrated) && <input type="hidden" name="confirm" value="1" />}
        <ErrorSummary errors={mine?.errors} labels={{ body: t("write.body") }} suffix="statement" />
        <TextArea
          name="body"
          id="f-body-statement"
          rows={3}
          label={t("write.body")}
          hint={t("write.hint")}
          maxLength={STATEMENT_MAX}
          value={text}
          onChange={(e) => setText(e.currentTarget.value)}
          error={mine?.errors.body}
        />
        <div aria-live="polite">
          {shown.length > 0 && (
            <div className="similar card">
              <h3>{t("write.similarTitle")}</h3>
              <p className="hint">{t("write.similarHint")}</p>
              <ul>
                {shown.map((s) => (
                  <li key={s.id}>
                    #{s.id} {s.body}
                  </li>
                ))}
              </ul>
            </div>
          )}
        </div>
        <button type="submit" className="primary">
          {similar && similar.similar.length > 0 && !hydrated
            ? t("write.postAnyway")
            : t("write.submit")}
        </button>
      </Form>
    </section>
  );
}

/**
 * The person's own statements that others do not see: waiting for the committee, or not accepted
 * with the committee's reason. Without this a statement under pre-moderation would seem to vanish.
 */
export function MyStatements({
  statements,
}: {
  statements: ReadonlyArray<{
    id: number;
    body: string;
    status: "pending" | "accepted" | "rejected";
    reason: string | null;
  }>;
}) {
  const { t } = useTranslation("conversations");
  if (statements.length === 0) return null;
  return (
    <section aria-labelledby="mine-title" className="card" id="mine">
      <h2 id="mine-title">{t("write.mineTitle")}</h2>
      <ul>
        {statements.map((s) => (
          <li key={s.id}>
            #{s.id} {s.body}
            <br />
            <span className="hint">
              {s.status === "rejected"
                ? t("write.mineRejected", { reason: s.reason ?? "" })
                : t("write.mineWaiting")}
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}
