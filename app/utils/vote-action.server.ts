/**
 * The one action of the poll and budget-round pages: vote, look a receipt up, enter a paper
 * ballot, confirm one. Both pages post the same intents; only the kind of vote differs.
 */
import { json } from "@remix-run/node";
import { normaliseReceipt } from "~/domain/voting/rules";
import { ballotSchema } from "~/domain/voting/schemas";
import { id as idSchema, parseForm } from "~/domain/validation";
import {
  confirmPaperBallot,
  enterPaperBallot,
  findReceipt,
  votePoll,
  voteRound,
  type VoteKind,
} from "~/services/voting.server";
import { readForm, refusalFrom, refuseForm } from "./forms.server";
import { requireSession } from "./session.server";

/** What the action answers besides refusals. */
export type VoteAnswer =
  | { receipt: string; paper?: boolean }
  | { found: { receipt: string; choices: number[]; channel: "online" | "paper" } | null }
  | { confirmed: true };

export async function voteAction(request: Request, kind: VoteKind, id: number) {
  const form = await readForm(request);
  if (form.intent === "check") {
    // Anyone may look a receipt up, signed in or not.
    const receipt = typeof form.receipt === "string" ? normaliseReceipt(form.receipt) : null;
    if (!receipt) return refuseForm(400, { receipt: { key: "vote:errors.badReceipt" } }, form);
    try {
      return json<VoteAnswer>({ found: await findReceipt(kind, id, receipt) });
    } catch (e) {
      return refusalFrom(e, form);
    }
  }
  const { actor } = await requireSession(request);
  try {
    if (form.intent === "confirm") {
      const participationId = idSchema.safeParse(form.participationId);
      if (!participationId.success) {
        return refuseForm(400, { _form: { key: "errors.badForm" } }, form);
      }
      await confirmPaperBallot(actor, participationId.data, { kind, id });
      return json<VoteAnswer>({ confirmed: true });
    }
    const parsed = parseForm(ballotSchema, form);
    if (!parsed.ok) {
      return refuseForm(400, { choice: parsed.errors.choice ?? { key: "errors.badForm" } }, form);
    }
    if (form.intent === "paper") {
      const voterId = idSchema.safeParse(form.voter);
      if (!voterId.success) {
        return refuseForm(400, { voter: { key: "vote:errors.pickVoter" } }, form);
      }
      const receipt = await enterPaperBallot(actor, kind, id, voterId.data, parsed.data.choice);
      return json<VoteAnswer>({ receipt, paper: true });
    }
    if (form.intent !== "vote") return refuseForm(400, { _form: { key: "errors.badForm" } }, form);
    const cast = kind === "poll" ? votePoll : voteRound;
    return json<VoteAnswer>({ receipt: await cast(actor, id, parsed.data.choice) });
  } catch (e) {
    return refusalFrom(e, form);
  }
}
