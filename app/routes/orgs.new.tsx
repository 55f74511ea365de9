import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { OrganisationFields, typedOrganisation, useProjectLabels } from "~/components/projects";
import { getT } from "~/i18n/i18next.server";
import { communityOptions } from "~/services/communities/queries.server";
import { applyOrganisation } from "~/services/organisations/commands.server";
import { submit } from "~/services/runner/form.server";
import { authorizePage, readForm, type Refusal } from "~/utils/forms.server";
import { titleMeta } from "~/utils/meta";
import { requireSession } from "~/utils/session.server";

export const handle = { i18n: ["project"] };
export const meta = titleMeta;

export async function loader({ request }: LoaderFunctionArgs) {
  const { actor } = await requireSession(request);
  authorizePage(actor, "organisation.apply");
  const [communities, t] = await Promise.all([communityOptions(), getT(request, "project")]);
  return json({ title: t("orgs.applyTitle"), communities });
}

export async function action({ request }: ActionFunctionArgs) {
  const form = await readForm(request);
  const { actor } = await requireSession(request);
  return submit(applyOrganisation, actor, form, (id) => redirect(`/orgs/${id}?done=applied`));
}

export default function ApplyOrganisation() {
  const { communities } = useLoaderData<typeof loader>();
  const refused = useActionData<Refusal>();
  const { t } = useProjectLabels();
  return (
    <section aria-labelledby="apply-title">
      <h1 id="apply-title">{t("project:orgs.applyTitle")}</h1>
      <p>{t("project:orgs.applyIntro")}</p>
      <Form method="post">
        <OrganisationFields
          values={typedOrganisation(refused)}
          errors={refused?.errors}
          communities={communities}
        />
        <button type="submit" className="primary">
          {t("project:orgs.applySubmit")}
        </button>
      </Form>
    </section>
  );
}
