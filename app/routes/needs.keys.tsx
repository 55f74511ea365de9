/**
 * Admins' page for the other channels' Open311 API keys (issue 15, item 8): the keys issued, with
 * their channel, label and state; a form to issue one (the key is shown once, in the answer to
 * that form, never stored as it is) and one to revoke each. Plain forms: no JavaScript needed.
 */
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { ErrorSummary, Field, IntentForm, Notice, refusalFor } from "~/components/forms";
import type { Lng } from "~/i18n/config";
import { getT } from "~/i18n/i18next.server";
import { intakeRatePerHour, issueIntakeKey, revokeIntakeKey } from "~/services/needs/intake.server";
import { intakeKeys } from "~/services/needs/open311.server";
import { intent, submitIntent } from "~/services/runner/form.server";
import { formatDateTime } from "~/utils/format";
import { authorizePage, readForm, type Refusal } from "~/utils/forms.server";
import { titleMeta } from "~/utils/meta";
import { requireSession } from "~/utils/session.server";

export const handle = { i18n: ["need"] };
export const meta = titleMeta;

export async function loader({ request }: LoaderFunctionArgs) {
  const { actor } = await requireSession(request);
  authorizePage(actor, "need.manageKeys");
  const [keys, t] = await Promise.all([intakeKeys(), getT(request, "need")]);
  return json({ title: t("intake.title"), keys, ratePerHour: intakeRatePerHour() });
}

interface Issued {
  issued: { id: number; key: string; channel: string; label: string };
}

export async function action({ request }: ActionFunctionArgs) {
  const form = await readForm(request);
  const { actor } = await requireSession(request);
  return submitIntent(
    {
      // The key is in this answer only: not in a redirect's address, where logs would keep it.
      issue: intent(issueIntakeKey, (issued) =>
        json<Issued>({ issued }, { headers: { "Cache-Control": "no-store" } }),
      ),
      revoke: intent(revokeIntakeKey, () => redirect("/needs/keys?done=revoked")),
    },
    actor,
    form,
  );
}

export default function IntakeKeys() {
  const { keys, ratePerHour } = useLoaderData<typeof loader>();
  const answer = useActionData<Refusal | Issued>();
  const [params] = useSearchParams();
  const { t, i18n } = useTranslation("need");
  const lng = i18n.language as Lng;
  const issued = answer && "issued" in answer ? answer.issued : undefined;
  const refused = answer && "errors" in answer ? answer : undefined;
  const issueRefused = refusalFor(refused, "issue");
  return (
    <section aria-labelledby="keys-title">
      <h1 id="keys-title">{t("intake.title")}</h1>
      <p>{t("intake.intro")}</p>
      <p className="hint">{t("intake.apiHelp", { max: ratePerHour })}</p>
      {params.get("done") === "revoked" && <Notice>{t("intake.revoked")}</Notice>}
      {refused && refused.values.intent === "revoke" && <ErrorSummary errors={refused.errors} />}

      {issued && (
        <section className="card" aria-labelledby="issued-title">
          <h2 id="issued-title">{t("intake.issuedTitle")}</h2>
          <p>
            {issued.channel} · {issued.label}
          </p>
          <p>
            <code className="secret">{issued.key}</code>
          </p>
          <p className="hint">{t("intake.issuedHint", { channel: issued.channel })}</p>
        </section>
      )}

      <section aria-labelledby="issue-title">
        <h2 id="issue-title">{t("intake.issueTitle")}</h2>
        <IntentForm intent="issue" aria-labelledby="issue-title" noValidate>
          <ErrorSummary errors={issueRefused?.errors} />
          <Field
            name="channel"
            label={t("intake.channel")}
            hint={t("intake.channelHint")}
            required
            maxLength={20}
            pattern="[a-z0-9\-]{2,20}"
            autoCapitalize="none"
            spellCheck={false}
            refused={issueRefused}
          />
          <Field
            name="label"
            label={t("intake.label")}
            hint={t("intake.labelHint")}
            required
            maxLength={60}
            refused={issueRefused}
          />
          <button type="submit" className="primary">
            {t("intake.issue")}
          </button>
        </IntentForm>
      </section>

      <section aria-labelledby="list-title">
        <h2 id="list-title">{t("intake.keysTitle")}</h2>
        {keys.length === 0 ? (
          <p>{t("intake.none")}</p>
        ) : (
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">{t("intake.channel")}</th>
                  <th scope="col">{t("intake.label")}</th>
                  <th scope="col">{t("intake.created")}</th>
                  <th scope="col">{t("intake.createdBy")}</th>
                  <th scope="col">{t("intake.state")}</th>
                </tr>
              </thead>
              <tbody>
                {keys.map((k) => (
                  <tr key={k.id}>
                    <td>{k.channel}</td>
                    <td>{k.label}</td>
                    <td>{formatDateTime(k.createdAt, lng)}</td>
                    <td>{k.createdByName ?? ""}</td>
                    <td>
                      {k.revokedAt ? (
                        t("intake.revokedAt", { at: formatDateTime(k.revokedAt, lng) })
                      ) : (
                        <IntentForm intent="revoke" ids={{ keyId: k.id }}>
                          {t("intake.active")}{" "}
                          <button type="submit" aria-describedby="revoke-hint">
                            {t("intake.revoke")}
                          </button>
                        </IntentForm>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            <p className="hint" id="revoke-hint">
              {t("intake.revokeConfirm")}
            </p>
          </div>
        )}
      </section>
    </section>
  );
}
