import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { OrganisationFields, typedOrganisation, useProjectLabels } from "~/components/projects";
import { communityOptions } from "~/services/communities/queries.server";
import { editOrganisation } from "~/services/organisations/commands.server";
import { organisationPage } from "~/services/organisations/queries.server";
import { submit } from "~/services/runner/form.server";
import { authorizePage, idParam, notFound, readForm, type Refusal } from "~/utils/forms.server";
import { titleMeta } from "~/utils/meta";
import { requireSession } from "~/utils/session.server";

export const handle = { i18n: ["project"] };
export const meta = titleMeta;

export async function loader({ request, params }: LoaderFunctionArgs) {
  const id = idParam(params.id);
  const { actor } = await requireSession(request);
  const page = await organisationPage(actor, id);
  if (!page) notFound();
  authorizePage(actor, "organisation.edit", { organisationId: id });
  return json({
    title: page.organisation.name,
    organisation: page.organisation,
    services: page.services,
    served: page.communities.map((c) => String(c.id)),
    communities: await communityOptions(),
  });
}

export async function action({ request, params }: ActionFunctionArgs) {
  const id = idParam(params.id);
  const form = await readForm(request);
  const { actor } = await requireSession(request);
  return submit(editOrganisation, actor, form, () => redirect(`/orgs/${id}?done=saved`), {
    params: { id },
  });
}

export default function EditOrganisation() {
  const { organisation: o, services, served, communities } = useLoaderData<typeof loader>();
  const refused = useActionData<Refusal>();
  const { t } = useProjectLabels();
  return (
    <section aria-labelledby="edit-title">
      <p>
        <Link to={`/orgs/${o.id}`}>{o.name}</Link>
      </p>
      <h1 id="edit-title">{t("project:org.edit")}</h1>
      {o.status === "declined" && <p>{t("project:org.editDeclinedHint")}</p>}
      <Form method="post">
        <OrganisationFields
          values={
            refused
              ? typedOrganisation(refused)
              : {
                  name: o.name,
                  tier: o.tier,
                  registrationNumber: o.registrationNumber ?? "",
                  services,
                  communities: served,
                  description: o.description,
                  contact: o.contact ?? "",
                }
          }
          errors={refused?.errors}
          communities={communities}
        />
        <button type="submit" className="primary">
          {t("project:org.save")}
        </button>
      </Form>
    </section>
  );
}
