/** Previous / next links for a paged list; plain links, so paging works without JavaScript. */
import { Link } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { withParam } from "~/utils/format";

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
