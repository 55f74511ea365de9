/**
 * `/open-data`: the datasets anyone may download (app/domain/open-data), each with what it holds,
 * its fields, its licence, how many rows and when it last changed, and its CSV and JSON files. In
 * 长辈版 the list alone: each dataset's name and its two links.
 */
import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { DATASETS, FIELDS, FORMATS, LICENCE, type DatasetId } from "~/domain/open-data/datasets";
import type { Lng } from "~/i18n/config";
import { getT } from "~/i18n/i18next.server";
import { useRootData } from "~/root";
import { shownSummaries } from "~/services/open-data/datasets.server";
import { formatDateTime } from "~/utils/format";
import { titleMeta } from "~/utils/meta";

export const handle = { i18n: ["openData"] };
export const meta = titleMeta;

export async function loader({ request }: LoaderFunctionArgs) {
  const [t, summaries] = await Promise.all([getT(request, "openData"), shownSummaries("all")]);
  return json({ title: t("title"), summaries });
}

const fileOf = (dataset: DatasetId, format: string) => `/open-data/${dataset}.${format}`;

/** The two files of a dataset, each link named by its dataset and format (read out of context too). */
function Downloads({ dataset }: { dataset: DatasetId }) {
  const { t } = useTranslation("openData");
  const title = t(`datasets.${dataset}.title`);
  return (
    <p className="buttons">
      {FORMATS.map((format) => (
        <a key={format} href={fileOf(dataset, format)} download className="button">
          {t(format === "csv" ? "summary.csvOf" : "summary.jsonOf", { title })}
        </a>
      ))}
    </p>
  );
}

function Licence({ lng }: { lng: Lng }) {
  const { t } = useTranslation("openData");
  return (
    <section aria-labelledby="licence">
      <h2 id="licence">{t("licence.heading")}</h2>
      <p>{t("licence.text")}</p>
      {/* The same licence in the other language: reusers abroad and at home read one text. */}
      <p lang={lng === "en" ? "zh-CN" : "en"}>{t("licence.textOther")}</p>
      <p>
        <a href={LICENCE.url} rel="license">
          {t("licence.link")}
        </a>
      </p>
    </section>
  );
}

export default function OpenData() {
  const { summaries } = useLoaderData<typeof loader>();
  const { t, i18n } = useTranslation("openData");
  const lng = i18n.language as Lng;
  const lite = useRootData()?.mode === "lite";
  const updated = (at: string | null) => (at ? formatDateTime(at, lng) : t("summary.never"));

  if (lite) {
    return (
      <section aria-labelledby="od-title">
        <h1 id="od-title">{t("title")}</h1>
        <ul>
          {DATASETS.map((d) => (
            <li key={d}>
              <a href={fileOf(d, "csv")}>
                {t("summary.csvOf", { title: t(`datasets.${d}.title`) })}
              </a>{" "}
              · <a href={fileOf(d, "json")}>{t("summary.json")}</a> ({t("summary.rows")}{" "}
              {summaries[d].rows})
            </li>
          ))}
        </ul>
        <p>{t("licence.text")}</p>
      </section>
    );
  }

  return (
    <section aria-labelledby="od-title">
      <h1 id="od-title">{t("title")}</h1>
      <p>{t("intro")}</p>
      <nav aria-label={t("title")}>
        <ul>
          {DATASETS.map((d) => (
            <li key={d}>
              <a href={`#${d}`}>{t(`datasets.${d}.title`)}</a>
            </li>
          ))}
        </ul>
      </nav>
      <Licence lng={lng} />
      {DATASETS.map((d) => (
        <section key={d} id={d} aria-labelledby={`${d}-title`}>
          <h2 id={`${d}-title`}>{t(`datasets.${d}.title`)}</h2>
          <p>{t(`datasets.${d}.about`)}</p>
          <dl>
            <dt>{t("summary.rows")}</dt>
            <dd>{summaries[d].rows}</dd>
            <dt>{t("summary.updated")}</dt>
            <dd>
              {summaries[d].updatedAt ? (
                <time dateTime={summaries[d].updatedAt!}>{updated(summaries[d].updatedAt)}</time>
              ) : (
                updated(null)
              )}
            </dd>
          </dl>
          <Downloads dataset={d} />
          <details>
            <summary>{t("summary.fields")}</summary>
            <div className="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th scope="col">{t("columns.name")}</th>
                    <th scope="col">{t("columns.type")}</th>
                    <th scope="col">{t("columns.description")}</th>
                  </tr>
                </thead>
                <tbody>
                  {FIELDS[d].map((f) => (
                    <tr key={f.name}>
                      <th scope="row">
                        <code>{f.name}</code>
                      </th>
                      <td>{t(`types.${f.type}`)}</td>
                      <td>{t(`datasets.${d}.fields.${f.name}`)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </details>
        </section>
      ))}
      <section aria-labelledby="formats">
        <h2 id="formats">{t("formats.heading")}</h2>
        <p>{t("formats.text")}</p>
      </section>
    </section>
  );
}
