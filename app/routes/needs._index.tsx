/**
 * 民情 boards. Without a scope: how to report, one's own needs and desks, and every street with its
 * communities. With one: a community's board, a street's (`?street=`, the command room's desk with
 * `status=toDispatch`), or a handling unit's queue (`?unit=`), filtered and sorted by GET forms, so
 * every filter is a link and works without JavaScript; with it, the list reloads when a need moves.
 */
import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { SelectField } from "~/components/forms";
import { useLiveRevalidation } from "~/components/live";
import { NeedCards, unitLabel, useNeedLabels } from "~/components/needs";
import { Pager } from "~/components/pager";
import { NEED_CATEGORIES } from "~/domain/needs/categories";
import { authorize } from "~/domain/permissions/policy";
import { getT } from "~/i18n/i18next.server";
import { NEED_SORTS, NEEDS_PAGE, STATUS_FILTERS } from "~/domain/needs/board";
import { boardPlace, listNeeds, myDesks, needPlaces } from "~/services/needs/queries.server";
import { areaName } from "~/utils/format";
import { listParams } from "~/utils/list-params";
import { titleMeta } from "~/utils/meta";
import { getCurrent } from "~/utils/session.server";

export const handle = { i18n: ["need"] };
export const meta = titleMeta;

function filtersFrom(url: URL) {
  const { page, pick, id } = listParams(url);
  return {
    communityId: id("community"),
    streetId: id("street"),
    unitId: id("unit"),
    gridId: id("grid"),
    category: pick("category", NEED_CATEGORIES),
    status: pick("status", STATUS_FILTERS) ?? "open",
    overdue: url.searchParams.get("overdue") === "1",
    mine: url.searchParams.get("mine") === "1",
    sort: pick("sort", NEED_SORTS) ?? "newest",
    page,
  };
}

export async function loader({ request }: LoaderFunctionArgs) {
  const { actor } = await getCurrent(request);
  authorize(actor, "need.view");
  const url = new URL(request.url);
  const f = filtersFrom(url);
  // One scope at a time: a unit's queue, else a community's board, else a street's.
  const scopeFilters = f.unitId
    ? { unitId: f.unitId }
    : f.communityId
      ? { communityId: f.communityId }
      : f.streetId
        ? { streetId: f.streetId }
        : {};
  const [{ scope, grids }, t, desks] = await Promise.all([
    boardPlace(scopeFilters),
    getT(request, "need"),
    myDesks(actor),
  ]);
  const mine = f.mine && actor.userId !== null;
  const listed = scope !== null || mine;
  // The street a board belongs to: its rows are read once for every viewer (queries.server.ts).
  const street =
    scope === null
      ? null
      : scope.kind === "unit"
        ? scope.streetId
        : scope.kind === "community"
          ? scope.parentId
          : scope.id;
  const [result, places] = await Promise.all([
    listed
      ? listNeeds(actor, { ...f, ...scopeFilters, mine }, new Date(), undefined, street)
      : Promise.resolve({ items: [], total: 0, more: false }),
    listed ? Promise.resolve([]) : needPlaces(),
  ]);
  return json({
    title: t("title"),
    scope,
    filters: { ...f, ...scopeFilters, mine },
    ...result,
    grids,
    places,
    desks,
    signedIn: actor.userId !== null,
    appoints: actor.isAdmin || actor.committeeOf !== null,
    pageSize: NEEDS_PAGE,
    search: url.search,
  });
}

export default function Needs() {
  const data = useLoaderData<typeof loader>();
  const {
    scope,
    filters,
    items,
    total,
    more,
    grids,
    places,
    desks,
    signedIn,
    appoints,
    pageSize,
    search,
  } = data;
  const { t, lng } = useNeedLabels();
  const streetId = scope
    ? scope.kind === "community"
      ? scope.parentId
      : scope.kind === "unit"
        ? scope.streetId
        : scope.id
    : null;
  useLiveRevalidation(
    scope?.kind === "community"
      ? [`community:${scope.id}`]
      : streetId
        ? [`street:${streetId}`]
        : [],
  );
  const heading = !scope
    ? filters.mine
      ? t("need:mine")
      : t("need:title")
    : scope.kind === "unit"
      ? t("need:queueOf", { unit: unitLabel(t, scope) })
      : scope.kind === "street"
        ? `${areaName(scope, lng)} · ${t("need:streetBoard")}`
        : `${areaName(scope, lng)} · ${t("need:title")}`;
  const listed = scope !== null || filters.mine;
  const pages = Math.ceil(total / pageSize);
  return (
    <section aria-labelledby="needs-title">
      <p>
        {listed ? <Link to="/needs">{t("need:title")}</Link> : null}
        {scope?.kind === "community" && streetId !== null && (
          <>
            {" · "}
            <Link to={`/needs?street=${streetId}`}>{t("need:streetBoard")}</Link>
          </>
        )}
      </p>
      <h1 id="needs-title">{heading}</h1>
      {!listed && <p>{t("need:intro")}</p>}
      <p className="buttons">
        <Link className="button primary" to={signedIn ? "/needs/new" : "/login?next=/needs/new"}>
          {t("need:report")}
        </Link>
        {signedIn && !filters.mine && (
          <Link className="button" to="/needs?mine=1&status=all">
            {t("need:mine")}
          </Link>
        )}
        <Link
          className="button"
          to={streetId !== null ? `/needs/figures?scope=${streetId}` : "/needs/figures"}
        >
          {t("need:figures.link")}
        </Link>
        {appoints && (
          <Link className="button" to="/needs/staff">
            {t("need:staff.link")}
          </Link>
        )}
      </p>
      {(desks.streets.length > 0 || desks.units.length > 0) && (
        <nav aria-labelledby="desks-title" className="card">
          <h2 id="desks-title">{t("need:desks")}</h2>
          <ul>
            {desks.streets.map((s) => (
              <li key={`s${s.id}`}>
                <Link to={`/needs?street=${s.id}&status=toDispatch`}>
                  {t("need:deskOf", { street: areaName(s, lng) })}
                </Link>
              </li>
            ))}
            {desks.units.map((u) => (
              <li key={`u${u.id}`}>
                <Link to={`/needs?unit=${u.id}&status=dispatched`}>
                  {t("need:queueOf", { unit: unitLabel(t, u) })}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
      )}
      {listed ? (
        <>
          <Form method="get" className="filters" aria-label={t("need:board.filters")}>
            {filters.unitId && <input type="hidden" name="unit" value={filters.unitId} />}
            {"communityId" in filters && filters.communityId && scope?.kind === "community" && (
              <input type="hidden" name="community" value={filters.communityId} />
            )}
            {scope?.kind === "street" && <input type="hidden" name="street" value={scope.id} />}
            {filters.mine && <input type="hidden" name="mine" value="1" />}
            {grids.length > 0 && (
              <SelectField
                name="grid"
                label={t("need:board.grid")}
                empty={t("need:board.anyGrid")}
                options={grids.map((g) => ({
                  value: String(g.id),
                  label:
                    scope?.kind === "street"
                      ? `${areaName({ nameZh: g.communityZh, nameEn: g.communityEn }, lng)} · ${areaName(g, lng)}`
                      : areaName(g, lng),
                }))}
                defaultValue={filters.gridId?.toString()}
              />
            )}
            <SelectField
              name="category"
              label={t("need:board.category")}
              empty={t("need:board.anyCategory")}
              options={NEED_CATEGORIES.map((c) => ({ value: c, label: t(`need:categories.${c}`) }))}
              defaultValue={filters.category}
            />
            <SelectField
              name="status"
              label={t("need:board.status")}
              options={STATUS_FILTERS.map((s) => ({
                value: s,
                label:
                  s === "open" || s === "done" || s === "toDispatch"
                    ? t(`need:board.${s}`)
                    : s === "all"
                      ? t("need:board.anyStatus")
                      : t(`need:statuses.${s}`),
              }))}
              defaultValue={filters.status}
            />
            <SelectField
              name="sort"
              label={t("need:board.sort")}
              options={NEED_SORTS.map((s) => ({ value: s, label: t(`need:board.${s}`) }))}
              defaultValue={filters.sort}
            />
            <label className="check">
              <input type="checkbox" name="overdue" value="1" defaultChecked={filters.overdue} />{" "}
              {t("need:board.overdueOnly")}
            </label>
            <button type="submit">{t("need:board.apply")}</button>
          </Form>
          <p role="status">{t(more ? "need:board.totalMore" : "need:board.total", { n: total })}</p>
          {items.length === 0 ? <p>{t("need:board.none")}</p> : <NeedCards items={items} />}
          <Pager path="/needs" search={search} page={filters.page} pages={pages} />
        </>
      ) : (
        <section aria-labelledby="places-title">
          <h2 id="places-title">{t("need:places")}</h2>
          <ul className="directory">
            {places.map((s) => (
              <li key={s.id}>
                <Link to={`/needs?street=${s.id}`}>
                  {areaName(s, lng)} · {t("need:streetBoard")}
                </Link>
                <ul>
                  {s.communities.map((c) => (
                    <li key={c.id}>
                      <Link to={`/needs?community=${c.id}`}>{areaName(c, lng)}</Link>
                    </li>
                  ))}
                </ul>
              </li>
            ))}
          </ul>
        </section>
      )}
    </section>
  );
}
