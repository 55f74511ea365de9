/**
 * The index pages' two admin forms and the commands they post to: computing (or correcting) a
 * month (fields month, reason, methodVersion) and publishing a method version (fields tree, note).
 * Who sees a form is the policy's `index.compute` / `index.publishMethod`, as for any action.
 */
import { redirect } from "@remix-run/node";
import { intent, type Intent } from "~/services/runner/form.server";
import { can, type Actor } from "~/domain/permissions/policy";
import { computeIndex, publishIndexMethod } from "./commands.server";

/** Which admin forms this person may see, as the policy table says. */
export function indexAdminRights(actor: Actor): { compute: boolean; publish: boolean } {
  return { compute: can(actor, "index.compute"), publish: can(actor, "index.publishMethod") };
}

/** The admin forms' intents, by the `intent` field the forms post. */
export const indexAdminIntents: Record<string, Intent> = {
  compute: intent(computeIndex, (r) => redirect(`/index?month=${r.month}&done=computed`)),
  publish: intent(publishIndexMethod, (r) =>
    redirect(`/index/method?version=${r.version}&done=published`),
  ),
};
