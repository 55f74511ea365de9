import { DomainError } from "~/domain/errors";

/** Await a promise that must be refused with a DomainError, and return that error. */
export async function refusal(p: Promise<unknown>): Promise<DomainError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof DomainError) return e;
    throw e;
  }
  throw new Error("expected a refusal, but it succeeded");
}
