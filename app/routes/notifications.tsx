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
import { digestNotices, listNotices, type NoticeRow } from "~/services/notices/queries.server";
import { intent, submitIntent } from "~/services/runner/form.server";
import { formatDateTime } from "~/utils/format";
import { notFound, readForm, throwRefusal, type Refusal } from "~/utils/forms.server";
import { listParams } from "~/utils/list-params";
import { titleMeta } from "~/utils/meta";
import { requireSession } from "~/utils/session.server";

export const handle = { i18n: ["notice"] };
export const meta = titleMeta;

export async function loader({ request }: LoaderFunctionArgs) {
  const { actor } = await requireSession(request);
  const params = listParams(new URL(request.url));
  const t = await getT(request, "notice");
  // A daily digest: what it gathered (someone else's, or none, is not found).
  const digest = params.id("digest");
  if (digest !== undefined) {
    const gathered = await digestNotices(actor, digest).catch(throwRefusal);
    if (!gathered) notFound();
    return json({ title: t("digest.title"), digest: gathered });
  }
  const before = params.id("before");
  const page = await listNotices(actor, { before }).catch(throwRefusal);
  return json({ title: t("title"), ...page, first: before === undefined, digest: null });
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
  const data = useLoaderData<typeof loader>();
  if (data.digest) return <Digest title={data.title} gathered={data.digest} />;
  return <Inbox {...(data as Extract<typeof data, { digest: null }>)} />;
}

function Inbox({
  title,
  notices,
  older,
  unread,
  first,
}: Extract<ReturnType<typeof useLoaderData<typeof loader>>, { digest: null }>) {
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
            const isUnread = n.readAt === null;
            return (
              <li key={n.id} className={isUnread ? "card notice-unread" : "card"}>
                <p>
                  {isUnread ? <strong>{t("unread")}</strong> : <span>{t("read")}</span>}
                  {" · "}
                  <time dateTime={n.createdAt}>{formatDateTime(n.createdAt, lng)}</time>
                </p>
                <NoticeSentence n={n} />
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

/** A notice's sentence, leading to its subject, and the reason when one was given. */
function NoticeSentence({
  n,
}: {
  n: Pick<NoticeRow, "kind" | "subjectType" | "subjectId" | "params" | "via">;
}) {
  const { t, i18n } = useTranslation("notice");
  const said = noticeText(t, n, i18n.language as Lng);
  return (
    <>
      <p data-read-aloud="">
        <Link to={said.href}>{said.text}</Link>
      </p>
      {said.reason && <p data-read-aloud="">{said.reason}</p>}
    </>
  );
}

/** /notifications?digest=ID: what one day's digest gathered, oldest first. */
function Digest({ title, gathered }: { title: string; gathered: readonly NoticeRow[] }) {
  const { t, i18n } = useTranslation("notice");
  const lng = i18n.language as Lng;
  return (
    <section className="narrow" aria-labelledby="digest-title">
      <h1 id="digest-title">{title}</h1>
      <p>{t("digest.intro")}</p>
      <ol className="plain notices">
        {gathered.map((n) => (
          <li key={n.id} className="card">
            <p>
              <time dateTime={n.createdAt}>{formatDateTime(n.createdAt, lng)}</time>
            </p>
            <NoticeSentence n={n} />
          </li>
        ))}
      </ol>
      <p>
        <Link to="/notifications">{t("digest.back")}</Link>
      </p>
    </section>
  );
}
