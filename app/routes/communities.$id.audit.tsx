import { useShownName } from "~/components/person";
import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { id } from "~/domain/validation";
import type { Lng } from "~/i18n/config";
import { getT } from "~/i18n/i18next.server";
import { areaById } from "~/services/communities/places.server";
import { auditHead, listAudit } from "~/services/audit.server";
import { idParam, notFound, throwRefusal } from "~/utils/forms.server";
import { areaName, formatDateTime } from "~/utils/format";
import { titleMeta } from "~/utils/meta";
import { readPreferences } from "~/utils/preferences.server";
import { requireSession } from "~/utils/session.server";

export const handle = { i18n: ["community", "permissions"] };
export const meta = titleMeta;

const PAGE = 50;

export async function loader({ request, params }: LoaderFunctionArgs) {
  const communityId = idParam(params.id);
  const { actor } = await requireSession(request);
  const area = await areaById(communityId);
  if (!area || area.level !== "community") notFound();
  const before = id.safeParse(new URL(request.url).searchParams.get("before"));
  const rows = await listAudit(actor, communityId, {
    before: before.success ? before.data : undefined,
    limit: PAGE,
  }).catch(throwRefusal);
  const latestHash = await auditHead(actor, communityId).catch(throwRefusal);
  const t = await getT(request, "community");
  const name = areaName(area, readPreferences(request).lng);
  return json({
    title: t("audit.title", { name }),
    name,
    communityId,
    rows,
    latestHash,
    older: rows.length === PAGE ? rows[rows.length - 1]!.id : null,
  });
}

export default function Audit() {
  const { name, communityId, rows, latestHash, older } = useLoaderData<typeof loader>();
  const { t, i18n } = useTranslation(["community", "permissions"]);
  const shown = useShownName();
  const lng = i18n.language as Lng;
  return (
    <section aria-labelledby="audit-title">
      <p>
        <Link to={`/communities/${communityId}`}>{name}</Link>
      </p>
      <h1 id="audit-title">{t("audit.title", { name })}</h1>
      <p>{t("audit.intro")}</p>
      {latestHash && (
        <section aria-labelledby="audit-hash-title">
          <h2 id="audit-hash-title">{t("audit.hashTitle")}</h2>
          <p>{t("audit.hashExplain")}</p>
          <p>
            {t("audit.hashShort")} <strong>{latestHash.slice(0, 12)}</strong>
          </p>
          <label htmlFor="audit-hash">{t("audit.hashFull")}</label>
          <input
            id="audit-hash"
            type="text"
            readOnly
            value={latestHash}
            size={64}
            spellCheck={false}
            autoComplete="off"
          />
        </section>
      )}
      {rows.length === 0 ? (
        <p>{t("audit.empty")}</p>
      ) : (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{t("audit.at")}</th>
                <th scope="col">{t("audit.actor")}</th>
                <th scope="col">{t("audit.action")}</th>
                <th scope="col">{t("audit.details")}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.id}>
                  <td>{formatDateTime(r.at, lng)}</td>
                  <td>{r.actorDeleted ? t("audit.deletedUser") : (r.actorName ?? "—")}</td>
                  <td>{t(`permissions:actions.${r.action}`, { defaultValue: r.action })}</td>
                  <td>
                    {[
                      typeof r.details.displayName === "string"
                        ? shown(r.details.displayName)
                        : null,
                      typeof r.details.status === "string"
                        ? t(`community.status.${r.details.status}`)
                        : null,
                      typeof r.details.reason === "string" ? r.details.reason : null,
                    ]
                      .filter(Boolean)
                      .join(" · ")}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {older && (
        <p>
          <Link to={`?before=${older}`}>{t("audit.older")}</Link>
        </p>
      )}
    </section>
  );
}
