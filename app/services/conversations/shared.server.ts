/**
 * 意见征集: what the commands and the pages both read about a conversation, on the handle they are
 * given (a command's transaction, or the database), and the policy targets made from it.
 *
 * Who takes part (`eligibility`):
 *   - `residents`: the verified residents of the council's community. A street's council
 *     (councils may belong to a street, see councils.server.ts) takes the verified residents of
 *     every community of that street: the street's residents are its public. The policy's
 *     `verifiedResident` role looks at one community, so the target names the one of the street's
 *     communities the person is verified in (the person's own, when they are in several).
 *   - `seats`: the meeting's seat holders, as the meeting's own target counts them (its invited
 *     seats, `seat_invites`; an RSVP is a sign-up, not a seat).
 * Who runs it: the committee of the council's community; for a street's council, the committee of
 * any community of the street; and the platform's admins (who set up street councils).
 */
import type { Actor, Target } from "~/domain/permissions/policy";
import { windowState, type WindowState } from "~/domain/conversations/rules";
import { notFound } from "../rows.server";
import type { Db } from "../runner/command.server";

export type LoadedConversation = Awaited<ReturnType<typeof loadConversation>>;

/** A conversation with its council's place and the people who may take part; 404 if none. */
export async function loadConversation(db: Db, conversationId: number) {
  const c = await db
    .selectFrom("conversations")
    .innerJoin("councils", "councils.id", "conversations.councilId")
    .innerJoin("areas", "areas.id", "councils.areaId")
    .select([
      "conversations.id",
      "conversations.councilId",
      "conversations.meetingId",
      "conversations.question",
      "conversations.description",
      "conversations.opensAt",
      "conversations.closesAt",
      "conversations.closedAt",
      "conversations.eligibility",
      "conversations.premoderation",
      "conversations.createdAt",
      "councils.areaId",
      "councils.name as councilName",
      "areas.level as areaLevel",
    ])
    .where("conversations.id", "=", conversationId)
    .executeTakeFirstOrThrow(notFound("conversations:errors.notFound"));
  const place = await placeOf(db, c.areaId, c.areaLevel);
  const seatHolders =
    c.eligibility === "seats" && c.meetingId !== null
      ? (
          await db
            .selectFrom("seatInvites")
            .select("userId")
            .where("meetingId", "=", c.meetingId)
            .execute()
        ).map((s) => s.userId)
      : [];
  return { ...c, premoderation: c.premoderation === 1, ...place, seatHolders };
}

/**
 * The communities a council speaks for: its own, or every community of its street. `communityId`
 * is the community whose log and pages the conversation belongs to: the council's area itself
 * (for a street council, the street: its audit entries go to the street's log).
 */
export async function placeOf(db: Db, areaId: number, level: string) {
  const communityIds =
    level === "street"
      ? (
          await db
            .selectFrom("areas")
            .select("id")
            .where("parentId", "=", areaId)
            .where("level", "=", "community")
            .orderBy("id")
            .execute()
        ).map((a) => a.id)
      : [areaId];
  return { communityId: areaId, communityIds };
}

/** Who may vote and write statements, as the policy reads it (see the file's comment). */
export function participationTarget(
  c: Pick<LoadedConversation, "eligibility" | "communityIds" | "seatHolders">,
  actor: Actor,
): Target {
  if (c.eligibility === "seats") return { seatHolders: c.seatHolders };
  const own = c.communityIds.find((id) => actor.verifiedIn.includes(id));
  return { communityId: own ?? c.communityIds[0] ?? -1 };
}

/** Who runs the conversation: the committee of the council's community (or street's communities). */
export function committeeTarget(c: { communityIds: readonly number[] }): Target {
  return c.communityIds.length === 1
    ? { communityId: c.communityIds[0]! }
    : { communityIds: c.communityIds };
}

export function stateOf(
  c: Pick<LoadedConversation, "opensAt" | "closesAt" | "closedAt">,
  now: Date,
): WindowState {
  return windowState(c, now);
}
