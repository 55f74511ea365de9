/** Every ballot of a closed poll, as JSON: anyone may download and recount. */
import type { LoaderFunctionArgs } from "@remix-run/node";
import { ballotsDownload } from "~/utils/vote-page.server";

export function loader({ params }: LoaderFunctionArgs) {
  return ballotsDownload(params, "poll", "json");
}
