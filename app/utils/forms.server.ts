/**
 * Reading a posted form with a size cap, and answering refusals. Every action reads its input here.
 */
import { json } from "@remix-run/node";
import { isDomainError } from "~/domain/errors";
import {
  authorize,
  type Action,
  type Actor,
  type ActorFor,
  type Target,
} from "~/domain/permissions/policy";
import {
  formToObject,
  id as idSchema,
  keptValues,
  type FieldErrors,
  type FormObject,
} from "~/domain/validation";

/** Ordinary forms are small; anything bigger is refused before it is parsed. */
const MAX_FORM_BYTES = 64 * 1024;
/** The most any request may declare; checked by the HTTP guard before Remix runs. */
export const MAX_REQUEST_BYTES = 3 * 1024 * 1024;

export interface Refusal {
  errors: FieldErrors;
  values: Record<string, string>;
  /** Repeated fields (checkboxes, table rows), as typed. */
  lists?: Record<string, string[]>;
}

/** The most of an oversized body read and thrown away so that its sender can read the refusal. */
export const MAX_DRAIN_BYTES = 64 * 1024 * 1024;

function tooLarge(): never {
  throw json({ error: { key: "errors.tooLarge" } }, { status: 413 });
}

/** The body's bytes, or a 413 refusal (thrown) once it is larger than `max`. */
export async function readCapped(request: Request, max: number): Promise<Uint8Array<ArrayBuffer>> {
  const declared = Number(request.headers.get("Content-Length") ?? "0");
  if (declared > max) tooLarge();
  if (!request.body) return new Uint8Array(new ArrayBuffer(0));
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > max) {
      // Read the rest and throw it away before answering: a client still sending (a chunked
      // body declares no length) reads no answer, and sees a reset connection instead of why.
      // Past MAX_DRAIN_BYTES it is cut off all the same.
      for (let drained = total; drained <= MAX_DRAIN_BYTES;) {
        const next = await reader.read();
        if (next.done) tooLarge();
        drained += next.value.byteLength;
      }
      await reader.cancel();
      tooLarge();
    }
    chunks.push(value);
  }
  const out = new Uint8Array(new ArrayBuffer(total));
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.byteLength;
  }
  return out;
}

export async function readForm(
  request: Request,
  opts: { maxBytes?: number } = {},
): Promise<FormObject> {
  const bytes = await readCapped(request, opts.maxBytes ?? MAX_FORM_BYTES);
  const type = request.headers.get("Content-Type") ?? "";
  try {
    if (type.startsWith("application/x-www-form-urlencoded") || type === "") {
      const form = new FormData();
      for (const [k, v] of new URLSearchParams(new TextDecoder().decode(bytes))) form.append(k, v);
      return formToObject(form);
    }
    if (type.startsWith("multipart/form-data")) {
      const form = await new Response(bytes, { headers: { "Content-Type": type } }).formData();
      return formToObject(form);
    }
  } catch {
    // fall through to the refusal below
  }
  throw json({ error: { key: "errors.badForm" } }, { status: 400 });
}

/** A form refused with field errors: status, the errors, and what was typed (not passwords). */
export function refuseForm(
  status: number,
  errors: FieldErrors,
  form: FormObject,
  omit: readonly string[] = ["password"],
) {
  const lists: Record<string, string[]> = {};
  for (const [k, v] of Object.entries(form)) if (Array.isArray(v)) lists[k] = v;
  return json<Refusal>({ errors, values: keptValues(form, omit), lists }, { status });
}

/** Turn a service's refusal into the form's answer; anything else is a real failure. */
export function refusalFrom(e: unknown, form: FormObject, omit?: readonly string[]) {
  if (!isDomainError(e)) throw e;
  return refuseForm(
    e.status,
    { [e.field ?? "_form"]: { key: e.key, params: e.params } },
    form,
    omit,
  );
}

/** For loaders and actions that have no form to re-show: throw the refusal as an error page. */
export function throwRefusal(e: unknown): never {
  if (isDomainError(e)) {
    throw json({ error: { key: e.key, params: e.params } }, { status: e.status });
  }
  throw e;
}

/**
 * For loaders: whether the actor may take the action, as the policy decides (`authorize`). A refusal
 * is thrown as the error page (401 or 403, with the policy's reason in the user's language), never
 * as the bare DomainError that Remix would answer with a 500.
 */
export function authorizePage<A extends Action>(
  actor: Actor,
  action: A,
  target: Target = {},
): ActorFor<A> {
  try {
    return authorize(actor, action, target);
  } catch (e) {
    throwRefusal(e);
  }
}

export function notFound(): never {
  throw json({ error: { key: "errors.notFound" } }, { status: 404 });
}

/** A numeric id from the URL; anything else is a page that does not exist. */
export function idParam(raw: string | undefined): number {
  const parsed = idSchema.safeParse(raw);
  if (!parsed.success) notFound();
  return parsed.data;
}

/**
 * A form that may carry one file (a project's photo). The whole request is capped at
 * MAX_REQUEST_BYTES; the file's own limit is the service's business, so that a photo a little
 * too big gets a field error with the form kept, not an error page.
 */
export async function readFormWithFile(
  request: Request,
  field: string,
): Promise<{ form: FormObject; file: Uint8Array | null }> {
  const type = request.headers.get("Content-Type") ?? "";
  if (!type.startsWith("multipart/form-data")) return { form: await readForm(request), file: null };
  const bytes = await readCapped(request, MAX_REQUEST_BYTES);
  let data: FormData;
  try {
    data = await new Response(bytes, { headers: { "Content-Type": type } }).formData();
  } catch {
    throw json({ error: { key: "errors.badForm" } }, { status: 400 });
  }
  const entry = data.get(field);
  data.delete(field);
  // A file input left empty still sends a part, with no name and no bytes.
  const file =
    entry && typeof entry !== "string" && entry.size > 0
      ? new Uint8Array(await entry.arrayBuffer())
      : null;
  return { form: formToObject(data), file };
}
