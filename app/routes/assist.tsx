/**
 * The service window (人工服务窗口), for committee members: register a resident who has no phone
 * or email (and print their login slip), find a resident and act for them for one sitting, end it.
 */
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import {
  ErrorSummary,
  Field,
  IntentForm,
  Notice,
  refusalFor,
  SelectField,
} from "~/components/forms";
import { CONSENTS } from "~/domain/assistance/consents";
import { DISPLAY_NAME_MAX } from "~/domain/accounts/limits";
import { can } from "~/domain/permissions/policy";
import type { Lng } from "~/i18n/config";
import { getT } from "~/i18n/i18next.server";
import { areaById } from "~/services/communities/places.server";
import {
  endSitting,
  registerResident,
  reissueSlip,
  startSitting,
  type Slip,
} from "~/services/assistance/commands.server";
import { findResidents } from "~/services/assistance/queries.server";
import { intent, submitIntent } from "~/services/runner/form.server";
import { areaName, formatDate } from "~/utils/format";
import { readForm, type Refusal } from "~/utils/forms.server";
import { titleMeta } from "~/utils/meta";
import { requireSession } from "~/utils/session.server";

export const handle = { i18n: ["assist"] };
export const meta = titleMeta;

const QUERY_MAX = 40;

export async function loader({ request }: LoaderFunctionArgs) {
  const { actor, assistance } = await requireSession(request);
  const t = await getT(request, "assist");
  const title = t("title");
  // While acting for someone the page only offers to end the sitting (the banner says for whom).
  if (assistance) return json({ title, acting: true as const });
  if (!can(actor, "assist.start", { communityId: actor.committeeOf ?? undefined })) {
    throw json({ error: { key: "errors.forbidden" } }, { status: 403 });
  }
  const community = await areaById(actor.committeeOf!);
  const q = (new URL(request.url).searchParams.get("q") ?? "").slice(0, QUERY_MAX);
  const matches = await findResidents(actor, q);
  return json({ title, acting: false as const, community: community!, q, matches });
}

type Answer = Refusal | { slip: Slip; site: string; reissued: boolean };

export async function action({ request }: ActionFunctionArgs) {
  const form = await readForm(request);
  const { actor, session } = await requireSession(request);
  const site = new URL(request.url).origin;
  const slip = (reissued: boolean) => (s: Slip) => json<Answer>({ slip: s, site, reissued });
  return submitIntent(
    {
      end: intent(endSitting, () => redirect("/assist?done=ended")),
      register: intent(registerResident, slip(false)),
      reissue: intent(reissueSlip, slip(true)),
      start: intent(startSitting, (r) => redirect(`/communities/${r.communityId}?assist=started`)),
    },
    actor,
    form,
    // A sitting belongs to the helper's own session, never to one a form names.
    { params: { sessionId: session.sessionId } },
  );
}

/** The login slip: large type, on its own when printed. */
function LoginSlip({ slip, site, reissued }: { slip: Slip; site: string; reissued: boolean }) {
  const { t, i18n } = useTranslation("assist");
  const lng = i18n.language as Lng;
  return (
    <>
      <section className="slip" aria-labelledby="slip-title">
        <h1 id="slip-title">{t("slip.title")}</h1>
        <dl className="facts">
          <dt>{t("slip.name")}</dt>
          <dd>{slip.displayName}</dd>
          <dt>{t("slip.login")}</dt>
          <dd>
            <code className="slip-code">{slip.username}</code>
          </dd>
          <dt>{t("slip.password")}</dt>
          <dd>
            <code className="slip-code">{slip.password}</code>
          </dd>
          <dt>{t("slip.site")}</dt>
          <dd>{site}</dd>
        </dl>
        <p>{t("slip.howTo")}</p>
        <p>{t("slip.keep")}</p>
        <p className="hint">
          {reissued ? t("slip.reissuedOn") : t("slip.issuedOn")}{" "}
          {formatDate(new Date().toISOString(), lng)}
        </p>
      </section>
      <div className="no-print">
        <Notice>{reissued ? t("done.reissued") : t("done.registered")}</Notice>
        <p>{t("slip.print")}</p>
        <p>
          <Link to="/assist">{t("back")}</Link>
        </p>
      </div>
    </>
  );
}

export default function Assist() {
  const data = useLoaderData<typeof loader>();
  const answer = useActionData<Answer>();
  const [params] = useSearchParams();
  const { t, i18n } = useTranslation(["assist", "common"]);
  const lng = i18n.language as Lng;
  if (answer && "slip" in answer) return <LoginSlip {...answer} />;
  const refused = answer && "errors" in answer ? answer : undefined;
  const refusedRegister = refusalFor(refused, "register");
  const consentOptions = CONSENTS.map((c) => ({ value: c, label: t(`consent.${c}`) }));
  if (data.acting) {
    return (
      <section className="narrow" aria-labelledby="assist-title">
        <h1 id="assist-title">{t("title")}</h1>
        <p>{t("actingNow")}</p>
        <IntentForm intent="end">
          <button type="submit" className="primary">
            {t("common:assist.end")}
          </button>
        </IntentForm>
      </section>
    );
  }
  return (
    <section aria-labelledby="assist-title">
      <h1 id="assist-title">{t("title")}</h1>
      <p>{t("intro", { community: areaName(data.community, lng) })}</p>
      {params.get("done") === "ended" && <Notice>{t("done.ended")}</Notice>}
      <ErrorSummary errors={refused?.errors} />

      <section aria-labelledby="act-title">
        <h2 id="act-title">{t("act.title")}</h2>
        <p>{t("act.intro")}</p>
        <Form method="get" className="inline-form">
          <Field
            name="q"
            label={t("act.search")}
            defaultValue={data.q}
            maxLength={QUERY_MAX}
            autoComplete="off"
          />
          <button type="submit">{t("act.find")}</button>
        </Form>
        {data.q && data.matches.length === 0 && <p>{t("act.none")}</p>}
        {data.matches.length > 0 && (
          <ul className="plain cards">
            {data.matches.map((m) => {
              const refusedStart = refusalFor(refused, "start", { residentId: m.id });
              return (
                <li key={m.id} className="card">
                  <h3>{m.displayName}</h3>
                  <p className="hint">
                    {t(`status.${m.status}`)}
                    {m.assistedRegistration && <> · {t("act.registeredHere")}</>}
                  </p>
                  <IntentForm intent="start" ids={{ residentId: m.id }}>
                    <SelectField
                      id={`f-consent-${m.id}`}
                      name="consent"
                      label={t("consent.label")}
                      options={consentOptions}
                      empty={t("consent.choose")}
                      refused={refusedStart}
                    />
                    <button type="submit" className="primary">
                      {t("act.start", { name: m.displayName })}
                    </button>
                  </IntentForm>
                  {m.assistedRegistration && (
                    <IntentForm intent="reissue" ids={{ residentId: m.id }}>
                      <button type="submit">{t("act.reissue")}</button>
                    </IntentForm>
                  )}
                </li>
              );
            })}
          </ul>
        )}
      </section>

      <section aria-labelledby="register-title">
        <h2 id="register-title">{t("register.title")}</h2>
        <p>{t("register.intro")}</p>
        <IntentForm intent="register">
          <Field
            name="displayName"
            label={t("register.displayName")}
            hint={t("register.displayNameHint")}
            refused={refusedRegister}
            defaultValue=""
            maxLength={DISPLAY_NAME_MAX}
            required
          />
          <SelectField
            name="consent"
            label={t("consent.label")}
            hint={t("register.consentHint")}
            options={consentOptions}
            empty={t("consent.choose")}
            refused={refusedRegister}
          />
          <button type="submit" className="primary">
            {t("register.submit")}
          </button>
        </IntentForm>
      </section>
    </section>
  );
}
