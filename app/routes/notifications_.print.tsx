/**
 * /notifications/print: "my notices" on paper, for those who prefer it (or are handed it at the
 * service window): the newest NOTICES_PRINTED notices in large type, each with its date, its
 * sentence, the reason given and the web address it leads to. Printing marks nothing read.
 */
import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { noticeLink } from "~/domain/notices/kinds";
import { NOTICES_PRINTED } from "~/domain/notices/limits";
import { noticeText } from "~/domain/notices/text";
import type { Lng } from "~/i18n/config";
import { getT } from "~/i18n/i18next.server";
import { newestNotices } from "~/services/notices/queries.server";
import { formatDateTime } from "~/utils/format";
import { throwRefusal } from "~/utils/forms.server";
import { titleMeta } from "~/utils/meta";
import { requireSession } from "~/utils/session.server";
import { publicUrl } from "~/utils/site-url.server";

export const handle = { i18n: ["notice"], bare: true };
export const meta = titleMeta;

export async function loader({ request }: LoaderFunctionArgs) {
  const { actor, session } = await requireSession(request);
  const notices = await newestNotices(actor, NOTICES_PRINTED).catch(throwRefusal);
  const t = await getT(request, "notice");
  return json({
    title: t("print.title"),
    name: session.user.displayName,
    printedAt: new Date().toISOString(),
    // Paper cannot be clicked: each notice's address is written out in full.
    notices: notices.map((n) => ({ ...n, address: publicUrl(noticeLink(n)) })),
    online: publicUrl("/notifications"),
  });
}

export default function NoticesSheet() {
  const { name, printedAt, notices, online } = useLoaderData<typeof loader>();
  const { t, i18n } = useTranslation("notice");
  const lng = i18n.language as Lng;
  return (
    <article className="paper-sheet" aria-labelledby="sheet-title">
      <h1 id="sheet-title">{t("print.heading", { name })}</h1>
      <p>{t("print.printedAt", { at: formatDateTime(printedAt, lng) })}</p>
      {notices.length === 0 ? (
        <p>{t("none")}</p>
      ) : (
        <ol className="paper-notices">
          {notices.map((n) => {
            const said = noticeText(t, n, lng);
            return (
              <li key={n.id}>
                <p>
                  <time dateTime={n.createdAt}>{formatDateTime(n.createdAt, lng)}</time>
                  {n.readAt === null && <strong> · {t("unread")}</strong>}
                </p>
                <p>{said.text}</p>
                {said.reason && <p>{said.reason}</p>}
                <p>
                  {t("print.address")} <a href={n.address}>{n.address}</a>
                </p>
              </li>
            );
          })}
        </ol>
      )}
      <footer className="paper-footer">
        <p>
          {t("print.online")} <a href={online}>{online}</a>
        </p>
      </footer>
    </article>
  );
}
