/** Every ballot of a closed round, as CSV: anyone may download and recount. */
import type { LoaderFunctionArgs } from "@remix-run/node";
import { ballotsCsv } from "~/services/voting/published.server";
import { idParam, throwRefusal } from "~/utils/forms.server";

export async function loader({ params }: LoaderFunctionArgs) {
  const id = idParam(params.id);
  const csv = await ballotsCsv("round", id).catch(throwRefusal);
  return new Response(csv, {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="liuhe-round-${id}-ballots.csv"`,
    },
  });
}
