/** The public 权责清单: who may do what, rendered from the policy module the server enforces. */
import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useTranslation } from "react-i18next";
import { authorize, policy, type Action, type ActionPolicy } from "~/domain/permissions/policy";
import { getT } from "~/i18n/i18next.server";
import { titleMeta } from "~/utils/meta";
import { getCurrent } from "~/utils/session.server";

export const handle = { i18n: ["permissions"] };
export const meta = titleMeta;

/**
 * The sections in the order they are listed. A record of every group, so that a group added to the
 * policy and not placed here does not compile (the 民情 group was once left off the page).
 */
const ORDER: Record<ActionPolicy["group"], number> = {
  public: 0,
  account: 1,
  community: 2,
  meeting: 3,
  organisation: 4,
  project: 5,
  vote: 6,
  need: 7,
  committee: 8,
  admin: 9,
};
const GROUPS = (Object.keys(ORDER) as ActionPolicy["group"][]).sort((a, b) => ORDER[a] - ORDER[b]);

export async function loader({ request }: LoaderFunctionArgs) {
  authorize((await getCurrent(request)).actor, "permissions.view");
  const t = await getT(request, "permissions");
  return json({ title: t("title") });
}

export default function Permissions() {
  const { t } = useTranslation("permissions");
  const entries = Object.entries(policy) as Array<[Action, ActionPolicy]>;
  return (
    <section aria-labelledby="perm-title">
      <h1 id="perm-title">{t("title")}</h1>
      <p>{t("intro")}</p>
      {GROUPS.map((group) => (
        <section key={group} aria-labelledby={`g-${group}`}>
          <h2 id={`g-${group}`}>{t(`groups.${group}`)}</h2>
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">{t("columns.action")}</th>
                  <th scope="col">{t("columns.who")}</th>
                  <th scope="col">{t("columns.audited")}</th>
                  <th scope="col">{t("columns.assistable")}</th>
                </tr>
              </thead>
              <tbody>
                {entries
                  .filter(([, p]) => p.group === group)
                  .map(([action, p]) => (
                    <tr key={action} id={`action-${action}`} data-action={action}>
                      <th scope="row">
                        {t(`actions.${action}`)}
                        <br />
                        <code>{action}</code>
                      </th>
                      <td>{p.allow.map((role) => t(`roles.${role}`)).join(t("or"))}</td>
                      <td>{p.audited ? t("yes") : t("no")}</td>
                      <td>{p.assistable ? t("yes") : t("no")}</td>
                    </tr>
                  ))}
              </tbody>
            </table>
          </div>
        </section>
      ))}
    </section>
  );
}
