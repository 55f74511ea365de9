/** A searchable, paged list's search form and previous / next links; both work without JavaScript. */
import { Form, Link } from "@remix-run/react";
import type { PropsWithChildren } from "react";
import { useTranslation } from "react-i18next";
import { withParam } from "~/utils/format";
import { QUERY_MAX } from "~/utils/list-limits";
import { Field } from "./forms";

/** The search words, the filters a list adds, and the button; a GET form, so results are links. */
export function ListSearch({
  label,
  q,
  children,
}: PropsWithChildren<{ label: string; q: string }>) {
  const { t } = useTranslation("project");
  return (
    <Form method="get" className="filters" role="search" aria-label={label}>
      <Field
        name="q"
        type="search"
        label={t("search.label")}
        defaultValue={q}
        maxLength={QUERY_MAX}
      />
      {children}
      <button type="submit">{t("search.submit")}</button>
    </Form>
  );
}

export function Pager({
  path,
  search,
  page,
  pages,
}: {
  path: string;
  /** The current query string: filters stay as they are, only the page changes. */
  search: string;
  page: number;
  pages: number;
}) {
  const { t } = useTranslation("project");
  if (pages <= 1) return null;
  return (
    <nav aria-label={t("search.pages")} className="pager">
      {page > 1 && (
        <Link to={withParam(path, search, "page", String(page - 1))}>{t("search.previous")}</Link>
      )}{" "}
      {t("search.pageOf", { page, pages })}{" "}
      {page < pages && (
        <Link to={withParam(path, search, "page", String(page + 1))}>{t("search.next")}</Link>
      )}
    </nav>
  );
}
