/**
 * Absolute links to this site (the address printed on a paper sheet) come from the configured
 * `PUBLIC_ORIGIN` (its first entry), never from the request's `Host` header, which anyone can set.
 * Without one, the link is the path alone.
 */
export function publicUrl(path: string): string {
  const first = (process.env.PUBLIC_ORIGIN ?? "").split(",")[0]?.trim();
  if (first) {
    try {
      return new URL(path, new URL(first).origin).href;
    } catch {
      // A PUBLIC_ORIGIN that is not a URL names no site: fall back to the path.
    }
  }
  return path;
}
