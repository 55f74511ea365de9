/**
 * WORKERS=N: a Socket.IO session lives on the worker that opened it, and its requests may reach
 * any worker (app/services/workers.server.ts). Two "workers" here are two servers in this process,
 * each with its own Socket.IO and its own Unix socket, as node:cluster's workers would be.
 */
import fs from "node:fs";
import { randomBytes } from "node:crypto";
import { createServer, request, type Server as HttpServer } from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import type { Duplex } from "node:stream";
import { Server } from "socket.io";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { sessionWorker, shareSessions } from "~/services/workers.server";

interface Worker {
  http: HttpServer;
  io: Server;
  url: string;
  close: () => Promise<void>;
}

let dir: string;
let workers: Worker[];

async function worker(id: number): Promise<Worker> {
  const http = createServer((_req, res) => res.end(`page from worker ${id}`));
  const io = new Server(http, { serveClient: false });
  io.on("connection", (socket) => socket.on("whoami", (ack: (w: number) => void) => ack(id)));
  const closeInbox = shareSessions(io, http, id, dir);
  await new Promise<void>((r) => http.listen(0, "127.0.0.1", r));
  const { port } = http.address() as AddressInfo;
  return {
    http,
    io,
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      await io.close();
      await closeInbox();
    },
  };
}

beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "liuhe-workers-test-"));
  workers = [await worker(1), await worker(2)];
});

afterEach(async () => {
  await Promise.all(workers.map((w) => w.close()));
  fs.rmSync(dir, { recursive: true, force: true });
});

const text = async (res: Response) => ({ status: res.status, body: await res.text() });

describe("sessions across workers", () => {
  it("names the worker in each session id, and reads it back only from Socket.IO's path", () => {
    expect(sessionWorker("/socket.io/?EIO=4&transport=polling&sid=w12-abcdefghijklmnopqrst")).toBe(
      12,
    );
    expect(sessionWorker("/socket.io/?EIO=4&transport=polling")).toBeNull();
    expect(sessionWorker("/socket.io/?sid=abcdefghijklmnopqrst")).toBeNull();
    expect(sessionWorker("/projects?sid=w2-abcdefghijklmnopqrst")).toBeNull();
    expect(sessionWorker(undefined)).toBeNull();
  });

  it("serves a polling session's requests that reach the other worker, as its own would", async () => {
    const [one, two] = workers;
    const opened = await text(await fetch(`${one!.url}/socket.io/?EIO=4&transport=polling`));
    const { sid } = JSON.parse(opened.body.slice(1)) as { sid: string };
    expect(sid).toMatch(/^w1-/);
    // Every request after the handshake goes to worker 2, which does not hold the session.
    const at = `${two!.url}/socket.io/?EIO=4&transport=polling&sid=${sid}`;
    expect(await text(await fetch(at, { method: "POST", body: "40" }))).toEqual({
      status: 200,
      body: "ok",
    });
    expect((await text(await fetch(at))).body).toMatch(/^40\{"sid":/);
    expect((await text(await fetch(at, { method: "POST", body: '421["whoami"]' }))).body).toBe(
      "ok",
    );
    // Worker 1 answers: the session is its own.
    expect((await text(await fetch(at))).body).toBe("431[1]");
    // Pages are each worker's own.
    expect((await text(await fetch(`${two!.url}/`))).body).toBe("page from worker 2");
  });

  it("refuses a session of a worker that is gone as Engine.IO refuses an unknown one", async () => {
    const res = await fetch(
      `${workers[0]!.url}/socket.io/?EIO=4&transport=polling&sid=w7-abcdefghijklmnopqrst`,
    );
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ code: 1, message: "Session ID unknown" });
  });

  it("refuses a forwarded body larger than any packet", async () => {
    const opened = await text(await fetch(`${workers[0]!.url}/socket.io/?EIO=4&transport=polling`));
    const { sid } = JSON.parse(opened.body.slice(1)) as { sid: string };
    const at = `${workers[1]!.url}/socket.io/?EIO=4&transport=polling&sid=${sid}`;
    const res = await fetch(at, { method: "POST", body: "4".repeat(2 * 1024 * 1024) }).catch(
      () => null,
    );
    // Either the 413, or the connection cut while the client was still sending.
    if (res) expect(res.status).toBe(413);
  });

  it("passes an upgrade to a WebSocket on to the worker holding the session", async () => {
    const [one, two] = workers;
    const opened = await text(await fetch(`${one!.url}/socket.io/?EIO=4&transport=polling`));
    const { sid } = JSON.parse(opened.body.slice(1)) as { sid: string };
    // The upgrade of worker 1's session arrives at worker 2, as a new connection may.
    const socket = await new Promise<Duplex>((resolve, reject) => {
      const req = request(`${two!.url}/socket.io/?EIO=4&transport=websocket&sid=${sid}`, {
        headers: {
          Connection: "Upgrade",
          Upgrade: "websocket",
          "Sec-WebSocket-Version": "13",
          "Sec-WebSocket-Key": randomBytes(16).toString("base64"),
        },
      });
      req.on("upgrade", (res, s) => (res.statusCode === 101 ? resolve(s) : reject()));
      req.on("response", (res) => reject(new Error(`no upgrade: ${res.statusCode}`)));
      req.end();
    });
    try {
      // Engine.IO's upgrade probe, as one masked text frame; worker 1 answers "3probe".
      const payload = Buffer.from("2probe");
      const mask = randomBytes(4);
      const frame = Buffer.concat([
        Buffer.from([0x81, 0x80 | payload.length]),
        mask,
        payload.map((b, k) => b ^ mask[k % 4]!),
      ]);
      const answer = new Promise<string>((resolve) =>
        socket.once("data", (d: Buffer) => resolve(d.subarray(2).toString())),
      );
      socket.write(frame);
      expect(await answer).toBe("3probe");
    } finally {
      socket.destroy();
    }
  });
});
