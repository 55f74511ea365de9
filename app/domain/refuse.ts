import { z } from "zod";

/**
 * Refuses the value a `transform` or `superRefine` is reading: an issue with this locale key, its
 * params, and the field it belongs to when that is not the one being read. Returns `z.NEVER`.
 */
export function refuse(
  ctx: z.RefinementCtx,
  message: string,
  { params, path }: { params?: Record<string, number>; path?: string } = {},
): never {
  ctx.addIssue({
    code: "custom",
    message,
    ...(params && { params }),
    ...(path && { path: [path] }),
  });
  return z.NEVER;
}
