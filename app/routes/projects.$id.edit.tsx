import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { ProjectFields, typedProject, useProjectLabels } from "~/components/projects";
import { DomainError } from "~/domain/errors";
import { projectTarget } from "~/domain/projects/rules";
import { gridOptions } from "~/services/communities/queries.server";
import { editProject } from "~/services/projects/commands.server";
import { projectPage } from "~/services/projects/queries.server";
import { submit } from "~/services/runner/form.server";
import { areaName } from "~/utils/format";
import {
  authorizePage,
  idParam,
  notFound,
  readFormWithFile,
  throwRefusal,
  type Refusal,
} from "~/utils/forms.server";
import { titleMeta } from "~/utils/meta";
import { requireSession } from "~/utils/session.server";

export const handle = { i18n: ["project"] };
export const meta = titleMeta;

export async function loader({ request, params }: LoaderFunctionArgs) {
  const id = idParam(params.id);
  const { actor } = await requireSession(request);
  const page = await projectPage(actor, id);
  if (!page) notFound();
  // Who may edit first (a stranger learns nothing from a 409), then whether it is still editable.
  authorizePage(actor, "project.edit", projectTarget(page.project));
  if (!page.viewer.canEdit) throwRefusal(new DomainError(409, "project:errors.notEditable"));
  const p = page.project;
  return json({
    title: p.title,
    project: p,
    items: page.items,
    community: { id: p.communityId, nameZh: p.communityZh, nameEn: p.communityEn },
    grids: await gridOptions([p.communityId]),
  });
}

export async function action({ request, params }: ActionFunctionArgs) {
  const id = idParam(params.id);
  const { form, file } = await readFormWithFile(request, "photo");
  const { actor } = await requireSession(request);
  return submit(editProject, actor, form, () => redirect(`/projects/${id}?done=saved`), {
    params: { id, photo: file },
  });
}

export default function EditProject() {
  const { project: p, items, community, grids } = useLoaderData<typeof loader>();
  const refused = useActionData<Refusal>();
  const { t, lng } = useProjectLabels();
  return (
    <section aria-labelledby="edit-title">
      <p>
        <Link to={`/projects/${p.id}`}>{p.title}</Link>
      </p>
      <h1 id="edit-title">{t("project:form.editTitle")}</h1>
      {p.status === "returned" && p.statusReason && (
        <p className="card reason">
          <strong>{t("project:reasonFor.returned")}</strong> {p.statusReason}
        </p>
      )}
      <Form method="post" encType="multipart/form-data">
        <ProjectFields
          values={
            refused
              ? typedProject(refused)
              : {
                  title: p.title,
                  summary: p.summary,
                  description: p.description,
                  gridId: p.gridId ? String(p.gridId) : "",
                  place: p.place,
                  category: p.category,
                  beneficiaries: p.beneficiaries,
                  startsOn: p.startsOn,
                  endsOn: p.endsOn,
                  items: items.map((i) => ({ label: i.label, amount: String(i.amount) })),
                }
          }
          errors={refused?.errors}
          communities={[community]}
          grids={grids}
          organisations={[]}
          fixedPlace={{ community: areaName(community, lng), organisation: p.organisationName }}
          hasPhoto={p.hasPhoto}
        />
        <button type="submit" className="primary">
          {t("project:form.save")}
        </button>
      </Form>
    </section>
  );
}
