/** The form that cancels a meeting, a poll or a budget round: the reason, required. */
import { z } from "zod";
import { CANCEL_REASON_MAX } from "./cancel";
import { text } from "./validation";

export const cancelSchema = z.object({
  reason: text({ max: CANCEL_REASON_MAX, multiline: true }),
});
