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
  const bytes = name ? await readPhoto(name) : null;
  if (!bytes) notFound();
  return new Response(new Uint8Array(bytes), {
    headers: {
      "Content-Type": "image/webp",
      "Content-Length": String(bytes.byteLength),
      // The file name changes whenever the photo does, but a draft's photo is private.
      "Cache-Control": "private, max-age=86400",
      ETag: `"${name}"`,
    },
  });
}
