import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { ErrorSummary, Field, LoginField } from "~/components/forms";
import { can } from "~/domain/permissions/policy";
import { getT } from "~/i18n/i18next.server";
import { login } from "~/services/accounts/commands.server";
import { submit } from "~/services/runner/form.server";
import { readForm, type Refusal } from "~/utils/forms.server";
import { titleMeta } from "~/utils/meta";
import { getCurrent, sessionCookie } from "~/utils/session.server";
import { safeNext } from "~/utils/site-path";

export const handle = { i18n: ["account"] };
export const meta = titleMeta;

export async function loader({ request }: LoaderFunctionArgs) {
  const { session } = await getCurrent(request);
  const next = safeNext(new URL(request.url).searchParams.get("next"));
  if (session) throw redirect(next);
  const t = await getT(request, "account");
  return json({ title: t("login.title"), next });
}

export async function action({ request, context }: ActionFunctionArgs) {
  const form = await readForm(request);
  const next = safeNext(typeof form.next === "string" ? form.next : null);
  // Already signed in (a second tab, the back button): nothing to do but go on.
  const { actor } = await getCurrent(request);
  if (!can(actor, "account.login")) return redirect(next);
  return submit(
    login,
    actor,
    form,
    ({ token }) => redirect(next, { headers: { "Set-Cookie": sessionCookie(token, request) } }),
    {
      params: {
        clientIp: context.clientIp ?? "unknown",
        userAgent: request.headers.get("User-Agent"),
      },
    },
  );
}

export default function Login() {
  const { next } = useLoaderData<typeof loader>();
  const refused = useActionData<Refusal>();
  const { t } = useTranslation(["account", "common"]);
  const errors = refused?.errors;
  const values = refused?.values ?? {};
  return (
    <section className="narrow" aria-labelledby="login-title">
      <h1 id="login-title">{t("login.title")}</h1>
      <Form method="post" noValidate>
        <ErrorSummary
          errors={errors}
          labels={{ login: t("login.login"), password: t("login.password") }}
        />
        <input type="hidden" name="next" value={values.next ?? next} />
        <LoginField label={t("login.login")} autoComplete="username" refused={refused} required />
        <Field
          name="password"
          type="password"
          label={t("login.password")}
          autoComplete="current-password"
          error={errors?.password}
          required
        />
        <button type="submit" className="primary">
          {t("login.submit")}
        </button>
      </Form>
      <p>
        {t("login.noAccount")} <a href="/join">{t("common:nav.join")}</a>
      </p>
      <p className="hint">{t("login.forgot")}</p>
    </section>
  );
}
