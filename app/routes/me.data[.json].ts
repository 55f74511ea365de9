import type { LoaderFunctionArgs } from "@remix-run/node";
import { exportMyData } from "~/services/accounts/mydata.server";
import { throwRefusal } from "~/utils/forms.server";
import { requireSession } from "~/utils/session.server";

/** Everything Liuhe keeps about the signed-in person, as a JSON download. */
export async function loader({ request }: LoaderFunctionArgs) {
  const { actor } = await requireSession(request);
  const data = await exportMyData(actor).catch(throwRefusal);
  return new Response(JSON.stringify(data, null, 2), {
    headers: {
      "Content-Type": "application/json; charset=utf-8",
      "Content-Disposition": 'attachment; filename="liuhe-my-data.json"',
      "Cache-Control": "no-store",
    },
  });
}
