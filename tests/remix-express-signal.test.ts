/**
 * patches/@remix-run+express: the Request Remix is given carries the adapter's own signal (not a
 * signal of undici's that follows it; the patch says why). What must hold as before: the signal
 * aborts when the client goes away before the answer, never after it, and a posted body still
 * reads.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createRequestHandler } from "@remix-run/express";
import type { ServerBuild } from "@remix-run/node";
import express from "express";
import { afterEach, describe, expect, it } from "vitest";

let server: Server | undefined;
afterEach(() => {
  server?.closeAllConnections();
  return new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
});

/** A build of two resource routes: /slow waits for its signal, /form reads a posted form. */
function build(seen: { aborted?: boolean; signal?: AbortSignal; form?: string[] }) {
  const slow = {
    loader: ({ request }: { request: Request }) =>
      new Promise<Response>((resolve) => {
        seen.signal = request.signal;
        const done = (aborted: boolean) => {
          seen.aborted = aborted;
          resolve(new Response(aborted ? "aborted" : "waited"));
        };
        request.signal.addEventListener("abort", () => done(true));
        setTimeout(() => done(false), 3000);
      }),
  };
  const form = {
    loader: ({ request }: { request: Request }) => {
      seen.signal = request.signal;
      return new Response("form");
    },
    action: async ({ request }: { request: Request }) => {
      seen.signal = request.signal;
      seen.form = (await request.formData()).getAll("choice").map(String);
      return Response.json({ ok: true });
    },
  };
  const route = (id: string, module: object) => ({ id, path: id, parentId: "root", module });
  return {
    mode: "production",
    entry: { module: { default: () => new Response("page") } },
    routes: {
      root: { id: "root", path: "", module: {} },
      slow: route("slow", slow),
      form: route("form", form),
    },
    assets: { entry: { module: "/e.js", imports: [] }, url: "/m.js", version: "1", routes: {} },
    publicPath: "/",
    assetsBuildDirectory: "build/client",
    future: {},
    isSpaMode: false,
  } as unknown as ServerBuild;
}

async function serve(seen: Parameters<typeof build>[0]) {
  const app = express();
  app.all("*", createRequestHandler({ build: build(seen), mode: "production" }));
  server = createServer(app);
  await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe("the signal of the Request Remix is given", () => {
  it("aborts when the client goes away before the answer", async () => {
    const seen: Parameters<typeof build>[0] = {};
    const base = await serve(seen);
    const client = new AbortController();
    const asking = fetch(`${base}/slow`, { signal: client.signal }).catch((e: Error) => e.name);
    await expect.poll(() => seen.signal).toBeDefined();
    expect(seen.signal!.aborted).toBe(false);
    client.abort();
    expect(await asking).toBe("AbortError");
    await expect.poll(() => seen.aborted, { timeout: 2000 }).toBe(true);
    expect(seen.signal!.aborted).toBe(true);
  });

  it("reads a posted form, and stays unaborted once the answer has gone", async () => {
    const seen: Parameters<typeof build>[0] = {};
    const base = await serve(seen);
    const res = await fetch(`${base}/form`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: "choice=3&choice=5",
    });
    expect(await res.json()).toEqual({ ok: true });
    expect(seen.form).toEqual(["3", "5"]);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(seen.signal!.aborted).toBe(false);
  });
});
