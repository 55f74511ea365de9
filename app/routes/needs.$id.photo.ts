/**
 * A need's photos, as resource routes so that 长辈版 pages link to them instead of loading them:
 * the reporter's (`/needs/:id/photo`), or the one a unit added when it resolved it (`?step=`).
 * Only for readers of the need's details.
 */
import type { LoaderFunctionArgs } from "@remix-run/node";
import { readPhoto } from "~/services/photos.server";
import { needPhoto } from "~/services/needs/queries.server";
import { idParam, notFound } from "~/utils/forms.server";
import { listParams } from "~/utils/list-params";
import { getCurrent } from "~/utils/session.server";

export async function loader({ request, params }: LoaderFunctionArgs) {
  const id = idParam(params.id);
  const { actor } = await getCurrent(request);
  const step = listParams(new URL(request.url)).id("step");
  const name = await needPhoto(actor, id, step);
  if (!name) notFound();
  const headers = { "Cache-Control": "private, max-age=86400", ETag: `"${name}"` };
  if (request.headers.get("If-None-Match") === headers.ETag)
    return new Response(null, { status: 304, headers });
  const bytes = await readPhoto(name);
  if (!bytes) notFound();
  return new Response(new Uint8Array(bytes), {
    headers: {
      ...headers,
      "Content-Type": "image/webp",
      "Content-Length": String(bytes.byteLength),
    },
  });
}
