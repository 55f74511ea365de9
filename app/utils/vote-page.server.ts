/**
 * The server side that the poll and budget-round routes share: loading a vote page (the page
 * itself and its print paper), the page's forms and the ballot downloads. A poll and a round
 * differ in what they ask, not in how they are served.
 */
import { json } from "@remix-run/node";
import type { Params } from "@remix-run/react";
import type { VoteAnswer } from "~/components/votes";
import type { Actor } from "~/domain/permissions/policy";
import { receiptSchema, type VoteKind } from "~/domain/voting/schemas";
import { intent, lookup, submitIntent } from "~/services/runner/form.server";
import {
  confirmPaperBallot,
  enterPaperBallot,
  votePoll,
  voteRound,
} from "~/services/voting/ballots.server";
import { ballotsCsv, ballotsJson, findReceipt } from "~/services/voting/published.server";
import { idParam, notFound, readForm, throwRefusal } from "./forms.server";
import { getCurrent, requireSession } from "./session.server";

/** The poll or round named by the address, as the visitor may see it; 404 when there is none. */
export async function loadVotePage<T>(
  request: Request,
  params: Params,
  read: (actor: Actor, id: number) => Promise<T | null>,
): Promise<{ actor: Actor; page: T }> {
  const id = idParam(params.id);
  const { actor } = await getCurrent(request);
  const page = await read(actor, id);
  if (!page) notFound();
  return { actor, page };
}

/** The forms of a poll or round page: the vote, a paper ballot, its confirmation, a receipt. */
export async function voteAction(request: Request, params: Params, kind: VoteKind) {
  const id = idParam(params.id);
  const form = await readForm(request);
  // Anyone may look a receipt up, signed in or not; every other form needs a session.
  const { actor } =
    form.intent === "check" ? await getCurrent(request) : await requireSession(request);
  return submitIntent(
    {
      vote: intent(kind === "poll" ? votePoll : voteRound, (receipt) =>
        json<VoteAnswer>({ receipt }),
      ),
      paper: intent(enterPaperBallot, (r) => json<VoteAnswer>({ receipt: r.receipt, paper: true })),
      confirm: intent(confirmPaperBallot, () => json<VoteAnswer>({ confirmed: true })),
      check: lookup(
        receiptSchema,
        (i) => findReceipt(kind, id, i.receipt),
        (found) => json<VoteAnswer>({ found }),
      ),
    },
    actor,
    form,
    { params: { kind, id } },
  );
}

const downloads = {
  csv: { type: "text/csv", body: ballotsCsv },
  json: {
    type: "application/json",
    body: async (kind: VoteKind, id: number) =>
      JSON.stringify(await ballotsJson(kind, id), null, 2),
  },
};

/** Every ballot of a closed poll or round, as a file: anyone may download and recount. */
export async function ballotsDownload(params: Params, kind: VoteKind, format: "csv" | "json") {
  const id = idParam(params.id);
  const { type, body } = downloads[format];
  const text = await body(kind, id).catch(throwRefusal);
  return new Response(text, {
    headers: {
      "Content-Type": `${type}; charset=utf-8`,
      "Content-Disposition": `attachment; filename="liuhe-${kind}-${id}-ballots.${format}"`,
    },
  });
}
