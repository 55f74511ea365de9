/**
 * Small shapes every area's services repeat when they read rows: a missing row as the 404 refusal,
 * a page whose subject is missing as null, counting rows, and running named queries at once.
 */
import type { SelectQueryBuilder } from "kysely";
import { DomainError } from "~/domain/errors";

/**
 * For `executeTakeFirstOrThrow`: no such row is a 404 under this locale key (and form field, when
 * the missing thing was named in a form).
 */
export const notFound = (key: string, field?: string) => () => new DomainError(404, key, {}, field);

/** A page's subject, or null for one that does not exist (the route answers 404). */
export function orNull<T>(p: Promise<T>): Promise<T | null> {
  return p.catch((e: unknown) => {
    if (e instanceof DomainError && e.status === 404) return null;
    throw e;
  });
}

/** How many rows the query finds. */
export async function countOf<DB, TB extends keyof DB, O>(
  query: SelectQueryBuilder<DB, TB, O>,
): Promise<number> {
  const { n } = await query
    .select((eb) => eb.fn.countAll().as("n"))
    // The engines answer a number, a bigint or a numeric string.
    .$castTo<{ n: number | bigint | string }>()
    .executeTakeFirstOrThrow();
  return Number(n);
}

/** Runs named queries at once: the same names, each with what its query answered. */
export async function allOf<T extends Record<string, unknown>>(queries: {
  [K in keyof T]: Promise<T[K]>;
}): Promise<T> {
  const answers = await Promise.all(Object.values(queries));
  const names = Object.keys(queries);
  return Object.fromEntries(names.map((k, i) => [k, answers[i]])) as T;
}
