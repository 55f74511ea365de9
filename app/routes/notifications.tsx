/**
 * /notifications: the signed-in person's notices, newest first, a page at a time; each one a short
 * sentence with its link and time, unread ones marked; "mark read" per notice and "mark all read".
 * Works without JavaScript and in 长辈版 (plain forms, plain links).
 */
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { ErrorSummary, IntentForm, Notice } from "~/components/forms";
import { ReadAloud } from "~/components/read-aloud";
import { noticeText } from "~/domain/notices/text";
import type { Lng } from "~/i18n/config";
import { getT } from "~/i18n/i18next.server";
import { markAllNoticesRead, markNoticeRead } from "~/services/notices/commands.server";
import { listNotices } from "~/services/notices/queries.server";
import { intent, submitIntent } from "~/services/runner/form.server";
import { formatDateTime } from "~/utils/format";
import { readForm, throwRefusal, type Refusal } from "~/utils/forms.server";
import { listParams } from "~/utils/list-params";
import { titleMeta } from "~/utils/meta";
import { requireSession } from "~/utils/session.server";

export const handle = { i18n: ["notice"] };
export const meta = titleMeta;

export async function loader({ request }: LoaderFunctionArgs) {
  const { actor } = await requireSession(request);
  const before = listParams(new URL(request.url)).id("before");
  const page = await listNotices(actor, { before }).catch(throwRefusal);
  const t = await getT(request, "notice");
  return json({ title: t("title"), ...page, first: before === undefined });
}

export async function action({ request }: ActionFunctionArgs) {
  const form = await readForm(request);
  const { actor } = await requireSession(request);
  // Back to the page the form was on (its place in the list), with what was done.
  const url = new URL(request.url);
  const back = (done: string) => {
    url.searchParams.set("done", done);
    return redirect(`/notifications${url.search}`);
  };
  return submitIntent(
    {
      read: intent(markNoticeRead, () => back("read")),
      readAll: intent(markAllNoticesRead, () => back("readAll")),
    },
    actor,
    form,
  );
}

const DONE = ["read", "readAll"] as const;

export default function Notifications() {
  const { title, notices, older, unread, first } = useLoaderData<typeof loader>();
  const refused = useActionData<Refusal>();
  const { t, i18n } = useTranslation("notice");
  const lng = i18n.language as Lng;
  const [params] = useSearchParams();
  const done = DONE.find((d) => d === params.get("done"));
  return (
    <section className="narrow" aria-labelledby="notices-title">
      <h1 id="notices-title">{title}</h1>
      <p>{t("intro")}</p>
      <ReadAloud />
      {done && <Notice>{t(`done.${done}`)}</Notice>}
      <ErrorSummary errors={refused?.errors} />
      {unread > 0 && <p>{t("unreadCount", { n: unread })}</p>}
      {unread > 0 && notices.length > 0 && (
        <IntentForm intent="readAll" ids={{ upTo: Math.max(...notices.map((n) => n.id)) }}>
          <button type="submit">{t("markAllRead")}</button>
        </IntentForm>
      )}
      {notices.length === 0 ? (
        <p>{t("none")}</p>
      ) : (
        <ol className="plain notices">
          {notices.map((n) => {
            const said = noticeText(t, n, lng);
            const isUnread = n.readAt === null;
            return (
              <li key={n.id} className={isUnread ? "card notice-unread" : "card"}>
                <p>
                  {isUnread ? <strong>{t("unread")}</strong> : <span>{t("read")}</span>}
                  {" · "}
                  <time dateTime={n.createdAt}>{formatDateTime(n.createdAt, lng)}</time>
                </p>
                <p data-read-aloud="">
                  <Link to={said.href}>{said.text}</Link>
                </p>
                {said.reason && <p data-read-aloud="">{said.reason}</p>}
                {isUnread && (
                  <IntentForm intent="read" ids={{ noticeId: n.id }}>
                    <button type="submit">{t("markRead")}</button>
                  </IntentForm>
                )}
              </li>
            );
          })}
        </ol>
      )}
      <p>
        <Link to="/notifications/print">{t("print.link")}</Link>
      </p>
      {(!first || older !== null) && (
        <nav className="pager" aria-label={t("pages")}>
          {!first && <Link to="/notifications">{t("newest")}</Link>}{" "}
          {older !== null && <Link to={`/notifications?before=${older}`}>{t("older")}</Link>}
        </nav>
      )}
    </section>
  );
}
