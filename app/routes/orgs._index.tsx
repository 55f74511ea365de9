import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { FilterSelect, ListResults, ListSearch } from "~/components/pager";
import { useProjectLabels } from "~/components/projects";
import { SERVICE_AREAS, TIERS } from "~/domain/projects/rules";
import { listParams } from "~/utils/list-params";
import { listPage } from "~/utils/list-page.server";
import {
  listOrganisations,
  myOrganisations,
  DIRECTORY_PAGE,
} from "~/services/organisations/queries.server";
import { titleMeta } from "~/utils/meta";

export const handle = { i18n: ["project"] };
export const meta = titleMeta;

function filtersFrom(url: URL) {
  const { q, page, pick, id } = listParams(url);
  return {
    q,
    service: pick("service", SERVICE_AREAS),
    tier: pick("tier", TIERS),
    communityId: id("community"),
    page,
  };
}

export async function loader({ request }: LoaderFunctionArgs) {
  return json(
    await listPage(request, {
      action: "organisation.view",
      title: "orgs.title",
      filtersFrom,
      find: listOrganisations,
      mine: (actor) => myOrganisations(actor.userId),
      pageSize: DIRECTORY_PAGE,
    }),
  );
}

export default function Organisations() {
  const data = useLoaderData<typeof loader>();
  const { filters, communities, mine, signedIn } = data;
  const { t, serviceOptions, tierOptions, communityOptions: options } = useProjectLabels();
  return (
    <section aria-labelledby="orgs-title">
      <h1 id="orgs-title">{t("project:orgs.title")}</h1>
      <p>{t("project:orgs.intro")}</p>
      <p className="buttons">
        <Link className="button" to={signedIn ? "/orgs/new" : "/login?next=/orgs/new"}>
          {t("project:orgs.apply")}
        </Link>
      </p>
      {mine.length > 0 && (
        <section aria-labelledby="mine-title" className="card">
          <h2 id="mine-title">{t("project:orgs.mine")}</h2>
          <ul>
            {mine.map((o) => (
              <li key={o.id}>
                <Link to={`/orgs/${o.id}`}>{o.name}</Link> · {t(`project:org.role.${o.role}`)}
                {o.status === "invited" && <> · {t("project:org.invitedBadge")}</>}
                {o.listingStatus !== "verified" && (
                  <> · {t(`project:org.listing.${o.listingStatus}`)}</>
                )}
              </li>
            ))}
          </ul>
        </section>
      )}
      <ListSearch label={t("project:orgs.filter")} q={filters.q}>
        <FilterSelect
          name="service"
          label={t("project:org.services")}
          options={serviceOptions}
          value={filters.service}
        />
        <FilterSelect
          name="community"
          label={t("project:form.community")}
          options={options(communities)}
          value={filters.communityId}
        />
        <FilterSelect
          name="tier"
          label={t("project:org.tier")}
          options={tierOptions}
          value={filters.tier}
        />
      </ListSearch>
      <ListResults path="/orgs" list={data} none={t("project:orgs.none")}>
        <ul className="cards">
          {data.items.map((o) => (
            <li key={o.id} className="card">
              <h2 className="card-title">
                <Link to={`/orgs/${o.id}`}>{o.name}</Link>
              </h2>
              <p className="meta">
                {t(`project:tiers.${o.tier}`)} ·{" "}
                {o.services.map((s) => t(`project:services.${s}`)).join(t("common:listSeparator"))}{" "}
                · {t("project:org.completedCount", { count: o.completed })}
              </p>
              <p>
                {o.description.length > 120 ? `${o.description.slice(0, 120)}…` : o.description}
              </p>
            </li>
          ))}
        </ul>
      </ListResults>
    </section>
  );
}
