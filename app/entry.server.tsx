import { gzipSync } from "node:zlib";
import type { Server as HttpServer } from "node:http";
import type { AppLoadContext, EntryContext, HandleDataRequestFunction } from "@remix-run/node";
import { RemixServer } from "@remix-run/react";
import Negotiator from "negotiator";
import { renderToString } from "react-dom/server";
import { I18nextProvider } from "react-i18next";
import { i18nFor } from "./i18n/i18next.server";
import { readPreferences } from "./utils/preferences.server";
import { httpGuard } from "./utils/http-guard.server";
import { NonceContext } from "./utils/nonce";
import { makeNonce, securityHeaders, setPageHeaders } from "./utils/security-headers.server";
import { boot, shutdown } from "./services/boot.server";
import { attachRealtime, type Realtime } from "./realtime/server.server";
import { connectCluster } from "./services/cluster.server";
import { startJobs } from "./services/jobs.server";

/** What server.ts needs from the app, exported from the same module graph as the routes. */
export const liuhe = {
  boot,
  shutdown,
  httpGuard,
  securityHeaders,
  attachRealtime,
  connectCluster,
  startJobs,
} satisfies Record<string, unknown>;
export type LiuheServer = {
  boot: () => Promise<void>;
  shutdown: () => Promise<void>;
  httpGuard: typeof httpGuard;
  securityHeaders: typeof securityHeaders;
  attachRealtime: (server: HttpServer) => Realtime;
  connectCluster: typeof connectCluster;
  /** Timed work, in every process; the job table makes each job run in one of them. */
  startJobs: () => () => void;
};

/**
 * Whether the client takes the page gzipped (Accept-Encoding, with its q-values: `gzip;q=0` is a
 * refusal). Only gzip: every browser reads it, and brotli is offered by browsers on HTTPS only,
 * where the balancer in front may compress anyway.
 */
function takesGzip(request: Request): boolean {
  const accepted = request.headers.get("accept-encoding");
  if (!accepted) return false;
  const asked = new Negotiator({ headers: { "accept-encoding": accepted } });
  return asked.encoding(["gzip", "identity"]) === "gzip";
}

/**
 * A page is rendered to one string and sent whole, compressed in one go. Liuhe's pages have no
 * Suspense boundaries, so nothing would reach a reader sooner by streaming them, and what the
 * stream cost was the page's own: React's stream writer encodes its text into 2 KB buffers and
 * pads them with NUL bytes when a Chinese character does not fit (React issues 24985 and 31134,
 * fixed in React 19 only), which had to be found and taken out again, and streaming through
 * Express's `compression` made a zlib stream per response (README, Benchmarks, 2026-12-05, day).
 * `renderToString` renders the same tree with the same renderer into a string, with none of that;
 * an error while rendering throws, and Remix (handleDocumentRequest) renders the route's error
 * boundary, as it did for an error before the stream's shell. The page goes with its Content-Length, and `compression`
 * passes a response that has its Content-Encoding through untouched.
 */
export default function handleRequest(
  request: Request,
  responseStatusCode: number,
  responseHeaders: Headers,
  remixContext: EntryContext,
  _loadContext: AppLoadContext,
) {
  const prefs = readPreferences(request);
  for (const c of prefs.setCookies) responseHeaders.append("Set-Cookie", c);

  // A nonce of this response's own: its CSP lets only the scripts that carry it run.
  const nonce = makeNonce();
  setPageHeaders(responseHeaders, { nonce, lite: prefs.mode === "lite", url: request.url });
  const html = Buffer.from(
    "<!DOCTYPE html>" +
      renderToString(
        <NonceContext.Provider value={nonce}>
          <I18nextProvider i18n={i18nFor(prefs.lng)}>
            <RemixServer context={remixContext} url={request.url} />
          </I18nextProvider>
        </NonceContext.Provider>,
      ),
  );
  const gzip = takesGzip(request);
  const body = gzip ? gzipSync(html) : html;
  responseHeaders.set("Content-Type", "text/html; charset=utf-8");
  responseHeaders.set("Vary", "Cookie, Accept-Encoding");
  if (gzip) responseHeaders.set("Content-Encoding", "gzip");
  responseHeaders.set("Content-Length", String(body.length));
  // Buffer.from and gzipSync make buffers over ordinary (never shared) memory.
  return new Response(body as Uint8Array<ArrayBuffer>, {
    headers: responseHeaders,
    status: responseStatusCode,
  });
}

export const handleDataRequest: HandleDataRequestFunction = (response, { request }) => {
  for (const c of readPreferences(request).setCookies) response.headers.append("Set-Cookie", c);
  return response;
};

export function handleError(error: unknown, { request }: { request: Request }) {
  if (request.signal.aborted) return;
  console.error(error);
}
