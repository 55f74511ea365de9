import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { can } from "~/domain/permissions/policy";
import { getT } from "~/i18n/i18next.server";
import { logout } from "~/services/accounts/commands.server";
import { submit } from "~/services/runner/form.server";
import { readForm } from "~/utils/forms.server";
import { titleMeta } from "~/utils/meta";
import { clearSessionCookie, getCurrent } from "~/utils/session.server";

export const handle = { i18n: ["account"] };
export const meta = titleMeta;

export async function loader({ request }: LoaderFunctionArgs) {
  const { session } = await getCurrent(request);
  if (!session) throw redirect("/");
  const t = await getT(request, "account");
  return json({ title: t("logout.title") });
}

export async function action({ request }: ActionFunctionArgs) {
  const form = await readForm(request);
  const { session, actor } = await getCurrent(request);
  const home = () => redirect("/", { headers: { "Set-Cookie": clearSessionCookie(request) } });
  // Signing out twice (a second tab, a back button) is harmless: just go home.
  if (!session || !can(actor, "account.logout")) return home();
  return submit(logout, actor, form, home, { params: { sessionId: session.sessionId } });
}

export default function Logout() {
  const { t } = useTranslation("account");
  return (
    <section className="narrow" aria-labelledby="logout-title">
      <h1 id="logout-title">{t("logout.title")}</h1>
      <p>{t("logout.confirm")}</p>
      <Form method="post">
        <button type="submit" className="primary">
          {t("logout.submit")}
        </button>
      </Form>
    </section>
  );
}
