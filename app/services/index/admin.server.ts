/**
 * The index pages' two admin forms and the commands they post to: computing (or correcting) a
 * month, fields month, reason, methodVersion; publishing a method version, fields tree, note. The
 * commands and their policy actions (`index.compute`, `index.publishMethod`) belong to the method
 * branch. Until they are merged the policy has no such action, so nobody may see the forms and an
 * intent named here is refused like any unknown one; both follow the policy table once it has them.
 *
 * LEAD, at merge: import { computeIndex, publishIndexMethod } from "./commands.server" (the method
 * branch's) and `intent` from ../runner/form.server, and fill `indexAdminIntents` with
 *   compute: intent(computeIndex, (r) => redirect(`/index?month=${r.month}&done=computed`)),
 *   publish: intent(publishIndexMethod, (r) => redirect(`/index/method?version=${r.version}&done=published`)),
 */
import type { Intent } from "~/services/runner/form.server";
import { can, policy, type Action, type Actor } from "~/domain/permissions/policy";

const declared = (action: string): action is Action =>
  Object.prototype.hasOwnProperty.call(policy, action);

/** Which admin forms this person may see, as the policy table says. */
export function indexAdminRights(actor: Actor): { compute: boolean; publish: boolean } {
  const allowed = (action: string) => declared(action) && can(actor, action);
  return { compute: allowed("index.compute"), publish: allowed("index.publishMethod") };
}

/** The admin forms' intents, by the `intent` field the forms post. */
export const indexAdminIntents: Record<string, Intent> = {};
