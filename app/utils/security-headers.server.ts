/**
 * Security headers (issue 13, defect 10). Pages get a Content-Security-Policy with a nonce made
 * for each response (entry.server.tsx renders it into Remix's and React's scripts); 长辈版 pages,
 * which carry no script at all, allow none. Everything else (static files, resource routes, data
 * requests, the guard's refusals) gets the same headers with a policy that allows nothing but
 * what it says, filled in by `securityHeaders` just before the headers go out.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { TLSSocket } from "node:tls";
import { freshRandomBytes } from "./random-pool.server";

/** Browser features no page of ours uses. */
export const PERMISSIONS_POLICY = [
  "accelerometer=()",
  "autoplay=()",
  "camera=()",
  "display-capture=()",
  "geolocation=()",
  "gyroscope=()",
  "interest-cohort=()",
  "magnetometer=()",
  "microphone=()",
  "midi=()",
  "payment=()",
  "usb=()",
].join(", ");

export const HSTS = "max-age=31536000; includeSubDomains";

/** For what is not a page of ours: nothing may load or run, nor be framed. */
export const RESOURCE_CSP = "default-src 'none'; frame-ancestors 'none'";

/** The guard's own small HTML answers: a style attribute, a link home, nothing else. */
export const REFUSAL_CSP =
  "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/** A fresh nonce: 128 random bits, base64. */
export function makeNonce(): string {
  return freshRandomBytes(16).toString("base64");
}

/**
 * A page's policy. Scripts only with this response's nonce, and what they load ('strict-dynamic':
 * Remix's entry imports the route modules). Styles from our own files; the inline stylesheet of
 * 长辈版 carries the nonce. Style attributes (the vote bars' widths) need 'unsafe-inline' in
 * style-src; browsers that know style-src-elem still refuse an inline <style> without the nonce.
 * connect-src 'self' covers the Socket.IO connection, ws:/wss: of this host included (CSP 3).
 */
export function pageCsp(nonce: string, lite: boolean): string {
  const dev = process.env.NODE_ENV === "development";
  return [
    "default-src 'self'",
    lite ? "script-src 'none'" : `script-src 'nonce-${nonce}' 'strict-dynamic'`,
    "style-src 'self' 'unsafe-inline'",
    `style-src-elem 'self' 'nonce-${nonce}'`,
    "img-src 'self'",
    // Vite's HMR socket listens on a port of its own in development.
    dev ? "connect-src 'self' ws: wss:" : "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}

/** The headers every response carries, pages or not. */
export function commonHeaders(https: boolean): Array<[string, string]> {
  const headers: Array<[string, string]> = [
    // No page of ours may be framed by another site (clickjacking), nor sniffed into another type.
    ["X-Frame-Options", "DENY"],
    ["X-Content-Type-Options", "nosniff"],
    ["Referrer-Policy", "same-origin"],
    ["Permissions-Policy", PERMISSIONS_POLICY],
  ];
  // Only over HTTPS: over plain HTTP browsers ignore it, and a local server must stay reachable.
  if (https) headers.push(["Strict-Transport-Security", HSTS]);
  return headers;
}

/** A page's headers, set in entry.server where its nonce is made. */
export function setPageHeaders(
  headers: Headers,
  { nonce, lite, url }: { nonce: string; lite: boolean; url: string },
) {
  for (const [name, value] of commonHeaders(new URL(url).protocol === "https:"))
    headers.set(name, value);
  headers.set("Content-Security-Policy", pageCsp(nonce, lite));
}

/**
 * Over HTTPS: a TLS socket of our own, or (Express with `trust proxy`, see TRUST_PROXY) a proxy
 * that says so in X-Forwarded-Proto. Express's `req.secure` covers both.
 */
export function isHttps(req: IncomingMessage & { secure?: boolean }): boolean {
  return req.secure ?? Boolean((req.socket as TLSSocket | undefined)?.encrypted);
}

/**
 * First of all middleware (static files included): the headers every response carries, set when
 * the response's headers go out, each only if the response has not set it itself. Remix appends
 * a page's headers (its own CSP, with the nonce) rather than replacing ours, so setting ours
 * earlier would send two policies, and a browser enforces both.
 */
export function securityHeaders(
  req: IncomingMessage & { secure?: boolean },
  res: ServerResponse,
  next: (err?: unknown) => void,
) {
  const https = isHttps(req);
  const writeHead = res.writeHead;
  res.writeHead = function (this: ServerResponse, ...args: unknown[]) {
    if (!this.headersSent) {
      for (const [name, value] of commonHeaders(https))
        if (!this.hasHeader(name)) this.setHeader(name, value);
      if (!this.hasHeader("Content-Security-Policy"))
        this.setHeader("Content-Security-Policy", RESOURCE_CSP);
    }
    return writeHead.apply(this, args as Parameters<typeof writeHead>);
  } as ServerResponse["writeHead"];
  next();
}
