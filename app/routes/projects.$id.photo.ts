/** The project's photo: a resource route, so 长辈版 pages link to it instead of loading it. */
import type { LoaderFunctionArgs } from "@remix-run/node";
import { projectPhoto } from "~/services/projects/queries.server";
import { readPhoto } from "~/services/photos.server";
import { idParam, notFound } from "~/utils/forms.server";
import { getCurrent } from "~/utils/session.server";

export async function loader({ request, params }: LoaderFunctionArgs) {
  const id = idParam(params.id);
  const { actor } = await getCurrent(request);
  const name = await projectPhoto(actor, id);
  if (!name) notFound();
  const headers = {
    // The name changes whenever the photo does (a new random one), but a draft's photo is private.
    "Cache-Control": "private, max-age=86400",
    ETag: `"${name}"`,
  };
  // A browser that holds this photo already is told so without the bytes being read.
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
