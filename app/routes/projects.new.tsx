import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { useFieldMessage } from "~/components/forms";
import { ProjectFields, typedProject, useProjectLabels } from "~/components/projects";
import type { Actor } from "~/domain/permissions/policy";
import { id, type FieldError } from "~/domain/validation";
import { getT } from "~/i18n/i18next.server";
import { communityOptions, gridOptions } from "~/services/communities/queries.server";
import { needForProposal } from "~/services/needs/queries.server";
import { proposingOrganisations } from "~/services/organisations/queries.server";
import { proposeProject } from "~/services/projects/commands.server";
import { submit } from "~/services/runner/form.server";
import { readFormWithFile, type Refusal } from "~/utils/forms.server";
import { areaName } from "~/utils/format";
import { titleMeta } from "~/utils/meta";
import { requireSession } from "~/utils/session.server";

export const handle = { i18n: ["project"] };
export const meta = titleMeta;

interface AnsweredNeed {
  id: number;
  label: string;
  status: string;
  community: { nameZh: string; nameEn: string };
  grid: { nameZh: string; nameEn: string };
  place: string | null;
  communityId: number;
  gridId: number;
  /** Whether the form carries it: the project can answer it, here, by this proposer. */
  carried: boolean;
}

export async function loader({ request }: LoaderFunctionArgs) {
  const { actor } = await requireSession(request);
  const [all, organisations, t, tNeed] = await Promise.all([
    communityOptions(),
    proposingOrganisations(actor),
    getT(request, "project"),
    getT(request, "need"),
  ]);
  // The communities this person may propose for: their own, and those their organisations serve.
  const allowed = new Set([...actor.verifiedIn, ...organisations.flatMap((o) => o.communityIds)]);
  const communities = all.filter((c) => allowed.has(c.id));
  return json({
    title: t("form.newTitle"),
    communities,
    grids: await gridOptions(communities.map((c) => c.id)),
    organisations,
    ...(await answering(request, actor, allowed, tNeed)),
  });
}

/**
 * The need the project would answer, from `?need=` (the need's page links here): labelled here so
 * that the page needs no needs locale, shown as far as the reader may see the need, and carried in
 * the form only when the project could answer it; otherwise the reason, in the reader's language.
 */
async function answering(
  request: Request,
  actor: Actor,
  allowed: ReadonlySet<number>,
  t: Awaited<ReturnType<typeof getT>>,
): Promise<{ need: AnsweredNeed | null; needError: string | null }> {
  const param = new URL(request.url).searchParams.get("need");
  if (param === null) return { need: null, needError: null };
  const parsed = id.safeParse(param);
  const found = parsed.success ? await needForProposal(actor, parsed.data) : null;
  if (!found) return { need: null, needError: "project:errors.badNeed" };
  const need: AnsweredNeed = {
    id: found.id,
    label: `${t(`categories.${found.category}`)} #${found.id}`,
    status: t(`statuses.${found.status}`),
    community: { nameZh: found.communityZh, nameEn: found.communityEn },
    grid: { nameZh: found.gridZh, nameEn: found.gridEn },
    place: found.place,
    communityId: found.communityId,
    gridId: found.gridId,
    carried: false,
  };
  if (!found.takesProjects) return { need, needError: "project:errors.needTakesNoProjects" };
  if (!allowed.has(found.communityId)) return { need, needError: "project:errors.needNotYours" };
  return { need: { ...need, carried: true }, needError: null };
}

export async function action({ request }: ActionFunctionArgs) {
  const { form, file } = await readFormWithFile(request, "photo");
  const { actor } = await requireSession(request);
  return submit(proposeProject, actor, form, (id) => redirect(`/projects/${id}?done=created`), {
    params: { photo: file },
  });
}

export default function NewProject() {
  const { communities, grids, organisations, need, needError } = useLoaderData<typeof loader>();
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
  const needFieldError = refused?.errors.needId ?? (needError ? { key: needError } : undefined);
  return (
    <section aria-labelledby="new-title">
      <h1 id="new-title">{t("project:form.newTitle")}</h1>
      <p>{t("project:form.newIntro")}</p>
      <Form method="post" encType="multipart/form-data">
        <ProjectFields
          values={{
            organisationId: params.get("organisation") ?? undefined,
            // A project that answers a need is for the need's community, and its grid at first.
            ...(need?.carried && {
              communityId: String(need.communityId),
              gridId: String(need.gridId),
            }),
            ...typedProject(refused),
          }}
          errors={refused?.errors}
          communities={communities}
          grids={grids}
          organisations={organisations}
          lead={(need || needFieldError) && <NeedAnswered need={need} error={needFieldError} />}
        />
        <button type="submit" className="primary">
          {t("project:form.saveDraft")}
        </button>
      </Form>
    </section>
  );
}

/**
 * The need the project answers: its number and category, where it is (its own place only to those
 * who may read its details), a link back, and the hidden field that carries it; or why it is not
 * carried. The error summary's link for the need lands here.
 */
function NeedAnswered({ need, error }: { need: AnsweredNeed | null; error?: FieldError }) {
  const { t, lng } = useProjectLabels();
  const message = useFieldMessage();
  return (
    <section
      id="f-needId"
      className={`card field${error ? " has-error" : ""}`}
      aria-labelledby="f-needId-title"
    >
      <h2 id="f-needId-title">{t("project:form.need")}</h2>
      {error && (
        <p className="error" id="f-needId-error">
          {message(error)}
        </p>
      )}
      {need && (
        <p>
          <Link to={`/needs/${need.id}`}>{need.label}</Link> · {need.status} ·{" "}
          {areaName(need.community, lng)} · {areaName(need.grid, lng)}
          {need.place && <> · {need.place}</>}
        </p>
      )}
      {need?.carried && (
        <>
          <p className="hint">{t("project:form.needHint")}</p>
          <input type="hidden" name="needId" value={need.id} />
        </>
      )}
    </section>
  );
}
