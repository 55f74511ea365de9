/** The community page's forms: deciding a request to join, appointing a committee member. */
import { z } from "zod";
import { namedLogin } from "../accounts/schemas";
import { oneOf } from "../refuse";
import { id, text } from "../validation";
import { DECISION_REASON_MAX } from "./rules";

export const decideSchema = z.object({
  // A hidden field, yet refused as the field's own error (the route tests hold it so), not as
  // the form's `errors.badForm` that other pages give a tampered id.
  membershipId: id,
  decision: oneOf(["verify", "decline"]),
  reason: text({ min: 0, max: DECISION_REASON_MAX, multiline: true }).optional().default(""),
});

export const appointSchema = z.object({ login: namedLogin });
