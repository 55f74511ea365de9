import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { SelectField } from "~/components/forms";
import { ListSearch, Pager } from "~/components/pager";
import { useProjectLabels } from "~/components/projects";
import { SERVICE_AREAS, TIERS } from "~/domain/projects/rules";
import { authorize } from "~/domain/permissions/policy";
import { listParams } from "~/utils/list-params";
import { getT } from "~/i18n/i18next.server";
import { communityOptions } from "~/services/communities/queries.server";
import {
  listOrganisations,
  myOrganisations,
  DIRECTORY_PAGE,
} from "~/services/organisations/queries.server";
import { titleMeta } from "~/utils/meta";
import { getCurrent } from "~/utils/session.server";

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

const noOrganisations: Awaited<ReturnType<typeof myOrganisations>> = [];

export async function loader({ request }: LoaderFunctionArgs) {
  const { actor } = await getCurrent(request);
  authorize(actor, "organisation.view");
  const url = new URL(request.url);
  const filters = filtersFrom(url);
  const [result, communities, mine, t] = await Promise.all([
    listOrganisations(filters),
    communityOptions(),
    actor.userId === null ? Promise.resolve(noOrganisations) : myOrganisations(actor.userId),
    getT(request, "project"),
  ]);
  return json({
    title: t("orgs.title"),
    ...result,
    filters,
    communities,
    mine,
    signedIn: actor.userId !== null,
    pageSize: DIRECTORY_PAGE,
    search: url.search,
  });
}

export default function Organisations() {
  const { items, total, filters, communities, mine, signedIn, pageSize, search } =
    useLoaderData<typeof loader>();
  const { t, serviceOptions, tierOptions, communityOptions: options } = useProjectLabels();
  const pages = Math.ceil(total / pageSize);
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
        <SelectField
          name="service"
          label={t("project:org.services")}
          empty={t("project:search.any")}
          options={serviceOptions}
          defaultValue={filters.service}
        />
        <SelectField
          name="community"
          label={t("project:form.community")}
          empty={t("project:search.any")}
          options={options(communities)}
          defaultValue={filters.communityId?.toString()}
        />
        <SelectField
          name="tier"
          label={t("project:org.tier")}
          empty={t("project:search.any")}
          options={tierOptions}
          defaultValue={filters.tier}
        />
      </ListSearch>
      <p role="status">{t("project:search.found", { count: total })}</p>
      {items.length === 0 ? (
        <p>{t("project:orgs.none")}</p>
      ) : (
        <ul className="cards">
          {items.map((o) => (
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
      )}
      <Pager path="/orgs" search={search} page={filters.page} pages={pages} />
    </section>
  );
}
