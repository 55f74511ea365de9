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
  Field,
  IntentForm,
  LoginField,
  Notice,
  refusalFor,
  SelectField,
} from "~/components/forms";
import { unitLabel, useNeedLabels } from "~/components/needs";
import { PLATFORMS } from "~/domain/needs/rules";
import { getT } from "~/i18n/i18next.server";
import { staffPage } from "~/services/needs/queries.server";
import {
  addUnitMember,
  appointCommandRoom,
  appointGridWorker,
  createUnit,
  endStaff,
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
  return json({ title: t("staff.title"), ...page, isAdmin: actor.isAdmin });
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
  const streetName = (id: number) => {
    const s = data.streets.find((x) => x.id === id);
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

      {data.isAdmin && (
        <>
          <p>
            <Link to="/needs/keys">{t("need:intake.title")}</Link>
          </p>
          <section aria-labelledby="rooms-title">
            <h2 id="rooms-title">{t("need:staff.commandRooms")}</h2>
            <ul className="cards">
              {data.streets.map((s) => (
                <li key={s.id} className="card">
                  <h3>{areaName(s, lng)}</h3>
                  <People people={data.roomStaff.filter((p) => p.areaId === s.id)} />
                </li>
              ))}
            </ul>
            <AppointForm
              intent="commandRoom"
              legend={t("need:staff.appointCommandRoom")}
              places={data.streets.map((s) => ({ value: String(s.id), label: areaName(s, lng) }))}
              placeLabel={t("need:staff.street")}
              name="areaId"
              refused={refused}
            />
          </section>
          <section aria-labelledby="units-title">
            <h2 id="units-title">{t("need:staff.units")}</h2>
            <ul className="cards">
              {data.units.map((u) => (
                <li key={u.id} className="card">
                  <h3>
                    {streetName(u.streetId)} · {unitLabel(t, u)}
                  </h3>
                  <People people={data.unitStaff.filter((p) => p.unitId === u.id)} />
                </li>
              ))}
            </ul>
            <AppointForm
              intent="unitMember"
              legend={t("need:staff.addUnitMember")}
              places={data.units.map((u) => ({
                value: String(u.id),
                label: `${streetName(u.streetId)} · ${unitLabel(t, u)}`,
              }))}
              placeLabel={t("need:stepForm.unit")}
              name="unitId"
              refused={refused}
            />
            <NewUnitForm refused={refusalFor(refused, "unit")} />
          </section>
        </>
      )}
    </section>
  );

  function NewUnitForm({ refused: mine }: { refused: Refusal | undefined }) {
    return (
      <IntentForm intent="unit" className="card" aria-labelledby="new-unit-title">
        <h3 id="new-unit-title">{t("need:staff.newUnit")}</h3>
        <ErrorSummary errors={mine?.errors} />
        <SelectField
          name="streetId"
          id="f-streetId-unit"
          label={t("need:staff.street")}
          empty=""
          required
          options={data.streets.map((s) => ({ value: String(s.id), label: areaName(s, lng) }))}
          refused={mine}
        />
        <SelectField
          name="platform"
          id="f-platform-unit"
          label={t("need:staff.platform")}
          empty={t("need:staff.department")}
          options={PLATFORMS.map((p) => ({ value: p, label: t(`need:platforms.${p}`) }))}
          refused={mine}
        />
        <Field
          name="name"
          id="f-name-unit"
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
      <ErrorSummary errors={mine?.errors} />
      <SelectField
        name={name}
        id={`f-${name}-${intent}`}
        label={placeLabel}
        empty=""
        required
        options={places}
        refused={mine}
      />
      <LoginField id={`f-login-${intent}`} label={t("need:staff.login")} refused={mine} />
      <button type="submit">{t("need:staff.appoint")}</button>
    </IntentForm>
  );
}
