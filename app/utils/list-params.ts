/**
 * Reading a list page's address bar (search words, page number, filters): values that are not
 * understood are ignored, never an error page, since people edit and share these links.
 */
import { id as idSchema } from "~/domain/validation";
import { QUERY_MAX } from "./list-limits";

export { QUERY_MAX };

export function listParams(url: URL) {
  const p = url.searchParams;
  const page = Number(p.get("page"));
  return {
    q: (p.get("q") ?? "").slice(0, QUERY_MAX).trim(),
    page: Number.isInteger(page) && page > 0 && page < 1000 ? page : 1,
    /** One of the allowed values, or undefined. */
    pick: <T extends string>(name: string, allowed: readonly T[]): T | undefined =>
      allowed.find((v) => v === p.get(name)),
    /** A positive id, or undefined. */
    id: (name: string): number | undefined => {
      const parsed = idSchema.safeParse(p.get(name));
      return parsed.success ? parsed.data : undefined;
    },
  };
}
