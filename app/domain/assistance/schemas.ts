/** Forms of the service window (人工服务窗口). */
import { z } from "zod";
import { DISPLAY_NAME_MAX } from "../accounts/limits";
import { id, text } from "../validation";
import { CONSENTS } from "./consents";

export { CONSENTS };

const consent = z.enum(CONSENTS, {
  errorMap: () => ({ message: "assist:errors.consentRequired" }),
});

export const registerSchema = z.object({
  intent: z.literal("register"),
  displayName: text({ max: DISPLAY_NAME_MAX }),
  consent,
});

export const startSchema = z.object({
  intent: z.literal("start"),
  residentId: id,
  consent,
});

export const reissueSchema = z.object({
  intent: z.literal("reissue"),
  residentId: id,
});
