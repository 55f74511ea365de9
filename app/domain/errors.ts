/**
 * The one error type that services throw for a refusal the user should see: a status, a locale key
 * (namespace "common" unless the key says "ns:key") and optional interpolation values. Routes turn
 * it into a response in the user's language; it never becomes a 500.
 */
export type RefusalStatus = 400 | 401 | 403 | 404 | 409 | 413 | 429;

export class DomainError extends Error {
  constructor(
    readonly status: RefusalStatus,
    readonly key: string,
    readonly params: Record<string, string | number> = {},
    /** The form field the refusal is about, when there is one. */
    readonly field?: string,
  ) {
    super(key);
    this.name = "DomainError";
  }
}

export function isDomainError(e: unknown): e is DomainError {
  return e instanceof DomainError;
}
