/**
 * Pieces of the 六和指数 pages: figures shown as the reader reads them (one decimal; "no data" in
 * words, never 0), the month chooser (a GET form: every view is a link), the snapshot's note and
 * corrections, the tables every chart stands beside, and the chart itself (SVG drawn on the server).
 */
import { Form, Link } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { SelectField } from "~/components/forms";
import { DIMENSIONS, scorePoints, type DimensionId } from "~/domain/index/pages";
import type { Lng } from "~/i18n/config";
import { areaName, formatDateTime, formatMonth, numberFormat } from "~/utils/format";

export function useIndexFormat() {
  const { t, i18n } = useTranslation(["index", "common"]);
  const lng = i18n.language as Lng;
  // Kept per language (utils/format.ts): this hook runs for every figure a page shows.
  const one = numberFormat(lng, "oneDecimal");
  const plain = numberFormat(lng, "upTo3");
  const pct = numberFormat(lng, "percent");
  return {
    t,
    lng,
    /** A score in hundredths as points with one decimal, or "no data". */
    score: (hundredths: number | null) => {
      const p = scorePoints(hundredths);
      return p === null ? t("index:page.noData") : one.format(p);
    },
    /** A raw value in thousandths, or "no data". */
    value: (thousandths: number | null) =>
      thousandths === null ? t("index:page.noData") : plain.format(thousandths / 1000),
    count: (n: number | null) => (n === null ? t("index:page.noData") : plain.format(n)),
    weight: (w: number) => pct.format(w),
    month: (month: string) => formatMonth(month, lng),
    at: (iso: string) => formatDateTime(iso, lng),
    dimension: (d: DimensionId) => t(`index:dimensions.${d}.name`),
    /** A method version's note: the default method's is a locale key, an admin's is their text. */
    note: (note: string) => (/^index:[A-Za-z.]+$/.test(note) ? t(note) : note),
    measure: (m: string) => t(`index:measures.${m}.name`),
  };
}

export function IndexNav() {
  const { t } = useTranslation("index");
  return (
    <nav aria-label={t("nav.label")}>
      <ul className="links">
        <li>
          <Link to="/index">{t("nav.city")}</Link>
        </li>
        <li>
          <Link to="/index/method">{t("nav.method")}</Link>
        </li>
      </ul>
    </nav>
  );
}

export function MonthChooser({
  months,
  month,
  action,
}: {
  months: readonly string[];
  month: string;
  action: string;
}) {
  const f = useIndexFormat();
  return (
    <Form method="get" action={action} className="filters" aria-label={f.t("page.month.legend")}>
      <SelectField
        name="month"
        label={f.t("page.month.label")}
        options={months.map((m) => ({ value: m, label: f.month(m) }))}
        defaultValue={month}
      />
      <button type="submit">{f.t("page.month.show")}</button>
    </Form>
  );
}

export interface SnapshotView {
  id: number;
  month: string;
  methodVersion: number;
  computedAt: string;
  byJob: boolean;
  reason: string | null;
}

/** Which computation the figures come from, by which method version, and its corrections. */
export function SnapshotNote({
  snapshot,
  history,
}: {
  snapshot: SnapshotView;
  history: readonly SnapshotView[];
}) {
  const f = useIndexFormat();
  return (
    <>
      <p>
        <Link to={`/index/method?version=${snapshot.methodVersion}`}>
          {f.t("page.snapshot.line", {
            month: f.month(snapshot.month),
            version: snapshot.methodVersion,
          })}
        </Link>{" "}
        {f.t(snapshot.byJob ? "page.snapshot.byJob" : "page.snapshot.byAdmin", {
          at: f.at(snapshot.computedAt),
        })}
      </p>
      {history.length > 1 && (
        <details>
          <summary>{f.t("page.history.title")}</summary>
          <ol>
            {history.map((h) => (
              <li key={h.id}>
                {h.reason === null
                  ? f.t("page.history.first", { at: f.at(h.computedAt) })
                  : f.t("page.history.correction", { at: f.at(h.computedAt), reason: h.reason })}
                {h.id === snapshot.id && ` ${f.t("page.history.current")}`}
              </li>
            ))}
          </ol>
        </details>
      )}
    </>
  );
}

export interface LineView {
  id: number | null;
  nameZh: string;
  nameEn: string;
  parentId: number | null;
  total: number | null;
  dimensions: Record<DimensionId, number | null>;
  residents: number;
  rank: number | null;
}

/** Areas with their totals and six dimensions; `ranked` adds the rank column first. */
export function LinesTable({
  lines,
  caption,
  ranked = false,
  month,
  streetOf,
}: {
  lines: readonly LineView[];
  caption: string;
  ranked?: boolean;
  month: string;
  /** The street each community belongs to, shown beside its name. */
  streetOf?: (line: LineView) => string | null;
}) {
  const f = useIndexFormat();
  return (
    <div className="table-wrap">
      <table>
        <caption>{caption}</caption>
        <thead>
          <tr>
            {ranked && <th scope="col">{f.t("table.rank")}</th>}
            <th scope="col">{f.t("table.area")}</th>
            <th scope="col">{f.t("table.total")}</th>
            {DIMENSIONS.map((d) => (
              <th key={d} scope="col">
                {f.dimension(d)}
              </th>
            ))}
            <th scope="col">{f.t("table.residents")}</th>
          </tr>
        </thead>
        <tbody>
          {lines.map((l) => {
            const street = streetOf?.(l);
            return (
              <tr key={l.id ?? "city"}>
                {ranked && <td>{l.rank ?? f.t("page.noData")}</td>}
                <th scope="row">
                  {l.id === null ? (
                    f.t("page.city.title")
                  ) : (
                    <Link to={`/index/${l.id}?month=${month}`}>{areaName(l, f.lng)}</Link>
                  )}
                  {street && <small> {street}</small>}
                </th>
                <td>
                  <strong>{f.score(l.total)}</strong>
                </td>
                {DIMENSIONS.map((d) => (
                  <td key={d}>{f.score(l.dimensions[d])}</td>
                ))}
                <td>{f.count(l.residents)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

/** A chart drawn on the server (an <svg role="img"> with its title and description). */
export function Chart({ svg }: { svg: string }) {
  return <div className="chart-wrap" dangerouslySetInnerHTML={{ __html: svg }} />;
}

/** A chart served as an SVG image; its title and description are the alternative text. */
export function ChartImage({
  src,
  alt,
  width,
  height,
}: {
  src: string;
  alt: string;
  width: number;
  height: number;
}) {
  return (
    <div className="chart-wrap">
      <img className="chart" src={src} alt={alt} width={width} height={height} />
    </div>
  );
}
