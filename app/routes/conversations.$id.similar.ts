/**
 * `/conversations/:id/similar?q=…`: the statements of a conversation that read like what is being
 * typed, as JSON for the write form's fetcher (with JavaScript; without, the form's check does the
 * same on submit). Only accepted statements, which anyone may read on the page itself.
 */
import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { STATEMENT_MAX } from "~/domain/conversations/rules";
import { similarStatements } from "~/services/conversations/queries.server";
import { idParam, throwRefusal } from "~/utils/forms.server";

const SHOWN = 5;

export async function loader({ request, params }: LoaderFunctionArgs) {
  const id = idParam(params.id);
  // What could be a statement, and no more: a longer query finds nothing a statement would.
  const q = (new URL(request.url).searchParams.get("q") ?? "").trim().slice(0, STATEMENT_MAX);
  const similar = q ? await similarStatements(id, q, SHOWN).catch(throwRefusal) : [];
  return json(
    { q, similar: similar.map((s) => ({ id: s.id, body: s.body })) },
    { headers: { "Cache-Control": "no-store" } },
  );
}
