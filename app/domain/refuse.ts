/** How the form schemas refuse what they cannot take: always with a locale key. */
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

/** One of a fixed list a person picks from; anything else, or nothing, is refused with `message`. */
export const oneOf = <const T extends string>(
  values: readonly [T, ...T[]],
  message = "errors.invalidChoice",
) => z.enum(values, { errorMap: () => ({ message }) });
