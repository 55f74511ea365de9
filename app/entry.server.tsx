import { Transform } from "node:stream";
import type { Server as HttpServer } from "node:http";
import type { AppLoadContext, EntryContext, HandleDataRequestFunction } from "@remix-run/node";
import { createReadableStreamFromReadable } from "@remix-run/node";
import { RemixServer } from "@remix-run/react";
import { isbot } from "isbot";
import { renderToPipeableStream } from "react-dom/server";
import { I18nextProvider } from "react-i18next";
import { i18nFor } from "./i18n/i18next.server";
import { readPreferences } from "./utils/preferences.server";
import { httpGuard } from "./utils/http-guard.server";
import { boot, shutdown } from "./services/boot.server";
import { attachRealtime, type Realtime } from "./realtime/server.server";
import { connectCluster } from "./services/cluster.server";
import { startJobs } from "./services/jobs.server";

/** What server.ts needs from the app, exported from the same module graph as the routes. */
export const liuhe = {
  boot,
  shutdown,
  httpGuard,
  attachRealtime,
  connectCluster,
  startJobs,
} satisfies Record<string, unknown>;
export type LiuheServer = {
  boot: () => Promise<void>;
  shutdown: () => Promise<void>;
  httpGuard: typeof httpGuard;
  attachRealtime: (server: HttpServer) => Realtime;
  connectCluster: typeof connectCluster;
  /** Timed work, in every process; the job table makes each job run in one of them. */
  startJobs: () => () => void;
};

const ABORT_DELAY = 5_000;

/**
 * React writes a page in 2 KB pieces, and Remix flushes the gzip stream after each piece it reads:
 * a deflate job, a flush and a socket write per 2 KB. What React writes in one go (the whole shell,
 * while corked) goes on as one piece; later pieces (streamed boundaries) still go on at once.
 */
function pieces() {
  const body = new Transform({
    writableHighWaterMark: 256 * 1024,
    transform: (chunk, _encoding, done) => done(null, chunk),
    writev(chunks, done) {
      this.push(Buffer.concat(chunks.map((c) => c.chunk as Uint8Array)));
      done();
    },
  });
  // React ends the stream again when it closes: a second end() only builds an error nobody reads.
  const end = body.end;
  body.end = function (this: Transform, ...args: unknown[]) {
    if (args.length === 0 && (this.writableFinished || this.destroyed)) return this;
    return end.apply(this, args as Parameters<typeof end>);
  } as Transform["end"];
  return body;
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

  const waitForAll = isbot(request.headers.get("user-agent") ?? "") || remixContext.isSpaMode;

  return new Promise((resolve, reject) => {
    let shellRendered = false;
    const { pipe, abort } = renderToPipeableStream(
      <I18nextProvider i18n={i18nFor(prefs.lng)}>
        <RemixServer context={remixContext} url={request.url} abortDelay={ABORT_DELAY} />
      </I18nextProvider>,
      {
        [waitForAll ? "onAllReady" : "onShellReady"]() {
          shellRendered = true;
          const body = pieces();
          // A page sent in full has nothing left to abort: no timer (and render) kept for 5 s.
          body.once("close", () => clearTimeout(timer));
          const stream = createReadableStreamFromReadable(body);
          responseHeaders.set("Content-Type", "text/html; charset=utf-8");
          responseHeaders.set("Vary", "Cookie");
          resolve(new Response(stream, { headers: responseHeaders, status: responseStatusCode }));
          body.cork();
          pipe(body);
          body.uncork();
        },
        onShellError(error: unknown) {
          reject(error);
        },
        onError(error: unknown) {
          responseStatusCode = 500;
          if (shellRendered) console.error(error);
        },
      },
    );
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
