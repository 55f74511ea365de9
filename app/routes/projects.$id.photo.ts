/** The project's photo: a resource route, so 长辈版 pages link to it instead of loading it. */
import type { LoaderFunctionArgs } from "@remix-run/node";
import { projectPhoto } from "~/services/projects/queries.server";
import { idParam } from "~/utils/forms.server";
import { photoResponse } from "~/utils/photo-response.server";
import { getCurrent } from "~/utils/session.server";

export async function loader({ request, params }: LoaderFunctionArgs) {
  const id = idParam(params.id);
  const { actor } = await getCurrent(request);
  // A draft's photo is its proposer's: the name comes only for those who may see it.
  return photoResponse(request, await projectPhoto(actor, id));
}
