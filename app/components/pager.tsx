/**
 * A searchable, paged list's pieces (the project and organisation directories): the search form,
 * its filters, what was found, and plain previous / next links, so paging works without JavaScript.
 */
import { Form, Link } from "@remix-run/react";
import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { withParam } from "~/utils/format";
import { QUERY_MAX } from "~/utils/list-params";
import { Field, SelectField } from "./forms";

/** The search words, the filters a list adds, and the button; a GET form, so results are links. */
export function ListSearch({
  label,
  q,
  children,
}: {
  label: string;
  q: string;
  children: ReactNode;
}) {
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

/** One filter of a list, which may be left at "any". */
export function FilterSelect({
  name,
  label,
  options,
  value,
}: {
  name: string;
  label: string;
  options: ReadonlyArray<{ value: string; label: string }>;
  value: string | number | undefined;
}) {
  const { t } = useTranslation("project");
  return (
    <SelectField
      name={name}
      label={label}
      empty={t("search.any")}
      options={options}
      defaultValue={value === undefined ? "" : String(value)}
    />
  );
}

/** What a list's loader sends for one page of results. */
interface ListPage {
  items: readonly unknown[];
  total: number;
  pageSize: number;
  filters: { page: number };
  search: string;
}

/** How many were found, this page's items (or a line saying there are none), and the pager. */
export function ListResults({
  path,
  list,
  none,
  children,
}: {
  path: string;
  list: ListPage;
  none: string;
  children: ReactNode;
}) {
  const { t } = useTranslation("project");
  return (
    <>
      <p role="status">{t("search.found", { count: list.total })}</p>
      {list.items.length === 0 ? <p>{none}</p> : children}
      <Pager
        path={path}
        search={list.search}
        page={list.filters.page}
        pages={Math.ceil(list.total / list.pageSize)}
      />
    </>
  );
}

function Pager({
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
