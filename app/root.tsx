import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import {
  isRouteErrorResponse,
  Link,
  Links,
  Meta,
  Outlet,
  Scripts,
  ScrollRestoration,
  useLocation,
  useMatches,
  useRouteError,
  useRouteLoaderData,
} from "@remix-run/react";
import { useEffect, useRef, type ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { getCurrent } from "~/utils/session.server";
import { unreadCount } from "~/services/notices/queries.server";
import { useLiveNotices } from "~/components/notice-count";
import { UNREAD_SHOWN_MAX } from "~/domain/notices/limits";
import { readPreferences } from "~/utils/preferences.server";
import { FULL_CSS_HREF, LITE_CSS } from "~/utils/styles.server";
import { formatDateTime, formatTime, withParam } from "~/utils/format";
import { useNonce } from "~/utils/nonce";
import { fallbackLng, type Lng } from "~/i18n/config";
import { useKeyMessage } from "~/components/forms";

export const handle = { i18n: ["common"] };

export async function loader({ request }: LoaderFunctionArgs) {
  const prefs = readPreferences(request);
  const { session, actor, assistance } = await getCurrent(request);
  return json({
    // One bounded read of the partial index on unread notices (services/notices/queries).
    unread: session ? await unreadCount(actor) : 0,
    locale: prefs.lng,
    mode: prefs.mode,
    text: prefs.text,
    user: session ? { id: session.user.id, displayName: session.user.displayName } : null,
    isAdmin: actor.isAdmin,
    committeeOf: actor.committeeOf,
    assistance: assistance
      ? {
          resident: assistance.resident.displayName,
          helper: assistance.helper.displayName,
          endsAt: assistance.endsAt,
        }
      : null,
    liteCss: prefs.mode === "lite" ? LITE_CSS : null,
    fullCssHref: prefs.mode === "full" ? FULL_CSS_HREF : null,
  });
}

export type RootData = ReturnType<typeof useRootData>;
export function useRootData() {
  return useRouteLoaderData<typeof loader>("root");
}

export const meta: MetaFunction = () => [{ title: "六和议事 Liuhe" }];

function Switches({ lite, locale }: { lite: boolean; locale: Lng }) {
  const { t } = useTranslation();
  const { pathname, search } = useLocation();
  const other = locale === "en" ? "zh-CN" : "en";
  return (
    <div className="switches">
      <a
        className="switch switch-mode"
        href={withParam(pathname, search, "mode", lite ? "full" : "lite")}
        lang={locale}
      >
        {lite ? t("mode.toFull") : t("mode.toLite")}
      </a>
      <a
        className="switch"
        href={withParam(pathname, search, "lng", other)}
        lang={other}
        hrefLang={other}
      >
        {other === "en" ? "English" : "中文"}
      </a>
    </div>
  );
}

/**
 * While a committee member acts for a resident, every page says so, and offers to stop. It comes
 * first in the page so that neither of them can miss it.
 */
function AssistBanner({ assistance }: { assistance: NonNullable<RootData>["assistance"] }) {
  const { t, i18n } = useTranslation();
  if (!assistance) return null;
  return (
    <div className="assist-banner" role="region" aria-label={t("assist.bannerLabel")}>
      <p>
        {t("assist.banner", {
          resident: assistance.resident,
          helper: assistance.helper,
          until: formatTime(assistance.endsAt, i18n.language as Lng),
        })}
      </p>
      <form method="post" action="/assist">
        <input type="hidden" name="intent" value="end" />
        <button type="submit">{t("assist.end")}</button>
      </form>
      <a href="/me/assisted">{t("assist.historyLink")}</a>
    </div>
  );
}

/** 通知 with the unread count: rendered by the server, kept current live in standard mode. */
function NoticesLink({ unread, live }: { unread: number; live: boolean }) {
  const { t, i18n } = useTranslation();
  const { count, latest, connected, watchLatest } = useLiveNotices(unread, live);
  const { pathname } = useLocation();
  const list = useRef<HTMLDetailsElement>(null);
  // Following a link from the list (or any other) closes it.
  useEffect(() => {
    if (list.current?.open) list.current.open = false;
  }, [pathname]);
  return (
    <>
      <Link to="/notifications" className="notices-link">
        {t("nav.notices")}
        {count > 0 && (
          <>
            {" "}
            <span className="badge">
              {t("nav.noticesUnread", {
                n: count > UNREAD_SHOWN_MAX ? `${UNREAD_SHOWN_MAX}+` : count,
              })}
            </span>
          </>
        )}
      </Link>
      {/* Only with a live connection (standard mode, script running): never a control that cannot work. */}
      {connected && (
        <details
          ref={list}
          className="notices-latest"
          onToggle={(e) => watchLatest(e.currentTarget.open)}
        >
          <summary aria-label={t("nav.noticesLatest")} title={t("nav.noticesLatest")}>
            ▾
          </summary>
          <div className="notices-panel">
            {latest !== null && latest.length === 0 && <p>{t("nav.noticesNone")}</p>}
            {latest !== null && latest.length > 0 && (
              <ul>
                {latest.map((n) => (
                  <li key={n.id} className={n.unread ? "notice-unread" : undefined}>
                    <Link to={n.href}>{n.text}</Link>{" "}
                    <time dateTime={n.createdAt}>
                      {formatDateTime(n.createdAt, i18n.language as Lng)}
                    </time>
                  </li>
                ))}
              </ul>
            )}
            <p>
              <Link to="/notifications">{t("nav.noticesAll")}</Link>
            </p>
          </div>
        </details>
      )}
    </>
  );
}

function Header({ data }: { data: NonNullable<RootData> }) {
  const { t } = useTranslation();
  const links: Array<readonly [to: string, label: string]> = [
    ["/", t("nav.home")],
    ["/communities", t("nav.communities")],
    ["/projects", t("nav.projects")],
    ["/orgs", t("nav.orgs")],
    ["/needs", t("nav.needs")],
    ["/index", t("nav.index")],
    ["/permissions", t("nav.permissions")],
    ["/settings", t("nav.settings")],
  ];
  if (data.committeeOf !== null && !data.assistance) links.push(["/assist", t("nav.assist")]);
  const account: Array<readonly [to: string, label: string]> = data.user
    ? [["/logout", t("nav.logout")]]
    : [
        ["/login", t("nav.login")],
        ["/join", t("nav.join")],
      ];
  return (
    <header className="site-header">
      <div className="bar">
        <Link className="brand" to="/">
          {t("site.name")}
        </Link>
        <Switches lite={data.mode === "lite"} locale={data.locale} />
      </div>
      <nav aria-label={t("nav.label")}>
        <ul>
          {links.map(([to, label]) => (
            <li key={to}>
              <Link to={to}>{label}</Link>
            </li>
          ))}
          {data.user && (
            <li>
              <NoticesLink unread={data.unread} live={data.mode !== "lite"} />
            </li>
          )}
          {account.map(([to, label]) => (
            <li key={to}>
              <Link to={to}>{label}</Link>
            </li>
          ))}
        </ul>
      </nav>
      {data.user && (
        <p className="signed-in">{t("nav.signedInAs", { name: data.user.displayName })}</p>
      )}
    </header>
  );
}

/**
 * Pages meant for paper (a ballot, an agenda, a project summary) set `handle.bare`: they render
 * without the site's header, navigation and footer, on screen as in print. A refused one (its
 * loader threw, so it has no data) shows the ordinary error page with the navigation back.
 */
function useBare(): boolean {
  return useMatches().some(
    (m) => (m.handle as { bare?: boolean } | undefined)?.bare === true && m.data != null,
  );
}

export function Layout({ children }: { children: ReactNode }) {
  const data = useRootData();
  const { t } = useTranslation();
  const locale = data?.locale ?? fallbackLng;
  const lite = data?.mode === "lite";
  const bare = useBare();
  const nonce = useNonce();
  // Large text scales the root font size, so every rem-sized rule grows with it (长辈版 is large anyway).
  const large = !lite && data?.text === "large";
  return (
    <html lang={locale} dir="ltr" className={large ? "text-large" : undefined}>
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <Meta />
        {/* Both modes; the files are in public/, made by scripts/make-icons.mjs. */}
        <link rel="icon" href="/favicon.ico" sizes="32x32" />
        <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
        <link rel="apple-touch-icon" href="/apple-touch-icon.png" />
        {lite && data?.liteCss ? (
          <style nonce={nonce} dangerouslySetInnerHTML={{ __html: data.liteCss }} />
        ) : (
          <link rel="stylesheet" href={data?.fullCssHref ?? "/styles/full.css"} />
        )}
        {!lite && <Links />}
      </head>
      <body className={`${lite ? "lite" : "full"}${bare ? " paper" : ""}`}>
        {!bare && (
          <a className="skip-link" href="#main">
            {t("nav.skip")}
          </a>
        )}
        {/* On paper sheets too (on screen): the helper must not forget whom they act for. */}
        {data && <AssistBanner assistance={data.assistance} />}
        {data && !bare && <Header data={data} />}
        <main id="main" tabIndex={-1}>
          {children}
        </main>
        {!bare && (
          <footer className="site-footer">
            <p>{t("site.footer")}</p>
            <p>
              <Link to="/open-data">{t("nav.openData")}</Link>
            </p>
          </footer>
        )}
        {!lite && (
          <>
            <ScrollRestoration nonce={nonce} />
            <Scripts nonce={nonce} />
          </>
        )}
      </body>
    </html>
  );
}

export default function App() {
  return <Outlet />;
}

interface ErrorData {
  error?: { key?: string; params?: Record<string, string | number> };
}

export function ErrorBoundary() {
  const error = useRouteError();
  const { t } = useTranslation();
  const keyMessage = useKeyMessage();
  let status = 500;
  let message = t("errors.unexpected");
  if (isRouteErrorResponse(error)) {
    status = error.status;
    const data = error.data as ErrorData | undefined;
    if (data?.error?.key) message = keyMessage(data.error.key, data.error.params);
    else if (status === 404) message = t("errors.notFound");
    else if (status === 403) message = t("errors.forbidden");
    else if (status === 405) message = t("errors.methodNotAllowed");
  } else {
    console.error(error);
  }
  return (
    <section className="error-page" aria-labelledby="error-title">
      <h1 id="error-title">{status === 404 ? t("errors.notFoundTitle") : t("errors.title")}</h1>
      <p role="alert">{message}</p>
      {status === 401 && (
        <p>
          <a href="/login">{t("nav.login")}</a>
        </p>
      )}
      <p>
        <a href="/">{t("nav.home")}</a>
      </p>
    </section>
  );
}
