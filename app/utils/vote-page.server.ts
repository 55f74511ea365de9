/**
 * The server side that the poll and budget-round routes share: loading a vote page (the page
 * itself and its print paper), the page's forms, the ballot downloads, and the "new poll" and
 * "new round" forms. A poll and a round differ in what they ask, not in how they are served.
 */
import { json, redirect } from "@remix-run/node";
import type { Params } from "@remix-run/react";
import type { z } from "zod";
import type { VoteAnswer } from "~/components/votes";
import type { Action, Actor } from "~/domain/permissions/policy";
import { receiptSchema, type VoteKind } from "~/domain/voting/schemas";
import { id as idSchema } from "~/domain/validation";
import { areaById } from "~/services/communities/places.server";
import type { Command } from "~/services/runner/command.server";
import { intent, lookup, submit, submitIntent } from "~/services/runner/form.server";
import { votePoll, voteRound } from "~/services/voting/ballots.server";
import { cancelPoll, cancelRound } from "~/services/voting/commands.server";
import {
  addBoxBallot,
  decideCount,
  markSpoiled,
  recordPaperVoter,
  removeBoxBallot,
  submitCount,
} from "~/services/voting/box.server";
import { ballotsCsv, ballotsJson, findReceipt } from "~/services/voting/published.server";
import { ballotAnswerCount } from "~/services/voting/queries.server";
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

/**
 * The forms of a poll or round page: the vote, a receipt, and the committee's paper box (a paper
 * voter recorded at the window; after closing, the box's ballots, spoiled papers, corrections, the
 * count submitted and confirmed or sent back).
 */
export async function voteAction(request: Request, params: Params, kind: VoteKind) {
  const id = idParam(params.id);
  const form = await readForm(request);
  // Anyone may look a receipt up, signed in or not; every other form needs a session.
  const { actor } =
    form.intent === "check" ? await getCurrent(request) : await requireSession(request);
  // Taken before the ballot's transaction begins: the count it answers with holds that ballot.
  const answerCount = form.intent === "vote" ? ballotAnswerCount(kind, id) : null;
  return submitIntent(
    {
      vote: intent(kind === "poll" ? votePoll : voteRound, async (receipt) =>
        json<VoteAnswer>({ receipt, ballots: await answerCount!() }),
      ),
      paper: intent(recordPaperVoter, () => json<VoteAnswer>({ paper: "recorded" })),
      box: intent(addBoxBallot, () => json<VoteAnswer>({ box: "added" })),
      spoiled: intent(markSpoiled, (spoiled) => json<VoteAnswer>({ box: "spoiled", spoiled })),
      remove: intent(removeBoxBallot, () => json<VoteAnswer>({ box: "removed" })),
      submitCount: intent(submitCount, () => json<VoteAnswer>({ box: "submitted" })),
      decideCount: intent(decideCount, (_r, input) =>
        json<VoteAnswer>({ box: input.decision === "confirm" ? "confirmed" : "returned" }),
      ),
      cancel:
        kind === "poll"
          ? intent(cancelPoll, () => redirect(`/polls/${id}`))
          : intent(cancelRound, () => redirect(`/budgets/${id}`)),
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

/** Where a new poll or round goes: `?community=ID` (and `&meeting=ID` for a poll at a meeting). */
export function placeOf(url: URL) {
  const community = idSchema.safeParse(url.searchParams.get("community"));
  if (!community.success) notFound();
  const meeting = idSchema.safeParse(url.searchParams.get("meeting"));
  return { communityId: community.data, meetingId: meeting.success ? meeting.data : null };
}

/** The signed-in person and the community a "new poll/round" form is for; 404 for no community. */
export async function newVotePlace(request: Request) {
  const { actor } = await requireSession(request);
  const place = placeOf(new URL(request.url));
  const community = await areaById(place.communityId);
  if (!community || community.level !== "community") notFound();
  return { actor, community, ...place };
}

/** Posts a "new poll/round" form: the command creates it, and its page is shown. */
export async function createFromForm<S extends z.ZodTypeAny, L, A extends Action, P>(
  request: Request,
  cmd: Command<S, L, number, A, P>,
  params: Record<string, unknown>,
  path: (id: number) => string,
) {
  const form = await readForm(request);
  const { actor } = await requireSession(request);
  return submit(cmd, actor, form, (id) => redirect(path(id)), { params });
}
