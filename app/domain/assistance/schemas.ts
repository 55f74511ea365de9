/**
 * Forms of the service window (人工服务窗口). The page tells its forms apart by `intent` (the form
 * adapter's `submitIntent`), so the schemas hold only what each command takes.
 */
import { z } from "zod";
import { displayNameField } from "../accounts/schemas";
import { oneOf } from "../refuse";
import { formId } from "../validation";
import { CONSENTS } from "./consents";

const consent = oneOf(CONSENTS, "assist:errors.consentRequired");

export const registerSchema = z.object({
  displayName: displayNameField,
  consent,
});

/** The resident's id is the page's own hidden field: a wrong one is a tampered form. */
export const startSchema = z.object({
  residentId: formId,
  consent,
});

export const reissueSchema = z.object({
  residentId: formId,
});
