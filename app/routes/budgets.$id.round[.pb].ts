/** A closed round as a Pabulib file (anonymised voter ids), for other tools to check the outcome. */
import type { LoaderFunctionArgs } from "@remix-run/node";
import { roundPabulib } from "~/services/voting/published.server";
import { idParam, throwRefusal } from "~/utils/forms.server";

export async function loader({ params }: LoaderFunctionArgs) {
  const id = idParam(params.id);
  const text = await roundPabulib(id).catch(throwRefusal);
  return new Response(text, {
    headers: {
      "Content-Type": "text/plain; charset=utf-8",
      "Content-Disposition": `attachment; filename="liuhe-budget-${id}.pb"`,
    },
  });
}
