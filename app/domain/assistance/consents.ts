/** How a resident consents at the service window (no zod here: the form ships to browsers). */
export const CONSENTS = ["signed", "spoken"] as const;
export type Consent = (typeof CONSENTS)[number];
