/**
 * The ceiling of the page benchmark: the bare Remix app (bench/pages/bare/app) served the way
 * Liuhe's server.ts serves its build (Express, compression, static assets, the Remix request
 * handler), with none of Liuhe's work (no database, no guard, no Socket.IO).
 *
 * One difference, on purpose: node's own request and response classes, whose objects Express
 * switches to its prototypes per request, as a stock Remix app on Express does. Liuhe's server
 * makes objects with Express's prototypes already (app/services/express-classes.server.ts), which
 * saves it about a fifth of a bare request's CPU: Liuhe's own saving, not the framework's.
 * BARE_REQUEST_CLASSES=1 gives the ceiling the same classes, to see the ratios without it.
 *
 *   PORT=… NODE_ENV=production [BARE_REQUEST_CLASSES=1] tsx bench/pages/bare/server.ts
 */
import { createServer } from "node:http";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { createRequestHandler } from "@remix-run/express";
import type { ServerBuild } from "@remix-run/node";
import compression from "compression";
import express from "express";
import { serverClassesFor } from "../../../app/services/express-classes.server";

const here = path.dirname(fileURLToPath(import.meta.url));
const build = (await import(
  pathToFileURL(path.join(here, "build/server/index.js")).href
)) as ServerBuild;

const app = express();
app.disable("x-powered-by");
app.use(compression());
app.use(
  "/assets",
  express.static(path.join(here, "build/client/assets"), { immutable: true, maxAge: "1y" }),
);
app.use(express.static(path.join(here, "build/client"), { maxAge: "1h" }));
app.all("*", createRequestHandler({ build, mode: "production" }));

const httpServer =
  process.env.BARE_REQUEST_CLASSES === "1"
    ? createServer(serverClassesFor(app), app)
    : createServer(app);
httpServer.listen(Number(process.env.PORT ?? 3000), process.env.HOST ?? "127.0.0.1", () =>
  console.log("bare Remix listening"),
);
process.on("SIGTERM", () => {
  httpServer.closeAllConnections();
  httpServer.close(() => process.exit(0));
});
