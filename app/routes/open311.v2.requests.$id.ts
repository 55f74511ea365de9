/**
 * Open311 GeoReport v2 `GET requests/:id.json`: one need's public fields, as a one-element list.
 * The address's last segment is the id with ".json" (Remix has no segment that is a parameter and a
 * suffix at once), so it is read and checked here; anything else is not a request we have.
 */
import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { open311Requests } from "~/services/needs/open311.server";
import { open311Error, open311Lng } from "~/utils/open311.server";

export async function loader({ request, params }: LoaderFunctionArgs) {
  const lng = open311Lng(request);
  const m = /^(\d{1,15})\.json$/.exec(params.id ?? "");
  const id = m ? Number(m[1]) : NaN;
  if (!Number.isSafeInteger(id) || id <= 0) {
    return open311Error(404, "need:intake.errors.requestNotFound", lng);
  }
  const found = await open311Requests({ ids: [id] }, lng);
  if (found.length === 0) return open311Error(404, "need:intake.errors.requestNotFound", lng);
  return json(found);
}
