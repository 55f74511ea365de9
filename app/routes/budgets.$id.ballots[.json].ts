/** Every ballot of a closed round, as JSON: anyone may download and recount. */
import type { LoaderFunctionArgs } from "@remix-run/node";
import { ballotsJson } from "~/services/voting/published.server";
import { idParam, throwRefusal } from "~/utils/forms.server";

export async function loader({ params }: LoaderFunctionArgs) {
  const id = idParam(params.id);
  const data = await ballotsJson("round", id).catch(throwRefusal);
  return new Response(JSON.stringify(data, null, 2), {
    headers: {
      "Content-Type": "application/json; charset=utf-8",
      "Content-Disposition": `attachment; filename="liuhe-round-${id}-ballots.json"`,
    },
  });
}
