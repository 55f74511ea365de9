import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { SelectField } from "~/components/forms";
import { FilterSelect, ListResults, ListSearch } from "~/components/pager";
import { ProjectCards, StatusBadge, useProjectLabels } from "~/components/projects";
import { PROJECT_STATUSES, SERVICE_AREAS } from "~/domain/projects/rules";
import { listParams } from "~/utils/list-params";
import { listPage } from "~/utils/list-page.server";
import { listProjects, myProjects, PROJECTS_PAGE } from "~/services/projects/queries.server";
import { titleMeta } from "~/utils/meta";

export const handle = { i18n: ["project"] };
export const meta = titleMeta;

const SORTS = ["newest", "supported", "relevance"] as const;
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

export async function loader({ request }: LoaderFunctionArgs) {
  return json(
    await listPage(request, {
      action: "project.view",
      title: "projects.title",
      filtersFrom,
      find: listProjects,
      mine: myProjects,
      pageSize: PROJECTS_PAGE,
    }),
  );
}

export default function Projects() {
  const data = useLoaderData<typeof loader>();
  const { filters, communities, mine, signedIn } = data;
  const { t, serviceOptions, communityOptions: options } = useProjectLabels();
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
        <FilterSelect
          name="community"
          label={t("project:form.community")}
          options={options(communities)}
          value={filters.communityId}
        />
        <FilterSelect
          name="category"
          label={t("project:form.category")}
          options={serviceOptions}
          value={filters.category}
        />
        <FilterSelect
          name="status"
          label={t("project:search.status")}
          options={LISTED_STATUSES.map((s) => ({ value: s, label: t(`project:status.${s}`) }))}
          value={filters.status}
        />
        <SelectField
          name="sort"
          label={t("project:search.sort")}
          options={[
            ...(filters.q ? [{ value: "relevance", label: t("project:search.relevance") }] : []),
            { value: "newest", label: t("project:search.newest") },
            { value: "supported", label: t("project:search.supported") },
          ]}
          defaultValue={filters.sort ?? (filters.q ? "relevance" : "newest")}
        />
      </ListSearch>
      <ListResults path="/projects" list={data} none={t("project:projects.none")}>
        <ProjectCards items={data.items} />
      </ListResults>
    </section>
  );
}
