/**
 * The opinion map: the scatter (standard mode) and, always, its tables — the groups and their
 * sizes, what each group agrees or disagrees with more than the rest, the consensus and the
 * divisive statements. 长辈版 shows the tables alone. When the map cannot honestly be drawn the
 * section says so in plain words instead of drawing anything.
 */
import { useTranslation } from "react-i18next";
import type { Lng } from "~/i18n/config";
import { formatDateTime, numberFormat } from "~/utils/format";
import { groupLetter, type MapView, type ScoreView, type StatementView } from "./types";

export function useMapFormat() {
  const { t, i18n } = useTranslation(["conversations", "common"]);
  const lng = i18n.language as Lng;
  const pct = numberFormat(lng, "wholePercent");
  const num = numberFormat(lng, "upTo2");
  return {
    t,
    lng,
    pct: (p: number) => pct.format(p),
    num: (n: number) => num.format(n),
    group: (g: number) => t("conversations:word.group", { name: groupLetter(g) }),
  };
}

export function OpinionMap({
  map,
  statements,
  svg,
}: {
  map: MapView;
  /** The accepted statements, to name the ones the tables list by number. */
  statements: readonly StatementView[];
  svg: string | null;
}) {
  const f = useMapFormat();
  const { t } = f;
  const body = (id: number) => statements.find((s) => s.id === id)?.body ?? "";
  return (
    <section aria-labelledby="map-title" id="map">
      <h2 id="map-title">{t("map.title")}</h2>
      {map.status === "none" ? (
        <p>{t("map.none")}</p>
      ) : map.status === "tooFew" ? (
        <div className="card" role="status">
          <p>
            <strong>{t("map.tooFew")}</strong>
          </p>
          {map.reason && <p>{t(`map.reason.${map.reason}`, { min: 7 })}</p>}
        </div>
      ) : (
        <>
          <p className="hint">
            {t("map.computedAt", {
              at: map.computedAt ? formatDateTime(map.computedAt, f.lng) : "",
              votes: map.votes,
              inMap: map.participantsInMap,
            })}
          </p>
          <p>{t("map.about")}</p>
          <div className="opinion-map">
            {svg && <div className="chart-wrap" dangerouslySetInnerHTML={{ __html: svg }} />}
            <div className="table-wrap">
              <table>
                <caption>{t("map.groups")}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t("map.table.group")}</th>
                    <th scope="col">{t("map.table.size")}</th>
                  </tr>
                </thead>
                <tbody>
                  {map.groups.map((g) => (
                    <tr key={g.id}>
                      <th scope="row">{f.group(g.id)}</th>
                      <td>{g.size}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </div>
          {map.groups.map((g) => (
            <div className="table-wrap" key={g.id}>
              <table>
                <caption>{t("map.representative", { group: f.group(g.id) })}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t("map.table.statement")}</th>
                    <th scope="col">{t("map.table.direction")}</th>
                    <th scope="col">{t("map.table.probability")}</th>
                    <th scope="col">{t("map.table.rest")}</th>
                    <th scope="col">{t("map.table.counts")}</th>
                  </tr>
                </thead>
                <tbody>
                  {g.representative.length === 0 ? (
                    <tr>
                      <td colSpan={5}>{t("map.noneOf")}</td>
                    </tr>
                  ) : (
                    g.representative.map((r) => (
                      <tr key={`${r.statement}-${r.direction}`}>
                        <th scope="row">
                          #{r.statement} {body(r.statement)}
                        </th>
                        <td>{t(`map.direction.${r.direction}`)}</td>
                        <td>{f.pct(r.probability)}</td>
                        <td>{f.pct(r.restProbability)}</td>
                        <td>{t("map.table.countsValue", { count: r.count, seen: r.seen })}</td>
                      </tr>
                    ))
                  )}
                </tbody>
              </table>
            </div>
          ))}
          <ScoreTable
            id="consensus"
            title={t("map.consensus")}
            hint={t("map.consensusHint")}
            rows={map.consensus}
            body={body}
          />
          <ScoreTable
            id="divisive"
            title={t("map.divisive")}
            hint={t("map.divisiveHint")}
            rows={map.divisive}
            body={body}
          />
        </>
      )}
    </section>
  );
}

function ScoreTable({
  id,
  title,
  hint,
  rows,
  body,
}: {
  id: string;
  title: string;
  hint: string;
  rows: readonly ScoreView[];
  body: (id: number) => string;
}) {
  const f = useMapFormat();
  const { t } = f;
  return (
    <>
      <h3 id={`${id}-title`}>{title}</h3>
      <p className="hint">{hint}</p>
      {rows.length === 0 ? (
        <p>{t("map.noneOf")}</p>
      ) : (
        <div className="table-wrap">
          <table aria-labelledby={`${id}-title`}>
            <thead>
              <tr>
                <th scope="col">{t("map.table.statement")}</th>
                <th scope="col">{t("map.table.score")}</th>
                <th scope="col">{t("map.table.perGroup")}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.statement}>
                  <th scope="row">
                    #{r.statement} {body(r.statement)}
                  </th>
                  <td>{f.num(r.score)}</td>
                  <td>
                    {r.perGroup
                      .map((g) =>
                        t("map.table.perGroupValue", {
                          group: groupLetter(g.group),
                          agree: g.agree,
                          disagree: g.disagree,
                          pass: g.pass,
                        }),
                      )
                      .join(t("map.chart.separator"))}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
