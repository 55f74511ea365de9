/**
 * A stored photo as a resource route answers it: private to the browser's cache for a day (who may
 * see it depends on the reader), its name as the ETag (a new photo gets a new random name), 304
 * when the browser holds it already, without reading the bytes.
 */
import { readPhoto } from "~/services/photos.server";
import { notFound } from "./forms.server";

export async function photoResponse(request: Request, name: string | null): Promise<Response> {
  if (!name) notFound();
  const headers = { "Cache-Control": "private, max-age=86400", ETag: `"${name}"` };
  if (request.headers.get("If-None-Match") === headers.ETag) {
    return new Response(null, { status: 304, headers });
  }
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
