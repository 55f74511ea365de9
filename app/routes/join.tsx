import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { ErrorSummary, Field, LoginField, useFieldMessage } from "~/components/forms";
import { DISPLAY_NAME_MAX, PASSWORD_MAX, PASSWORD_MIN } from "~/domain/accounts/limits";
import { getT } from "~/i18n/i18next.server";
import { register } from "~/services/accounts/commands.server";
import { submit } from "~/services/runner/form.server";
import { readForm, type Refusal } from "~/utils/forms.server";
import { titleMeta } from "~/utils/meta";
import { getCurrent, sessionCookie } from "~/utils/session.server";
import { safeNext } from "~/utils/site-path";

export const handle = { i18n: ["account"] };
export const meta = titleMeta;

export async function loader({ request }: LoaderFunctionArgs) {
  const { session } = await getCurrent(request);
  const nextParam = new URL(request.url).searchParams.get("next");
  if (session) throw redirect(safeNext(nextParam));
  const t = await getT(request, "account");
  // Without a page to go back to, new people go on to find their community.
  return json({ title: t("join.title"), next: nextParam ? safeNext(nextParam) : "" });
}

export async function action({ request, context }: ActionFunctionArgs) {
  const form = await readForm(request);
  const { actor } = await getCurrent(request);
  const next = safeNext(typeof form.next === "string" ? form.next : null, "/communities?welcome=1");
  return submit(
    register,
    actor,
    form,
    ({ token }) => redirect(next, { headers: { "Set-Cookie": sessionCookie(token, request) } }),
    {
      params: {
        userAgent: request.headers.get("User-Agent"),
        // The address is the connection's, never the form's: new accounts are counted by it.
        clientIp: context.clientIp ?? "unknown",
      },
    },
  );
}

export default function Join() {
  const { next } = useLoaderData<typeof loader>();
  const refused = useActionData<Refusal>();
  const { t } = useTranslation(["account", "common"]);
  const message = useFieldMessage();
  const errors = refused?.errors;
  const values = refused?.values ?? {};
  return (
    <section className="narrow" aria-labelledby="join-title">
      <h1 id="join-title">{t("join.title")}</h1>
      <p>{t("join.intro")}</p>
      <Form method="post" noValidate>
        <ErrorSummary
          errors={errors}
          labels={{
            displayName: t("join.displayName"),
            login: t("join.login"),
            password: t("join.password"),
            consent: t("join.consentLabel"),
          }}
        />
        <input type="hidden" name="next" value={values.next ?? next} />
        <Field
          name="displayName"
          label={t("join.displayName")}
          hint={t("join.displayNameHint")}
          autoComplete="nickname"
          refused={refused}
          required
          maxLength={DISPLAY_NAME_MAX}
        />
        <LoginField
          label={t("join.login")}
          hint={t("join.loginHint")}
          autoComplete="username"
          refused={refused}
          required
        />
        <Field
          name="password"
          type="password"
          label={t("join.password")}
          hint={t("join.passwordHint", { min: PASSWORD_MIN })}
          autoComplete="new-password"
          error={errors?.password}
          required
          minLength={PASSWORD_MIN}
          maxLength={PASSWORD_MAX}
        />
        <section className="privacy" aria-labelledby="privacy-title">
          <h2 id="privacy-title">{t("privacy.title")}</h2>
          <p>{t("privacy.kept")}</p>
          <p>{t("privacy.why")}</p>
          <p>{t("privacy.never")}</p>
          <p>{t("privacy.rights")}</p>
        </section>
        <div className={`field checkbox${errors?.consent ? " has-error" : ""}`}>
          {errors?.consent && (
            <p className="error" id="f-consent-error">
              {message(errors.consent)}
            </p>
          )}
          <input
            type="checkbox"
            id="f-consent"
            name="consent"
            value="yes"
            defaultChecked={values.consent === "yes"}
            aria-invalid={errors?.consent ? true : undefined}
            aria-describedby={errors?.consent ? "f-consent-error" : undefined}
            required
          />
          <label htmlFor="f-consent">{t("join.consentLabel")}</label>
        </div>
        <button type="submit" className="primary">
          {t("join.submit")}
        </button>
      </Form>
      <p>
        {t("join.haveAccount")} <a href="/login">{t("common:nav.login")}</a>
      </p>
    </section>
  );
}
