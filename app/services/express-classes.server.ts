/**
 * The request and response classes of Liuhe's HTTP server, made so that Express never changes an
 * object's prototype.
 *
 * Express 4 gives each request its methods (`req.get`, `req.ip`, `res.status`…) by switching the
 * prototype of node's IncomingMessage and ServerResponse objects, one `Object.setPrototypeOf` each
 * per request (express/lib/middleware/init.js). V8 makes a changed prototype expensive: on
 * Remix's bare action (bench/pages/bare) each request then left 17.6 KB for the old generation
 * instead of 7.8 KB, and cost 0.46–0.62 ms of CPU instead of 0.38–0.44 (README, Benchmarks,
 * 2026-12-05, morning). Node lets a server make its own request and response objects
 * (`http.createServer({ IncomingMessage, ServerResponse })`): made here as instances of classes
 * whose prototypes are the app's own `app.request` and `app.response`, the prototype Express sets
 * is the one they already have, and V8's `setPrototypeOf` returns without changing anything.
 *
 * The classes keep Express's chain (the app's objects, then Express's, then node's), so every
 * Express method and `req.app` work as before. Only for an app that is not mounted inside another
 * (a mounted app's requests change prototype on the way in and out again).
 */
import http from "node:http";
import express, { type Express } from "express";

export interface ServerClasses {
  IncomingMessage: typeof http.IncomingMessage;
  ServerResponse: typeof http.ServerResponse;
}

export function serverClassesFor(app: Express): ServerClasses {
  // Named so as not to shadow the fetch API's Request and Response.
  class LiuheRequest extends http.IncomingMessage {}
  class LiuheResponse extends http.ServerResponse {}
  // As express's createApplication makes app.request and app.response: Express's object with the
  // app in `app`, now with a class of its own in front.
  const own = (prototype: object, of: object) => {
    Object.setPrototypeOf(prototype, of);
    Object.defineProperty(prototype, "app", {
      configurable: true,
      enumerable: true,
      writable: true,
      value: app,
    });
    return prototype as never;
  };
  app.request = own(LiuheRequest.prototype, express.request);
  app.response = own(LiuheResponse.prototype, express.response);
  return {
    IncomingMessage: LiuheRequest,
    ServerResponse: LiuheResponse as unknown as typeof http.ServerResponse,
  };
}
