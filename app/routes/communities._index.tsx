import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { Notice } from "~/components/forms";
import { authorize } from "~/domain/permissions/policy";
import { getT } from "~/i18n/i18next.server";
import type { Lng } from "~/i18n/config";
import { areaTree } from "~/services/communities/queries.server";
import { areaName } from "~/utils/format";
import { titleMeta } from "~/utils/meta";
import { getCurrent } from "~/utils/session.server";

export const handle = { i18n: ["community"] };
export const meta = titleMeta;

export async function loader({ request }: LoaderFunctionArgs) {
  const { actor } = await getCurrent(request);
  authorize(actor, "community.view");
  const t = await getT(request, "community");
  return json({ title: t("directory.title"), tree: await areaTree() });
}

export default function Communities() {
  const { tree } = useLoaderData<typeof loader>();
  const { t, i18n } = useTranslation("community");
  const lng = i18n.language as Lng;
  const [params] = useSearchParams();
  return (
    <section aria-labelledby="dir-title">
      <h1 id="dir-title">{t("directory.title")}</h1>
      {params.get("welcome") && <Notice>{t("directory.welcome")}</Notice>}
      <p>{t("directory.intro")}</p>
      {tree.map((district) => (
        <section key={district.id} aria-labelledby={`d-${district.id}`}>
          <h2 id={`d-${district.id}`}>{areaName(district, lng)}</h2>
          {district.children.map((street) => (
            <section key={street.id} aria-labelledby={`s-${street.id}`} className="street">
              <h3 id={`s-${street.id}`}>{areaName(street, lng)}</h3>
              <ul className="links">
                {street.children.map((c) => (
                  <li key={c.id}>
                    <Link to={`/communities/${c.id}`}>{areaName(c, lng)}</Link>
                  </li>
                ))}
              </ul>
            </section>
          ))}
        </section>
      ))}
    </section>
  );
}
