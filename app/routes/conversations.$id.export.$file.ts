/**
 * `/conversations/:id/export/<file>.csv`: a conversation as open data, anonymised (participants
 * are numbers 0…n−1, never user ids), in the Polis open-data layout — comments.csv, votes.csv,
 * participants-votes.csv, summary.csv — so that the same tools read Polis's files and ours. The
 * files stay plain Polis CSV (a licence line inside would break those tools): the licence, CC BY
 * 4.0 as for /open-data, travels in the `Link` header and is stated on the conversation's page.
 */
import type { LoaderFunctionArgs } from "@remix-run/node";
import { LICENCE } from "~/domain/open-data/datasets";
import { exportFile, isExportFile } from "~/services/conversations/export.server";
import { idParam, notFound } from "~/utils/forms.server";
import { publicUrl } from "~/utils/site-url.server";

export async function loader({ params }: LoaderFunctionArgs) {
  const id = idParam(params.id);
  const file = params.file;
  if (!isExportFile(file)) notFound();
  const text = await exportFile(id, file, { url: publicUrl(`/conversations/${id}`) });
  if (text === null) notFound();
  return new Response(text, {
    headers: {
      "Content-Type": "text/csv; charset=utf-8; header=present",
      "Content-Disposition": `attachment; filename="liuhe-conversation-${id}-${file}"`,
      Link: `<${LICENCE.url}>; rel="license"`,
      // Votes keep arriving while the conversation is open: never a stale copy.
      "Cache-Control": "no-store",
    },
  });
}
