/**
 * 六和指数 for the whole city (issue 17): the month's city figures (radar chart and its table), the
 * districts and streets, and the ranking of communities; the month chosen by a GET form
 * (?month=YYYY-MM, default the newest published). Admins also find the form that computes or
 * corrects a month. 长辈版 shows the tables alone.
 */
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { ErrorSummary, Field, IntentForm, Notice, refusalFor, TextArea } from "~/components/forms";
import {
  Chart,
  IndexNav,
  LinesTable,
  MonthChooser,
  SnapshotNote,
  useIndexFormat,
} from "~/components/index-figures";
import { DIMENSIONS } from "~/domain/index/pages";
import { getT } from "~/i18n/i18next.server";
import { indexAdminIntents, indexAdminRights } from "~/services/index/admin.server";
import { shownCityMonth, shownCityRadar, shownIndexMonths } from "~/services/index/pages.server";
import { ranking, resolveMonth } from "~/services/index/queries.server";
import { submitIntent } from "~/services/runner/form.server";
import { lastMonthOver } from "~/domain/month";
import { readForm, throwRefusal, type Refusal } from "~/utils/forms.server";
import { areaName } from "~/utils/format";
import { titleMeta } from "~/utils/meta";
import { readPreferences } from "~/utils/preferences.server";
import { getCurrent, requireSession } from "~/utils/session.server";

export const handle = { i18n: ["index"] };
export const meta = titleMeta;

export async function loader({ request }: LoaderFunctionArgs) {
  const { actor } = await getCurrent(request);
  const url = new URL(request.url);
  const prefs = readPreferences(request);
  const t = await getT(request, ["index", "common"]);
  const { month, months } = await resolveMonth(
    url.searchParams.get("month"),
    new Date(),
    shownIndexMonths("all"),
  ).catch(throwRefusal);
  const admin = indexAdminRights(actor);
  // The month a computation would most likely be for: the form's example, always a valid one.
  const lastOver = lastMonthOver(new Date());
  const base = { title: t("index:page.title"), months, admin, lastOver };
  const shown = month ? await shownCityMonth(month) : null;
  if (!month || !shown) {
    return json({ ...base, month: null, snapshot: null, history: [], lines: null, radar: null });
  }
  const { snapshot, history, lines } = shown;
  const radar = prefs.mode === "lite" ? null : await shownCityRadar(`${month}|${prefs.lng}`);
  return json({
    ...base,
    month,
    snapshot,
    history,
    lines: { ...lines, communities: ranking(lines.communities) },
    radar,
  });
}

export async function action({ request }: ActionFunctionArgs) {
  const form = await readForm(request);
  const { actor } = await requireSession(request);
  return submitIntent(indexAdminIntents, actor, form);
}

export default function IndexCity() {
  const data = useLoaderData<typeof loader>();
  const refused = useActionData<Refusal>();
  const [params] = useSearchParams();
  const f = useIndexFormat();
  const { month, snapshot, lines } = data;
  const streetName = (parentId: number | null) => {
    const s = lines?.streets.find((x) => x.id === parentId);
    return s ? areaName(s, f.lng) : null;
  };
  const refusedCompute = refusalFor(refused, "compute");
  return (
    <article aria-labelledby="index-title">
      <IndexNav />
      <h1 id="index-title">{f.t("page.title")}</h1>
      {params.get("done") === "computed" && <Notice>{f.t("page.done.computed")}</Notice>}
      {refused && !refusedCompute && <ErrorSummary errors={refused.errors} />}
      <p>{f.t("page.intro")}</p>
      {!month || !snapshot || !lines ? (
        <p>{f.t("page.none")}</p>
      ) : (
        <>
          <MonthChooser months={data.months} month={month} action="/index" />
          <SnapshotNote snapshot={snapshot} history={data.history} />

          <section aria-labelledby="city-title">
            <h2 id="city-title">{f.t("page.city.title")}</h2>
            {data.radar && <Chart svg={data.radar} />}
            {lines.city && (
              <div className="table-wrap">
                <table>
                  <caption>
                    {f.t("table.radarCaption", {
                      area: f.t("page.city.title"),
                      month: f.month(month),
                    })}
                  </caption>
                  <thead>
                    <tr>
                      <th scope="col">{f.t("table.dimension")}</th>
                      <th scope="col">{f.t("table.score")}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {DIMENSIONS.map((d) => (
                      <tr key={d}>
                        <th scope="row">{f.dimension(d)}</th>
                        <td>{f.score(lines.city!.dimensions[d])}</td>
                      </tr>
                    ))}
                    <tr>
                      <th scope="row">{f.t("table.total")}</th>
                      <td>
                        <strong>{f.score(lines.city.total)}</strong>
                      </td>
                    </tr>
                  </tbody>
                </table>
              </div>
            )}
          </section>

          {lines.districts.length > 0 && (
            <section aria-labelledby="districts-title">
              <h2 id="districts-title">{f.t("page.city.districts")}</h2>
              <LinesTable
                lines={lines.districts}
                caption={`${f.t("page.city.districts")} · ${f.month(month)}`}
                month={month}
              />
            </section>
          )}
          {lines.streets.length > 0 && (
            <section aria-labelledby="streets-title">
              <h2 id="streets-title">{f.t("page.city.streets")}</h2>
              <LinesTable
                lines={lines.streets}
                caption={`${f.t("page.city.streets")} · ${f.month(month)}`}
                month={month}
              />
            </section>
          )}
          <section aria-labelledby="ranking-title">
            <h2 id="ranking-title">{f.t("page.city.ranking")}</h2>
            <p className="hint">{f.t("page.city.rankingHint")}</p>
            <LinesTable
              lines={lines.communities}
              caption={`${f.t("page.city.ranking")} · ${f.month(month)}`}
              month={month}
              ranked
              streetOf={(l) => streetName(l.parentId)}
            />
          </section>
        </>
      )}

      {data.admin.compute && (
        <section aria-labelledby="compute-title" className="card">
          <h2 id="compute-title">{f.t("page.admin.computeTitle")}</h2>
          <p className="hint">{f.t("page.admin.computeHint")}</p>
          {refusedCompute && <ErrorSummary errors={refusedCompute.errors} />}
          <IntentForm intent="compute" action="/index?index">
            <Field
              name="month"
              label={f.t("page.admin.month")}
              placeholder={data.lastOver}
              required
              refused={refusedCompute}
            />
            <Field
              name="methodVersion"
              label={f.t("page.admin.version")}
              inputMode="numeric"
              refused={refusedCompute}
            />
            <TextArea name="reason" label={f.t("page.admin.reason")} refused={refusedCompute} />
            <button type="submit">{f.t("page.admin.compute")}</button>
          </IntentForm>
        </section>
      )}
    </article>
  );
}
