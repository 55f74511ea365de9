import { useShownName } from "~/components/person";
import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { Notice } from "~/components/forms";
import { useTranslation } from "react-i18next";
import type { Lng } from "~/i18n/config";
import { getT } from "~/i18n/i18next.server";
import { homeNews } from "~/services/communities/queries.server";
import { areaName, formatDate } from "~/utils/format";
import { titleMeta } from "~/utils/meta";
import { getCurrent } from "~/utils/session.server";

export const handle = { i18n: ["community"] };
export const meta = titleMeta;

export async function loader({ request }: LoaderFunctionArgs) {
  const { session, actor } = await getCurrent(request);
  const t = await getT(request);
  return json({
    title: t("home.title"),
    name: session?.user.displayName ?? null,
    news: await homeNews(actor),
  });
}

export default function Home() {
  const { name, news } = useLoaderData<typeof loader>();
  const { t, i18n } = useTranslation(["common", "community"]);
  const shown = useShownName();
  const lng = i18n.language as Lng;
  const [params] = useSearchParams();

  if (!name) {
    return (
      <section aria-labelledby="home-title">
        {params.get("deleted") && <Notice>{t("home.deleted")}</Notice>}
        <h1 id="home-title">{t("home.welcomeTitle")}</h1>
        <p className="lead">{t("home.pitch")}</p>
        <ul className="plain">
          <li>{t("home.point1")}</li>
          <li>{t("home.point2")}</li>
          <li>{t("home.point3")}</li>
        </ul>
        <p className="buttons">
          <Link className="button primary" to="/join">
            {t("nav.join")}
          </Link>
          <Link className="button" to="/login">
            {t("nav.login")}
          </Link>
          <Link className="button" to="/communities">
            {t("home.browse")}
          </Link>
        </p>
      </section>
    );
  }

  return (
    <section aria-labelledby="home-title">
      <h1 id="home-title">{t("home.hello", { name })}</h1>
      <h2>{t("home.myCommunities")}</h2>
      {news.length === 0 && (
        <p>
          {t("home.noCommunity")} <Link to="/communities">{t("home.findCommunity")}</Link>
        </p>
      )}
      <ul className="plain">
        {news.map((c) => (
          <li key={c.communityId} className="card">
            <h3>
              <Link to={`/communities/${c.communityId}`}>{areaName(c, lng)}</Link>{" "}
              <span className={`badge ${c.myStatus}`}>
                {t(`community:community.status.${c.myStatus}`)}
              </span>
            </h3>
            <ul>
              <li>{t("home.residents", { count: c.verifiedCount })}</li>
              <li>{t("home.newThisWeek", { count: c.newResidentsThisWeek })}</li>
              {c.committeeChanges.map((ch, i) => (
                <li key={i}>
                  {t(ch.action === "committee.appoint" ? "home.appointed" : "home.stoodDown", {
                    name: shown(ch.name),
                    at: formatDate(ch.at, lng),
                  })}
                </li>
              ))}
              {c.pendingRequests !== null && (
                <li>
                  <Link to={`/communities/${c.communityId}#pending-title`}>
                    {t("home.pendingRequests", { count: c.pendingRequests })}
                  </Link>
                </li>
              )}
            </ul>
          </li>
        ))}
      </ul>
    </section>
  );
}
