/**
 * The Open311 GeoReport v2 API's edge (issue 15, item 8): its language, its error format
 * (`[{"code":400,"description":"…"}]`) and its request bodies (form-encoded, as the spec says, or
 * JSON). Used by the routes under app/routes/open311.* and by the HTTP guard for what it refuses
 * before Remix runs.
 */
import { json } from "@remix-run/node";
import { isDomainError } from "~/domain/errors";
import { fallbackLng, isLng, type Lng } from "~/i18n/config";
import { fixedT } from "~/i18n/i18next.server";
import { MAX_DRAIN_BYTES, readCapped } from "./forms.server";

/** The API's address prefix: no page, no session, authorised by its key alone. */
export const OPEN311_PREFIX = "/open311/";
export const isOpen311Path = (url: string | undefined) => (url ?? "").startsWith(OPEN311_PREFIX);

/** A request to the API is small: a description of 2,000 characters is at most ~18 KB encoded. */
export const OPEN311_MAX_BYTES = 64 * 1024;

const asLng = (v: string | null | undefined): Lng | undefined => {
  if (!v) return undefined;
  const s = v.trim().toLowerCase();
  if (s === "en" || s.startsWith("en-")) return "en";
  if (s === "zh" || s.startsWith("zh")) return "zh-CN";
  return isLng(v) ? v : undefined;
};

/**
 * The API's language: `?lang=` (Open311 clients' habit) or `?lng=` (the site's), else the first
 * language of Accept-Language we have, else Chinese. Pages ignore Accept-Language (README,
 * Decisions); an API client has no other way to say it, and no cookie.
 */
export function open311Lng(request: Request): Lng {
  const url = new URL(request.url);
  const asked = asLng(url.searchParams.get("lang")) ?? asLng(url.searchParams.get("lng"));
  if (asked) return asked;
  for (const part of (request.headers.get("Accept-Language") ?? "").split(",")) {
    const found = asLng(part.split(";")[0]);
    if (found) return found;
  }
  return fallbackLng;
}

/** Open311's error body: one entry with the status and what went wrong, in the reader's words. */
export function open311ErrorBody(
  status: number,
  key: string,
  lng: Lng,
  params: Record<string, unknown> = {},
) {
  const t = fixedT(lng, "common");
  return [{ code: status, description: t(key, params) }];
}

export function open311Error(
  status: number,
  key: string,
  lng: Lng,
  params: Record<string, unknown> = {},
  field?: string,
) {
  const body = open311ErrorBody(status, key, lng, params);
  // The field a refusal is about, named as the client sent it.
  if (field) body[0]!.description = `${field}: ${body[0]!.description}`;
  return json(body, {
    status,
    headers: status === 429 ? { "Retry-After": String(60 * Number(params.minutes ?? 1)) } : {},
  });
}

/** A service's refusal (DomainError) in the API's format; anything else is a real failure. */
export function open311Refusal(e: unknown, lng: Lng): Response {
  if (!isDomainError(e)) throw e;
  return open311Error(e.status, e.key, lng, e.params, e.field);
}

/** Reads a body and throws it away, up to MAX_DRAIN_BYTES (past it, the connection is cut). */
async function drain(request: Request) {
  if (!request.body) return;
  const reader = request.body.getReader();
  for (let drained = 0; drained <= MAX_DRAIN_BYTES;) {
    const next = await reader.read();
    if (next.done) return;
    drained += next.value.byteLength;
  }
  await reader.cancel();
}

/** JSON values become the strings a form would send; the rest is left for the schema to refuse. */
function flatten(value: unknown): Record<string, unknown> | null {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return null;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (k === "attribute" && v !== null && typeof v === "object" && !Array.isArray(v)) {
      for (const [a, av] of Object.entries(v as Record<string, unknown>)) {
        out[`attribute[${a}]`] = typeof av === "number" ? String(av) : av;
      }
    } else out[k] = typeof v === "number" ? String(v) : v;
  }
  return out;
}

/**
 * A POST's fields: form-encoded (the spec's), or a JSON object. Refuses (throws a Response) a body
 * past OPEN311_MAX_BYTES with 413, malformed JSON and any other content type with 400.
 */
export async function readOpen311Body(
  request: Request,
  lng: Lng,
): Promise<Record<string, unknown>> {
  let bytes: Uint8Array;
  try {
    // A body declared too large is read and thrown away first (as readCapped does with one that
    // turns out too large): a client still sending reads no answer, only a reset connection.
    if (Number(request.headers.get("Content-Length") ?? "0") > OPEN311_MAX_BYTES) {
      await drain(request);
      throw new Response(null, { status: 413 });
    }
    bytes = await readCapped(request, OPEN311_MAX_BYTES);
  } catch (e) {
    if (e instanceof Response && e.status === 413) {
      throw open311Error(413, "need:intake.errors.tooLarge", lng, {
        max: OPEN311_MAX_BYTES / 1024,
      });
    }
    throw e;
  }
  const type = (request.headers.get("Content-Type") ?? "").split(";")[0]!.trim().toLowerCase();
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw open311Error(400, "need:intake.errors.badEncoding", lng);
  }
  if (type === "application/json") {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw open311Error(400, "need:intake.errors.badJson", lng);
    }
    const fields = flatten(parsed);
    if (!fields) throw open311Error(400, "need:intake.errors.badJson", lng);
    return fields;
  }
  if (type === "application/x-www-form-urlencoded" || type === "") {
    const out: Record<string, unknown> = {};
    // A field sent twice is ambiguous: the schema refuses the list.
    for (const [k, v] of new URLSearchParams(text)) {
      const had = out[k];
      out[k] = had === undefined ? v : [had, v].flat();
    }
    return out;
  }
  throw open311Error(400, "need:intake.errors.badContentType", lng);
}
