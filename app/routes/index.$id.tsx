/**
 * One area's 六和指数 (issue 17): its total and rank, the six dimensions as a radar beside the
 * city's, each dimension's 12-month trend, and the drill-down dimension → indicator → item →
 * measure (plain <details>, no script), down to the records that count for a community's measure
 * (?measure=<id>). Every chart has its table; 长辈版 shows the tables alone. The city is /index.
 */
import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import {
  ChartImage,
  IndexNav,
  LinesTable,
  MonthChooser,
  SnapshotNote,
  useIndexFormat,
} from "~/components/index-figures";
import { DomainError } from "~/domain/errors";
import { DIMENSIONS, type PageTree } from "~/domain/index/pages";
import { getT } from "~/i18n/i18next.server";
import { shownAreaCharts, shownAreaMonth, shownIndexMonths } from "~/services/index/pages.server";
import {
  areaAncestors,
  indexArea,
  measureRecordsOf,
  resolveMonth,
  type NodeFigure,
} from "~/services/index/queries.server";
import { throwRefusal } from "~/utils/forms.server";
import { areaName } from "~/utils/format";
import { titleMeta } from "~/utils/meta";
import { readPreferences } from "~/utils/preferences.server";

export const handle = { i18n: ["index"] };
export const meta = titleMeta;

const AREA_ID = /^[1-9]\d{0,15}$/;

export async function loader({ request, params }: LoaderFunctionArgs) {
  const url = new URL(request.url);
  const prefs = readPreferences(request);
  const lite = prefs.mode === "lite";
  try {
    const area = AREA_ID.test(params.id ?? "") ? await indexArea(Number(params.id)) : null;
    if (!area) throw new DomainError(404, "index:errors.pageAreaUnknown");
    const { month, months } = await resolveMonth(
      url.searchParams.get("month"),
      new Date(),
      shownIndexMonths("all"),
    );
    const t = await getT(request, ["index", "common"]);
    const name = areaName(area, prefs.lng);
    const [ancestors, shown] = await Promise.all([
      areaAncestors(area),
      month ? shownAreaMonth(`${area.id}|${month}`) : null,
    ]);
    const base = { title: t("index:page.title") + " · " + name, area, ancestors, months };
    if (!month || !shown) return json({ ...base, month: null, view: null });
    const { snapshot, view, dimensions } = shown;
    const asked = url.searchParams.get("measure");
    let records = null;
    if (asked !== null) {
      if (area.level !== "community" || !view.tree) {
        throw new DomainError(404, "index:errors.pageMeasureUnknown");
      }
      records = { measure: asked, ...(await measureRecordsOf(view.tree, asked, area.id, month)) };
    }
    // The charts are images (/index/:id/radar.svg …): the page carries their size and words only.
    const drawn = lite ? null : await shownAreaCharts(`${area.id}|${month}|${prefs.lng}`);
    const src = (chart: string) =>
      `/index/${area.id}/${chart}.svg?month=${month}&lng=${encodeURIComponent(prefs.lng)}`;
    const charts = drawn && {
      radar: { ...drawn.images.radar, src: src("radar") },
      trend: { ...drawn.images.trend, src: src("trend") },
    };
    return json({ ...base, month, view: { ...view, snapshot, dimensions, records, charts } });
  } catch (e) {
    throwRefusal(e);
  }
}

const RECORD_LINKS: Partial<Record<string, string>> = {
  meeting: "/meetings/",
  project: "/projects/",
  need: "/needs/",
  poll: "/polls/",
  round: "/budgets/",
  organisation: "/orgs/",
};

/** Dimension → indicator → item → measure, each level a <details> that opens without script. */
function DrillDown({
  tree,
  figures,
  areaId,
  month,
  community,
}: {
  tree: PageTree;
  figures: Record<string, NodeFigure>;
  areaId: number;
  month: string;
  community: boolean;
}) {
  const f = useIndexFormat();
  return (
    <>
      {tree.dimensions.map((d) => (
        <details key={d.id}>
          <summary>
            {f.dimension(d.id)} ·{" "}
            {f.t("page.drill.score", { score: f.score(figures[`d:${d.id}`]?.score ?? null) })} ·{" "}
            {f.t("page.drill.weight", { weight: f.weight(d.weight) })}
          </summary>
          {d.indicators.map((i) => (
            <details key={i.id} className="indicator">
              <summary>
                {i.name[f.lng]} ·{" "}
                {f.t("page.drill.score", { score: f.score(figures[`i:${i.id}`]?.score ?? null) })} ·{" "}
                {f.t("page.drill.weight", { weight: f.weight(i.weight) })}
              </summary>
              <div className="table-wrap">
                <table>
                  <caption>{i.name[f.lng]}</caption>
                  <thead>
                    <tr>
                      <th scope="col">{f.t("table.node")}</th>
                      <th scope="col">{f.t("table.weight")}</th>
                      <th scope="col">{f.t("table.score")}</th>
                      <th scope="col">{f.t("table.value")}</th>
                      <th scope="col">{f.t("table.numerator")}</th>
                      <th scope="col">{f.t("table.denominator")}</th>
                    </tr>
                  </thead>
                  {i.items.map((item) => (
                    <tbody key={item.id}>
                      <tr>
                        <th scope="row">
                          <strong>{item.name[f.lng]}</strong>
                        </th>
                        <td>{f.weight(item.weight)}</td>
                        <td>{f.score(figures[`t:${item.id}`]?.score ?? null)}</td>
                        <td colSpan={3} />
                      </tr>
                      {item.measures.map((m) => {
                        const fig = figures[`m:${m.measure}`];
                        return (
                          <tr key={m.measure}>
                            <th scope="row" className="measure">
                              {community ? (
                                <Link
                                  to={`/index/${areaId}?month=${month}&measure=${m.measure}#records`}
                                >
                                  {f.measure(m.measure)}
                                </Link>
                              ) : (
                                f.measure(m.measure)
                              )}
                            </th>
                            <td>{f.weight(m.weight)}</td>
                            <td>{f.score(fig?.score ?? null)}</td>
                            <td>{f.value(fig?.value ?? null)}</td>
                            <td>{f.count(fig?.numerator ?? null)}</td>
                            <td>{f.count(fig?.denominator ?? null)}</td>
                          </tr>
                        );
                      })}
                    </tbody>
                  ))}
                </table>
              </div>
            </details>
          ))}
        </details>
      ))}
    </>
  );
}

export default function IndexArea() {
  const { area, ancestors, months, month, view } = useLoaderData<typeof loader>();
  const f = useIndexFormat();
  const name = areaName(area, f.lng);
  return (
    <article aria-labelledby="area-title">
      <IndexNav />
      <nav aria-label={f.t("nav.breadcrumb")} className="breadcrumb">
        <ol>
          <li>
            <Link to={month ? `/index?month=${month}` : "/index"}>{f.t("page.city.title")}</Link>
          </li>
          {ancestors.map((a) => (
            <li key={a.id}>
              <Link to={`/index/${a.id}${month ? `?month=${month}` : ""}`}>
                {areaName(a, f.lng)}
              </Link>
            </li>
          ))}
        </ol>
      </nav>
      <h1 id="area-title">
        {name} · {f.t("page.title")}
      </h1>
      {!month || !view ? (
        <p>{f.t("page.none")}</p>
      ) : (
        <>
          <MonthChooser months={months} month={month} action={`/index/${area.id}`} />
          <SnapshotNote snapshot={view.snapshot} history={view.history} />
          <p>
            <strong>
              {f.t("page.area.totalLine", { score: f.score(view.figures.total?.score ?? null) })}
            </strong>{" "}
            {view.rank === null
              ? f.t("page.area.unranked")
              : f.t("page.area.rank", { rank: view.rank, of: view.rankedOf })}
            {view.residents !== null && ` ${f.t("page.area.residents", { n: view.residents })}`}
          </p>

          {view.records && (
            <section aria-labelledby="records" className="card">
              <h2 id="records" tabIndex={-1}>
                {f.t("page.records.title", { measure: f.measure(view.records.measure) })}
              </h2>
              {view.records.total === 0 ? (
                <p>{f.t("page.records.none")}</p>
              ) : (
                <>
                  <p>
                    {f.t("page.records.summary", {
                      month: f.month(month),
                      total: view.records.total,
                      shown: view.records.records.length,
                    })}
                  </p>
                  <div className="table-wrap">
                    <table>
                      <caption>{f.measure(view.records.measure)}</caption>
                      <thead>
                        <tr>
                          <th scope="col">{f.t("table.record")}</th>
                          <th scope="col">{f.t("table.kind")}</th>
                          <th scope="col">{f.t("table.at")}</th>
                          <th scope="col">{f.t("table.counts")}</th>
                          <th scope="col">{f.t("table.note")}</th>
                        </tr>
                      </thead>
                      <tbody>
                        {view.records.records.map((r, n) => {
                          const link = r.id !== null ? RECORD_LINKS[r.kind] : undefined;
                          return (
                            <tr key={`${r.kind}-${r.id ?? n}`}>
                              <th scope="row">
                                {link ? <Link to={`${link}${r.id}`}>{r.title}</Link> : r.title}
                              </th>
                              <td>{f.t(`table.kinds.${r.kind}`)}</td>
                              <td>{r.at ? f.at(r.at) : ""}</td>
                              <td>
                                {r.counts
                                  ? f.t("page.records.counts")
                                  : f.t("page.records.notCounted")}
                              </td>
                              {/* A locale key (index:records.notes.*) from the measures' module. */}
                              <td>{r.note ? f.t(r.note) : ""}</td>
                            </tr>
                          );
                        })}
                      </tbody>
                    </table>
                  </div>
                </>
              )}
              <p>
                <Link to={`/index/${area.id}?month=${month}`}>{f.t("page.records.back")}</Link>
              </p>
            </section>
          )}

          <section aria-labelledby="dimensions-title">
            <h2 id="dimensions-title">{f.t("page.area.dimensions")}</h2>
            {view.charts && <ChartImage {...view.charts.radar} />}
            <div className="table-wrap">
              <table>
                <caption>
                  {f.t("table.radarCaption", { area: name, month: f.month(month) })}
                </caption>
                <thead>
                  <tr>
                    <th scope="col">{f.t("table.dimension")}</th>
                    <th scope="col">{name}</th>
                    <th scope="col">{f.t("chart.radar.compare")}</th>
                  </tr>
                </thead>
                <tbody>
                  {DIMENSIONS.map((d) => (
                    <tr key={d}>
                      <th scope="row">{f.dimension(d)}</th>
                      <td>{f.score(view.dimensions[d])}</td>
                      <td>{f.score(view.city?.dimensions[d] ?? null)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </section>

          <section aria-labelledby="trend-title">
            <h2 id="trend-title">{f.t("page.area.trend")}</h2>
            {view.charts && <ChartImage {...view.charts.trend} />}
            <div className="table-wrap">
              <table>
                <caption>{f.t("table.trendCaption", { area: name })}</caption>
                <thead>
                  <tr>
                    <th scope="col">{f.t("table.month")}</th>
                    {DIMENSIONS.map((d) => (
                      <th key={d} scope="col">
                        {f.dimension(d)}
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {view.trend.map((p) => (
                    <tr key={p.month}>
                      <th scope="row">{p.month}</th>
                      {DIMENSIONS.map((d) => (
                        <td key={d}>{f.score(p.dimensions[d])}</td>
                      ))}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </section>

          {view.children.length > 0 && (
            <section aria-labelledby="children-title">
              <h2 id="children-title">{f.t("page.area.children")}</h2>
              <LinesTable
                lines={view.children}
                caption={`${name} · ${f.month(month)}`}
                month={month}
                ranked
              />
            </section>
          )}

          {view.tree && (
            <section aria-labelledby="drill-title">
              <h2 id="drill-title">{f.t("page.drill.title")}</h2>
              <p className="hint">{f.t("page.drill.hint")}</p>
              {area.level !== "community" && (
                <p className="hint">{f.t("page.area.communityOnly")}</p>
              )}
              <DrillDown
                tree={view.tree}
                figures={view.figures}
                areaId={area.id}
                month={month}
                community={area.level === "community"}
              />
            </section>
          )}
        </>
      )}
    </article>
  );
}
