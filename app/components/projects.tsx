/**
 * Pieces of the organisation and project pages: forms, lists, status labels. Longer than most
 * files because the proposal and listing forms (with their labels and refusals) are shared by the
 * new and edit pages of both, and keeping them together keeps those four pages alike.
 */
import { Link } from "@remix-run/react";
import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import {
  ORG_CONTACT_MAX,
  ORG_DESCRIPTION_MAX,
  ORG_NAME_MAX,
  ORG_REGISTRATION_NUMBER_MAX,
  SERVICE_AREAS,
  PROJECT_MAX,
  SPARE_BUDGET_ROWS,
  TIERS,
  type ProjectStatus,
  type ServiceArea,
} from "~/domain/projects/rules";
import type { FieldErrors } from "~/domain/validation";
import type { Lng } from "~/i18n/config";
import { areaName, formatYuan } from "~/utils/format";
import {
  CheckboxGroup,
  ErrorSummary,
  Field,
  IntentForm,
  SelectField,
  TextArea,
  useFieldMessage,
} from "./forms";

export interface CommunityOption {
  id: number;
  nameZh: string;
  nameEn: string;
}

export function useProjectLabels() {
  const { t, i18n } = useTranslation(["project", "common"]);
  const lng = i18n.language as Lng;
  return {
    t,
    lng,
    serviceOptions: SERVICE_AREAS.map((s) => ({ value: s, label: t(`project:services.${s}`) })),
    tierOptions: TIERS.map((s) => ({ value: s, label: t(`project:tiers.${s}`) })),
    communityOptions: (list: readonly CommunityOption[]) =>
      list.map((c) => ({ value: String(c.id), label: areaName(c, lng) })),
  };
}

export function StatusBadge({ status }: { status: ProjectStatus }) {
  const { t } = useTranslation("project");
  return <span className={`badge status-${status}`}>{t(`status.${status}`)}</span>;
}

export interface ProjectCardView {
  id: number;
  title: string;
  summary?: string;
  status: ProjectStatus;
  category?: ServiceArea;
  budgetTotal: number;
  supportCount: number;
  communityZh?: string;
  communityEn?: string;
  organisationName?: string | null;
}

export function ProjectCards({ items }: { items: readonly ProjectCardView[] }) {
  const { t, lng } = useProjectLabels();
  return (
    <ul className="cards">
      {items.map((p) => (
        <li key={p.id} className="card">
          <h3>
            <Link to={`/projects/${p.id}`}>{p.title}</Link>
          </h3>
          <p className="meta">
            <StatusBadge status={p.status} />{" "}
            {p.category && <span>{t(`project:services.${p.category}`)} · </span>}
            {p.communityZh && (
              <span>
                {areaName({ nameZh: p.communityZh, nameEn: p.communityEn ?? "" }, lng)} ·{" "}
              </span>
            )}
            <span>{t("project:budgetTotal", { amount: formatYuan(p.budgetTotal, lng) })}</span> ·{" "}
            <span>{t("project:supportCount", { count: p.supportCount })}</span>
          </p>
          {p.organisationName && (
            <p className="meta">{t("project:byOrganisation", { name: p.organisationName })}</p>
          )}
          {p.summary && <p>{p.summary}</p>}
        </li>
      ))}
    </ul>
  );
}

export interface OrganisationValues {
  name?: string;
  tier?: string;
  registrationNumber?: string;
  services?: readonly string[];
  communities?: readonly string[];
  description?: string;
  contact?: string;
}

/** The names of a form's text fields (checkboxes and budget rows are lists, bound apart). */
type TextKeys<V> = { [K in keyof V]-?: V[K] extends string | undefined ? K : never }[keyof V] &
  string;

/** A field's name with its label, what it shows and its error: what every field here repeats. */
function fieldsOf<V>(labels: Record<string, string>, values: V, errors: FieldErrors | undefined) {
  return (name: TextKeys<V>) => ({
    name,
    label: labels[name],
    defaultValue: values[name] as string | undefined,
    error: errors?.[name],
  });
}

/** The organisation form's field labels, also naming the fields in its error summary. */
function organisationLabels(t: (k: string) => string): Record<string, string> {
  return {
    name: t("project:org.name"),
    tier: t("project:org.tier"),
    registrationNumber: t("project:org.registrationNumber"),
    services: t("project:org.services"),
    communities: t("project:org.communities"),
    description: t("project:org.description"),
    contact: t("project:org.contact"),
  };
}

export function OrganisationFields({
  values,
  errors,
  communities,
}: {
  values: OrganisationValues;
  errors: FieldErrors | undefined;
  communities: readonly CommunityOption[];
}) {
  const { t, serviceOptions, tierOptions, communityOptions } = useProjectLabels();
  const label = organisationLabels(t);
  const field = fieldsOf(label, values, errors);
  const checks = (name: "services" | "communities") => ({
    name,
    legend: label[name],
    checked: values[name] ?? [],
    error: errors?.[name],
  });
  return (
    <>
      <ErrorSummary errors={errors} labels={label} />
      <Field {...field("name")} maxLength={ORG_NAME_MAX} />
      <SelectField
        {...field("tier")}
        hint={t("project:org.tierHint")}
        options={tierOptions}
        defaultValue={values.tier ?? "filed"}
      />
      <Field
        {...field("registrationNumber")}
        hint={t("project:org.registrationNumberHint")}
        maxLength={ORG_REGISTRATION_NUMBER_MAX}
      />
      <CheckboxGroup {...checks("services")} options={serviceOptions} />
      <CheckboxGroup {...checks("communities")} options={communityOptions(communities)} />
      <TextArea rows={5} {...field("description")} maxLength={ORG_DESCRIPTION_MAX} />
      <Field
        {...field("contact")}
        hint={t("project:org.contactHint")}
        maxLength={ORG_CONTACT_MAX}
      />
    </>
  );
}

export interface ProjectValues {
  title?: string;
  summary?: string;
  description?: string;
  communityId?: string;
  gridId?: string;
  place?: string;
  organisationId?: string;
  category?: string;
  beneficiaries?: string;
  startsOn?: string;
  endsOn?: string;
  items?: ReadonlyArray<{ label: string; amount: string }>;
}

export interface GridOption extends CommunityOption {
  parentId: number;
}

/** The project form's field labels, also naming the fields in its error summary. */
function projectLabels(t: (k: string) => string): Record<string, string> {
  return {
    title: t("project:form.title"),
    summary: t("project:form.summary"),
    description: t("project:form.description"),
    communityId: t("project:form.community"),
    organisationId: t("project:form.organisation"),
    gridId: t("project:form.grid"),
    place: t("project:form.place"),
    category: t("project:form.category"),
    beneficiaries: t("project:form.beneficiaries"),
    startsOn: t("project:form.startsOn"),
    endsOn: t("project:form.endsOn"),
    budget: t("project:form.budget"),
    photo: t("project:form.photo"),
    needId: t("project:form.need"),
  };
}

/**
 * The project form's fields. Budget rows are plain inputs (filled rows plus a few spare ones) so
 * the form works without JavaScript; blank rows are ignored by the server.
 */
export function ProjectFields({
  values,
  errors,
  communities,
  grids,
  organisations,
  fixedPlace,
  hasPhoto,
  lead,
}: {
  values: ProjectValues;
  errors: FieldErrors | undefined;
  communities: readonly CommunityOption[];
  grids: readonly GridOption[];
  organisations: ReadonlyArray<{ id: number; name: string }>;
  /** When editing: the community and organisation stay as proposed. */
  fixedPlace?: { community: string; organisation: string | null };
  hasPhoto?: boolean;
  /** Shown first, under the error summary (the need a new project answers). */
  lead?: ReactNode;
}) {
  const { t, lng, serviceOptions, communityOptions } = useProjectLabels();
  const message = useFieldMessage();
  const label = projectLabels(t);
  const field = fieldsOf(label, values, errors);
  const rows = [...(values.items ?? [])];
  const spare = Math.max(SPARE_BUDGET_ROWS, 5 - rows.length);
  for (let i = 0; i < spare; i++) rows.push({ label: "", amount: "" });
  return (
    <>
      <ErrorSummary errors={errors} labels={label} />
      {lead}
      <Field {...field("title")} maxLength={PROJECT_MAX.title} />
      <Field
        {...field("summary")}
        hint={t("project:form.summaryHint")}
        maxLength={PROJECT_MAX.summary}
      />
      <TextArea rows={8} {...field("description")} maxLength={PROJECT_MAX.description} />
      {fixedPlace ? (
        <p>
          {label.communityId}: {fixedPlace.community}
          {fixedPlace.organisation && (
            <>
              <br />
              {label.organisationId}: {fixedPlace.organisation}
            </>
          )}
        </p>
      ) : (
        <>
          <SelectField {...field("communityId")} options={communityOptions(communities)} />
          {organisations.length > 0 && (
            <SelectField
              {...field("organisationId")}
              hint={t("project:form.organisationHint")}
              empty={t("project:form.ownName")}
              options={organisations.map((o) => ({ value: String(o.id), label: o.name }))}
            />
          )}
        </>
      )}
      <SelectField
        {...field("gridId")}
        empty={t("project:form.noGrid")}
        options={grids.map((g) => {
          const community = communities.find((c) => c.id === g.parentId);
          return {
            value: String(g.id),
            label: community
              ? `${areaName(community, lng)} · ${areaName(g, lng)}`
              : areaName(g, lng),
          };
        })}
      />
      <Field {...field("place")} hint={t("project:form.placeHint")} maxLength={PROJECT_MAX.place} />
      <SelectField {...field("category")} options={serviceOptions} />
      <Field
        {...field("beneficiaries")}
        hint={t("project:form.beneficiariesHint")}
        maxLength={PROJECT_MAX.beneficiaries}
      />
      <div className="field-row">
        <Field type="date" {...field("startsOn")} />
        <Field type="date" {...field("endsOn")} />
      </div>
      <fieldset className={`field budget${errors?.budget ? " has-error" : ""}`} id="f-budget">
        <legend>{label.budget}</legend>
        <p className="hint">{t("project:form.budgetHint")}</p>
        {errors?.budget && (
          <p className="error" id="f-budget-error">
            {message(errors.budget)}
          </p>
        )}
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{t("project:form.itemLabel")}</th>
                <th scope="col">{t("project:form.itemAmount")}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((row, i) => (
                <tr key={i}>
                  <td>
                    <input
                      name="itemLabel"
                      defaultValue={row.label}
                      maxLength={PROJECT_MAX.itemLabel}
                      aria-label={t("project:form.itemLabelRow", { row: i + 1 })}
                    />
                  </td>
                  <td>
                    <input
                      name="itemAmount"
                      defaultValue={row.amount}
                      inputMode="numeric"
                      aria-label={t("project:form.itemAmountRow", { row: i + 1 })}
                    />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <p className="hint">{t("project:form.moreRows")}</p>
      </fieldset>
      <div className={`field${errors?.photo ? " has-error" : ""}`}>
        <label htmlFor="f-photo">{label.photo}</label>
        <p className="hint" id="f-photo-hint">
          {hasPhoto ? t("project:form.photoReplaceHint") : t("project:form.photoHint")}
        </p>
        {errors?.photo && (
          <p className="error" id="f-photo-error">
            {message(errors.photo)}
          </p>
        )}
        <input
          id="f-photo"
          type="file"
          name="photo"
          accept="image/jpeg,image/png,image/webp"
          aria-describedby={`f-photo-hint${errors?.photo ? " f-photo-error" : ""}`}
          aria-invalid={errors?.photo ? true : undefined}
        />
        {hasPhoto && (
          <label className="check">
            <input type="checkbox" name="removePhoto" value="yes" /> {t("project:form.removePhoto")}
          </label>
        )}
      </div>
    </>
  );
}

type RefusedForm = { values: Record<string, string>; lists?: Record<string, string[]> };

/** A repeated field of a refused form, as typed (one value arrives as a plain string). */
function typedList(refused: RefusedForm, name: string): string[] {
  return refused.lists?.[name] ?? (refused.values[name] ? [refused.values[name]] : []);
}

/** What a refused organisation form had typed, ticked checkboxes included. */
export function typedOrganisation(refused: RefusedForm | undefined): OrganisationValues {
  if (!refused) return {};
  return {
    ...refused.values,
    services: typedList(refused, "services"),
    communities: typedList(refused, "communities"),
  };
}

/** What a refused project form had typed, with the budget rows that were not left blank. */
export function typedProject(refused: RefusedForm | undefined): ProjectValues {
  if (!refused) return {};
  const labels = typedList(refused, "itemLabel");
  const amounts = typedList(refused, "itemAmount");
  const items = labels
    .map((label, i) => ({ label, amount: amounts[i] ?? "" }))
    .filter((r) => r.label.trim() !== "" || r.amount.trim() !== "");
  return { ...refused.values, items };
}

/** The community page's micro-projects: the latest few, and the committee's queues and setting. */
export function CommunityProjects({
  communityId,
  projects,
  threshold,
  reviewing,
  pendingOrgs,
  refused,
}: {
  communityId: number;
  projects: { items: readonly ProjectCardView[]; total: number };
  threshold: number | null;
  reviewing: ReadonlyArray<
    Pick<ProjectCardView, "id" | "title" | "status" | "supportCount">
  > | null;
  pendingOrgs: ReadonlyArray<{ id: number; name: string }> | null;
  refused?: { values: Record<string, string>; errors: FieldErrors };
}) {
  const { t } = useProjectLabels();
  return (
    <section aria-labelledby="community-projects-title">
      <h2 id="community-projects-title">{t("project:community.title")}</h2>
      <p>
        {threshold === null
          ? t("project:community.noThreshold")
          : t("project:community.threshold", { count: threshold })}
      </p>
      {projects.items.length === 0 ? (
        <p>{t("project:projects.none")}</p>
      ) : (
        <ProjectCards items={projects.items} />
      )}
      <p className="buttons">
        <Link to={`/projects?community=${communityId}`}>
          {t("project:community.all", { count: projects.total })}
        </Link>
        <Link className="button" to="/projects/new">
          {t("project:propose")}
        </Link>
      </p>
      {reviewing && (
        <section aria-labelledby="review-queue-title" className="card">
          <h3 id="review-queue-title">{t("project:community.reviewQueue")}</h3>
          {reviewing.length === 0 ? (
            <p>{t("project:community.nothingToReview")}</p>
          ) : (
            <ul>
              {reviewing.map((p) => (
                <li key={p.id}>
                  <Link to={`/projects/${p.id}`}>{p.title}</Link> <StatusBadge status={p.status} />{" "}
                  · {t("project:supportCount", { count: p.supportCount })}
                </li>
              ))}
            </ul>
          )}
        </section>
      )}
      {pendingOrgs && (
        <section aria-labelledby="pending-orgs-title" className="card">
          <h3 id="pending-orgs-title">{t("project:community.pendingOrgs")}</h3>
          {pendingOrgs.length === 0 ? (
            <p>{t("project:community.noPendingOrgs")}</p>
          ) : (
            <ul>
              {pendingOrgs.map((o) => (
                <li key={o.id}>
                  <Link to={`/orgs/${o.id}`}>{o.name}</Link>
                </li>
              ))}
            </ul>
          )}
        </section>
      )}
      {reviewing && (
        <IntentForm intent="threshold" className="card">
          <Field
            name="threshold"
            label={t("project:community.thresholdLabel")}
            hint={t("project:community.thresholdHint")}
            inputMode="numeric"
            defaultValue={
              refused?.values.threshold ?? (threshold === null ? "" : String(threshold))
            }
            error={refused?.errors.threshold}
          />
          <button type="submit">{t("project:community.thresholdSave")}</button>
        </IntentForm>
      )}
    </section>
  );
}

/** A project's itemised budget with its total, on its page and on its printed summary. */
export function BudgetTable({
  items,
  total,
}: {
  items: ReadonlyArray<{ label: string; amount: number }>;
  total: number;
}) {
  const { t, lng } = useProjectLabels();
  return (
    <div className="table-wrap">
      <table>
        <thead>
          <tr>
            <th scope="col">{t("project:form.itemLabel")}</th>
            <th scope="col" className="num">
              {t("project:form.itemAmount")}
            </th>
          </tr>
        </thead>
        <tbody>
          {items.map((item, i) => (
            <tr key={i}>
              <td>{item.label}</td>
              <td className="num">{formatYuan(item.amount, lng)}</td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <th scope="row">{t("project:total")}</th>
            <td className="num">{formatYuan(total, lng)}</td>
          </tr>
        </tfoot>
      </table>
    </div>
  );
}
