/** Everything done for me at the service window: who helped, when, with what consent, and what. */
import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import type { Lng } from "~/i18n/config";
import { getT } from "~/i18n/i18next.server";
import { assistanceHistory } from "~/services/assistance/queries.server";
import { formatDateTime } from "~/utils/format";
import { throwRefusal } from "~/utils/forms.server";
import { titleMeta } from "~/utils/meta";
import { requireSession } from "~/utils/session.server";

export const handle = { i18n: ["assist", "permissions"] };
export const meta = titleMeta;

export async function loader({ request }: LoaderFunctionArgs) {
  const { actor } = await requireSession(request);
  const history = await assistanceHistory(actor).catch(throwRefusal);
  const t = await getT(request, "assist");
  return json({ title: t("history.title"), ...history });
}

const SUBJECT_PATHS: Record<string, string> = {
  project: "/projects/",
  meeting: "/meetings/",
  community: "/communities/",
};

export default function AssistedHistory() {
  const { sittings, registration } = useLoaderData<typeof loader>();
  const { t, i18n } = useTranslation(["assist", "permissions"]);
  const lng = i18n.language as Lng;
  const someone = t("history.someone");
  return (
    <section className="narrow" aria-labelledby="history-title">
      <h1 id="history-title">{t("history.title")}</h1>
      <p>{t("history.intro")}</p>
      {registration && (
        <p>
          {t("history.registered", {
            helper: registration.helperName || someone,
            at: formatDateTime(registration.at, lng),
            consent: t(`consent.${registration.consent}`),
          })}
        </p>
      )}
      {sittings.length === 0 ? (
        <p>{t("history.none")}</p>
      ) : (
        <ol className="plain">
          {sittings.map((s) => (
            <li key={s.sittingId} className="card">
              <h2>
                {t("history.sitting", {
                  helper: s.helperName || someone,
                  at: formatDateTime(s.startedAt, lng),
                })}
              </h2>
              <p className="hint">
                {t("history.consent", { consent: t(`consent.${s.consent}`) })} ·{" "}
                {s.endedAt
                  ? t("history.ended", { at: formatDateTime(s.endedAt, lng) })
                  : t("history.open")}
              </p>
              {s.actions.length === 0 ? (
                <p>{t("history.nothingDone")}</p>
              ) : (
                <ul>
                  {s.actions.map((a, i) => (
                    <li key={i}>
                      {formatDateTime(a.at, lng)} · {t(`permissions:actions.${a.action}`)}
                      {a.subjectId !== null && SUBJECT_PATHS[a.subjectType] && (
                        <>
                          {" · "}
                          <Link to={`${SUBJECT_PATHS[a.subjectType]}${a.subjectId}`}>
                            {a.subjectTitle ?? t("history.untitled")}
                          </Link>
                        </>
                      )}
                    </li>
                  ))}
                </ul>
              )}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
