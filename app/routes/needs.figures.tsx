/**
 * 民情 figures: the intensity heat table (communities × categories, the number of residents in
 * every cell, shaded in standard mode) and the loop's figures per community and per handling unit,
 * for the city, a district or a street, over one month's needs or what is open now. Chosen by a
 * GET form, so every view is a link and works without JavaScript; the method is written under the
 * tables in the same words as the definitions in app/domain/needs/figures.ts.
 */
import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { SelectField } from "~/components/forms";
import { unitLabel, useNeedLabels } from "~/components/needs";
import { NEED_CATEGORIES } from "~/domain/needs/categories";
import { formatDays, formatRate, isMonth, recentMonths } from "~/domain/needs/figures";
import { authorize } from "~/domain/permissions/policy";
import type { Lng } from "~/i18n/config";
import { getT } from "~/i18n/i18next.server";
import {
  figureScopes,
  figuresScope,
  needFigures,
  type Figures,
} from "~/services/needs/figures.server";
import { areaName, formatMonth } from "~/utils/format";
import { listParams } from "~/utils/list-params";
import { titleMeta } from "~/utils/meta";
import { getCurrent } from "~/utils/session.server";

export const handle = { i18n: ["need"] };
export const meta = titleMeta;

/** How many months back the month choice reaches (any month still works by its link). */
const MONTHS_OFFERED = 12;

export async function loader({ request }: LoaderFunctionArgs) {
  const { actor } = await getCurrent(request);
  authorize(actor, "need.view");
  const url = new URL(request.url);
  // Values not understood are ignored (the whole city, open now), as on every list page.
  const asked = url.searchParams.get("month");
  const month = isMonth(asked) ? asked : null;
  const now = new Date();
  const [scope, scopes, t] = await Promise.all([
    figuresScope(listParams(url).id("scope")),
    figureScopes(),
    getT(request, "need"),
  ]);
  const figures = await needFigures(
    scope,
    month ? { kind: "month", month } : { kind: "open" },
    now,
  );
  const months = recentMonths(now, MONTHS_OFFERED);
  if (month && !months.includes(month)) months.push(month);
  return json({ title: t("figures.title"), scope, scopes, month, months, ...figures });
}

/** "2026-06" as the reader says it: 2026年6月 / June 2026. */

const FIGURE_COLUMNS = [
  "reported",
  "closed",
  "closureRate",
  "onTimeRate",
  "medianDaysToClose",
  "satisfaction",
  "rehandlingRate",
] as const;

function FigureCells({ f, lng }: { f: Figures; lng: Lng }) {
  return (
    <>
      <td>{f.reported}</td>
      <td>{f.closed}</td>
      <td>{formatRate(f.closureRate, lng)}</td>
      <td>{formatRate(f.onTimeRate, lng)}</td>
      <td>{formatDays(f.medianDaysToClose, lng)}</td>
      <td>
        {formatRate(f.satisfaction, lng)} <small>({f.answers})</small>
      </td>
      <td>{formatRate(f.rehandlingRate, lng)}</td>
    </>
  );
}

export default function NeedFiguresPage() {
  const data = useLoaderData<typeof loader>();
  const { scope, scopes, month, months, heat, max, communities, units } = data;
  const { t, lng } = useNeedLabels();
  const scopeName = scope.kind === "city" ? t("need:figures.city") : areaName(scope, lng);
  const when = month ? formatMonth(month, lng) : null;
  const wide = scope.kind !== "street";
  const scopeOptions = scopes.flatMap((d) => [
    { value: String(d.id), label: areaName(d, lng) },
    ...d.streets.map((s) => ({
      value: String(s.id),
      label: `${areaName(d, lng)} · ${areaName(s, lng)}`,
    })),
  ]);
  const columnHeads = FIGURE_COLUMNS.map((c) => (
    <th key={c} scope="col">
      {t(`need:figures.columns.${c}`)}
    </th>
  ));
  return (
    <section aria-labelledby="figures-title">
      <p>
        <Link to="/needs">{t("need:title")}</Link>
      </p>
      <h1 id="figures-title">{t("need:figures.title")}</h1>
      <Form method="get" className="filters" aria-label={t("need:figures.choose")}>
        <SelectField
          name="scope"
          label={t("need:figures.scope")}
          empty={t("need:figures.city")}
          options={scopeOptions}
          defaultValue={scope.kind === "city" ? "" : String(scope.id)}
        />
        <SelectField
          name="month"
          label={t("need:figures.period")}
          empty={t("need:figures.openNow")}
          options={months.map((m) => ({ value: m, label: formatMonth(m, lng) }))}
          defaultValue={month ?? ""}
        />
        <button type="submit">{t("need:figures.show")}</button>
      </Form>

      <h2 id="heat-title">{t("need:figures.heatTitle")}</h2>
      {heat.length === 0 ? (
        <p>{t("need:figures.noCommunities")}</p>
      ) : (
        <div className="table-wrap">
          <table className="heat">
            <caption>
              {when
                ? t("need:figures.heatCaptionMonth", { scope: scopeName, month: when })
                : t("need:figures.heatCaptionOpen", { scope: scopeName })}
            </caption>
            <thead>
              <tr>
                <th scope="col">{t("need:figures.community")}</th>
                {NEED_CATEGORIES.map((c) => (
                  <th key={c} scope="col">
                    {t(`need:categories.${c}`)}
                  </th>
                ))}
                <th scope="col">{t("need:figures.total")}</th>
              </tr>
            </thead>
            <tbody>
              {heat.map((row) => (
                <tr key={row.id}>
                  <th scope="row">
                    <Link to={`/needs?community=${row.id}`}>{areaName(row, lng)}</Link>
                    {wide && (
                      <small>
                        {" "}
                        {areaName({ nameZh: row.streetZh, nameEn: row.streetEn }, lng)}
                      </small>
                    )}
                  </th>
                  {row.cells.map((cell) => (
                    <td key={cell.category} className={`heat-${cell.bucket}`}>
                      {cell.value}
                    </td>
                  ))}
                  <td>
                    <strong>{row.total}</strong>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <p className="hint">{t("need:figures.shading", { max })}</p>

      <h2 id="communities-title">{t("need:figures.communitiesTitle")}</h2>
      <p>{when ? t("need:figures.periodMonth", { month: when }) : t("need:figures.periodAll")}</p>
      {communities.length > 0 && (
        <div className="table-wrap">
          <table aria-labelledby="communities-title">
            <thead>
              <tr>
                <th scope="col">{t("need:figures.community")}</th>
                {columnHeads}
              </tr>
            </thead>
            <tbody>
              {communities.map((c) => (
                <tr key={c.id}>
                  <th scope="row">{areaName(c, lng)}</th>
                  <FigureCells f={c} lng={lng} />
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

      <h2 id="units-title">{t("need:figures.unitsTitle")}</h2>
      {units.length === 0 ? (
        <p>{t("need:figures.noUnits")}</p>
      ) : (
        <div className="table-wrap">
          <table aria-labelledby="units-title">
            <thead>
              <tr>
                <th scope="col">{t("need:figures.unit")}</th>
                {columnHeads}
              </tr>
            </thead>
            <tbody>
              {units.map((u) => (
                <tr key={u.id}>
                  <th scope="row">
                    {unitLabel(t, u)}
                    {wide && (
                      <small> {areaName({ nameZh: u.streetZh, nameEn: u.streetEn }, lng)}</small>
                    )}
                  </th>
                  <FigureCells f={u} lng={lng} />
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

      <section aria-labelledby="method-title">
        <h2 id="method-title">{t("need:figures.method.title")}</h2>
        <dl>
          {(
            [
              "heat",
              "period",
              "closureRate",
              "onTimeRate",
              "medianDaysToClose",
              "satisfaction",
              "rehandlingRate",
              "units",
              "empty",
            ] as const
          ).map((k) => (
            <div key={k}>
              <dt>{t(`need:figures.method.${k}.term`)}</dt>
              <dd>{t(`need:figures.method.${k}.text`)}</dd>
            </div>
          ))}
        </dl>
      </section>
    </section>
  );
}
