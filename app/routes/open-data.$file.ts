/** `/open-data/<dataset>.csv|.json`: one dataset as a file (app/services/open-data). */
import type { LoaderFunctionArgs } from "@remix-run/node";
import { openDataFile } from "~/services/open-data/download.server";

export function loader({ request, params }: LoaderFunctionArgs) {
  return openDataFile(request, params.file);
}
