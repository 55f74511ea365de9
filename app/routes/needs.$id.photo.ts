/**
 * A need's photos, as resource routes so that 长辈版 pages link to them instead of loading them:
 * the reporter's (`/needs/:id/photo`), or the one a unit added when it resolved it (`?step=`).
 * Only for readers of the need's details.
 */
import type { LoaderFunctionArgs } from "@remix-run/node";
import { needPhoto } from "~/services/needs/queries.server";
import { idParam } from "~/utils/forms.server";
import { listParams } from "~/utils/list-params";
import { photoResponse } from "~/utils/photo-response.server";
import { getCurrent } from "~/utils/session.server";

export async function loader({ request, params }: LoaderFunctionArgs) {
  const id = idParam(params.id);
  const { actor } = await getCurrent(request);
  const step = listParams(new URL(request.url)).id("step");
  return photoResponse(request, await needPhoto(actor, id, step));
}
