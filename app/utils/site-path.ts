/**
 * Paths on this site taken from user input (`?next=`, the current location): resolved the way a
 * browser resolves them (the WHATWG URL parser), kept only when they stay on this site, and
 * serialised so that they are safe in a `Location` header (printable ASCII, no `//` at the start).
 */
const BASE = new URL("http://liuhe.invalid/");

function resolve(input: unknown): URL | null {
  if (typeof input !== "string" || input === "") return null;
  let url: URL;
  try {
    url = new URL(input, BASE);
  } catch {
    return null;
  }
  return url.origin === BASE.origin ? url : null;
}

/** `//x` as a path is a link to host x: one slash only (`/./x` resolves to such a path). */
const oneSlash = (pathname: string) => pathname.replace(/^\/+/, "/");

/**
 * Where to go after signing in (or up): `next` when it resolves to a page of this site, as its
 * path, query and fragment; otherwise `fallback`. Never another host, never a value `redirect()`
 * refuses (control characters, characters outside Latin-1).
 */
export function safeNext(next: string | null | undefined, fallback = "/"): string {
  const url = resolve(next);
  return url ? oneSlash(url.pathname) + url.search + url.hash : fallback;
}

/**
 * The current page's path for links built from it (the language and 长辈版 switches, pagers): a
 * request for `//evil.example/x` must not become a link to evil.example, so leading slashes and
 * backslashes are one slash.
 */
export function sitePath(pathname: string): string {
  const url = resolve(pathname.replace(/^[/\\]+/, "/"));
  return url ? oneSlash(url.pathname) : "/";
}
