/**
 * The method of the 六和指数 in words and numbers (issue 17): for a published version (?version=N,
 * default the newest), the six dimensions → indicators → items → measures with their weights, and
 * for each measure what it counts, which way is better and how it becomes 0–100. Admins also find
 * the form that publishes a new version (a published one is never changed).
 */
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { ErrorSummary, Field, IntentForm, Notice, refusalFor, TextArea } from "~/components/forms";
import { IndexNav, useIndexFormat } from "~/components/index-figures";
import { CATALOGUE, type MeasureSpec } from "~/domain/index/catalogue";
import { getT } from "~/i18n/i18next.server";
import { PUBLISH_FORM_MAX_BYTES } from "~/domain/index/schemas";
import { indexAdminIntents, indexAdminRights } from "~/services/index/admin.server";
import { methodVersions, resolveVersion } from "~/services/index/queries.server";
import { submitIntent } from "~/services/runner/form.server";
import { readForm, throwRefusal, type Refusal } from "~/utils/forms.server";
import { titleMeta } from "~/utils/meta";
import { numberFormat } from "~/utils/format";
import { getCurrent, requireSession } from "~/utils/session.server";

export const handle = { i18n: ["index"] };
export const meta = titleMeta;

export async function loader({ request }: LoaderFunctionArgs) {
  const { actor } = await getCurrent(request);
  const url = new URL(request.url);
  const [method, versions, t] = await Promise.all([
    resolveVersion(url.searchParams.get("version")).catch(throwRefusal),
    methodVersions(),
    getT(request, ["index"]),
  ]);
  // What each measure is (direction, normalisation), by id.
  const specs: Partial<Record<string, MeasureSpec>> = CATALOGUE;
  return json({
    title: t("index:page.method.title"),
    method,
    versions,
    specs,
    admin: indexAdminRights(actor),
  });
}

export async function action({ request }: ActionFunctionArgs) {
  // A method's tree, URL-encoded Chinese, is larger than the usual form.
  const form = await readForm(request, { maxBytes: PUBLISH_FORM_MAX_BYTES });
  const { actor } = await requireSession(request);
  return submitIntent(indexAdminIntents, actor, form);
}

function Normalisation({ spec }: { spec: MeasureSpec | undefined }) {
  const f = useIndexFormat();
  if (!spec) return null;
  const n = spec.normalise;
  if (n.kind === "peers") return <>{f.t("page.method.peers")}</>;
  const shown = (v: number) =>
    spec.unit === "share"
      ? numberFormat(f.lng, "wholePercent").format(v)
      : numberFormat(f.lng, "upTo3").format(v);
  return <>{f.t("page.method.target", { worst: shown(n.worst), best: shown(n.best) })}</>;
}

export default function IndexMethod() {
  const { method, versions, specs, admin } = useLoaderData<typeof loader>();
  const refused = useActionData<Refusal>();
  const [params] = useSearchParams();
  const f = useIndexFormat();
  const refusedPublish = refusalFor(refused, "publish");
  return (
    <article aria-labelledby="method-title">
      <IndexNav />
      <h1 id="method-title">{f.t("page.method.title")}</h1>
      {params.get("done") === "published" && <Notice>{f.t("page.done.published")}</Notice>}
      {refused && !refusedPublish && <ErrorSummary errors={refused.errors} />}
      <p>{f.t("page.method.intro")}</p>
      {!method ? (
        <p>{f.t("page.method.none")}</p>
      ) : (
        <>
          <h2>{f.t("page.method.version", { version: method.version })}</h2>
          <p>
            {f.t("page.method.published", {
              at: f.at(method.publishedAt),
              note: f.note(method.note),
            })}
          </p>
          {method.tree.dimensions.map((d) => (
            <section key={d.id} aria-labelledby={`dim-${d.id}`}>
              <h3 id={`dim-${d.id}`}>
                {f.dimension(d.id)} · {f.t("page.drill.weight", { weight: f.weight(d.weight) })}
              </h3>
              <p>{f.t(`dimensions.${d.id}.about`)}</p>
              {d.indicators.map((i) => (
                <div key={i.id} className="table-wrap">
                  <table>
                    <caption>
                      {i.name[f.lng]} · {f.t("page.drill.weight", { weight: f.weight(i.weight) })}
                    </caption>
                    <thead>
                      <tr>
                        <th scope="col">{f.t("table.node")}</th>
                        <th scope="col">{f.t("table.weight")}</th>
                        <th scope="col">{f.t("table.direction")}</th>
                        <th scope="col">{f.t("table.normalisation")}</th>
                      </tr>
                    </thead>
                    {i.items.map((item) => (
                      <tbody key={item.id}>
                        <tr>
                          <th scope="row">
                            <strong>{item.name[f.lng]}</strong>
                          </th>
                          <td>{f.weight(item.weight)}</td>
                          <td colSpan={2} />
                        </tr>
                        {item.measures.map((m) => {
                          const spec = specs[m.measure];
                          return (
                            <tr key={m.measure}>
                              <th scope="row" className="measure">
                                {f.measure(m.measure)}
                                <br />
                                <small>{f.t(`measures.${m.measure}.about`)}</small>
                              </th>
                              <td>{f.weight(m.weight)}</td>
                              <td>
                                {spec &&
                                  (spec.direction === "higher"
                                    ? f.t("page.method.higher")
                                    : f.t("page.method.lower"))}
                              </td>
                              <td>
                                <Normalisation spec={spec} />
                              </td>
                            </tr>
                          );
                        })}
                      </tbody>
                    ))}
                  </table>
                </div>
              ))}
            </section>
          ))}
        </>
      )}
      {versions.length > 0 && (
        <section aria-labelledby="versions-title">
          <h2 id="versions-title">{f.t("page.method.versions")}</h2>
          <ul>
            {versions.map((v) => (
              <li key={v.version}>
                <Link to={`/index/method?version=${v.version}`}>
                  {f.t("page.method.version", { version: v.version })}
                </Link>{" "}
                {f.t("page.method.published", { at: f.at(v.publishedAt), note: f.note(v.note) })}
              </li>
            ))}
          </ul>
        </section>
      )}
      {admin.publish && (
        <section aria-labelledby="publish-title" className="card">
          <h2 id="publish-title">{f.t("page.admin.publishTitle")}</h2>
          <p className="hint">{f.t("page.admin.publishHint")}</p>
          {refusedPublish && <ErrorSummary errors={refusedPublish.errors} />}
          <IntentForm intent="publish" action="/index/method">
            <TextArea
              name="tree"
              label={f.t("page.admin.tree")}
              rows={12}
              required
              refused={refusedPublish}
            />
            <Field name="note" label={f.t("page.admin.note")} required refused={refusedPublish} />
            <button type="submit">{f.t("page.admin.publish")}</button>
          </IntentForm>
        </section>
      )}
    </article>
  );
}
