import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { SelectField } from "~/components/forms";
import { ListSearch, Pager } from "~/components/pager";
import { ProjectCards, StatusBadge, useProjectLabels } from "~/components/projects";
import { authorize } from "~/domain/permissions/policy";
import { PROJECT_STATUSES, SERVICE_AREAS } from "~/domain/projects/rules";
import { listParams } from "~/utils/list-params";
import { getT } from "~/i18n/i18next.server";
import { communityOptions } from "~/services/communities/queries.server";
import { myProjects, PROJECTS_PAGE, shownProjectList } from "~/services/projects/queries.server";
import { titleMeta } from "~/utils/meta";
import { getCurrent } from "~/utils/session.server";

export const handle = { i18n: ["project"] };
export const meta = titleMeta;

/**
 * Best match is the form's first choice and its default, with a query or without, so that the form
 * sends it when someone types words into a list they had not sorted (with JavaScript or without).
 * Without words every project matches alike, and the tie goes to the newest.
 */
const SORTS = ["relevance", "newest", "supported"] as const;
/** Drafts are their proposer's own: the list never shows them, so it offers no filter for them. */
const LISTED_STATUSES = PROJECT_STATUSES.filter((s) => s !== "draft");

function filtersFrom(url: URL) {
  const { q, page, pick, id } = listParams(url);
  return {
    q,
    category: pick("category", SERVICE_AREAS),
    status: pick("status", LISTED_STATUSES),
    communityId: id("community"),
    sort: pick("sort", SORTS),
    page,
  };
}

const none: Awaited<ReturnType<typeof myProjects>> = [];

export async function loader({ request }: LoaderFunctionArgs) {
  const { actor } = await getCurrent(request);
  authorize(actor, "project.view");
  const url = new URL(request.url);
  const filters = filtersFrom(url);
  const [result, communities, mine, t] = await Promise.all([
    shownProjectList(filters),
    communityOptions(),
    actor.userId === null ? Promise.resolve(none) : myProjects(actor),
    getT(request, "project"),
  ]);
  return json({
    title: t("projects.title"),
    ...result,
    filters,
    communities,
    mine,
    signedIn: actor.userId !== null,
    pageSize: PROJECTS_PAGE,
    search: url.search,
  });
}

export default function Projects() {
  const { items, total, filters, communities, mine, signedIn, pageSize, search } =
    useLoaderData<typeof loader>();
  const { t, serviceOptions, communityOptions: options } = useProjectLabels();
  const pages = Math.ceil(total / pageSize);
  return (
    <section aria-labelledby="projects-title">
      <h1 id="projects-title">{t("project:projects.title")}</h1>
      <p>{t("project:projects.intro")}</p>
      <p className="buttons">
        <Link
          className="button primary"
          to={signedIn ? "/projects/new" : "/login?next=/projects/new"}
        >
          {t("project:propose")}
        </Link>
      </p>
      {mine.length > 0 && (
        <details className="card">
          <summary>{t("project:projects.mine", { count: mine.length })}</summary>
          <ul>
            {mine.map((p) => (
              <li key={p.id}>
                <Link to={`/projects/${p.id}`}>{p.title}</Link> <StatusBadge status={p.status} />
              </li>
            ))}
          </ul>
        </details>
      )}
      <ListSearch label={t("project:projects.filter")} q={filters.q}>
        <SelectField
          name="community"
          label={t("project:form.community")}
          empty={t("project:search.any")}
          options={options(communities)}
          defaultValue={filters.communityId?.toString()}
        />
        <SelectField
          name="category"
          label={t("project:form.category")}
          empty={t("project:search.any")}
          options={serviceOptions}
          defaultValue={filters.category}
        />
        <SelectField
          name="status"
          label={t("project:search.status")}
          empty={t("project:search.any")}
          options={LISTED_STATUSES.map((s) => ({ value: s, label: t(`project:status.${s}`) }))}
          defaultValue={filters.status}
        />
        <SelectField
          name="sort"
          label={t("project:search.sort")}
          options={SORTS.map((s) => ({ value: s, label: t(`project:search.${s}`) }))}
          defaultValue={filters.sort ?? "relevance"}
        />
      </ListSearch>
      <p role="status">{t("project:search.found", { count: total })}</p>
      {items.length === 0 ? <p>{t("project:projects.none")}</p> : <ProjectCards items={items} />}
      <Pager path="/projects" search={search} page={filters.page} pages={pages} />
    </section>
  );
}
