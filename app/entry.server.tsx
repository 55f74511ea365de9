import { Writable } from "node:stream";
import { gzipSync } from "node:zlib";
import type { Server as HttpServer } from "node:http";
import type { AppLoadContext, EntryContext, HandleDataRequestFunction } from "@remix-run/node";
import { RemixServer } from "@remix-run/react";
import Negotiator from "negotiator";
import { renderToPipeableStream } from "react-dom/server";
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

const ABORT_DELAY = 5_000;

/**
 * The bytes of a piece without its NUL bytes (the same piece when it has none).
 *
 * React 18's stream writer pads a piece with NULs: when a character of more than one byte does not
 * fit in what is left of its 2 KB buffer, it sends the whole buffer, unwritten bytes included
 * (`writeToDestination(destination, currentView)` in react-dom-server.node's writeStringChunk, not
 * `currentView.subarray(0, writtenBytes)`; React issues 24985 and 31134, fixed in React 19 only).
 * Chinese pages cross such boundaries all the time. Dropping every NUL is safe: UTF-8 never uses
 * the byte 0 inside a character, and a NUL is never part of the HTML we mean to send: React escapes
 * text but passes a NUL through raw, form text refuses control characters (~/domain/validation),
 * data in scripts is JSON (NUL is `\u0000` there), and a browser drops a NUL in text (and replaces
 * one in an attribute) anyway.
 */
function withoutNul(piece: Uint8Array): Uint8Array {
  const bytes = Buffer.isBuffer(piece)
    ? piece
    : Buffer.from(piece.buffer, piece.byteOffset, piece.byteLength);
  let nul = bytes.indexOf(0);
  if (nul < 0) return piece;
  const out = Buffer.allocUnsafe(bytes.length);
  let length = 0;
  let from = 0;
  while (nul >= 0) {
    length += bytes.copy(out, length, from, nul);
    from = nul + 1;
    nul = bytes.indexOf(0, from);
  }
  length += bytes.copy(out, length, from);
  return out.subarray(0, length);
}

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
 * A page is sent whole, compressed in one go. Liuhe's pages have no Suspense boundaries to
 * stream, so nothing reaches a reader sooner by streaming them; and streaming through Express's
 * `compression` cost about twice what compressing does: a zlib stream per response, its deflate
 * jobs and flush on the thread pool and their callbacks (a signed-in community page, one
 * connection: 0.6 ms more than uncompressed that way, 0.3 ms with one `gzipSync`; README,
 * Benchmarks, 2026-12-05, day). The page goes with its Content-Length, and `compression` passes a
 * response that has its Content-Encoding through untouched.
 */
function sendWhole(
  pipe: (destination: Writable) => void,
  done: (body: Buffer) => void,
  failed: (error: unknown) => void,
) {
  const chunks: Buffer[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, next) {
      chunks.push(chunk);
      next();
    },
    writev(written, next) {
      for (const w of written) chunks.push(w.chunk as Buffer);
      next();
    },
  });
  // React ends the stream again when it closes: a second end() only builds an error nobody reads.
  const end = sink.end;
  sink.end = function (this: Writable, ...args: unknown[]) {
    if (args.length === 0 && (this.writableFinished || this.destroyed)) return this;
    return end.apply(this, args as Parameters<typeof end>);
  } as Writable["end"];
  sink.once("finish", () => {
    // Whatever goes wrong in sending fails this page only, never the process (a throw here
    // would be an uncaught exception in a stream's event).
    try {
      done(withoutNul(Buffer.concat(chunks)) as Buffer);
    } catch (error) {
      failed(error);
    }
  });
  sink.once("error", failed);
  pipe(sink);
}

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
  const gzip = takesGzip(request);

  return new Promise<Response>((resolve, reject) => {
    let shellRendered = false;
    const { pipe, abort } = renderToPipeableStream(
      <NonceContext.Provider value={nonce}>
        <I18nextProvider i18n={i18nFor(prefs.lng)}>
          <RemixServer context={remixContext} url={request.url} abortDelay={ABORT_DELAY} />
        </I18nextProvider>
      </NonceContext.Provider>,
      {
        nonce,
        onShellReady() {
          shellRendered = true;
        },
        onAllReady() {
          sendWhole(
            pipe,
            (html) => {
              clearTimeout(timer);
              const body = gzip ? gzipSync(html) : html;
              responseHeaders.set("Content-Type", "text/html; charset=utf-8");
              responseHeaders.set("Vary", "Cookie, Accept-Encoding");
              if (gzip) responseHeaders.set("Content-Encoding", "gzip");
              responseHeaders.set("Content-Length", String(body.length));
              // Buffer.concat and gzipSync make buffers over ordinary (never shared) memory.
              const bytes = body as Uint8Array<ArrayBuffer>;
              resolve(
                new Response(bytes, { headers: responseHeaders, status: responseStatusCode }),
              );
            },
            reject,
          );
        },
        onShellError(error: unknown) {
          clearTimeout(timer);
          reject(error);
        },
        onError(error: unknown) {
          responseStatusCode = 500;
          // Before the shell, onShellError rejects and Remix reports the error itself.
          if (shellRendered) console.error(error);
        },
      },
    );
    // React calls back from its own scheduled work, never inside renderToPipeableStream, so the
    // callbacks above find the timer set.
    const timer = setTimeout(abort, ABORT_DELAY);
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
