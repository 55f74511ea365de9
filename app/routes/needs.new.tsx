/**
 * Reporting a need. First the grid and the category (a GET form, so it works without JavaScript):
 * the page then lists the open needs of that grid and category, those that look like the words
 * typed first, each with "我也遇到", so a resident joins a need instead of filing it again. Below,
 * the report itself.
 */
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { ErrorSummary, Field, IntentForm, SelectField, TextArea } from "~/components/forms";
import { NeedStatusBadge, useNeedLabels } from "~/components/needs";
import { NEED_CATEGORIES, isPrivateByDefault } from "~/domain/needs/categories";
import { NEED_DESCRIPTION_MAX, NEED_PLACE_MAX, VISIBILITIES } from "~/domain/needs/rules";
import { getT } from "~/i18n/i18next.server";
import { communityOptions, gridOptions } from "~/services/communities/queries.server";
import { meToo, reportNeed } from "~/services/needs/commands.server";
import { isNeedCategoryParam, similarNeeds } from "~/services/needs/queries.server";
import { intent, submitIntent } from "~/services/runner/form.server";
import { areaName, formatDateTime } from "~/utils/format";
import { readFormWithFile, type Refusal } from "~/utils/forms.server";
import { listParams } from "~/utils/list-params";
import { titleMeta } from "~/utils/meta";
import { requireSession } from "~/utils/session.server";

export const handle = { i18n: ["need"] };
export const meta = titleMeta;

/** The grids this person may report in: those of the communities where they are verified. */
async function reportableGrids(verifiedIn: readonly number[]) {
  const [communities, grids] = await Promise.all([communityOptions(), gridOptions(verifiedIn)]);
  const named = new Map(communities.map((c) => [c.id, c]));
  return grids.map((g) => ({ ...g, community: named.get(g.parentId)! }));
}

export async function loader({ request }: LoaderFunctionArgs) {
  const { actor } = await requireSession(request);
  const url = new URL(request.url);
  const { q, id } = listParams(url);
  const [grids, t] = await Promise.all([reportableGrids(actor.verifiedIn), getT(request, "need")]);
  const gridId = id("grid");
  const grid = grids.find((g) => g.id === gridId);
  const rawCategory = url.searchParams.get("category");
  const category = isNeedCategoryParam(rawCategory) ? rawCategory : undefined;
  const similar = grid && category ? await similarNeeds(actor, grid.id, category, q) : null;
  return json({
    title: t("form.title"),
    grids,
    chosen: { gridId: grid?.id, category, q },
    similar,
  });
}

export async function action({ request }: ActionFunctionArgs) {
  const { form, file } = await readFormWithFile(request, "photo");
  const { actor } = await requireSession(request);
  // The community is the chosen grid's: the form names the grid only.
  const grids = await reportableGrids(actor.verifiedIn);
  const grid = grids.find((g) => String(g.id) === form.gridId);
  return submitIntent(
    {
      report: intent(reportNeed, (id) => redirect(`/needs/${id}?done=reported`)),
      meToo: intent(meToo, (id) => redirect(`/needs/${id}?done=meToo`)),
    },
    actor,
    form,
    { params: { photo: file, communityId: grid ? grid.parentId : (actor.verifiedIn[0] ?? 0) } },
  );
}

export default function NewNeed() {
  const { grids, chosen, similar } = useLoaderData<typeof loader>();
  const refused = useActionData<Refusal>();
  const { t, lng } = useNeedLabels();
  const gridOptions = grids.map((g) => ({
    value: String(g.id),
    label: `${areaName(g.community, lng)} · ${areaName(g, lng)}`,
  }));
  const categoryOptions = NEED_CATEGORIES.map((c) => ({
    value: c,
    label: t(`need:categories.${c}`),
  }));
  if (grids.length === 0) {
    return (
      <section aria-labelledby="new-title">
        <h1 id="new-title">{t("need:form.title")}</h1>
        <p>{t("need:form.whoMayReport")}</p>
        <p className="buttons">
          <Link className="button" to="/communities">
            {t("need:form.joinCommunity")}
          </Link>
        </p>
      </section>
    );
  }
  const report = refused?.values.intent === "report" ? refused : undefined;
  const category = report?.values.category ?? chosen.category;
  return (
    <section aria-labelledby="new-title">
      <h1 id="new-title">{t("need:form.title")}</h1>
      <p>{t("need:form.intro")}</p>
      {refused && refused.values.intent === "meToo" && <ErrorSummary errors={refused.errors} />}
      <Form method="get" className="card" aria-label={t("need:form.findSimilar")}>
        <SelectField
          name="grid"
          id="s-grid"
          label={t("need:form.grid")}
          empty=""
          required
          options={gridOptions}
          defaultValue={chosen.gridId?.toString()}
        />
        <SelectField
          name="category"
          id="s-category"
          label={t("need:form.category")}
          empty=""
          required
          options={categoryOptions}
          defaultValue={chosen.category}
        />
        <Field
          name="q"
          id="s-q"
          label={t("need:form.words")}
          hint={t("need:form.wordsHint")}
          defaultValue={chosen.q}
          maxLength={100}
        />
        <button type="submit">{t("need:form.findSimilar")}</button>
      </Form>

      {similar && (
        <section aria-labelledby="similar-title">
          <h2 id="similar-title">{t("need:similar.title")}</h2>
          {similar.length === 0 ? (
            <p>{t("need:similar.none")}</p>
          ) : (
            <ul className="cards">
              {similar.map((s) => (
                <li key={s.id} className="card">
                  <h3>
                    <Link to={`/needs/${s.id}`}>
                      #{s.id}{" "}
                      {s.similar && <span className="badge">{t("need:similar.looksSimilar")}</span>}
                    </Link>
                  </h3>
                  <p className="meta">
                    <NeedStatusBadge status={s.status} /> ·{" "}
                    {t("need:intensity", { n: s.intensity })} · {formatDateTime(s.createdAt, lng)}
                  </p>
                  <p>{s.description ?? t("need:board.detailsPrivate")}</p>
                  <IntentForm intent="meToo" ids={{ needId: s.id }}>
                    <button type="submit">{t("need:meToo.button")}</button>
                  </IntentForm>
                </li>
              ))}
            </ul>
          )}
          <p>{t("need:form.or")}</p>
        </section>
      )}

      <Form method="post" encType="multipart/form-data" aria-labelledby="new-title">
        <input type="hidden" name="intent" value="report" />
        <ErrorSummary errors={report?.errors} />
        <SelectField
          name="gridId"
          label={t("need:form.grid")}
          empty=""
          required
          options={gridOptions}
          defaultValue={report?.values.gridId ?? chosen.gridId?.toString()}
          error={report?.errors.gridId ?? report?.errors.communityId}
        />
        <SelectField
          name="category"
          label={t("need:form.category")}
          empty=""
          required
          options={categoryOptions}
          defaultValue={category}
          error={report?.errors.category}
        />
        <Field
          name="place"
          label={t("need:form.place")}
          hint={t("need:form.placeHint")}
          maxLength={NEED_PLACE_MAX}
          defaultValue={report?.values.place}
          error={report?.errors.place}
        />
        <TextArea
          name="description"
          label={t("need:form.description")}
          hint={t("need:form.descriptionHint")}
          required
          rows={5}
          maxLength={NEED_DESCRIPTION_MAX}
          defaultValue={report?.values.description ?? chosen.q}
          error={report?.errors.description}
        />
        <fieldset>
          <legend>{t("need:form.visibility")}</legend>
          {VISIBILITIES.map((v) => (
            <label key={v} className="check">
              <input
                type="radio"
                name="visibility"
                value={v}
                defaultChecked={(report?.values.visibility ?? "auto") === v}
              />{" "}
              {t(`need:form.visibility${v[0]!.toUpperCase()}${v.slice(1)}`)}
            </label>
          ))}
          {category && isPrivateByDefault(category as never) && (
            <p className="hint">{t("need:privateDetails")}</p>
          )}
        </fieldset>
        <Field
          name="photo"
          type="file"
          accept="image/jpeg,image/png,image/webp"
          label={t("need:form.photo")}
          hint={t("need:form.photoHint")}
          error={report?.errors.photo}
        />
        <p className="meta">{t("need:reporterHidden")}</p>
        <button type="submit" className="primary">
          {t("need:form.submit")}
        </button>
      </Form>
    </section>
  );
}
