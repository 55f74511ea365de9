import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { ErrorSummary, Field } from "~/components/forms";
import { maskPhone } from "~/domain/accounts/schemas";
import type { Lng } from "~/i18n/config";
import { getT } from "~/i18n/i18next.server";
import { deleteAccount } from "~/services/accounts/commands.server";
import { exportMyData } from "~/services/accounts/mydata.server";
import { submit } from "~/services/runner/form.server";
import { readForm, throwRefusal, type Refusal } from "~/utils/forms.server";
import { formatDate } from "~/utils/format";
import { titleMeta } from "~/utils/meta";
import { clearSessionCookie, requireSession } from "~/utils/session.server";

export const handle = { i18n: ["account", "community"] };
export const meta = titleMeta;

export async function loader({ request }: LoaderFunctionArgs) {
  const { actor } = await requireSession(request);
  const data = await exportMyData(actor).catch(throwRefusal);
  const t = await getT(request, "account");
  return json({
    title: t("mydata.title"),
    account: {
      ...data.account,
      phone: data.account.phone ? maskPhone(data.account.phone) : null,
    },
    memberships: data.memberships.length,
    sessions: data.sessions.length,
    actions: data.actionsTaken.length,
    organisations: data.organisations.length,
    participation:
      data.projectsProposed.length +
      data.projectSupports.length +
      data.projectRatings.length +
      data.projectComments.length +
      data.votedIn.length,
    assisted: data.assistance.sittings.length,
  });
}

export async function action({ request }: ActionFunctionArgs) {
  const form = await readForm(request);
  const { actor } = await requireSession(request);
  return submit(deleteAccount, actor, form, () =>
    redirect("/?deleted=1", { headers: { "Set-Cookie": clearSessionCookie(request) } }),
  );
}

export default function MyData() {
  const { account, memberships, sessions, actions, organisations, participation, assisted } =
    useLoaderData<typeof loader>();
  const refused = useActionData<Refusal>();
  const { t, i18n } = useTranslation(["account", "common"]);
  const lng = i18n.language as Lng;
  return (
    <section className="narrow" aria-labelledby="mydata-title">
      <h1 id="mydata-title">{t("mydata.title")}</h1>
      <p>{t("mydata.intro")}</p>
      <dl className="facts">
        <dt>{t("join.displayName")}</dt>
        <dd>{account.displayName}</dd>
        <dt>{t("join.login")}</dt>
        <dd>{account.username ?? account.phone}</dd>
        <dt>{t("mydata.joined")}</dt>
        <dd>{formatDate(account.createdAt, lng)}</dd>
        <dt>{t("mydata.consent")}</dt>
        <dd>{formatDate(account.consentedAt, lng)}</dd>
        <dt>{t("mydata.memberships")}</dt>
        <dd>{memberships}</dd>
        <dt>{t("mydata.sessions")}</dt>
        <dd>{sessions}</dd>
        <dt>{t("mydata.actions")}</dt>
        <dd>{actions}</dd>
        <dt>{t("mydata.organisations")}</dt>
        <dd>{organisations}</dd>
        <dt>{t("mydata.participation")}</dt>
        <dd>{participation}</dd>
        <dt>{t("mydata.assisted")}</dt>
        <dd>
          {assisted} · <Link to="/me/assisted">{t("mydata.assistedLink")}</Link>
        </dd>
      </dl>
      <p>
        <a className="button" href="/me/data.json" download>
          {t("mydata.download")}
        </a>
      </p>

      <section aria-labelledby="delete-title" className="card">
        <h2 id="delete-title">{t("mydata.deleteTitle")}</h2>
        <p>{t("mydata.deleteExplain")}</p>
        <Form method="post">
          <ErrorSummary errors={refused?.errors} labels={{ password: t("mydata.password") }} />
          <input type="hidden" name="intent" value="delete" />
          <Field
            name="password"
            type="password"
            label={t("mydata.password")}
            autoComplete="current-password"
            error={refused?.errors.password}
            required
          />
          <button type="submit">{t("mydata.delete")}</button>
        </Form>
      </section>
    </section>
  );
}
