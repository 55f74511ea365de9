/**
 * The committee's part of a conversation's page: the moderation queue (accept, or reject with a
 * reason the author reads), attaching consensus or divisive statements to an agenda item, and
 * closing early. Each is its own form posting its intent to the page.
 */
import { useTranslation } from "react-i18next";
import {
  CheckboxGroup,
  ErrorSummary,
  IntentForm,
  refusalFor,
  SelectField,
  TextArea,
} from "~/components/forms";
import { REJECT_REASON_MAX } from "~/domain/conversations/rules";
import type { Refusal } from "~/utils/forms.server";
import type { StatementView } from "./types";

export function ModerationQueue({
  pending,
  rejected,
  refused,
}: {
  pending: readonly StatementView[];
  /** What the committee turned down, with its reason: a decision can be revisited (accepted). */
  rejected: ReadonlyArray<StatementView & { reason: string }>;
  refused: Refusal | undefined;
}) {
  const { t } = useTranslation("conversations");
  return (
    <section aria-labelledby="moderate-title" className="card" id="moderate">
      <h2 id="moderate-title">{t("moderate.title", { n: pending.length })}</h2>
      {pending.length === 0 ? (
        <p>{t("moderate.none")}</p>
      ) : (
        <ul className="plain">
          {pending.map((s) => {
            const mine = refusalFor(refused, "moderate", { statementId: s.id });
            return (
              <li key={s.id}>
                <IntentForm
                  intent="moderate"
                  ids={{ statementId: s.id }}
                  className="card"
                  noValidate
                  aria-label={`#${s.id}`}
                >
                  <p>
                    <strong>#{s.id}</strong> {s.body}
                  </p>
                  <ErrorSummary
                    errors={mine?.errors}
                    labels={{ reason: t("moderate.reason") }}
                    suffix={s.id}
                  />
                  <TextArea
                    name="reason"
                    id={`f-reason-${s.id}`}
                    rows={2}
                    label={t("moderate.reason")}
                    hint={t("moderate.reasonHint")}
                    maxLength={REJECT_REASON_MAX}
                    refused={mine}
                  />
                  <p className="buttons">
                    <button type="submit" name="decision" value="accept" className="primary">
                      {t("moderate.accept")}
                    </button>
                    <button type="submit" name="decision" value="reject">
                      {t("moderate.reject")}
                    </button>
                  </p>
                </IntentForm>
              </li>
            );
          })}
        </ul>
      )}
      {rejected.length > 0 && (
        <details>
          <summary>{t("moderate.rejectedTitle", { n: rejected.length })}</summary>
          <ul>
            {rejected.map((s) => (
              <li key={s.id}>
                {t("moderate.rejectedLine", { id: s.id, body: s.body, reason: s.reason })}
              </li>
            ))}
          </ul>
        </details>
      )}
    </section>
  );
}

export interface AgendaChoice {
  id: number;
  label: string;
}

export function AttachForm({
  items,
  consensus,
  divisive,
  refused,
}: {
  items: readonly AgendaChoice[];
  consensus: readonly StatementView[];
  divisive: readonly StatementView[];
  refused: Refusal | undefined;
}) {
  const { t } = useTranslation("conversations");
  const mine = refusalFor(refused, "attach");
  const picked = mine ? [mine.values.statementIds ?? ""].flat() : [];
  // A statement can be both (agreed by most, split on by some): it is offered once, as consensus.
  const offered = [
    ...consensus.map((s) => ({ s, kind: "consensus" as const })),
    ...divisive
      .filter((d) => !consensus.some((c) => c.id === d.id))
      .map((s) => ({ s, kind: "divisive" as const })),
  ];
  return (
    <section aria-labelledby="attach-title" className="card" id="attach">
      <h2 id="attach-title">{t("attach.title")}</h2>
      <p className="hint">{t("attach.hint")}</p>
      {items.length === 0 || offered.length === 0 ? (
        <p>{t("attach.noItems")}</p>
      ) : (
        <IntentForm intent="attach" noValidate>
          <ErrorSummary errors={mine?.errors} />
          <SelectField
            name="agendaItemId"
            label={t("attach.item")}
            options={items.map((i) => ({ value: String(i.id), label: i.label }))}
            defaultValue={mine?.values.agendaItemId}
            error={mine?.errors.agendaItemId}
          />
          <SelectField
            name="kind"
            label={t("attach.kind")}
            options={(["consensus", "divisive"] as const).map((k) => ({
              value: k,
              label: t(`attach.kinds.${k}`),
            }))}
            defaultValue={mine?.values.kind}
            error={mine?.errors.kind}
          />
          <CheckboxGroup
            name="statementIds"
            legend={t("attach.statements")}
            options={offered.map(({ s, kind }) => ({
              value: String(s.id),
              label: `#${s.id} ${s.body} (${t(`attach.kinds.${kind}`)})`,
            }))}
            checked={picked}
            error={mine?.errors.statementIds}
          />
          <button type="submit">{t("attach.submit")}</button>
        </IntentForm>
      )}
    </section>
  );
}

export function CloseForm() {
  const { t } = useTranslation("conversations");
  return (
    <section aria-labelledby="close-title" className="card">
      <h2 id="close-title">{t("close.title")}</h2>
      <p className="hint">{t("close.hint")}</p>
      <IntentForm intent="close">
        <button type="submit" className="danger">
          {t("close.submit")}
        </button>
      </IntentForm>
    </section>
  );
}
