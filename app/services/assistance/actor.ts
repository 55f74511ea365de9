/**
 * Who acts in a sitting, and how public records name the helper. Pure: the session code builds the
 * actor from the open sitting, and every area's commands mark their public rows with `assistedBy`.
 */
import type { Actor } from "~/domain/permissions/policy";
import type { SessionUser } from "../accounts/queries.server";

export interface OpenSitting {
  sittingId: number;
  communityId: number;
  endsAt: string;
  helper: { id: number; displayName: string };
  resident: SessionUser;
}

/**
 * The actor for a sitting: the resident, but only as a resident of the sitting's community — no
 * committee seat, no organisation roles, nothing verified elsewhere — and marked as assisted.
 */
export function assistedActor(resident: Actor, sitting: OpenSitting): Actor {
  return {
    userId: resident.userId,
    isAdmin: false,
    committeeOf: null,
    verifiedIn: resident.verifiedIn.filter((c) => c === sitting.communityId),
    orgMemberOf: [],
    orgAdminOf: [],
    gridWorkerOf: [],
    commandRoomOf: [],
    unitOf: [],
    assistedBy: {
      helperId: sitting.helper.id,
      sittingId: sitting.sittingId,
      communityId: sitting.communityId,
    },
  };
}

/** The helper's id for a public record ("with assistance"), or null when the resident acts alone. */
export function assistedBy(actor: Actor): number | null {
  return actor.assistedBy?.helperId ?? null;
}
