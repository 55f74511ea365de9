/**
 * Absolute links to this site (the address printed on a paper sheet, a calendar entry's link) come
 * from the configured `PUBLIC_ORIGIN` (its first entry), never from the request's `Host` header,
 * which anyone can set.
 */
export function publicOrigin(): string | null {
  const first = (process.env.PUBLIC_ORIGIN ?? "").split(",")[0]?.trim();
  if (!first) return null;
  try {
    return new URL(first).origin;
  } catch {
    // A PUBLIC_ORIGIN that is not a URL names no site.
    return null;
  }
}

/** The page's address under PUBLIC_ORIGIN; without one, the path alone. */
export function publicUrl(path: string): string {
  const origin = publicOrigin();
  return origin ? new URL(path, origin).href : path;
}

/** The page's address under PUBLIC_ORIGIN, or none where only an absolute URL will do. */
export function absoluteUrl(path: string): string | null {
  const origin = publicOrigin();
  return origin ? new URL(path, origin).href : null;
}
