/**
 * Runs before Remix for every request: refuses cross-site writes (the Origin check that, with
 * SameSite=Lax cookies, stops cross-site request forgery) and bodies that declare more than the
 * limit, and bounds the requests in flight. Answers in the reader's language.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { fixedT } from "~/i18n/i18next.server";
import { MAX_DRAIN_BYTES, MAX_REQUEST_BYTES } from "./forms.server";
import { isOpen311Path, open311ErrorBody, open311Lng } from "./open311.server";
import { readPreferences } from "./preferences.server";
import { REFUSAL_CSP } from "./security-headers.server";

const SAFE = new Set(["GET", "HEAD", "OPTIONS"]);

/** Origins allowed besides the request's own host, e.g. behind a proxy that rewrites Host. */
function extraOrigins(): string[] {
  return (process.env.PUBLIC_ORIGIN ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
}

export function isCrossSite(headers: IncomingMessage["headers"]): boolean {
  const origin = headers.origin;
  if (origin === undefined) {
    // Older browsers omit Origin on same-origin form posts; modern ones tell us the site.
    return headers["sec-fetch-site"] === "cross-site";
  }
  if (origin === "null") return true;
  if (extraOrigins().includes(origin)) return false;
  try {
    return new URL(origin).host !== headers.host;
  } catch {
    return true;
  }
}

/**
 * Requests Remix may work on at once in this process (MAX_IN_FLIGHT, default 256). Past it, a
 * request is answered at once with 503 and Retry-After, instead of queueing: 2,000 requests at
 * once used to wait 24 s in all and take the process from 235 MB to 1.25 GB. Static files,
 * Socket.IO and `/healthz` are not counted (they are served before this, or must stay alive).
 */
export const DEFAULT_MAX_IN_FLIGHT = 256;
const maxInFlight = () => Number(process.env.MAX_IN_FLIGHT) || DEFAULT_MAX_IN_FLIGHT;
export const RETRY_AFTER_SECONDS = 5;
let inFlight = 0;

async function refuse(
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  key: string,
  headers: Record<string, string> = {},
) {
  const url = `http://${req.headers.host ?? "localhost"}${req.url ?? "/"}`;
  if (isOpen311Path(req.url)) {
    // The API's clients read its own error format, in the language they asked for.
    const asked = new Request(url, {
      headers: { "accept-language": req.headers["accept-language"] ?? "" },
    });
    const apiKey = key === "errors.tooLarge" ? "need:intake.errors.tooLarge" : key;
    const json = JSON.stringify(
      open311ErrorBody(status, apiKey, open311Lng(asked), { max: MAX_REQUEST_BYTES / 1024 }),
    );
    res.writeHead(status, {
      ...headers,
      "Content-Type": "application/json; charset=utf-8",
      "Content-Length": Buffer.byteLength(json),
    });
    res.end(json);
    return;
  }
  const request = new Request(url, { headers: { cookie: req.headers.cookie ?? "" } });
  const lng = readPreferences(request).lng;
  const t = fixedT(lng, "common");
  const body = `<!doctype html><html lang="${lng}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${t("errors.title")}</title></head><body style="font:20px/1.5 sans-serif;margin:1rem"><h1>${t("errors.title")}</h1><p>${t(key, { max: Math.floor(MAX_REQUEST_BYTES / 1024 / 1024) })}</p><p><a href="/">${t("nav.home")}</a></p></body></html>`;
  res.writeHead(status, {
    ...headers,
    // The other security headers come from securityHeaders (server.ts runs it first).
    "Content-Security-Policy": REFUSAL_CSP,
    "Content-Type": "text/html; charset=utf-8",
    "Content-Length": Buffer.byteLength(body),
  });
  res.end(body);
}

/**
 * Answer only once the client has sent its body: browsers and fetch read no response while still
 * uploading, and closing early shows them a broken connection instead of our message.
 */
function refuseAfterBody(
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  key: string,
  next: (err?: unknown) => void,
  headers: Record<string, string> = {},
) {
  let drained = 0;
  req.on("data", (chunk: Buffer) => {
    drained += chunk.length;
    if (drained > MAX_DRAIN_BYTES) req.socket.destroy();
  });
  req.on("end", () => void refuse(req, res, status, key, headers).catch(next));
  req.resume();
}

export function httpGuard(
  req: IncomingMessage,
  res: ServerResponse,
  next: (err?: unknown) => void,
) {
  const method = req.method ?? "GET";
  if (!SAFE.has(method)) {
    // The Open311 API is authorised by its key alone, never by a cookie, so a request from another
    // site can do nothing a key's holder could not: the Origin check (against forged requests that
    // ride a signed-in person's cookie) is not for it.
    if (isCrossSite(req.headers) && !isOpen311Path(req.url))
      return refuseAfterBody(req, res, 403, "errors.crossSite", next);
    const declared = Number(req.headers["content-length"] ?? "0");
    if (declared > MAX_REQUEST_BYTES)
      return refuseAfterBody(req, res, 413, "errors.tooLarge", next);
  }
  if (req.url === "/healthz") return next();
  if (inFlight >= maxInFlight()) {
    const headers = { "Retry-After": String(RETRY_AFTER_SECONDS), Connection: "close" };
    return refuseAfterBody(req, res, 503, "errors.busy", next, headers);
  }
  inFlight++;
  // Once, however it ends: answered, or the client gone first.
  res.once("close", () => inFlight--);
  next();
}

/** Requests being worked on now (for the tests). */
export const requestsInFlight = () => inFlight;
