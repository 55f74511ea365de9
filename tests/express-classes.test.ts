/**
 * server.ts's request and response classes (app/services/express-classes.server.ts): Express finds
 * its own prototypes already in place, so it changes no object's prototype, and every Express
 * method still works, `req.ip` behind a trusted proxy among them.
 */
import { IncomingMessage, ServerResponse, createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import express from "express";
import { afterEach, describe, expect, it } from "vitest";
import { serverClassesFor } from "~/services/express-classes.server";

let server: Server | undefined;
afterEach(
  () => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())),
);

async function listen(app: express.Express, classes = serverClassesFor(app)) {
  server = createServer(classes, app);
  await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe("the server's request and response classes", () => {
  it("are what Express's handlers get, with the prototypes Express would have set", async () => {
    const app = express();
    app.set("trust proxy", "loopback");
    const classes = serverClassesFor(app);
    let seen: Record<string, unknown> = {};
    app.get("/x", (req, res) => {
      seen = {
        reqClass: req instanceof classes.IncomingMessage,
        resClass: res instanceof classes.ServerResponse,
        // Express's init has run: had it switched a prototype, these would be another object.
        reqProto: Object.getPrototypeOf(req) === classes.IncomingMessage.prototype,
        resProto: Object.getPrototypeOf(res) === classes.ServerResponse.prototype,
        appRequest: app.request === classes.IncomingMessage.prototype,
        app: req.app === app && res.app === app,
        header: req.get("X-Asked"),
        ip: req.ip,
        path: req.path,
      };
      res.status(201).set("X-Answered", "yes").json({ ok: true });
    });
    const base = await listen(app, classes);
    const res = await fetch(`${base}/x?q=1`, {
      headers: { "X-Asked": "resident", "X-Forwarded-For": "203.0.113.7" },
    });
    expect(res.status).toBe(201);
    expect(res.headers.get("x-answered")).toBe("yes");
    expect(await res.json()).toEqual({ ok: true });
    expect(seen).toEqual({
      reqClass: true,
      resClass: true,
      reqProto: true,
      resProto: true,
      appRequest: true,
      app: true,
      header: "resident",
      ip: "203.0.113.7",
      path: "/x",
    });
  });

  it("leave an app without them as Express made it: its requests change prototype", async () => {
    // The control: node's own classes, whose objects Express must switch to its prototypes.
    const app = express();
    let switched: boolean | undefined;
    app.get("/x", (req, res) => {
      switched = Object.getPrototypeOf(req) === app.request;
      res.end();
    });
    await (await fetch(`${await listen(app, { IncomingMessage, ServerResponse })}/x`)).text();
    expect(switched).toBe(true);
  });
});
