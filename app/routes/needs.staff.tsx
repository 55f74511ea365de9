/**
 * The people of the loop, for those who appoint them: a committee member appoints and ends the
 * 网格员 of their community's grids; an admin staffs every street's command room and sets up its
 * handling units (a platform or a department) and their members. Names are shown here only, to
 * the appointers; the public pages name roles.
 */
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import {
  ErrorSummary,
  fieldId,
  Field,
  IntentForm,
  LoginField,
  Notice,
  refusalFor,
  SelectField,
} from "~/components/forms";
import { unitLabel, useNeedLabels } from "~/components/needs";
import {
  DEADLINE_STEPS,
  LIMIT_UNITS,
  MAX_LIMIT_DAYS,
  type DeadlineStep,
} from "~/domain/needs/limits";
import { PLATFORMS } from "~/domain/needs/rules";
import { getT } from "~/i18n/i18next.server";
import { staffPage } from "~/services/needs/queries.server";
import {
  addUnitMember,
  appointCommandRoom,
  appointGridWorker,
  createUnit,
  endStaff,
  setStreetLimits,
} from "~/services/needs/staff.server";
import { intent, submitIntent } from "~/services/runner/form.server";
import { areaName, formatDate } from "~/utils/format";
import { authorizePage, readForm, type Refusal } from "~/utils/forms.server";
import { titleMeta } from "~/utils/meta";
import { requireSession } from "~/utils/session.server";

export const handle = { i18n: ["need"] };
export const meta = titleMeta;

export async function loader({ request }: LoaderFunctionArgs) {
  const { actor } = await requireSession(request);
  if (!actor.isAdmin) {
    authorizePage(actor, "need.appointGridWorker", { communityId: actor.committeeOf ?? -1 });
  }
  const [page, t] = await Promise.all([staffPage(actor), getT(request, "need")]);
  return json({ title: t("staff.title"), ...page });
}

export async function action({ request }: ActionFunctionArgs) {
  const form = await readForm(request);
  const { actor } = await requireSession(request);
  const back = (done: string) => redirect(`/needs/staff?done=${done}`);
  return submitIntent(
    {
      gridWorker: intent(appointGridWorker, () => back("appointed")),
      commandRoom: intent(appointCommandRoom, () => back("appointed")),
      unit: intent(createUnit, () => back("unitCreated")),
      unitMember: intent(addUnitMember, () => back("appointed")),
      end: intent(endStaff, () => back("ended")),
      limits: intent(setStreetLimits, () => back("limits")),
    },
    actor,
    form,
  );
}

type Data = ReturnType<typeof useLoaderData<typeof loader>>;
type Person = Data["gridWorkers"][number];

export default function Staff() {
  const data = useLoaderData<typeof loader>();
  const refused = useActionData<Refusal>();
  const [params] = useSearchParams();
  const { t, lng } = useNeedLabels();
  const done = params.get("done");
  const admin = data.admin;
  const streetName = (id: number) => {
    const s = data.admin?.streets.find((x) => x.id === id);
    return s ? areaName(s, lng) : "";
  };
  return (
    <section aria-labelledby="staff-title">
      <p>
        <Link to="/needs">{t("need:title")}</Link>
      </p>
      <h1 id="staff-title">{t("need:staff.title")}</h1>
      <p>{t("need:staff.intro")}</p>
      {done && <Notice>{t(`need:staff.done.${done}`, { defaultValue: "" })}</Notice>}
      {refused?.values.intent === "end" && <ErrorSummary errors={refused.errors} />}

      {data.community && (
        <section aria-labelledby="grids-title">
          <h2 id="grids-title">
            {t("need:staff.gridWorkers", { community: areaName(data.community, lng) })}
          </h2>
          <ul className="cards">
            {data.grids.map((g) => (
              <li key={g.id} className="card">
                <h3>{areaName(g, lng)}</h3>
                <People people={data.gridWorkers.filter((p) => p.areaId === g.id)} />
              </li>
            ))}
          </ul>
          <AppointForm
            intent="gridWorker"
            legend={t("need:staff.appointGridWorker")}
            places={data.grids.map((g) => ({ value: String(g.id), label: areaName(g, lng) }))}
            placeLabel={t("need:form.grid")}
            name="areaId"
            refused={refused}
          />
        </section>
      )}

      {admin && (
        <>
          <p>
            <Link to="/needs/keys">{t("need:intake.title")}</Link>
          </p>
          <section aria-labelledby="rooms-title">
            <h2 id="rooms-title">{t("need:staff.commandRooms")}</h2>
            <ul className="cards">
              {admin.streets.map((s) => (
                <li key={s.id} className="card">
                  <h3>{areaName(s, lng)}</h3>
                  <People people={admin.roomStaff.filter((p) => p.areaId === s.id)} />
                </li>
              ))}
            </ul>
            <AppointForm
              intent="commandRoom"
              legend={t("need:staff.appointCommandRoom")}
              places={admin.streets.map((s) => ({ value: String(s.id), label: areaName(s, lng) }))}
              placeLabel={t("need:staff.street")}
              name="areaId"
              refused={refused}
            />
          </section>
          <section aria-labelledby="units-title">
            <h2 id="units-title">{t("need:staff.units")}</h2>
            <ul className="cards">
              {admin.units.map((u) => (
                <li key={u.id} className="card">
                  <h3>
                    {streetName(u.streetId)} · {unitLabel(t, u)}
                  </h3>
                  <People people={admin.unitStaff.filter((p) => p.unitId === u.id)} />
                </li>
              ))}
            </ul>
            <AppointForm
              intent="unitMember"
              legend={t("need:staff.addUnitMember")}
              places={admin.units.map((u) => ({
                value: String(u.id),
                label: `${streetName(u.streetId)} · ${unitLabel(t, u)}`,
              }))}
              placeLabel={t("need:stepForm.unit")}
              name="unitId"
              refused={refused}
            />
            <NewUnitForm refused={refusalFor(refused, "unit")} />
          </section>
          <section aria-labelledby="limits-title">
            <h2 id="limits-title">{t("need:staff.limits")}</h2>
            <p>{t("need:staff.limitsIntro")}</p>
            {admin.streets.map((st) => (
              <LimitsForm
                key={st.id}
                street={st}
                limits={admin.limits[st.id]!}
                own={admin.ownLimits.includes(st.id)}
                refused={refusalFor(refused, "limits", { streetId: st.id })}
              />
            ))}
          </section>
        </>
      )}
    </section>
  );

  function NewUnitForm({ refused: mine }: { refused: Refusal | undefined }) {
    return (
      <IntentForm intent="unit" className="card" aria-labelledby="new-unit-title">
        <h3 id="new-unit-title">{t("need:staff.newUnit")}</h3>
        {/* The command room's appointment form has a streetId too: these ids carry "-unit". */}
        <ErrorSummary
          errors={mine?.errors}
          labels={{
            streetId: t("need:staff.street"),
            platform: t("need:staff.platform"),
            name: t("need:staff.unitName"),
          }}
          suffix="unit"
        />
        <SelectField
          name="streetId"
          id={fieldId("streetId", "unit")}
          label={t("need:staff.street")}
          empty=""
          required
          options={(admin?.streets ?? []).map((s) => ({
            value: String(s.id),
            label: areaName(s, lng),
          }))}
          refused={mine}
        />
        <SelectField
          name="platform"
          id={fieldId("platform", "unit")}
          label={t("need:staff.platform")}
          empty={t("need:staff.department")}
          options={PLATFORMS.map((p) => ({ value: p, label: t(`need:platforms.${p}`) }))}
          refused={mine}
        />
        <Field
          name="name"
          id={fieldId("name", "unit")}
          label={t("need:staff.unitName")}
          hint={t("need:staff.unitNameHint")}
          maxLength={60}
          required
          refused={mine}
        />
        <button type="submit">{t("need:staff.create")}</button>
      </IntentForm>
    );
  }

  function People({ people }: { people: Person[] }) {
    if (people.length === 0) return <p>{t("need:staff.nobody")}</p>;
    return (
      <ul>
        {people.map((p) => (
          <li key={p.id}>
            {p.displayName} ({p.username}) ·{" "}
            {t("need:staff.since", { at: formatDate(p.appointedAt, lng) })}
            <IntentForm intent="end" ids={{ staffId: p.id }}>
              <button type="submit">{t("need:staff.end", { name: p.displayName })}</button>
            </IntentForm>
          </li>
        ))}
      </ul>
    );
  }
}

function LimitsForm({
  street,
  limits,
  own,
  refused,
}: {
  street: { id: number; nameZh: string; nameEn: string };
  limits: Record<DeadlineStep, Record<string, number>>;
  own: boolean;
  refused: Refusal | undefined;
}) {
  const { t, lng } = useNeedLabels();
  return (
    <IntentForm
      intent="limits"
      ids={{ streetId: street.id }}
      className="card"
      aria-labelledby={`limits-${street.id}`}
    >
      <h3 id={`limits-${street.id}`}>
        {areaName(street, lng)} · {own ? t("need:staff.ownLimits") : t("need:staff.defaultLimits")}
      </h3>
      <ErrorSummary errors={refused?.errors} />
      {DEADLINE_STEPS.map((step) => {
        const limit = limits[step]!;
        const unit = "workingDays" in limit ? "workingDays" : "calendarDays";
        return (
          <div key={step} className="field-row">
            <Field
              name={`${step}Days`}
              id={`f-${step}Days-${street.id}`}
              type="number"
              inputMode="numeric"
              min={1}
              max={MAX_LIMIT_DAYS}
              label={t(`need:staff.limit.${step}`)}
              defaultValue={refused?.values[`${step}Days`] ?? String(limit[unit])}
              error={refused?.errors[`${step}Days`]}
            />
            <SelectField
              name={`${step}Unit`}
              id={`f-${step}Unit-${street.id}`}
              label={t("need:staff.unit")}
              options={LIMIT_UNITS.map((u) => ({
                value: u,
                label: t(`need:staff.limitUnits.${u}`),
              }))}
              defaultValue={refused?.values[`${step}Unit`] ?? unit}
            />
          </div>
        );
      })}
      <button type="submit">{t("need:staff.saveLimits")}</button>
    </IntentForm>
  );
}

function AppointForm({
  intent,
  legend,
  places,
  placeLabel,
  name,
  refused,
}: {
  intent: string;
  legend: string;
  places: Array<{ value: string; label: string }>;
  placeLabel: string;
  name: string;
  refused: Refusal | undefined;
}) {
  const { t } = useNeedLabels();
  const mine = refusalFor(refused, intent);
  return (
    <IntentForm intent={intent} className="card" aria-labelledby={`${intent}-title`}>
      <h3 id={`${intent}-title`}>{legend}</h3>
      <ErrorSummary
        errors={mine?.errors}
        labels={{ [name]: placeLabel, login: t("need:staff.login") }}
        suffix={intent}
      />
      <SelectField
        name={name}
        id={fieldId(name, intent)}
        label={placeLabel}
        empty=""
        required
        options={places}
        refused={mine}
      />
      <LoginField id={fieldId("login", intent)} label={t("need:staff.login")} refused={mine} />
      <button type="submit">{t("need:staff.appoint")}</button>
    </IntentForm>
  );
}
