import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { ProjectFields, typedProject, useProjectLabels } from "~/components/projects";
import { getT } from "~/i18n/i18next.server";
import { communityOptions, gridOptions } from "~/services/communities/queries.server";
import { proposingOrganisations } from "~/services/organisations/queries.server";
import { proposeProject } from "~/services/projects/commands.server";
import { submit } from "~/services/runner/form.server";
import { readFormWithFile, type Refusal } from "~/utils/forms.server";
import { titleMeta } from "~/utils/meta";
import { requireSession } from "~/utils/session.server";

export const handle = { i18n: ["project"] };
export const meta = titleMeta;

export async function loader({ request }: LoaderFunctionArgs) {
  const { actor } = await requireSession(request);
  const [all, organisations, t] = await Promise.all([
    communityOptions(),
    proposingOrganisations(actor),
    getT(request, "project"),
  ]);
  // The communities this person may propose for: their own, and those their organisations serve.
  const allowed = new Set([...actor.verifiedIn, ...organisations.flatMap((o) => o.communityIds)]);
  const communities = all.filter((c) => allowed.has(c.id));
  return json({
    title: t("form.newTitle"),
    communities,
    grids: await gridOptions(communities.map((c) => c.id)),
    organisations,
  });
}

export async function action({ request }: ActionFunctionArgs) {
  const { form, file } = await readFormWithFile(request, "photo");
  const { actor } = await requireSession(request);
  return submit(proposeProject, actor, form, (id) => redirect(`/projects/${id}?done=created`), {
    params: { photo: file },
  });
}

export default function NewProject() {
  const { communities, grids, organisations } = useLoaderData<typeof loader>();
  const refused = useActionData<Refusal>();
  const [params] = useSearchParams();
  const { t } = useProjectLabels();
  if (communities.length === 0) {
    return (
      <section aria-labelledby="new-title">
        <h1 id="new-title">{t("project:form.newTitle")}</h1>
        <p>{t("project:form.whoMayPropose")}</p>
        <p className="buttons">
          <Link className="button" to="/communities">
            {t("project:form.joinCommunity")}
          </Link>
          <Link className="button" to="/orgs">
            {t("project:orgs.title")}
          </Link>
        </p>
      </section>
    );
  }
  return (
    <section aria-labelledby="new-title">
      <h1 id="new-title">{t("project:form.newTitle")}</h1>
      <p>{t("project:form.newIntro")}</p>
      <Form method="post" encType="multipart/form-data">
        <ProjectFields
          values={{
            organisationId: params.get("organisation") ?? undefined,
            ...typedProject(refused),
          }}
          errors={refused?.errors}
          communities={communities}
          grids={grids}
          organisations={organisations}
        />
        <button type="submit" className="primary">
          {t("project:form.saveDraft")}
        </button>
      </Form>
    </section>
  );
}
